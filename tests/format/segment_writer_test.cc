// Write failures injected through the file seam: the first error is sticky, fsync is never
// retried, and whatever reached the file reads back without corruption.
#include <catch2/catch.hpp>

#include "tests/format/format_test_util.h"

using namespace evtape;
using namespace evtape::testing;
using Op = MemFileSystem::Op;

namespace {

// Runs a workload of 300 frames, a gap, and a seal; returns the first failing Status.
Status Workload(MemFileSystem* fs, std::vector<format::Frame>* acked) {
  FrameGen gen(5);
  format::WriterOptions opts;
  opts.chunk_bytes = 2000;
  auto w = format::SegmentWriter::Create(fs, "d/000001.seg", TestMetadata(), opts);
  if (!w.ok()) return w.status();
  Status first;
  auto note = [&](Status s) {
    if (first.ok() && !s.ok()) first = s;
    // Sticky: once failed, every call returns the same error.
    if (!first.ok()) REQUIRE(s.message() == first.message());
  };
  for (int i = 0; i < 300; ++i) {
    format::Frame f = gen.Next(8);
    note((*w)->Add(f.view()));
    if (i == 150) note((*w)->AddGap(format::Gap{}));
    if (i % 50 == 0) {
      Status s = (*w)->Flush();
      note(s);
      if (s.ok() && first.ok()) acked->assign(1, f);  // marker: flushed up to here
    }
  }
  note((*w)->Sync());
  note((*w)->Seal());
  CHECK((*w)->status().message() == first.message());
  return first;
}

}  // namespace

TEST_CASE("injected write failures are sticky and never corrupt the file", "[format]") {
  for (Op op : {Op::kAppend, Op::kSync, Op::kRename}) {
    for (bool persistent : {false, true}) {
      for (int k = 1; k <= (op == Op::kAppend ? 40 : 3); ++k) {
        MemFileSystem fs;
        fs.fault = {op, k, persistent, 28 /*ENOSPC*/};
        std::vector<format::Frame> acked;
        Status s = Workload(&fs, &acked);
        INFO("op " << static_cast<int>(op) << " k " << k << " persistent " << persistent);
        if (fs.counts[op] < k) continue;  // the workload never reached op k
        REQUIRE_FALSE(s.ok());
        CHECK(s.code() == Status::Code::kNoSpace);
        if (op == Op::kSync) CHECK(fs.counts[Op::kSync] == k);  // never retried
        // Whatever is on disk reads back: torn tail at most, never corruption.
        std::string path = fs.files.count("d/000001.seg") ? "d/000001.seg" : "d/000001.seg.open";
        ReadResult r = ReadAll(&fs, path, format::Recovery::kStrict);
        if (fs.files[path].empty()) continue;  // failed before the header reached the file
        REQUIRE(r.status.ok());
        CHECK_FALSE(r.stats.corruption);
      }
    }
  }
}
