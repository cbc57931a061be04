// Frame times anywhere in int64 (the format stores any; an imported file or a fuzzer can hold
// them): differences that do not fit an int64 are neither undefined behaviour nor wrong
// decisions. Found by the fuzz targets segment_damage and roundtrip (fuzz/corpus/*/regression-*).
#include <catch2/catch.hpp>
#include <limits>

#include "format/recording_writer.h"
#include "tests/format/format_test_util.h"

using namespace evtape;
using namespace evtape::testing;

namespace {
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
}  // namespace

// Without the fix, footer encoding subtracted the chunk's first time from its last in int64:
// signed overflow (reported under ./tools/dev.sh test --sanitize).
TEST_CASE("a chunk whose times span all of int64 keeps them exactly in the footer", "[format]") {
  MemFileSystem fs;
  std::vector<format::Frame> frames = MakeFrames(1, 3);
  frames[0].time_ns = kMin + 1;
  frames[1].time_ns = kMax;
  frames[2].time_ns = kMin;
  WriteSegment(&fs, "000001.seg", frames, format::WriterOptions{});
  format::Footer f = FooterOf(&fs, "000001.seg");
  REQUIRE(f.chunks.size() == 1);
  CHECK(f.chunks[0].first_time_ns == kMin + 1);
  CHECK(f.chunks[0].last_time_ns == kMin);
  ReadResult r = ReadAll(&fs, "000001.seg", format::Recovery::kStrict);
  REQUIRE(r.status.ok());
  CHECK(r.frames == frames);
}

// Without the fix, the elapsed monotonic time wrapped to a negative number (and was undefined
// behaviour): a segment that had run for 2^64 - 21 ns was not rotated.
TEST_CASE("rotation by monotonic time is right when the elapsed time exceeds int64", "[format]") {
  MemFileSystem fs;
  format::RecordingWriterOptions o;
  o.dir = "rec";
  o.base.created_ns = 42;
  o.max_segment_duration_ns = 1'000'000'000;
  auto w = format::RecordingWriter::Create(&fs, o);
  REQUIRE(w.ok());
  std::vector<format::Frame> frames = MakeFrames(2, 4);
  frames[0].mono_ns = kMin + 10;
  frames[1].mono_ns = kMax - 10;  // 2^64 - 21 ns later: a new segment
  frames[2].mono_ns = kMin;       // earlier than its segment's start: no rotation
  frames[3].mono_ns = kMax;       // 10 ns after its segment's start: none either
  for (const auto& f : frames) REQUIRE((*w)->Add(f.view()).ok());
  REQUIRE((*w)->Close().ok());
  CHECK((*w)->stats().segments == 2);
  CHECK(FooterOf(&fs, "rec/000001.seg").frames == 1);
  CHECK(FooterOf(&fs, "rec/000002.seg").frames == 3);
}
