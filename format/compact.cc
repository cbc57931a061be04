#include "format/compact.h"

#include "format/recording.h"
#include "format/segment_reader.h"
#include "format/segment_writer.h"

namespace evtape::format {
namespace {

constexpr uint64_t kSmallChunkBytes = 1u << 20;
constexpr const char* kCompactedKey = "compacted";

// Writes every entry of `in` to `out`; Cancelled when asked between chunks.
Status Copy(SegmentReader* in, SegmentWriter* out, const std::atomic<bool>* cancel) {
  Entry e;
  uint64_t since_check = 0;
  for (;;) {
    EVTAPE_ASSIGN_OR_RETURN(bool more, in->Next(&e));
    if (!more) return Status::Ok();
    if (e.kind == Entry::Kind::kGap) {
      EVTAPE_RETURN_IF_ERROR(out->AddGap(e.gap));
    } else {
      EVTAPE_RETURN_IF_ERROR(out->Add(e.frame));
    }
    if (++since_check >= 1024) {
      since_check = 0;
      if (cancel != nullptr && cancel->load()) return Status::Cancelled("compaction cancelled");
    }
  }
}

// Reads `path` in strict mode and writes it to path + kCompactingSuffix, sealed.
Status WriteCompacted(FileSystem* fs, const std::string& path, const Metadata& metadata,
                      const Footer& footer, const CompactOptions& options) {
  ReaderOptions ro;  // strict: damage is not compacted away
  EVTAPE_ASSIGN_OR_RETURN(auto reader, SegmentReader::Open(fs, path, ro));
  WriterOptions wo;
  wo.zstd_level = options.zstd_level;
  wo.chunk_bytes = options.chunk_bytes;
  wo.group_payloads = options.group_payloads;
  wo.temp_suffix = kCompactingSuffix;
  Metadata md = metadata;
  md.extra[kCompactedKey] = true;
  EVTAPE_ASSIGN_OR_RETURN(auto writer, SegmentWriter::Create(fs, path, md, wo));
  EVTAPE_RETURN_IF_ERROR(Copy(reader.get(), writer.get(), options.cancel));
  if (reader->stats().issues > 0 || !reader->stats().sealed) {
    return Status::Corruption(path + ": does not read back cleanly; not compacted");
  }
  // Sealing renames the copy (path + kCompactingSuffix) to `path`: it replaces the segment
  // atomically, and then syncs the directory.
  return writer->Seal(footer.extra);
}

}  // namespace

bool WorthCompacting(const Metadata& metadata, const Footer& footer) {
  if (auto c = metadata.extra.find(kCompactedKey); c != metadata.extra.end() && c->is_boolean() &&
                                                   c->get<bool>()) {
    return false;
  }
  if (footer.chunks.size() <= 1 && footer.frames == 0) return false;
  uint64_t raw = 0, stored = 0;
  for (const auto& c : footer.chunks) {
    raw += c.raw_bytes;
    stored += c.stored_bytes;
  }
  const bool small_chunks = footer.chunks.size() > 1 && raw / footer.chunks.size() < kSmallChunkBytes;
  const bool barely_compressed = stored * 2 > raw;  // stored to keep up, or level-1 small chunks
  return small_chunks || barely_compressed;
}

Result<CompactResult> CompactSegment(FileSystem* fs, const std::string& path,
                                     const CompactOptions& options, bool force) {
  CompactResult result;
  EVTAPE_ASSIGN_OR_RETURN(std::optional<Footer> footer, ReadFooter(fs, path));
  if (!footer) return Status::InvalidArgument(path + ": not sealed; only sealed segments are compacted");
  EVTAPE_ASSIGN_OR_RETURN(Metadata metadata, ReadMetadata(fs, path));
  EVTAPE_ASSIGN_OR_RETURN(auto before, fs->NewRandomAccessFile(path));
  EVTAPE_ASSIGN_OR_RETURN(result.bytes_before, before->Size());
  before.reset();
  if (!force && !WorthCompacting(metadata, *footer)) return result;
  const std::string temp = path + kCompactingSuffix;
  (void)fs->Remove(temp);  // a leftover of a crash
  Status s = WriteCompacted(fs, path, metadata, *footer, options);
  if (!s.ok()) {
    (void)fs->Remove(temp);
    return s;
  }
  EVTAPE_ASSIGN_OR_RETURN(auto after, fs->NewRandomAccessFile(path));
  EVTAPE_ASSIGN_OR_RETURN(result.bytes_after, after->Size());
  result.compacted = true;
  return result;
}

Status RemoveCompactionLeftovers(FileSystem* fs, const std::string& dir) {
  EVTAPE_ASSIGN_OR_RETURN(auto names, fs->ListDir(dir));
  for (const auto& name : names) {
    if (IsCompactionTemp(name)) EVTAPE_RETURN_IF_ERROR(fs->Remove(JoinPath(dir, name)));
  }
  return Status::Ok();
}

}  // namespace evtape::format
