#include "format/records.h"

#include <cstring>

#include "format/coding.h"
#include "format/crc32c.h"

namespace evtape::format {

using coding::DecodeFixed32;
using coding::DecodeFixed64;
using coding::PutFixed32;
using coding::PutFixed64;

void EncodeRecordHeader(char* out, RecordType type, std::string_view body, uint32_t frame_count,
                        uint64_t first_seq, uint64_t frames_before) {
  EncodeRecordHeader(out, type, body.size(), crc32c::Value(body.data(), body.size()), frame_count,
                     first_seq, frames_before);
}

void EncodeRecordHeader(char* out, RecordType type, uint64_t body_len, uint32_t body_crc,
                        uint32_t frame_count, uint64_t first_seq, uint64_t frames_before) {
  coding::EncodeFixed32(out, kRecordMagic);
  out[4] = static_cast<char>(type);
  out[5] = 0;  // flags
  out[6] = out[7] = 0;  // reserved
  coding::EncodeFixed32(out + 8, static_cast<uint32_t>(body_len));
  coding::EncodeFixed32(out + 12, frame_count);
  coding::EncodeFixed64(out + 16, first_seq);
  coding::EncodeFixed64(out + 24, frames_before);
  coding::EncodeFixed32(out + 32, crc32c::Mask(body_crc));
  coding::EncodeFixed32(out + 36, crc32c::Mask(crc32c::Value(out, 36)));
}

void AppendRecord(std::string* dst, RecordType type, std::string_view body,
                  uint32_t frame_count, uint64_t first_seq, uint64_t frames_before) {
  char header[kRecordHeaderSize];
  EncodeRecordHeader(header, type, body, frame_count, first_seq, frames_before);
  dst->append(header, kRecordHeaderSize);
  dst->append(body);
}

bool ParseRecordHeader(const char* p, RecordHeader* out) {
  if (DecodeFixed32(p) != kRecordMagic) return false;
  if (crc32c::Unmask(DecodeFixed32(p + 36)) != crc32c::Value(p, 36)) return false;
  out->type = static_cast<uint8_t>(p[4]);
  out->flags = static_cast<uint8_t>(p[5]);
  out->body_len = DecodeFixed32(p + 8);
  out->frame_count = DecodeFixed32(p + 12);
  out->first_seq = DecodeFixed64(p + 16);
  out->frames_before = DecodeFixed64(p + 24);
  out->body_crc = DecodeFixed32(p + 32);
  return true;
}

bool BodyCrcMatches(const RecordHeader& h, std::string_view body) {
  return crc32c::Unmask(h.body_crc) == crc32c::Value(body.data(), body.size());
}

std::string EncodeFileHeader() {
  std::string s(kFileMagic, sizeof(kFileMagic));
  PutFixed32(&s, kFormatVersion);
  PutFixed32(&s, crc32c::Mask(crc32c::Value(s.data(), 12)));
  return s;
}

std::string CheckFileHeader(std::string_view b, bool* unsupported) {
  *unsupported = false;
  if (b.size() < kFileHeaderSize || std::memcmp(b.data(), kFileMagic, 8) != 0) {
    return "not an evtape segment (bad magic)";
  }
  if (crc32c::Unmask(DecodeFixed32(b.data() + 12)) != crc32c::Value(b.data(), 12)) {
    return "segment file header checksum mismatch";
  }
  uint32_t version = DecodeFixed32(b.data() + 8);
  if (version < kOldestReadableVersion || version > kFormatVersion) {
    *unsupported = true;
    return "unsupported segment format version " + std::to_string(version) +
           " (this evtape reads versions " + std::to_string(kOldestReadableVersion) + " to " +
           std::to_string(kFormatVersion) + ")";
  }
  return "";
}

bool FirstRecordIntact(std::string_view b) {
  RecordHeader h;
  return b.size() >= kFileHeaderSize + kRecordHeaderSize &&
         ParseRecordHeader(b.data() + kFileHeaderSize, &h);
}

std::string EncodeGapBody(const Gap& g) {
  std::string s;
  s.push_back(static_cast<char>(g.reason));
  s.push_back(static_cast<char>(g.count ? kGapCountKnown : 0));
  s.append(6, '\0');
  PutFixed64(&s, static_cast<uint64_t>(g.start_ns));
  PutFixed64(&s, static_cast<uint64_t>(g.end_ns));
  PutFixed64(&s, g.count.value_or(0));
  PutFixed64(&s, g.after_seq);
  std::string_view detail = std::string_view(g.detail).substr(0, kMaxGapDetail);
  coding::PutVarint64(&s, detail.size());
  s.append(detail);
  return s;
}

std::optional<Gap> DecodeGapBody(std::string_view body) {
  if (body.size() < kGapFixedSize) return std::nullopt;
  const char* p = body.data();
  Gap g;
  g.reason = static_cast<GapReason>(static_cast<uint8_t>(p[0]));
  bool known = (static_cast<uint8_t>(p[1]) & kGapCountKnown) != 0;
  g.start_ns = static_cast<int64_t>(DecodeFixed64(p + 8));
  g.end_ns = static_cast<int64_t>(DecodeFixed64(p + 16));
  uint64_t count = DecodeFixed64(p + 24);
  if (known) g.count = count;
  g.after_seq = DecodeFixed64(p + 32);
  coding::Decoder d(p + kGapFixedSize, p + body.size());
  std::string_view detail;
  if (!d.GetLengthPrefixed(&detail) || detail.size() > kMaxGapDetail || d.remaining() != 0) {
    return std::nullopt;
  }
  g.detail = std::string(detail);
  return g;
}

std::string EncodeMetadataBody(const Metadata& m) { return MetadataToJson(m).dump(); }

std::optional<Metadata> DecodeMetadataBody(std::string_view body) {
  auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::nullopt;
  return MetadataFromJson(j);
}

std::string EncodeTrailer(uint64_t footer_offset) {
  std::string s;
  PutFixed64(&s, footer_offset);
  PutFixed32(&s, 0);
  PutFixed32(&s, crc32c::Mask(crc32c::Value(s.data(), 12)));
  s.append(kTrailerMagic, sizeof(kTrailerMagic));
  return s;
}

std::optional<uint64_t> DecodeTrailer(std::string_view b) {
  if (b.size() != kTrailerSize || std::memcmp(b.data() + 16, kTrailerMagic, 8) != 0) {
    return std::nullopt;
  }
  if (crc32c::Unmask(DecodeFixed32(b.data() + 12)) != crc32c::Value(b.data(), 12)) {
    return std::nullopt;
  }
  return DecodeFixed64(b.data());
}

}  // namespace evtape::format
