// Chunk compression strategies of the format library: workers that are waited for give the
// same bytes as inline compression; incompressible chunks are stored and counted; failures
// stay sticky; teardown with chunks in flight is clean; one strategy serves successive
// writers. (The recorder's pressure policy is tested in tests/record.)
#include "format/chunk_compression.h"

#include <algorithm>
#include <catch2/catch.hpp>

#include "format/crc32c.h"
#include "tests/format/compression_test_util.h"

using namespace evtape;
using namespace evtape::testing;

TEST_CASE("compression workers that are waited for write the same bytes as inline", "[format]") {
  auto frames = MakeFrames(11, 3000);
  format::WriterOptions inline_opts;
  inline_opts.chunk_bytes = 16 << 10;
  MemFileSystem a, b;
  format::WriterStats sa = WriteWithStrategy(&a, "a.seg", frames, inline_opts);
  for (int threads : {1, 3}) {
    format::PooledCompression pooled(threads, 1, /*max_pending=*/2);
    format::WriterOptions opts = inline_opts;
    opts.compression = &pooled;
    format::WriterStats sb = WriteWithStrategy(&b, "b.seg", frames, opts);
    CHECK(b.files.at("b.seg") == a.files.at("a.seg"));
    CHECK(sb.chunks == sa.chunks);
    CHECK(sb.chunks_stored_behind == 0);
    b.files.clear();
  }
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
    format::PooledCompression pooled(std::max(threads, 1), 1);
    format::WriterOptions opts;
    opts.chunk_bytes = 4 << 10;
    if (threads > 0) opts.compression = &pooled;
    MemFileSystem fs;
    format::WriterStats st = WriteWithStrategy(&fs, "r.seg", frames, opts);
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
    format::PooledCompression pooled(2, 1, /*max_pending=*/4);
    format::WriterOptions opts;
    opts.chunk_bytes = 4 << 10;
    opts.compression = &pooled;
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
  format::PooledCompression pooled(2, 1, /*max_pending=*/64);
  format::WriterOptions opts;
  opts.chunk_bytes = 2 << 10;
  opts.compression = &pooled;
  {
    auto w = format::SegmentWriter::Create(&fs, "x.seg", TestMetadata(), opts);
    REQUIRE(w.ok());
    for (const auto& f : frames) REQUIRE((*w)->Add(f.view()).ok());
  }  // not flushed: like a crash, what was not written is not in the file
  CHECK(pooled.pending_chunks() == 0);
  fs.files["x.seg"] = fs.files.at("x.seg.open");
  ReadResult r = ReadAll(&fs, "x.seg", format::Recovery::kStrict);
  REQUIRE(r.status.ok());
  REQUIRE(r.frames.size() < frames.size());
  for (size_t i = 0; i < r.frames.size(); ++i) REQUIRE(r.frames[i] == frames[i]);
}

TEST_CASE("one strategy serves successive writers; an unflushed writer's chunks never leak",
          "[format]") {
  auto frames = MakeFrames(20, 1500);
  format::PooledCompression pooled(2, 1, /*max_pending=*/64);
  format::WriterOptions opts;
  opts.chunk_bytes = 4 << 10;
  opts.compression = &pooled;
  MemFileSystem fs;
  {
    auto a = format::SegmentWriter::Create(&fs, "a.seg", TestMetadata(), opts);
    REQUIRE(a.ok());
    pooled.PauseForTesting(true);  // its chunks stay pending
    for (size_t i = 0; i < 700; ++i) REQUIRE((*a)->Add(frames[i].view()).ok());
    REQUIRE(pooled.pending_chunks() > 0);
  }  // destroyed unflushed
  CHECK(pooled.pending_chunks() == 0);
  pooled.PauseForTesting(false);
  std::vector<format::Frame> rest(frames.begin() + 700, frames.end());
  WriteWithStrategy(&fs, "b.seg", rest, opts);
  ReadResult r = ReadAll(&fs, "b.seg", format::Recovery::kStrict);
  REQUIRE(r.status.ok());
  CHECK(r.frames == rest);
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
