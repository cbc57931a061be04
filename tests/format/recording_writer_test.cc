// RecordingWriter: nothing on disk before the first entry, rotation by size and by the frames'
// monotonic time, seq numbering or keeping, per-segment metadata and statistics, Close and
// Abort.
#include "format/recording_writer.h"

#include <catch2/catch.hpp>
#include <optional>

#include "format/recording.h"
#include "tests/format/format_test_util.h"

using namespace evtape;
using namespace evtape::testing;

namespace {

// Counts frames per segment into the footer's extra.
class CountingStats : public format::SegmentStats {
 public:
  void Add(const format::FrameView&) override { ++n_; }
  nlohmann::json ToJson() const override { return {{"counted", n_}}; }

 private:
  uint64_t n_ = 0;
};

format::RecordingWriterOptions Options() {
  format::RecordingWriterOptions o;
  o.dir = "rec";
  o.base.tool = "test";
  o.base.created_ns = 42;
  o.stats = [] { return std::make_unique<CountingStats>(); };
  return o;
}

std::vector<std::string> Segments(MemFileSystem* fs) {
  std::vector<std::string> names;
  for (const auto& [path, bytes] : fs->files) names.push_back(path);
  return names;
}

}  // namespace

TEST_CASE("a recording writer creates nothing before its first entry; Close writes one segment",
          "[format]") {
  MemFileSystem fs;
  auto w = format::RecordingWriter::Create(&fs, Options());
  REQUIRE(w.ok());
  CHECK(fs.files.empty());
  CHECK((*w)->recording_id().size() == 32);
  REQUIRE((*w)->Close().ok());
  CHECK(Segments(&fs) == std::vector<std::string>{"rec/000001.seg"});
  format::Footer f = FooterOf(&fs, "rec/000001.seg");
  CHECK(f.frames == 0);
  CHECK(f.extra["counted"] == 0);
}

TEST_CASE("a recording writer numbers frames, rotates by size and stores per-segment figures",
          "[format]") {
  MemFileSystem fs;
  format::RecordingWriterOptions o = Options();
  o.first_index = 3;
  o.first_seq = 100;
  o.max_segment_bytes = 64 << 10;
  auto w = format::RecordingWriter::Create(&fs, o);
  REQUIRE(w.ok());
  FrameGen gen(31);
  std::vector<format::Frame> frames;
  for (int i = 0; i < 400; ++i) {
    frames.push_back(gen.Next(4));
    frames.back().payload = gen.Bytes(600);  // incompressible: about 240 KB in all
  }
  for (auto& f : frames) {
    f.seq = 7;  // ignored: the writer numbers frames
    REQUIRE((*w)->Add(f.view()).ok());
  }
  format::Gap g{format::GapReason::kOther, 1, 2, 5, 0, "x"};
  REQUIRE((*w)->AddGap(g).ok());
  REQUIRE((*w)->Close().ok());
  const auto& st = (*w)->stats();
  CHECK(st.frames == 400);
  CHECK(st.gaps == 1);
  CHECK(st.lost_in_gaps == 5);
  CHECK(st.last_seq == 499);
  REQUIRE(st.segments > 2);
  auto segments = std::make_optional(Segments(&fs));  // sorted: the map's order
  REQUIRE(segments->size() == st.segments);
  CHECK(segments->front() == "rec/000003.seg");
  CHECK(segments->back() == format::SegmentPath("rec", static_cast<uint32_t>(2 + st.segments)));
  uint64_t next_seq = 100, counted = 0, file_bytes = 0;
  for (const auto& path : *segments) {
    auto md = format::ReadMetadata(&fs, path);
    REQUIRE(md.ok());
    CHECK(md->first_seq == next_seq);
    CHECK(md->recording_id == (*w)->recording_id());
    CHECK(md->created_ns == 42);
    format::Footer f = FooterOf(&fs, path);
    if (f.frames > 0) {
      CHECK(f.first_seq == next_seq);
      next_seq = f.last_seq + 1;
    }
    counted += f.extra["counted"].get<uint64_t>();
    file_bytes += fs.files.at(path).size();
    // Within the size limit by at most one small chunk.
    CHECK(fs.files.at(path).size() < o.max_segment_bytes + (16u << 10) + 4096);
  }
  CHECK(counted == 400);
  CHECK(file_bytes == st.file_bytes);
  ReadResult r = ReadAll(&fs, segments->back(), format::Recovery::kStrict);
  REQUIRE_FALSE(r.gaps.empty());
  CHECK(r.gaps.back().after_seq == 499);
}

TEST_CASE("a recording writer keeps seqs when asked and rotates by monotonic time", "[format]") {
  MemFileSystem fs;
  format::RecordingWriterOptions o = Options();
  o.assign_seqs = false;
  o.max_segment_duration_ns = 1'000'000'000;
  int64_t clock = 1000;
  o.created_clock = [&clock] { return clock++; };
  auto w = format::RecordingWriter::Create(&fs, o);
  REQUIRE(w.ok());
  for (uint64_t i = 0; i < 10; ++i) {
    format::Frame f;
    f.seq = 10 + i * 3;
    f.time_ns = f.mono_ns = static_cast<int64_t>(i) * 400'000'000;  // 0.4 s apart
    f.subject = "a";
    REQUIRE((*w)->Add(f.view()).ok());
  }
  format::Frame back;
  back.seq = 12;  // not increasing: refused alone, not sticky
  back.subject = "a";
  CHECK((*w)->Add(back.view()).code() == Status::Code::kInvalidArgument);
  REQUIRE((*w)->Close().ok());
  CHECK((*w)->stats().segments == 4);  // 0-0.8, 1.2-2.0, 2.4-3.2, 3.6
  auto md = format::ReadMetadata(&fs, "rec/000002.seg");
  REQUIRE(md.ok());
  CHECK(md->first_seq == 17);
  CHECK(md->created_ns == 1001);
  CHECK(FooterOf(&fs, "rec/000004.seg").last_seq == 37);
}

TEST_CASE("Abort removes everything the recording writer created", "[format]") {
  MemFileSystem fs;
  auto w = format::RecordingWriter::Create(&fs, Options());
  REQUIRE(w.ok());
  for (const auto& f : MakeFrames(32, 10)) REQUIRE((*w)->Add(f.view()).ok());
  CHECK_FALSE(fs.files.empty());
  (*w)->Abort();
  CHECK(fs.files.empty());
}
