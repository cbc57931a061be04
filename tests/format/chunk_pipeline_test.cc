// Compression workers in the segment writer: waiting workers give the same bytes as inline
// compression; Backlog::kStore (compression off) never loses or reorders a frame, and its
// count of chunks stored uncompressed matches the file exactly; failures stay sticky; teardown with
// chunks in flight is clean.
#include "format/chunk_pipeline.h"

#include <algorithm>
#include <catch2/catch.hpp>

#include "format/crc32c.h"
#include "tests/format/format_test_util.h"

using namespace evtape;
using namespace evtape::testing;

namespace {

// One compression worker that may fall behind: at most 2 chunks pending, 1 ms flush wait.
format::WriterOptions OneWorkerCompressing() {
  format::WriterOptions opts;
  opts.chunk_bytes = 8 << 10;
  opts.compression_threads = 1;
  opts.backlog = format::WriterOptions::Backlog::kCompress;
  opts.max_pending_chunks = 2;
  opts.flush_wait_ns = 1'000'000;
  return opts;
}

// Writes frames with a gap after every 500th and a Flush after every 300th; seals. With
// `pause_every`, the compression workers are paused for every other run of that many frames.
format::WriterStats Write(MemFileSystem* fs, const std::string& path,
                          const std::vector<format::Frame>& frames,
                          const format::WriterOptions& options, size_t pause_every = 0) {
  auto w = format::SegmentWriter::Create(fs, path, TestMetadata(), options);
  REQUIRE(w.ok());
  for (size_t i = 0; i < frames.size(); ++i) {
    if (pause_every > 0 && i % pause_every == 0) {
      (*w)->PauseCompressionForTesting((i / pause_every) % 2 == 0);
    }
    REQUIRE((*w)->Add(frames[i].view()).ok());
    if (i % 500 == 499) {
      format::Gap g{
          format::GapReason::kOverflow, frames[i].time_ns, frames[i].time_ns, 3, 0, "test"};
      REQUIRE((*w)->AddGap(g).ok());
    }
    if (i % 300 == 299) REQUIRE((*w)->Flush().ok());
    if (i % 7 == 0) REQUIRE((*w)->Poll().ok());
  }
  REQUIRE((*w)->Seal().ok());
  return (*w)->stats();
}

// Codec byte of every chunk, from the footer's chunk index.
std::vector<uint8_t> ChunkCodecs(MemFileSystem* fs, const std::string& path) {
  auto footer = format::ReadFooter(fs, path);
  REQUIRE(footer.ok());
  REQUIRE(footer->has_value());
  const std::string& bytes = fs->files.at(path);
  std::vector<uint8_t> codecs;
  for (const auto& c : (*footer)->chunks) {
    REQUIRE(c.offset + format::kRecordHeaderSize < bytes.size());
    codecs.push_back(static_cast<uint8_t>(bytes[c.offset + format::kRecordHeaderSize]));
  }
  return codecs;
}

}  // namespace

TEST_CASE("compression workers that are waited for write the same bytes as inline", "[format]") {
  auto frames = MakeFrames(11, 3000);
  format::WriterOptions inline_opts;
  inline_opts.chunk_bytes = 16 << 10;
  MemFileSystem a, b;
  format::WriterStats sa = Write(&a, "a.seg", frames, inline_opts);
  for (int threads : {1, 3}) {
    format::WriterOptions pooled = inline_opts;
    pooled.compression_threads = threads;
    pooled.max_pending_chunks = 2;
    format::WriterStats sb = Write(&b, "b.seg", frames, pooled);
    CHECK(b.files.at("b.seg") == a.files.at("a.seg"));
    CHECK(sb.chunks == sa.chunks);
    CHECK(sb.chunks_stored_behind == 0);
    b.files.clear();
  }
}

TEST_CASE("Backlog::kStore stores from the switch on, keeps every frame, counts exactly",
          "[format]") {
  auto frames = MakeFrames(12, 6000);
  format::WriterOptions opts = OneWorkerCompressing();
  MemFileSystem fs;
  auto w = format::SegmentWriter::Create(&fs, "s.seg", TestMetadata(), opts);
  REQUIRE(w.ok());
  // Phases of 2000 frames: compress; store, with the workers idle and running (so a chunk
  // closed in it compressed would mean it was still offered to them); compress again.
  for (size_t i = 0; i < frames.size(); ++i) {
    if (i == 2000) (*w)->set_backlog(format::WriterOptions::Backlog::kStore);
    if (i == 4000) (*w)->set_backlog(format::WriterOptions::Backlog::kCompress);
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

TEST_CASE("Backlog::kStore without workers stores, and its flush writes chunks in flight",
          "[format]") {
  auto frames = MakeFrames(16, 400);
  MemFileSystem fs;
  format::WriterOptions opts;
  opts.chunk_bytes = 4 << 10;
  opts.backlog = format::WriterOptions::Backlog::kStore;
  format::WriterStats st = Write(&fs, "n.seg", frames, opts);  // no workers
  for (uint8_t codec : ChunkCodecs(&fs, "n.seg")) CHECK(codec == 0);
  CHECK(st.chunks_stored_behind == st.chunks);
  CHECK(ReadAll(&fs, "n.seg", format::Recovery::kStrict).frames == frames);

  opts.compression_threads = 1;
  opts.backlog = format::WriterOptions::Backlog::kCompress;
  opts.max_pending_chunks = 64;
  auto w = format::SegmentWriter::Create(&fs, "p.seg", TestMetadata(), opts);
  REQUIRE(w.ok());
  (*w)->PauseCompressionForTesting(true);  // every closed chunk stays with the workers
  for (const auto& f : frames) REQUIRE((*w)->Add(f.view()).ok());
  const uint64_t in_flight = (*w)->stats().chunks;
  CHECK(in_flight == 0);  // nothing written yet
  (*w)->set_backlog(format::WriterOptions::Backlog::kStore);
  REQUIRE((*w)->Flush().ok());  // takes them back without waiting for the paused workers
  CHECK((*w)->unwritten_bytes() == 0);
  CHECK((*w)->stats().chunks == (*w)->stats().chunks_stored_behind);
  CHECK((*w)->stats().chunks > 5);
  (*w)->PauseCompressionForTesting(false);
  REQUIRE((*w)->Seal().ok());
  CHECK(ReadAll(&fs, "p.seg", format::Recovery::kStrict).frames == frames);
}

TEST_CASE("a flush with idle workers compresses the open chunk rather than storing it",
          "[format]") {
  auto frames = MakeFrames(13, 40);
  format::WriterOptions opts;
  opts.compression_threads = 2;
  opts.backlog = format::WriterOptions::Backlog::kCompress;
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

TEST_CASE("incompressible chunks are stored, and counted apart from being behind", "[format]") {
  FrameGen gen(14);
  std::vector<format::Frame> frames;
  for (int i = 0; i < 200; ++i) {
    format::Frame f = gen.Next(4);
    f.payload = gen.Bytes(900);  // random bytes: zstd cannot shrink them
    frames.push_back(f);
  }
  for (int threads : {0, 2}) {
    format::WriterOptions opts;
    opts.chunk_bytes = 4 << 10;
    opts.compression_threads = threads;
    MemFileSystem fs;
    format::WriterStats st = Write(&fs, "r.seg", frames, opts);
    std::vector<uint8_t> codecs = ChunkCodecs(&fs, "r.seg");
    CHECK(st.chunks_stored == static_cast<uint64_t>(std::count(codecs.begin(), codecs.end(), 0)));
    CHECK(st.chunks_stored > st.chunks / 4);  // mostly random payload bytes
    CHECK(st.chunks_stored_behind == 0);
    CHECK(ReadAll(&fs, "r.seg", format::Recovery::kStrict).frames == frames);
  }
}

TEST_CASE("a write failure with chunks in flight is sticky and teardown is clean", "[format]") {
  auto frames = MakeFrames(15, 2000);
  for (int nth : {2, 5, 9}) {
    MemFileSystem fs;
    fs.fault = {MemFileSystem::Op::kAppend, nth, true, 28 /*ENOSPC*/};
    format::WriterOptions opts;
    opts.chunk_bytes = 4 << 10;
    opts.compression_threads = 2;
    opts.max_pending_chunks = 4;
    opts.backlog = nth == 5   ? format::WriterOptions::Backlog::kCompress
                   : nth == 9 ? format::WriterOptions::Backlog::kStore
                              : format::WriterOptions::Backlog::kWait;
    auto w = format::SegmentWriter::Create(&fs, "e.seg", TestMetadata(), opts);
    if (!w.ok()) continue;  // the header append itself failed
    Status first;
    for (const auto& f : frames) {
      Status s = (*w)->Add(f.view());
      if (first.ok()) first = s;
      if (!first.ok()) REQUIRE(s.message() == first.message());
    }
    Status flushed = (*w)->Flush();
    REQUIRE_FALSE(flushed.ok());
    CHECK(flushed.message().find("e.seg") != std::string::npos);
    // What reached the file reads back with at most a torn tail, never a wrong frame.
    fs.files["e.seg"] = fs.files.at("e.seg.open");
    ReadResult r = ReadAll(&fs, "e.seg", format::Recovery::kSkipDamage);
    REQUIRE(r.frames.size() <= frames.size());
    for (size_t i = 0; i < r.frames.size(); ++i) REQUIRE(r.frames[i] == frames[i]);
  }
}

TEST_CASE("destroying a writer with chunks still being compressed is clean", "[format]") {
  auto frames = MakeFrames(16, 3000);
  MemFileSystem fs;
  format::WriterOptions opts;
  opts.chunk_bytes = 2 << 10;
  opts.compression_threads = 2;
  opts.max_pending_chunks = 64;
  {
    auto w = format::SegmentWriter::Create(&fs, "x.seg", TestMetadata(), opts);
    REQUIRE(w.ok());
    for (const auto& f : frames) REQUIRE((*w)->Add(f.view()).ok());
  }  // not flushed: like a crash, what was not written is not in the file
  fs.files["x.seg"] = fs.files.at("x.seg.open");
  ReadResult r = ReadAll(&fs, "x.seg", format::Recovery::kStrict);
  REQUIRE(r.status.ok());
  REQUIRE(r.frames.size() < frames.size());
  for (size_t i = 0; i < r.frames.size(); ++i) REQUIRE(r.frames[i] == frames[i]);
}

TEST_CASE("crc32c::Combine equals the CRC of the concatenation", "[format]") {
  FrameGen gen(17);
  for (size_t len : {0u, 1u, 7u, 40u, 4096u, 100000u}) {
    std::string a = gen.Bytes(len % 97 + 3), b = gen.Bytes(len);
    CHECK(crc32c::Combine(crc32c::Value(a.data(), a.size()), crc32c::Value(b.data(), b.size()),
                          b.size()) == crc32c::Value((a + b).data(), a.size() + b.size()));
  }
  CHECK(crc32c::Combine(0, 0, 0) == 0);  // empty + empty
}

TEST_CASE("crc32c of large buffers (three interleaved streams) equals small steps", "[format]") {
  FrameGen gen(18);
  std::string data = gen.Bytes(300000);
  for (size_t n : {12287u, 12288u, 12289u, 40000u, 299999u}) {
    for (size_t offset : {0u, 1u, 5u}) {
      uint32_t small = 0x12345678u;
      for (size_t i = offset; i < n; i += 1000) {
        small = crc32c::Extend(small, data.data() + i, std::min<size_t>(1000, n - i));
      }
      CHECK(crc32c::Extend(0x12345678u, data.data() + offset, n - offset) == small);
    }
  }
}

TEST_CASE("Backlog::kCompress compresses on the calling thread when the workers get no CPU",
          "[format]") {
  auto frames = MakeFrames(19, 3000);
  format::WriterOptions opts = OneWorkerCompressing();
  MemFileSystem fs;
  // Workers paused for every other run of 400 frames: the writer compresses those itself.
  format::WriterStats st = Write(&fs, "c.seg", frames, opts, 400);
  CHECK(st.chunks_stored_behind == 0);
  std::vector<uint8_t> codecs = ChunkCodecs(&fs, "c.seg");
  CHECK(static_cast<uint64_t>(std::count(codecs.begin(), codecs.end(), 0)) == st.chunks_stored);
  // Whoever compressed each chunk, the bytes are those of a writer without workers.
  format::WriterOptions inline_opts;
  inline_opts.chunk_bytes = opts.chunk_bytes;
  MemFileSystem ref;
  Write(&ref, "c.seg", frames, inline_opts);
  CHECK(fs.files.at("c.seg") == ref.files.at("c.seg"));
}

TEST_CASE("a shared pool serves successive writers; an unflushed writer's chunks never leak",
          "[format]") {
  auto frames = MakeFrames(20, 1500);
  format::CompressionPool pool(2, 1, false);
  format::WriterOptions opts;
  opts.chunk_bytes = 4 << 10;
  opts.shared_pool = &pool;
  opts.backlog = format::WriterOptions::Backlog::kCompress;
  opts.max_pending_chunks = 64;
  MemFileSystem fs;
  {
    auto a = format::SegmentWriter::Create(&fs, "a.seg", TestMetadata(), opts);
    REQUIRE(a.ok());
    pool.PauseForTesting(true);  // its chunks stay pending
    for (size_t i = 0; i < 700; ++i) REQUIRE((*a)->Add(frames[i].view()).ok());
    REQUIRE(pool.pending() > 0);
  }  // destroyed unflushed
  CHECK(pool.pending() == 0);
  pool.PauseForTesting(false);
  std::vector<format::Frame> rest(frames.begin() + 700, frames.end());
  Write(&fs, "b.seg", rest, opts);
  ReadResult r = ReadAll(&fs, "b.seg", format::Recovery::kStrict);
  REQUIRE(r.status.ok());
  CHECK(r.frames == rest);
}
