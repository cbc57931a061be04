// Recording directories: segment naming, listing, next index, multi-segment reads.
#include <catch2/catch.hpp>

#include "format/recording.h"
#include "tests/format/format_test_util.h"
#include "tests/testutil/testutil.h"

using namespace evtape;
using namespace evtape::testing;

TEST_CASE("segment names and indexes", "[format]") {
  CHECK(format::SegmentIndexOf("000017.seg") == 17);
  CHECK(format::SegmentIndexOf("000017.seg.open") == 17);
  CHECK(format::SegmentIndexOf("17.seg") == -1);
  CHECK(format::SegmentIndexOf("00001a.seg") == -1);
  CHECK(format::SegmentIndexOf("000001.segx") == -1);
  CHECK(format::SegmentPath("rec", 3) == "rec/000003.seg");
}

TEST_CASE("a directory of segments reads as one recording", "[format]") {
  testutil::TempDir dir;
  FileSystem* fs = FileSystem::Default();
  FrameGen gen(3);
  std::vector<format::Frame> all;
  for (uint32_t idx = 1; idx <= 3; ++idx) {
    auto meta = TestMetadata(all.size() + 1);
    meta.segment_index = idx;
    auto w = format::SegmentWriter::Create(fs, format::SegmentPath(dir.path(), idx), meta, {});
    REQUIRE(w.ok());
    for (int i = 0; i < 50; ++i) {
      all.push_back(gen.Next());
      REQUIRE((*w)->Add(all.back().view()).ok());
    }
    if (idx < 3) REQUIRE((*w)->Seal().ok());
    else REQUIRE((*w)->Flush().ok());  // the last one left open, as after a crash
  }
  auto state = format::InspectDir(fs, dir.path());
  REQUIRE(state.ok());
  CHECK(*state == format::DirState::kRecording);
  auto next = format::NextSegmentIndex(fs, dir.path());
  REQUIRE(next.ok());
  CHECK(*next == 4);
  auto reader = format::RecordingReader::Open(fs, {dir.path()}, {});
  REQUIRE(reader.ok());
  CHECK((*reader)->segments().size() == 3);
  format::Entry e;
  size_t n = 0;
  while (true) {
    auto more = (*reader)->Next(&e);
    REQUIRE(more.ok());
    if (!*more) break;
    REQUIRE(format::Frame::From(e.frame) == all[n++]);
  }
  CHECK(n == all.size());
  CHECK((*reader)->stats().frames == all.size());
}

TEST_CASE("directories that are not recordings", "[format]") {
  testutil::TempDir dir;
  FileSystem* fs = FileSystem::Default();
  auto empty = format::ListSegments(fs, dir.path());
  CHECK(empty.status().message() == dir.path() + ": no evtape segments in directory");
  testutil::WriteFile(dir / "notes.txt", "x");
  CHECK(*format::InspectDir(fs, dir.path()) == format::DirState::kOther);
  CHECK(*format::InspectDir(fs, dir / "missing") == format::DirState::kMissing);
  CHECK(format::ListSegments(fs, dir / "missing").status().IsNotFound());
}
