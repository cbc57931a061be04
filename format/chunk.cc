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

ChunkEncoder::ChunkEncoder() : raw_(kChunkHeaderSize, '\0') {}

void ChunkEncoder::Add(const FrameView& f) {
  if (summary_.frame_count == 0) {
    summary_.first_seq = f.seq;
    summary_.first_time_ns = f.time_ns;
    prev_seq_ = f.seq;
    prev_time_ = f.time_ns;
    prev_mono_ = 0;
  }
  PutVarint64(&raw_, f.seq - prev_seq_);
  PutVarint64(&raw_, ZigZag(f.time_ns - prev_time_));
  PutVarint64(&raw_, ZigZag(f.mono_ns - prev_mono_));
  for (std::string_view field : {f.subject, f.reply, f.headers, f.payload}) {
    PutVarint64(&raw_, field.size());
    raw_.append(field);
  }
  prev_seq_ = f.seq;
  prev_time_ = f.time_ns;
  prev_mono_ = f.mono_ns;
  summary_.last_seq = f.seq;
  summary_.last_time_ns = f.time_ns;
  summary_.frame_count++;
  summary_.raw_bytes += f.RawSize();
}

void ChunkEncoder::Close(ClosedChunk* out) {
  out->summary = summary_;
  out->content_crc = crc32c::Value(raw_.data() + kChunkHeaderSize, raw_.size() - kChunkHeaderSize);
  std::swap(out->buf, raw_);
  raw_.assign(kChunkHeaderSize, '\0');  // keeps the capacity of the buffer swapped in
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
  std::string why = ParseFrames(h, raw, last_seq, first_time, last_time, frames);
  if (!why.empty()) frames->clear();
  return why;
}

std::unique_ptr<std::string> ChunkDecoder::SwapBuffer(std::unique_ptr<std::string> fresh) {
  if (!fresh) fresh = std::make_unique<std::string>();
  std::swap(raw_, fresh);
  return fresh;
}

std::string ChunkDecoder::ParseFrames(const RecordHeader& h, std::string_view raw,
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

}  // namespace evtape::format
