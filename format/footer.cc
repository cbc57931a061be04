// Footer body: a binary chunk index (compact, read by every `info` and time seek) followed by
// a summary: version 1 a JSON object (subjects, caller statistics); version 2 a binary subject
// table (subjects are any bytes a server accepts, not always valid UTF-8) and the caller's JSON
// statistics, compressed together with zstd (per-host statistics of a small recording would
// otherwise weigh as much as its frames).
#include <zstd.h>

#include "format/coding.h"
#include "format/records.h"

namespace evtape::format {

using coding::PutVarint64;
using coding::UnZigZag;
using coding::ZigZag;

namespace {

constexpr uint32_t kFooterVersion = 2;
constexpr uint8_t kSummaryStored = 0, kSummaryZstd = 1;
constexpr int kSummaryZstdLevel = 19;  // a few KiB: level 19 costs milliseconds
constexpr size_t kMinChunkEntryBytes = 7;  // seven varints of at least one byte
constexpr size_t kMinGapEntryBytes = 1 + kGapFixedSize + 1;

}  // namespace

std::string EncodeFooterBody(const Footer& f) {
  std::string s;
  coding::PutFixed32(&s, kFooterVersion);
  PutVarint64(&s, f.frames);
  PutVarint64(&s, f.first_seq);
  PutVarint64(&s, f.last_seq);
  PutVarint64(&s, ZigZag(f.first_time_ns));
  PutVarint64(&s, ZigZag(f.last_time_ns));
  PutVarint64(&s, f.raw_bytes);
  PutVarint64(&s, f.chunks.size());
  for (const auto& c : f.chunks) {
    PutVarint64(&s, c.offset);
    PutVarint64(&s, c.stored_bytes);
    PutVarint64(&s, c.raw_bytes);
    PutVarint64(&s, c.first_seq);
    PutVarint64(&s, c.frame_count);
    PutVarint64(&s, ZigZag(c.first_time_ns));
    // Modulo 2^64, as DecodeChunks adds it back: frame times are any int64, and their
    // difference need not fit one.
    PutVarint64(&s, ZigZag(static_cast<int64_t>(static_cast<uint64_t>(c.last_time_ns) -
                                                static_cast<uint64_t>(c.first_time_ns))));
  }
  PutVarint64(&s, f.gaps.size());
  for (const auto& g : f.gaps) {
    std::string body = EncodeGapBody(g);
    PutVarint64(&s, body.size());
    s += body;
  }
  std::string summary;
  PutVarint64(&summary, f.subjects.size());
  for (const auto& [name, st] : f.subjects) {
    PutVarint64(&summary, name.size());
    summary += name;
    PutVarint64(&summary, st.frames);
    PutVarint64(&summary, st.raw_bytes);
  }
  summary.push_back(f.subjects_truncated ? 1 : 0);
  // Never throws: bytes that are not UTF-8 in the caller's keys become U+FFFD.
  std::string js = f.extra.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  PutVarint64(&summary, js.size());
  summary += js;
  std::string packed(ZSTD_compressBound(summary.size()), '\0');
  size_t n = ZSTD_compress(packed.data(), packed.size(), summary.data(), summary.size(),
                           kSummaryZstdLevel);
  const bool zstd = !ZSTD_isError(n) && n < summary.size();
  s.push_back(static_cast<char>(zstd ? kSummaryZstd : kSummaryStored));
  PutVarint64(&s, summary.size());
  if (zstd) packed.resize(n);
  const std::string& body = zstd ? packed : summary;
  PutVarint64(&s, body.size());
  s += body;
  return s;
}

namespace {

bool DecodeChunks(coding::Decoder* d, Footer* f) {
  uint64_t n;
  if (!d->GetVarint64(&n) || n > d->remaining() / kMinChunkEntryBytes) return false;
  f->chunks.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    ChunkIndexEntry c;
    uint64_t count, t0, dt;
    if (!d->GetVarint64(&c.offset) || !d->GetVarint64(&c.stored_bytes) ||
        !d->GetVarint64(&c.raw_bytes) || !d->GetVarint64(&c.first_seq) ||
        !d->GetVarint64(&count) || !d->GetVarint64(&t0) || !d->GetVarint64(&dt) ||
        count > kMaxFramesPerChunk) {
      return false;
    }
    c.frame_count = static_cast<uint32_t>(count);
    c.first_time_ns = UnZigZag(t0);
    c.last_time_ns = static_cast<int64_t>(static_cast<uint64_t>(c.first_time_ns) +
                                          static_cast<uint64_t>(UnZigZag(dt)));
    f->chunks.push_back(c);
  }
  return true;
}

bool DecodeSummaryV1(std::string_view js, Footer* f) {
  auto j = nlohmann::json::parse(js, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return false;
  auto subjects = j.find("subjects");
  if (subjects == j.end() || !subjects->is_array()) return false;
  for (const auto& e : *subjects) {
    if (!e.is_array() || e.size() != 3 || !e[0].is_string() || !e[1].is_number_unsigned() ||
        !e[2].is_number_unsigned()) {
      return false;
    }
    f->subjects.emplace_back(e[0].get<std::string>(),
                             SubjectStats{e[1].get<uint64_t>(), e[2].get<uint64_t>()});
  }
  auto trunc = j.find("subjects_truncated");
  f->subjects_truncated = trunc != j.end() && trunc->is_boolean() && trunc->get<bool>();
  if (auto e = j.find("extra"); e != j.end() && e->is_object()) f->extra = *e;
  return true;
}

bool DecodeSummaryV2(coding::Decoder* d, Footer* f) {
  if (d->remaining() < 1) return false;
  const auto codec = static_cast<uint8_t>(*d->position());
  std::string_view skip;
  uint64_t raw_len;
  std::string_view stored;
  if (!d->GetFixedBytes(1, &skip) || !d->GetVarint64(&raw_len) || !d->GetLengthPrefixed(&stored) ||
      d->remaining() != 0 || raw_len > kMaxFooterBytes) {
    return false;
  }
  std::string raw;
  if (codec == kSummaryZstd) {
    if (ZSTD_getFrameContentSize(stored.data(), stored.size()) != raw_len) return false;
    raw.resize(raw_len);
    size_t n = ZSTD_decompress(raw.data(), raw.size(), stored.data(), stored.size());
    if (ZSTD_isError(n) || n != raw_len) return false;
  } else if (codec == kSummaryStored && stored.size() == raw_len) {
    raw.assign(stored);
  } else {
    return false;
  }
  coding::Decoder s(raw);
  uint64_t count;
  if (!s.GetVarint64(&count) || count > s.remaining() / 3) return false;
  for (uint64_t i = 0; i < count; ++i) {
    std::string_view name;
    SubjectStats st;
    if (!s.GetLengthPrefixed(&name) || !s.GetVarint64(&st.frames) || !s.GetVarint64(&st.raw_bytes)) {
      return false;
    }
    f->subjects.emplace_back(std::string(name), st);
  }
  std::string_view truncated, js;
  if (!s.GetFixedBytes(1, &truncated) || !s.GetLengthPrefixed(&js) || s.remaining() != 0) {
    return false;
  }
  f->subjects_truncated = truncated[0] != 0;
  auto extra = nlohmann::json::parse(js, nullptr, false);
  if (extra.is_discarded() || !extra.is_object()) return false;
  f->extra = std::move(extra);
  return true;
}

}  // namespace

std::optional<Footer> DecodeFooterBody(std::string_view body) {
  coding::Decoder d(body);
  uint32_t version;
  if (!d.GetFixed32(&version) || version < 1 || version > kFooterVersion) return std::nullopt;
  Footer f;
  uint64_t t0, t1;
  if (!d.GetVarint64(&f.frames) || !d.GetVarint64(&f.first_seq) || !d.GetVarint64(&f.last_seq) ||
      !d.GetVarint64(&t0) || !d.GetVarint64(&t1) || !d.GetVarint64(&f.raw_bytes)) {
    return std::nullopt;
  }
  f.first_time_ns = UnZigZag(t0);
  f.last_time_ns = UnZigZag(t1);
  if (!DecodeChunks(&d, &f)) return std::nullopt;
  uint64_t gaps;
  if (!d.GetVarint64(&gaps) || gaps > d.remaining() / kMinGapEntryBytes) return std::nullopt;
  for (uint64_t i = 0; i < gaps; ++i) {
    std::string_view gb;
    if (!d.GetLengthPrefixed(&gb)) return std::nullopt;
    auto g = DecodeGapBody(gb);
    if (!g) return std::nullopt;
    f.gaps.push_back(std::move(*g));
  }
  if (version == 1) {
    std::string_view js;
    if (!d.GetLengthPrefixed(&js) || d.remaining() != 0 || !DecodeSummaryV1(js, &f)) {
      return std::nullopt;
    }
  } else if (!DecodeSummaryV2(&d, &f)) {
    return std::nullopt;
  }
  return f;
}

}  // namespace evtape::format
