// Round trips: every field of every frame comes back identical, in order, with no issues.
#include <catch2/catch.hpp>

#include "format/coding.h"
#include "format/crc32c.h"
#include "format/records.h"
#include "tests/format/format_test_util.h"

using namespace evtape;
using namespace evtape::testing;
using format::Recovery;

TEST_CASE("round trip of random frames, 0 bytes to several MiB", "[format]") {
  for (uint64_t seed : {1u, 2u, 3u}) {
    MemFileSystem fs;
    FrameGen gen(seed);
    std::vector<format::Frame> frames;
    for (int i = 0; i < 2000; ++i) frames.push_back(gen.Next(i % 500 == 0 ? 22 : 12));
    frames.push_back(format::Frame{frames.back().seq + 1, 5, 6, "s", "", "", ""});  // empty
    format::WriterOptions opts;
    opts.chunk_bytes = 64 * 1024;
    WriteSegment(&fs, "rec/000001.seg", frames, opts);
    REQUIRE(fs.files.count("rec/000001.seg") == 1);
    REQUIRE(fs.files.count("rec/000001.seg.open") == 0);
    ReadResult r = ReadAll(&fs, "rec/000001.seg", Recovery::kStrict);
    REQUIRE(r.status.ok());
    CHECK(r.issues.empty());
    CHECK(r.stats.sealed);
    REQUIRE(r.frames.size() == frames.size());
    for (size_t i = 0; i < frames.size(); ++i) REQUIRE(r.frames[i] == frames[i]);
  }
}

TEST_CASE("a 64 MiB payload round-trips", "[format]") {
  MemFileSystem fs;
  format::Frame big{7, 100, 200, "big", "reply.to", "NATS/1.0\r\nA: b\r\n\r\n",
                    std::string(64u << 20, 'x')};
  big.payload[12345] = 'y';
  WriteSegment(&fs, "d/000001.seg", {big}, format::WriterOptions{});
  ReadResult r = ReadAll(&fs, "d/000001.seg", Recovery::kStrict);
  REQUIRE(r.status.ok());
  REQUIRE(r.frames.size() == 1);
  CHECK(r.frames[0] == big);
}

TEST_CASE("gaps come back in position, and the footer indexes everything", "[format]") {
  MemFileSystem fs;
  FrameGen gen(7);
  auto w = format::SegmentWriter::Create(&fs, "d/000001.seg", TestMetadata(), {});
  REQUIRE(w.ok());
  std::vector<format::Frame> frames;
  for (int i = 0; i < 10; ++i) {
    frames.push_back(gen.Next());
    REQUIRE((*w)->Add(frames.back().view()).ok());
  }
  format::Gap gap{format::GapReason::kDisconnect, 10, 20, std::nullopt, 10, "server restarted"};
  REQUIRE((*w)->AddGap(gap).ok());
  frames.push_back(gen.Next());
  REQUIRE((*w)->Add(frames.back().view()).ok());
  REQUIRE((*w)->Seal({{"types", {{"a", 1}}}}).ok());

  ReadResult r = ReadAll(&fs, "d/000001.seg", Recovery::kStrict);
  REQUIRE(r.status.ok());
  REQUIRE(r.gaps.size() == 1);
  CHECK(r.gaps[0] == gap);
  CHECK(r.frames.size() == 11);

  auto footer = format::ReadFooter(&fs, "d/000001.seg");
  REQUIRE(footer.ok());
  REQUIRE(footer->has_value());
  const format::Footer& f = **footer;
  CHECK(f.frames == 11);
  CHECK(f.first_seq == frames.front().seq);
  CHECK(f.last_seq == frames.back().seq);
  CHECK(f.chunks.size() == 2);  // the gap closed the first chunk
  CHECK(f.gaps.size() == 1);
  CHECK(f.extra["types"]["a"] == 1);
  uint64_t counted = 0;
  for (const auto& [s, st] : f.subjects) counted += st.frames;
  CHECK(counted == 11);

  auto meta = format::ReadMetadata(&fs, "d/000001.seg");
  REQUIRE(meta.ok());
  CHECK(*meta == TestMetadata());
}

TEST_CASE("the writer is byte-deterministic", "[format]") {
  std::string bytes[2];
  for (auto& b : bytes) {
    MemFileSystem fs;
    FrameGen gen(42);
    std::vector<format::Frame> frames;
    for (int i = 0; i < 500; ++i) frames.push_back(gen.Next());
    format::WriterOptions opts;
    opts.chunk_bytes = 16 * 1024;
    WriteSegment(&fs, "d/000001.seg", frames, opts);
    b = fs.files["d/000001.seg"];
  }
  CHECK(bytes[0].size() > 1000);
  CHECK(bytes[0] == bytes[1]);
}

TEST_CASE("an unsealed segment reads back and says so", "[format]") {
  MemFileSystem fs;
  FrameGen gen(9);
  std::vector<format::Frame> frames;
  for (int i = 0; i < 100; ++i) frames.push_back(gen.Next());
  WriteSegment(&fs, "d/000001.seg", frames, {}, /*seal=*/false);
  ReadResult r = ReadAll(&fs, "d/000001.seg.open", Recovery::kStrict);
  REQUIRE(r.status.ok());
  CHECK(r.frames.size() == 100);
  REQUIRE(r.issues.size() == 1);
  CHECK(r.issues[0].kind == format::ReadIssue::Kind::kUnsealed);
  CHECK(r.issues[0].bytes_dropped == 0);
  CHECK_FALSE(r.stats.sealed);
}

TEST_CASE("the writer refuses non-increasing sequence numbers without failing", "[format]") {
  MemFileSystem fs;
  auto w = format::SegmentWriter::Create(&fs, "d/000001.seg", TestMetadata(), {});
  REQUIRE(w.ok());
  format::Frame a{5, 1, 1, "a", "", "", "x"};
  REQUIRE((*w)->Add(a.view()).ok());
  Status s = (*w)->Add(a.view());
  CHECK(s.code() == Status::Code::kInvalidArgument);
  a.seq = 6;
  CHECK((*w)->Add(a.view()).ok());  // not sticky
  CHECK((*w)->Seal().ok());
}

TEST_CASE("an unknown format version is refused with a clear message", "[format]") {
  MemFileSystem fs;
  WriteSegment(&fs, "d/000001.seg", {format::Frame{1, 1, 1, "a", "", "", "x"}}, {});
  std::string& b = fs.files["d/000001.seg"];
  // Version 3 with a valid header CRC: intact, just newer.
  b[8] = 3;
  coding::EncodeFixed32(b.data() + 12, crc32c::Mask(crc32c::Value(b.data(), 12)));
  ReadResult r = ReadAll(&fs, "d/000001.seg", Recovery::kSkipDamage);
  CHECK(r.status.code() == Status::Code::kNotSupported);
  CHECK(r.status.message() ==
        "d/000001.seg: unsupported segment format version 3 (this evtape reads versions 1 to 2)");
}

TEST_CASE("a file that is not a segment is refused", "[format]") {
  MemFileSystem fs;
  fs.files["notes.txt"] = "hello, this is not a recording at all";
  ReadResult r = ReadAll(&fs, "notes.txt", Recovery::kSkipDamage);
  CHECK(r.status.code() == Status::Code::kInvalidArgument);
  CHECK(r.status.message() == "notes.txt: not an evtape segment (bad magic)");
}
