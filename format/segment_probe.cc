// The footer and metadata of a segment without reading it through (segment_reader.h): for
// listing a recording, resuming after a crash and `info` on sealed segments.
#include "format/records.h"
#include "format/segment_format.h"
#include "format/segment_reader.h"

namespace evtape::format {

Result<std::optional<Footer>> ReadFooter(FileSystem* fs, const std::string& path) {
  EVTAPE_ASSIGN_OR_RETURN(auto file, fs->NewRandomAccessFile(path));
  EVTAPE_ASSIGN_OR_RETURN(uint64_t size, file->Size());
  if (size < kFileHeaderSize + kRecordHeaderSize + kTrailerSize) return std::optional<Footer>();
  std::string buf;
  EVTAPE_RETURN_IF_ERROR(file->Read(size - kTrailerSize, kTrailerSize, &buf));
  auto offset = DecodeTrailer(buf);
  if (!offset || *offset < kFileHeaderSize || *offset > size - kTrailerSize - kRecordHeaderSize) {
    return std::optional<Footer>();
  }
  EVTAPE_RETURN_IF_ERROR(file->Read(*offset, kRecordHeaderSize, &buf));
  RecordHeader h;
  if (buf.size() != kRecordHeaderSize || !ParseRecordHeader(buf.data(), &h) ||
      h.type != static_cast<uint8_t>(RecordType::kFooter) || h.body_len > kMaxFooterBytes ||
      *offset + kRecordHeaderSize + h.body_len + kTrailerSize != size) {
    return std::optional<Footer>();
  }
  EVTAPE_RETURN_IF_ERROR(file->Read(*offset + kRecordHeaderSize, h.body_len, &buf));
  if (buf.size() != h.body_len || !BodyCrcMatches(h, buf)) return std::optional<Footer>();
  return DecodeFooterBody(buf);
}

Result<Metadata> ReadMetadata(FileSystem* fs, const std::string& path) {
  EVTAPE_ASSIGN_OR_RETURN(auto file, fs->NewRandomAccessFile(path));
  std::string buf;
  EVTAPE_RETURN_IF_ERROR(file->Read(0, kFileHeaderSize + kRecordHeaderSize, &buf));
  bool unsupported = false;
  std::string why = CheckFileHeader(buf, &unsupported);
  if (unsupported) return Status::NotSupported(path + ": " + why);
  if (!why.empty() && !FirstRecordIntact(buf)) return Status::Corruption(path + ": " + why);
  RecordHeader h;
  if (buf.size() < kFileHeaderSize + kRecordHeaderSize ||
      !ParseRecordHeader(buf.data() + kFileHeaderSize, &h) ||
      h.type != static_cast<uint8_t>(RecordType::kMetadata) || h.body_len > kMaxMetadataBytes) {
    return Status::Corruption(path + ": missing or damaged metadata record");
  }
  EVTAPE_RETURN_IF_ERROR(file->Read(kFileHeaderSize + kRecordHeaderSize, h.body_len, &buf));
  auto m =
      buf.size() == h.body_len && BodyCrcMatches(h, buf) ? DecodeMetadataBody(buf) : std::nullopt;
  if (!m) return Status::Corruption(path + ": missing or damaged metadata record");
  return std::move(*m);
}

}  // namespace evtape::format
