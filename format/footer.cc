// Footer body: a binary chunk index (compact, read by every `info` and time seek) followed by
// a JSON summary (subjects, caller statistics), which keeps the footer extensible.
#include "format/coding.h"
#include "format/records.h"

namespace evtape::format {

using coding::PutVarint64;
using coding::UnZigZag;
using coding::ZigZag;

namespace {

constexpr uint32_t kFooterVersion = 1;
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
    PutVarint64(&s, ZigZag(c.last_time_ns - c.first_time_ns));
  }
  PutVarint64(&s, f.gaps.size());
  for (const auto& g : f.gaps) {
    std::string body = EncodeGapBody(g);
    PutVarint64(&s, body.size());
    s += body;
  }
  nlohmann::json subjects = nlohmann::json::array();
  for (const auto& [name, st] : f.subjects) subjects.push_back({name, st.frames, st.raw_bytes});
  nlohmann::json summary = {
      {"subjects", subjects}, {"subjects_truncated", f.subjects_truncated}, {"extra", f.extra}};
  std::string js = summary.dump();
  PutVarint64(&s, js.size());
  s += js;
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

bool DecodeSummary(std::string_view js, Footer* f) {
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

}  // namespace

std::optional<Footer> DecodeFooterBody(std::string_view body) {
  coding::Decoder d(body);
  uint32_t version;
  if (!d.GetFixed32(&version) || version != kFooterVersion) return std::nullopt;
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
  std::string_view js;
  if (!d.GetLengthPrefixed(&js) || d.remaining() != 0 || !DecodeSummary(js, &f)) {
    return std::nullopt;
  }
  return f;
}

}  // namespace evtape::format
