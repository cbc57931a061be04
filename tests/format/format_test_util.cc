#include "tests/format/format_test_util.h"

#include <catch2/catch.hpp>

namespace evtape::testing {

std::string FrameGen::Bytes(size_t n) {
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng_() & 0xff);
  return s;
}

format::Frame FrameGen::Next(int max_log2) {
  format::Frame f;
  seq_ += 1;
  time_ += static_cast<int64_t>(Uniform(5'000'000));
  f.seq = seq_;
  f.time_ns = time_;
  f.mono_ns = time_ / 3;
  f.subject = "wasmbus.evt.default." + std::to_string(Uniform(20));
  if (Uniform(4) == 0) f.reply = "_INBOX.r" + std::to_string(Uniform(1000));
  if (Uniform(3) == 0) f.headers = "NATS/1.0\r\nX-Key: " + std::to_string(Uniform(99)) + "\r\n\r\n";
  int bits = static_cast<int>(Uniform(static_cast<uint64_t>(max_log2) + 1));
  f.payload = Bytes(Uniform(1ull << bits));
  return f;
}

std::vector<format::Frame> MakeFrames(uint64_t seed, int n, int max_log2) {
  FrameGen gen(seed);
  std::vector<format::Frame> out;
  for (int i = 0; i < n; ++i) out.push_back(gen.Next(max_log2));
  return out;
}

format::Metadata TestMetadata(uint64_t first_seq) {
  format::Metadata m;
  m.recording_id = "test-recording";
  m.tool = "evtape test";
  m.source = "nats://127.0.0.1:4222";
  m.subscriptions = {"wasmbus.evt.default.>"};
  m.host = "testhost";
  m.segment_index = 1;
  m.first_seq = first_seq;
  m.created_ns = 1'795'000'000'000'000'000;
  return m;
}

void WriteSegment(MemFileSystem* fs, const std::string& path,
                  const std::vector<format::Frame>& frames, const format::WriterOptions& options,
                  bool seal) {
  auto w = format::SegmentWriter::Create(fs, path, TestMetadata(), options);
  REQUIRE(w.ok());
  for (const auto& f : frames) REQUIRE((*w)->Add(f.view()).ok());
  if (seal) {
    REQUIRE((*w)->Seal().ok());
  } else {
    REQUIRE((*w)->Flush().ok());
  }
}

ReadResult ReadAll(MemFileSystem* fs, const std::string& path, format::Recovery recovery,
                   bool verify_zstd_content) {
  ReadResult r;
  CollectingReporter reporter;
  format::ReaderOptions opts;
  opts.recovery = recovery;
  opts.verify_zstd_content = verify_zstd_content;
  opts.reporter = &reporter;
  auto reader = format::SegmentReader::Open(fs, path, opts);
  if (!reader.ok()) {
    r.status = reader.status();
    r.issues = reporter.issues;
    return r;
  }
  format::Entry e;
  while (true) {
    auto more = (*reader)->Next(&e);
    if (!more.ok()) {
      r.status = more.status();
      break;
    }
    if (!*more) break;
    if (e.kind == format::Entry::Kind::kFrame) {
      r.frames.push_back(format::Frame::From(e.frame));
    } else {
      r.gaps.push_back(e.gap);
    }
  }
  r.stats = (*reader)->stats();
  r.issues = reporter.issues;
  return r;
}

namespace {

// Stored chunks matter to readers: their frames view the read buffer, not the decoder's.
format::Frame MixedFrame(FrameGen* gen, size_t i) {
  format::Frame f = gen->Next(2);
  if ((i / 20) % 3 == 2) {
    f.payload = gen->Bytes(4500 + gen->Uniform(1000));
  } else {
    f.payload = std::string(100 + gen->Uniform(500), 'z');
  }
  return f;
}

}  // namespace

void WriteMixedSegment(FileSystem* fs, const std::string& path, uint32_t index, FrameGen* gen,
                       uint64_t first_seq, bool seal) {
  auto meta = TestMetadata(first_seq);
  meta.segment_index = index;
  format::WriterOptions wo;
  wo.chunk_bytes = 4096;
  auto w = format::SegmentWriter::Create(fs, path, meta, wo);
  REQUIRE(w.ok());
  for (size_t i = 0; i < kMixedSegmentFrames; ++i) {
    format::Frame f = MixedFrame(gen, i);
    REQUIRE((*w)->Add(f.view()).ok());
    if (i == 100) {
      std::optional<uint64_t> count;
      if (index != 2) count = 7 + index;
      REQUIRE((*w)->AddGap({format::GapReason::kSlowConsumer, f.time_ns, f.time_ns + 1000, count,
                            f.seq, "dropped " + std::to_string(index)})
                  .ok());
    }
  }
  REQUIRE((seal ? (*w)->Seal() : (*w)->Flush()).ok());
}

format::Footer FooterOf(FileSystem* fs, const std::string& path) {
  auto f = format::ReadFooter(fs, path);
  REQUIRE(f.ok());
  REQUIRE(f->has_value());
  return **f;
}

}  // namespace evtape::testing
