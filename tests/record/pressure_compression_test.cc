// The recorder's compression policy (record/pressure_compression.h): under pressure chunks are
// stored from the switch on and chunks in flight are taken back, never losing or reordering a
// frame, with exact counts; a flush with idle workers compresses; when the workers get no CPU
// the writer compresses itself and the bytes are those of inline compression.
#include "record/pressure_compression.h"

#include <algorithm>
#include <catch2/catch.hpp>

#include "tests/format/compression_test_util.h"

using namespace evtape;
using namespace evtape::testing;

namespace {

// One compression worker that may fall behind: at most 2 chunks pending, 1 ms flush wait.
record::PressureCompression::Options OneWorker() {
  record::PressureCompression::Options o;
  o.threads = 1;
  o.max_pending = 2;
  o.flush_wait_ns = 1'000'000;
  return o;
}

}  // namespace

TEST_CASE("under pressure chunks are stored from the switch on, every frame kept, counted exactly",
          "[record]") {
  auto frames = MakeFrames(12, 6000);
  for (auto& f : frames) f.payload = std::string(f.payload.size(), 'p');  // always compressible
  record::PressureCompression pc(OneWorker());
  pc.SetKeepingUp(false);
  format::WriterOptions opts;
  opts.chunk_bytes = 8 << 10;
  opts.compression = &pc;
  MemFileSystem fs;
  auto w = format::SegmentWriter::Create(&fs, "s.seg", TestMetadata(), opts);
  REQUIRE(w.ok());
  // Phases of 2000 frames: compress; store, with the workers idle and running (so a chunk
  // closed in it compressed would mean it was still offered to them); compress again.
  for (size_t i = 0; i < frames.size(); ++i) {
    if (i == 2000) pc.SetUnderPressure(true);
    if (i == 4000) pc.SetUnderPressure(false);
    REQUIRE((*w)->Add(frames[i].view()).ok());
    if (i % 500 == 499) {
      format::Gap g{
          format::GapReason::kOverflow, frames[i].time_ns, frames[i].time_ns, 3, 0, "test"};
      REQUIRE((*w)->AddGap(g).ok());
    }
    if (i % 7 == 0) REQUIRE((*w)->Poll().ok());
  }
  REQUIRE((*w)->Seal().ok());
  const format::WriterStats st = (*w)->stats();
  ReadResult r = ReadAll(&fs, "s.seg", format::Recovery::kStrict);
  REQUIRE(r.status.ok());
  CHECK(r.issues.empty());
  REQUIRE(r.frames == frames);
  CHECK(r.gaps.size() == frames.size() / 500);
  std::vector<uint8_t> codecs = ChunkCodecs(&fs, "s.seg");
  REQUIRE(codecs.size() == st.chunks);
  auto stored = static_cast<uint64_t>(std::count(codecs.begin(), codecs.end(), 0));
  // The frames are compressible, so every stored chunk was stored for the switch.
  CHECK(stored == st.chunks_stored);
  CHECK(st.chunks_stored == st.chunks_stored_behind);
  // Every chunk holding a frame added while storing is stored; every chunk of the last phase
  // is compressed.
  auto footer = format::ReadFooter(&fs, "s.seg");
  REQUIRE(footer.ok());
  const uint64_t first_seq = frames.front().seq;
  uint64_t store_phase_chunks = 0;
  for (size_t c = 0; c < codecs.size(); ++c) {
    const auto& e = (*footer)->chunks[c];
    const uint64_t lo = e.first_seq - first_seq, hi = lo + e.frame_count - 1;
    if (lo >= 2000 && hi < 4000) {
      ++store_phase_chunks;
      CHECK(codecs[c] == 0);
    }
    if (lo >= 4000) CHECK(codecs[c] == 1);
  }
  CHECK(store_phase_chunks > 4);
  CHECK(stored < st.chunks);
}

TEST_CASE("under pressure without workers everything is stored; a flush takes back chunks in "
          "flight", "[record]") {
  auto frames = MakeFrames(16, 400);
  MemFileSystem fs;
  {
    record::PressureCompression::Options o;
    o.threads = 0;
    record::PressureCompression pc(o);
    pc.SetUnderPressure(true);
    format::WriterOptions opts;
    opts.chunk_bytes = 4 << 10;
    opts.compression = &pc;
    format::WriterStats st = WriteWithStrategy(&fs, "n.seg", frames, opts);
    for (uint8_t codec : ChunkCodecs(&fs, "n.seg")) CHECK(codec == 0);
    CHECK(st.chunks_stored_behind == st.chunks);
    CHECK(ReadAll(&fs, "n.seg", format::Recovery::kStrict).frames == frames);
  }
  record::PressureCompression::Options o = OneWorker();
  o.max_pending = 64;
  record::PressureCompression pc(o);
  pc.SetKeepingUp(false);
  format::WriterOptions opts;
  opts.chunk_bytes = 4 << 10;
  opts.compression = &pc;
  auto w = format::SegmentWriter::Create(&fs, "p.seg", TestMetadata(), opts);
  REQUIRE(w.ok());
  pc.PauseForTesting(true);  // every closed chunk stays with the workers
  for (const auto& f : frames) REQUIRE((*w)->Add(f.view()).ok());
  CHECK((*w)->stats().chunks == 0);  // nothing written yet
  pc.SetUnderPressure(true);
  REQUIRE((*w)->Flush().ok());  // takes them back without waiting for the paused workers
  CHECK((*w)->unwritten_bytes() == 0);
  CHECK((*w)->stats().chunks == (*w)->stats().chunks_stored_behind);
  CHECK((*w)->stats().chunks > 5);
  pc.PauseForTesting(false);
  REQUIRE((*w)->Seal().ok());
  CHECK(ReadAll(&fs, "p.seg", format::Recovery::kStrict).frames == frames);
}

TEST_CASE("a flush with idle workers compresses the open chunk rather than storing it",
          "[record]") {
  auto frames = MakeFrames(13, 40);
  for (auto& f : frames) f.payload = std::string(300, 'a');  // compressible: zstd always helps
  record::PressureCompression::Options o;
  o.threads = 2;
  record::PressureCompression pc(o);
  format::WriterOptions opts;
  opts.compression = &pc;
  MemFileSystem fs;
  auto w = format::SegmentWriter::Create(&fs, "f.seg", TestMetadata(), opts);
  REQUIRE(w.ok());
  for (int round = 0; round < 4; ++round) {
    for (int i = 0; i < 10; ++i) REQUIRE((*w)->Add(frames[round * 10 + i].view()).ok());
    REQUIRE((*w)->Flush().ok());
    // A flush hands everything to the file: a kill -9 now loses nothing.
    CHECK((*w)->stats().chunks == static_cast<uint64_t>(round + 1));
  }
  REQUIRE((*w)->Seal().ok());
  CHECK((*w)->stats().chunks_stored_behind == 0);
  for (uint8_t codec : ChunkCodecs(&fs, "f.seg")) CHECK(codec == 1);  // zstd
  CHECK(ReadAll(&fs, "f.seg", format::Recovery::kStrict).frames == frames);
}

TEST_CASE("when the workers get no CPU the writer compresses, with the bytes of inline "
          "compression", "[record]") {
  auto frames = MakeFrames(19, 3000);
  record::PressureCompression pc(OneWorker());
  pc.SetKeepingUp(false);
  format::WriterOptions opts;
  opts.chunk_bytes = 8 << 10;
  opts.compression = &pc;
  MemFileSystem fs;
  // Workers paused for every other run of 400 frames: the writer compresses those itself.
  format::WriterStats st = WriteWithStrategy(&fs, "c.seg", frames, opts, 400,
                                             [&pc](bool paused) { pc.PauseForTesting(paused); });
  CHECK(st.chunks_stored_behind == 0);
  std::vector<uint8_t> codecs = ChunkCodecs(&fs, "c.seg");
  CHECK(static_cast<uint64_t>(std::count(codecs.begin(), codecs.end(), 0)) == st.chunks_stored);
  format::WriterOptions inline_opts;
  inline_opts.chunk_bytes = opts.chunk_bytes;
  MemFileSystem ref;
  WriteWithStrategy(&ref, "c.seg", frames, inline_opts);
  CHECK(fs.files.at("c.seg") == ref.files.at("c.seg"));
}

TEST_CASE("a write failure under the pressure policy is sticky", "[record]") {
  auto frames = MakeFrames(15, 2000);
  for (bool pressure : {false, true}) {
    MemFileSystem fs;
    fs.fault = {MemFileSystem::Op::kAppend, pressure ? 9 : 5, true, 28 /*ENOSPC*/};
    record::PressureCompression::Options o;
    o.threads = 2;
    o.max_pending = 4;
    record::PressureCompression pc(o);
    pc.SetKeepingUp(false);
    pc.SetUnderPressure(pressure);
    format::WriterOptions opts;
    opts.chunk_bytes = 4 << 10;
    opts.compression = &pc;
    auto w = format::SegmentWriter::Create(&fs, "e.seg", TestMetadata(), opts);
    REQUIRE(w.ok());
    Status first;
    for (const auto& f : frames) {
      Status s = (*w)->Add(f.view());
      if (first.ok()) first = s;
      if (!first.ok()) REQUIRE(s.message() == first.message());
    }
    Status flushed = (*w)->Flush();
    REQUIRE_FALSE(flushed.ok());
    fs.files["e.seg"] = fs.files.at("e.seg.open");
    ReadResult r = ReadAll(&fs, "e.seg", format::Recovery::kSkipDamage);
    REQUIRE(r.frames.size() <= frames.size());
    for (size_t i = 0; i < r.frames.size(); ++i) REQUIRE(r.frames[i] == frames[i]);
  }
}
