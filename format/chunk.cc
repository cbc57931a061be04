#include "format/chunk.h"

#include <zstd.h>

#include <algorithm>

#include "format/coding.h"
#include "format/crc32c.h"

namespace evtape::format {

using coding::PutVarint64;
using coding::ZigZag;

namespace {

void FillChunkHeader(char* h, Codec codec, const ClosedChunk& c) {
  std::fill(h, h + kChunkHeaderSize, '\0');
  h[0] = static_cast<char>(codec);
  h[1] = static_cast<char>(c.layout);
  coding::EncodeFixed32(h + 4, static_cast<uint32_t>(c.buf.size() - kChunkHeaderSize));
  coding::EncodeFixed32(h + 8, crc32c::Mask(c.content_crc));
  coding::EncodeFixed64(h + 16, c.summary.last_seq);
  coding::EncodeFixed64(h + 24, static_cast<uint64_t>(c.summary.first_time_ns));
  coding::EncodeFixed64(h + 32, static_cast<uint64_t>(c.summary.last_time_ns));
}

}  // namespace

std::string_view ClosedChunk::content() const {
  return std::string_view(buf).substr(kChunkHeaderSize);
}

// The columnar sections (FORMAT.md): payloads first, then these, then the table.
enum Section : int {
  kPayloads, kSubjects, kReplies, kHeaders, kSeq, kTime, kMono,
  kSubjectLen, kReplyLen, kHeaderLen, kPayloadLen, kGroup,
};

ChunkEncoder::ChunkEncoder(bool group_payloads)
    : raw_(kChunkHeaderSize, '\0'), group_payloads_(group_payloads) {}

uint32_t ChunkEncoder::GroupOf(std::string_view subject) {
  if (!groups_.empty() && subject == last_subject_) return last_group_;
  auto it = group_of_.find(std::string(subject));
  if (it == group_of_.end()) {
    it = group_of_.emplace(std::string(subject), static_cast<uint32_t>(groups_.size())).first;
    groups_.emplace_back();
  }
  last_subject_.assign(subject);
  last_group_ = it->second;
  return last_group_;
}

void ChunkEncoder::Add(const FrameView& f) {
  if (summary_.frame_count == 0) {
    summary_.first_seq = f.seq;
    summary_.first_time_ns = f.time_ns;
    prev_seq_ = f.seq;
    prev_time_ = f.time_ns;
    prev_mono_ = f.time_ns;  // the first frame's mono is stored against its realtime
  }
  size_t grown = f.RawSize();
  auto put = [this, &grown](int section, uint64_t v) {
    const size_t n = sections_[section].size();
    PutVarint64(&sections_[section], v);
    grown += sections_[section].size() - n;
  };
  // Differences in unsigned arithmetic: defined for any pair of times (they wrap, and the
  // decoder's additions wrap back exactly).
  const uint64_t dtime = static_cast<uint64_t>(f.time_ns) - static_cast<uint64_t>(prev_time_);
  const uint64_t dmono = static_cast<uint64_t>(f.mono_ns) - static_cast<uint64_t>(prev_mono_);
  put(kSeq, f.seq - prev_seq_);
  put(kTime, ZigZag(static_cast<int64_t>(dtime)));
  // The two clocks are read back to back: their deltas differ by a few hundred ns at most.
  put(kMono, ZigZag(static_cast<int64_t>(dmono - dtime)));
  put(kSubjectLen, f.subject.size());
  put(kReplyLen, f.reply.size());
  put(kHeaderLen, f.headers.size());
  put(kPayloadLen, f.payload.size());
  sections_[kSubjects].append(f.subject);
  sections_[kReplies].append(f.reply);
  sections_[kHeaders].append(f.headers);
  if (group_payloads_) {
    const uint32_t g = GroupOf(f.subject);
    put(kGroup, g);
    groups_[g].append(f.payload);
  } else {
    raw_.append(f.payload);
  }
  size_ += grown;
  prev_seq_ = f.seq;
  prev_time_ = f.time_ns;
  prev_mono_ = f.mono_ns;
  summary_.last_seq = f.seq;
  summary_.last_time_ns = f.time_ns;
  summary_.frame_count++;
  summary_.raw_bytes += f.RawSize();
}

void ChunkEncoder::Close(ClosedChunk* out) {
  if (group_payloads_) {
    for (auto& g : groups_) raw_.append(g);
  }
  const uint32_t payload_bytes = static_cast<uint32_t>(raw_.size() - kChunkHeaderSize);
  for (int s = kSubjects; s < kColumnSections; ++s) raw_.append(sections_[s]);
  char table[kColumnTableSize];
  coding::EncodeFixed32(table, payload_bytes);
  for (int s = kSubjects; s < kColumnSections; ++s) {
    coding::EncodeFixed32(table + 4 * s, static_cast<uint32_t>(sections_[s].size()));
  }
  table[4 * kColumnSections] = static_cast<char>(group_payloads_ ? kColumnsGrouped : 0);
  table[4 * kColumnSections + 1] = static_cast<char>(kColumnTableVersion);
  raw_.append(table, kColumnTableSize);
  out->summary = summary_;
  out->layout = ChunkLayout::kColumns;
  out->content_crc = crc32c::Value(raw_.data() + kChunkHeaderSize, raw_.size() - kChunkHeaderSize);
  std::swap(out->buf, raw_);
  raw_.assign(kChunkHeaderSize, '\0');  // keeps the capacity of the buffer swapped in
  for (auto& s : sections_) s.clear();
  for (auto& g : groups_) g.clear();
  groups_.clear();
  group_of_.clear();
  size_ = 0;
  summary_ = ChunkSummary{};
}

ChunkCompressor::ChunkCompressor(int zstd_level) : level_(zstd_level), cctx_(ZSTD_createCCtx()) {}
ChunkCompressor::~ChunkCompressor() { ZSTD_freeCCtx(cctx_); }

bool ChunkCompressor::Compress(const ClosedChunk& chunk, std::string* body) {
  std::string_view content = chunk.content();
  const size_t bound = ZSTD_compressBound(content.size());
  body->resize(kChunkHeaderSize + bound);
  size_t n = ZSTD_compressCCtx(cctx_, body->data() + kChunkHeaderSize, bound, content.data(),
                               content.size(), level_);
  if (ZSTD_isError(n) || n >= content.size()) return false;  // store it as is
  body->resize(kChunkHeaderSize + n);
  FillChunkHeader(body->data(), Codec::kZstd, chunk);
  return true;
}

std::string_view StoredBody(ClosedChunk* chunk, uint32_t* body_crc) {
  FillChunkHeader(chunk->buf.data(), Codec::kNone, *chunk);
  *body_crc = crc32c::Combine(crc32c::Value(chunk->buf.data(), kChunkHeaderSize),
                              chunk->content_crc, chunk->buf.size() - kChunkHeaderSize);
  return chunk->buf;
}

ChunkDecoder::ChunkDecoder() : dctx_(ZSTD_createDCtx()), raw_(std::make_unique<std::string>()) {}
ChunkDecoder::~ChunkDecoder() { ZSTD_freeDCtx(dctx_); }

std::string ChunkDecoder::Decode(const RecordHeader& h, std::string_view body,
                                 uint64_t max_raw_bytes, std::vector<FrameView>* frames,
                                 const Checks& checks) {
  frames->clear();
  if (body.size() < kChunkHeaderSize) return "chunk too short";
  const char* p = body.data();
  auto codec = static_cast<Codec>(static_cast<uint8_t>(p[0]));
  const auto layout = static_cast<ChunkLayout>(static_cast<uint8_t>(p[1]));
  if (layout != ChunkLayout::kRows && layout != ChunkLayout::kColumns) return "unknown layout";
  uint32_t raw_len = coding::DecodeFixed32(p + 4);
  uint32_t raw_crc = crc32c::Unmask(coding::DecodeFixed32(p + 8));
  uint64_t last_seq = coding::DecodeFixed64(p + 16);
  auto first_time = static_cast<int64_t>(coding::DecodeFixed64(p + 24));
  auto last_time = static_cast<int64_t>(coding::DecodeFixed64(p + 32));
  if (raw_len > max_raw_bytes) return "chunk raw length over cap";
  std::string_view stored = body.substr(kChunkHeaderSize);
  std::string_view raw;
  bool check_raw = true;
  if (codec == Codec::kNone) {
    if (stored.size() != raw_len) return "stored length mismatch";
    raw = stored;
    if (checks.stored_crc) {  // the content is the stored bytes: their CRC is known
      if (*checks.stored_crc != raw_crc) return "raw crc mismatch";
      check_raw = false;
    }
  } else if (codec == Codec::kZstd) {
    check_raw = checks.zstd_content;
    unsigned long long content = ZSTD_getFrameContentSize(stored.data(), stored.size());
    if (content != raw_len) return "zstd content size mismatch";
    raw_->resize(raw_len);
    size_t n = ZSTD_decompressDCtx(dctx_, raw_->data(), raw_->size(), stored.data(), stored.size());
    if (ZSTD_isError(n)) return std::string("zstd: ") + ZSTD_getErrorName(n);
    if (n != raw_len) return "zstd content size mismatch";
    raw = *raw_;
  } else {
    return "unknown codec";
  }
  if (check_raw && crc32c::Value(raw.data(), raw.size()) != raw_crc) return "raw crc mismatch";
  std::string why = layout == ChunkLayout::kRows
                        ? ParseRows(h, raw, last_seq, first_time, last_time, frames)
                        : ParseColumns(h, raw, last_seq, first_time, last_time, frames);
  if (!why.empty()) frames->clear();
  return why;
}

std::unique_ptr<std::string> ChunkDecoder::SwapBuffer(std::unique_ptr<std::string> fresh) {
  if (!fresh) fresh = std::make_unique<std::string>();
  std::swap(raw_, fresh);
  return fresh;
}

std::string ChunkDecoder::ParseRows(const RecordHeader& h, std::string_view raw,
                                    uint64_t last_seq, int64_t first_time, int64_t last_time,
                                    std::vector<FrameView>* out) {
  if (h.frame_count == 0 || h.frame_count > kMaxFramesPerChunk) return "bad frame count";
  // Each frame takes at least 7 bytes, so the count is bounded by the content before reserve.
  if (h.frame_count > raw.size() / 7) return "frame count mismatch";
  out->reserve(h.frame_count);
  coding::Decoder d(raw);
  uint64_t seq = h.first_seq;
  int64_t time = first_time, mono = 0;
  for (uint32_t i = 0; i < h.frame_count; ++i) {
    uint64_t dseq, dtime, dmono;
    if (!d.GetVarint64(&dseq) || !d.GetVarint64(&dtime) || !d.GetVarint64(&dmono)) {
      return "frame count mismatch";
    }
    if ((i == 0) != (dseq == 0)) return "sequence not increasing";
    seq += dseq;
    time = static_cast<int64_t>(static_cast<uint64_t>(time) +
                                static_cast<uint64_t>(coding::UnZigZag(dtime)));
    mono = static_cast<int64_t>(static_cast<uint64_t>(mono) +
                                static_cast<uint64_t>(coding::UnZigZag(dmono)));
    FrameView f{seq, time, mono, {}, {}, {}, {}};
    if (!d.GetLengthPrefixed(&f.subject) || !d.GetLengthPrefixed(&f.reply) ||
        !d.GetLengthPrefixed(&f.headers) || !d.GetLengthPrefixed(&f.payload)) {
      return "frame count mismatch";
    }
    out->push_back(f);
  }
  if (d.remaining() != 0) return "frame count mismatch";
  if (seq != last_seq || time != last_time) return "chunk summary mismatch";
  return "";
}

namespace {

// The columnar sections of a chunk's content, checked against its size.
struct Columns {
  std::array<std::string_view, kColumnSections> section;
  bool grouped = false;
};

bool SplitColumns(std::string_view raw, Columns* out) {
  if (raw.size() < kColumnTableSize) return false;
  const char* table = raw.data() + raw.size() - kColumnTableSize;
  if (static_cast<uint8_t>(table[4 * kColumnSections + 1]) != kColumnTableVersion) return false;
  const auto flags = static_cast<uint8_t>(table[4 * kColumnSections]);
  if ((flags & ~kColumnsGrouped) != 0) return false;
  out->grouped = (flags & kColumnsGrouped) != 0;
  uint64_t pos = 0;
  const uint64_t limit = raw.size() - kColumnTableSize;
  for (int s = 0; s < kColumnSections; ++s) {
    const uint64_t n = coding::DecodeFixed32(table + 4 * s);
    if (n > limit - pos) return false;
    out->section[s] = raw.substr(pos, n);
    pos += n;
  }
  return pos == limit && (out->grouped || out->section[kGroup].empty());
}

// Takes n bytes off the front of *blob.
bool Take(std::string_view* blob, uint64_t n, std::string_view* out) {
  if (n > blob->size()) return false;
  *out = blob->substr(0, n);
  blob->remove_prefix(n);
  return true;
}

// Where each frame's payload starts when payloads are grouped by subject: every group's
// payloads are contiguous, groups in the order of their index.
bool GroupOffsets(std::string_view group_col, std::string_view len_col, uint32_t frames,
                  uint64_t payload_bytes, std::vector<uint64_t>* group,
                  std::vector<uint64_t>* start) {
  coding::Decoder g(group_col), l(len_col);
  group->assign(frames, 0);
  start->assign(frames, 0);
  std::vector<uint64_t> total;
  for (uint32_t i = 0; i < frames; ++i) {
    uint64_t gi, len;
    if (!g.GetVarint64(&gi) || !l.GetVarint64(&len) || gi >= frames || len > payload_bytes) {
      return false;
    }
    if (gi >= total.size()) total.resize(gi + 1, 0);
    (*group)[i] = gi;
    (*start)[i] = total[gi];  // offset within its group for now
    total[gi] += len;
  }
  if (g.remaining() != 0) return false;
  uint64_t base = 0;
  for (uint64_t& t : total) {
    const uint64_t n = t;
    t = base;
    base += n;
  }
  if (base != payload_bytes) return false;
  for (uint32_t i = 0; i < frames; ++i) (*start)[i] += total[(*group)[i]];
  return true;
}

}  // namespace

std::string ChunkDecoder::ParseColumns(const RecordHeader& h, std::string_view raw,
                                       uint64_t last_seq, int64_t first_time, int64_t last_time,
                                       std::vector<FrameView>* out) {
  if (h.frame_count == 0 || h.frame_count > kMaxFramesPerChunk) return "bad frame count";
  Columns c;
  if (!SplitColumns(raw, &c)) return "bad column table";
  // Each frame has at least one byte in each of the seven number columns.
  if (h.frame_count > c.section[kSeq].size()) return "frame count mismatch";
  if (c.grouped && !GroupOffsets(c.section[kGroup], c.section[kPayloadLen], h.frame_count,
                                 c.section[kPayloads].size(), &scratch_a_, &scratch_b_)) {
    return "bad payload groups";
  }
  out->reserve(h.frame_count);
  coding::Decoder seq_d(c.section[kSeq]), time_d(c.section[kTime]), mono_d(c.section[kMono]);
  coding::Decoder sl(c.section[kSubjectLen]), rl(c.section[kReplyLen]);
  coding::Decoder hl(c.section[kHeaderLen]), pl(c.section[kPayloadLen]);
  std::string_view subjects = c.section[kSubjects], replies = c.section[kReplies];
  std::string_view headers = c.section[kHeaders], payloads = c.section[kPayloads];
  uint64_t seq = h.first_seq, time = static_cast<uint64_t>(first_time), mono = time;
  for (uint32_t i = 0; i < h.frame_count; ++i) {
    uint64_t dseq, dtime, dmono, ns, nr, nh, np;
    if (!seq_d.GetVarint64(&dseq) || !time_d.GetVarint64(&dtime) || !mono_d.GetVarint64(&dmono) ||
        !sl.GetVarint64(&ns) || !rl.GetVarint64(&nr) || !hl.GetVarint64(&nh) ||
        !pl.GetVarint64(&np)) {
      return "frame count mismatch";
    }
    if ((i == 0) != (dseq == 0)) return "sequence not increasing";
    seq += dseq;
    const uint64_t step = static_cast<uint64_t>(coding::UnZigZag(dtime));
    time += step;
    mono += step + static_cast<uint64_t>(coding::UnZigZag(dmono));
    FrameView f{seq, static_cast<int64_t>(time), static_cast<int64_t>(mono), {}, {}, {}, {}};
    if (!Take(&subjects, ns, &f.subject) || !Take(&replies, nr, &f.reply) ||
        !Take(&headers, nh, &f.headers)) {
      return "field lengths mismatch";
    }
    if (c.grouped) {
      const uint64_t at = scratch_b_[i];
      if (at > c.section[kPayloads].size() || np > c.section[kPayloads].size() - at) {
        return "field lengths mismatch";
      }
      f.payload = c.section[kPayloads].substr(at, np);
    } else if (!Take(&payloads, np, &f.payload)) {
      return "field lengths mismatch";
    }
    out->push_back(f);
  }
  const bool all_read = seq_d.remaining() == 0 && time_d.remaining() == 0 &&
                        mono_d.remaining() == 0 && sl.remaining() == 0 && rl.remaining() == 0 &&
                        hl.remaining() == 0 && pl.remaining() == 0 && subjects.empty() &&
                        replies.empty() && headers.empty() && (c.grouped || payloads.empty());
  if (!all_read) return "frame count mismatch";
  if (seq != last_seq || static_cast<int64_t>(time) != last_time) return "chunk summary mismatch";
  return "";
}

}  // namespace evtape::format
