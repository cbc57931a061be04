// Compaction (format/compact.h): a sealed segment of small chunks is rewritten in place with
// the same frames, gaps, metadata and footer statistics, much smaller; what is not worth it is
// left alone; damage, cancellation and write failures leave the segment exactly as it was.
#include "format/compact.h"

#include <catch2/catch.hpp>

#include "format/segment_writer.h"
#include "tests/format/format_test_util.h"

using namespace evtape;
using namespace evtape::testing;

namespace {

// Compressible frames in tiny chunks (a flush per frame, as a live recorder at a trickle),
// with two gaps; sealed with statistics in the footer.
std::vector<format::Frame> WriteTrickle(MemFileSystem* fs, const std::string& path) {
  auto frames = MakeFrames(41, 300);
  for (size_t i = 0; i < frames.size(); ++i) {
    frames[i].payload = R"({"type":"com.wasmcloud.lattice.host_heartbeat","n":)" +
                        std::to_string(i % 17) + "}";
  }
  auto w = format::SegmentWriter::Create(fs, path, TestMetadata(), format::WriterOptions{});
  REQUIRE(w.ok());
  for (size_t i = 0; i < frames.size(); ++i) {
    REQUIRE((*w)->Add(frames[i].view()).ok());
    REQUIRE((*w)->Flush().ok());
    if (i == 100 || i == 200) {
      REQUIRE((*w)->AddGap({format::GapReason::kDisconnect, frames[i].time_ns,
                            frames[i].time_ns + 5, std::nullopt, 0, "outage"})
                  .ok());
    }
  }
  REQUIRE((*w)->Seal({{"stats", 42}}).ok());
  return frames;
}

}  // namespace

TEST_CASE("compaction rewrites a sealed segment in place with the same entries, much smaller",
          "[format]") {
  MemFileSystem fs;
  auto frames = WriteTrickle(&fs, "r/000001.seg");
  const size_t before = fs.files.at("r/000001.seg").size();
  ReadResult want = ReadAll(&fs, "r/000001.seg", format::Recovery::kStrict);
  auto r = format::CompactSegment(&fs, "r/000001.seg", format::CompactOptions{});
  REQUIRE(r.ok());
  CHECK(r->compacted);
  CHECK(r->bytes_before == before);
  CHECK(r->bytes_after == fs.files.at("r/000001.seg").size());
  CHECK(r->bytes_after * 5 < before);
  CHECK(fs.files.count("r/000001.seg.compacting") == 0);
  ReadResult got = ReadAll(&fs, "r/000001.seg", format::Recovery::kStrict);
  REQUIRE(got.status.ok());
  CHECK(got.issues.empty());
  CHECK(got.frames == frames);
  CHECK(got.gaps == want.gaps);
  format::Footer f = FooterOf(&fs, "r/000001.seg");
  CHECK(f.extra["stats"] == 42);
  CHECK(f.chunks.size() == 3);  // split by the two gaps only
  auto md = format::ReadMetadata(&fs, "r/000001.seg");
  REQUIRE(md.ok());
  CHECK(md->recording_id == "test-recording");
  CHECK(md->extra["compacted"] == true);
  // Once compacted it is not worth compacting again.
  auto again = format::CompactSegment(&fs, "r/000001.seg", format::CompactOptions{});
  REQUIRE(again.ok());
  CHECK_FALSE(again->compacted);
}

TEST_CASE("compaction leaves a segment with big compressed chunks alone", "[format]") {
  MemFileSystem fs;
  auto frames = MakeFrames(42, 3000);
  for (auto& f : frames) f.payload = std::string(500, 'q');
  format::WriterOptions wo;
  wo.chunk_bytes = 2u << 20;
  WriteSegment(&fs, "b/000001.seg", frames, wo);
  const std::string bytes = fs.files.at("b/000001.seg");
  auto r = format::CompactSegment(&fs, "b/000001.seg", format::CompactOptions{});
  REQUIRE(r.ok());
  CHECK_FALSE(r->compacted);
  CHECK(fs.files.at("b/000001.seg") == bytes);
}

TEST_CASE("a damaged, unsealed or cancelled compaction changes nothing", "[format]") {
  MemFileSystem fs;
  WriteTrickle(&fs, "d/000001.seg");
  std::string original = fs.files.at("d/000001.seg");
  // Damage in the middle: strict reading refuses it; the segment stays as it was.
  fs.files.at("d/000001.seg")[original.size() / 2] ^= 0x5a;
  std::string damaged = fs.files.at("d/000001.seg");
  auto r = format::CompactSegment(&fs, "d/000001.seg", format::CompactOptions{});
  CHECK_FALSE(r.ok());
  CHECK(fs.files.at("d/000001.seg") == damaged);
  CHECK(fs.files.count("d/000001.seg.compacting") == 0);
  // Cancelled before it starts.
  fs.files["d/000001.seg"] = original;
  std::atomic<bool> cancel{true};
  format::CompactOptions co;
  co.cancel = &cancel;
  WriteTrickle(&fs, "c/000001.seg");
  // (cancellation is checked every 1024 frames; 300 frames finish: use a bigger segment)
  auto frames = MakeFrames(43, 5000);
  for (auto& f : frames) f.payload = "{}";
  format::WriterOptions tiny;
  tiny.chunk_bytes = 256;
  WriteSegment(&fs, "k/000001.seg", frames, tiny);
  const std::string k = fs.files.at("k/000001.seg");
  auto c = format::CompactSegment(&fs, "k/000001.seg", co);
  REQUIRE_FALSE(c.ok());
  CHECK(c.status().code() == Status::Code::kCancelled);
  CHECK(fs.files.at("k/000001.seg") == k);
  CHECK(fs.files.count("k/000001.seg.compacting") == 0);
  // An unsealed segment is refused.
  fs.files["u/000001.seg.open"] = original.substr(0, original.size() - 30);
  CHECK_FALSE(format::CompactSegment(&fs, "u/000001.seg.open", format::CompactOptions{}).ok());
}

TEST_CASE("a write failure during compaction leaves the segment as it was", "[format]") {
  for (int nth : {1, 3}) {
    MemFileSystem fs;
    WriteTrickle(&fs, "w/000001.seg");
    const std::string original = fs.files.at("w/000001.seg");
    fs.counts.clear();
    fs.fault = {MemFileSystem::Op::kAppend, nth, true, 28 /*ENOSPC*/};
    auto r = format::CompactSegment(&fs, "w/000001.seg", format::CompactOptions{});
    CHECK_FALSE(r.ok());
    CHECK(fs.files.at("w/000001.seg") == original);
    CHECK(fs.files.count("w/000001.seg.compacting") == 0);
  }
}

TEST_CASE("compaction leftovers are removed", "[format]") {
  MemFileSystem fs;
  fs.files["x/000001.seg"] = "a";
  fs.files["x/000002.seg.compacting"] = "partial";
  REQUIRE(format::RemoveCompactionLeftovers(&fs, "x").ok());
  CHECK(fs.files.count("x/000002.seg.compacting") == 0);
  CHECK(fs.files.count("x/000001.seg") == 1);
}
