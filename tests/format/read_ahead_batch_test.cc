// SegmentReader::NextBatch hands over the buffers its views point into, so they outlive later
// reads and recycling; ReadAheadReader reads no more than its depth ahead, never recycles the
// chunk the caller is in, and its destructor stops a producer waiting for a free slot.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "format/read_ahead.h"
#include "tests/format/format_test_util.h"
#include "tests/testutil/testutil.h"

using namespace evtape;
using namespace evtape::testing;
using format::Entry;
using format::Recovery;
using std::chrono::milliseconds;

TEST_CASE("NextBatch views stay valid after later NextBatch calls into other batches", "[format]") {
  MemFileSystem fs;
  FrameGen gen(7);
  WriteMixedSegment(&fs, "d/000001.seg", 1, &gen, 1, true);
  ReadResult plain = ReadAll(&fs, "d/000001.seg", Recovery::kStrict);
  REQUIRE(plain.status.ok());
  REQUIRE(plain.frames.size() == kMixedSegmentFrames);
  auto r = format::SegmentReader::Open(&fs, "d/000001.seg", {});
  REQUIRE(r.ok());
  format::SegmentReader& reader = **r;

  // Mixed with Next(): the batch gets the rest of the chunk Next() started.
  Entry e;
  REQUIRE(*reader.Next(&e));
  REQUIRE(*reader.Next(&e));
  std::vector<format::EntryBatch> batches(1);
  REQUIRE(*reader.NextBatch(&batches[0]));
  REQUIRE(batches[0].entries.at(0).frame.seq == plain.frames[2].seq);
  REQUIRE(batches[0].buffers.size() == 1);

  // Every later batch fills a fresh batch; the first ones must still read back intact.
  while (true) {
    format::EntryBatch b;
    auto more = reader.NextBatch(&b);
    REQUIRE(more.ok());
    if (!*more) break;
    REQUIRE(!b.entries.empty());
    batches.push_back(std::move(b));  // moves the vectors, never the strings
  }
  std::vector<format::Frame> frames(plain.frames.begin(), plain.frames.begin() + 2);
  size_t gaps = 0;
  for (const auto& b : batches) {
    for (const Entry& x : b.entries) {
      if (x.kind == Entry::Kind::kGap) {
        REQUIRE(x.gap == plain.gaps.at(gaps++));
      } else {
        frames.push_back(format::Frame::From(x.frame));
      }
    }
  }
  CHECK(gaps == plain.gaps.size());
  CHECK(frames == plain.frames);
  CHECK(reader.stats().frames == plain.stats.frames);
  CHECK(reader.stats().gaps == plain.stats.gaps);
  CHECK(reader.stats().chunks == plain.stats.chunks);

  // Recycling: two batches in turn, each cleared (buffers back as spares) before reuse, while
  // the other's views must survive the read that reuses those spares.
  auto again = format::SegmentReader::Open(&fs, "d/000001.seg", {});
  REQUIRE(again.ok());
  format::EntryBatch ping[2];
  std::vector<format::Frame> held;  // the frames of the other batch, as copied when read
  size_t next = 0;
  for (int turn = 0;; ++turn) {
    format::EntryBatch& b = ping[turn % 2];
    const format::EntryBatch& other = ping[(turn + 1) % 2];
    b.Clear();
    CHECK(b.buffers.empty());
    auto more = (*again)->NextBatch(&b);
    REQUIRE(more.ok());
    for (size_t i = 0, k = 0; i < other.entries.size(); ++i) {
      if (other.entries[i].kind == Entry::Kind::kFrame) {
        REQUIRE(format::Frame::From(other.entries[i].frame) == held.at(k++));
      }
    }
    if (!*more) break;
    held.clear();
    for (const Entry& x : b.entries) {
      if (x.kind != Entry::Kind::kFrame) continue;
      held.push_back(format::Frame::From(x.frame));
      REQUIRE(held.back() == plain.frames.at(next++));
    }
  }
  CHECK(next == plain.frames.size());
  CHECK(ping[0].spare.size() + ping[1].spare.size() <= 2);  // recycled, not accumulated
}

namespace {

// Counts reads, to observe from outside how far the producer has read.
class CountingFs : public FileSystem {
 public:
  std::atomic<int> reads{0};
  Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& p) override {
    auto f = base_->NewRandomAccessFile(p);
    if (!f.ok()) return f.status();
    return std::unique_ptr<RandomAccessFile>(new File(std::move(f).value(), &reads));
  }
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& p,
                                                        const WritableFileOptions& o) override {
    return base_->NewWritableFile(p, o);
  }
  Status Rename(const std::string& a, const std::string& b) override { return base_->Rename(a, b); }
  Status Remove(const std::string& p) override { return base_->Remove(p); }
  Status RemoveDir(const std::string& p) override { return base_->RemoveDir(p); }
  Status SyncDir(const std::string& d) override { return base_->SyncDir(d); }
  Status CreateDir(const std::string& d) override { return base_->CreateDir(d); }
  Result<std::vector<std::string>> ListDir(const std::string& d) override {
    return base_->ListDir(d);
  }

 private:
  class File : public RandomAccessFile {
   public:
    File(std::unique_ptr<RandomAccessFile> f, std::atomic<int>* n) : f_(std::move(f)), n_(n) {}
    Status Read(uint64_t o, size_t n, std::string* s) const override {
      n_->fetch_add(1);
      return f_->Read(o, n, s);
    }
    Result<uint64_t> Size() const override { return f_->Size(); }
    const std::string& path() const override { return f_->path(); }

   private:
    std::unique_ptr<RandomAccessFile> f_;
    std::atomic<int>* n_;
  };
  FileSystem* base_ = FileSystem::Default();
};

}  // namespace

TEST_CASE("read-ahead stops at its depth, keeps the caller's chunk, and stops promptly",
          "[format]") {
  testutil::TempDir dir;
  const std::string seg = format::SegmentPath(dir.path(), 1);
  FrameGen gen(5);
  WriteMixedSegment(FileSystem::Default(), seg, 1, &gen, 1, true);
  const format::Footer footer = FooterOf(FileSystem::Default(), seg);
  ReadResult plain;
  {
    MemFileSystem mem;
    mem.files["s.seg"] = testutil::ReadFile(seg);
    plain = ReadAll(&mem, "s.seg", Recovery::kStrict);
  }
  CountingFs fs;
  constexpr int kDepth = 2;
  auto opened = format::ReadAheadReader::Open(&fs, {seg}, {}, kDepth);
  REQUIRE(opened.ok());
  std::unique_ptr<format::ReadAheadReader> reader = std::move(opened).value();
  // The file header, the metadata record, then two reads (header, body) per chunk: the chunk
  // the caller holds and kDepth more.
  const int full = 1 + 2 + 2 * (kDepth + 1);
  Entry e;
  for (uint32_t i = 0; i < footer.chunks[0].frame_count; ++i) REQUIRE(*reader->Next(&e));
  const format::FrameView held = e.frame;  // the last frame of the first chunk
  REQUIRE(testutil::WaitUntil([&] { return fs.reads.load() >= full; }, milliseconds(10000)));
  CHECK_FALSE(testutil::WaitUntil([&] { return fs.reads.load() > full; }, milliseconds(200)));
  CHECK(format::Frame::From(held) == plain.frames.at(footer.chunks[0].frame_count - 1));
  // Moving past the first chunk frees exactly one slot.
  REQUIRE(*reader->Next(&e));
  CHECK(e.offset == footer.chunks[1].offset);
  REQUIRE(testutil::WaitUntil([&] { return fs.reads.load() >= full + 2; }, milliseconds(10000)));
  CHECK_FALSE(testutil::WaitUntil([&] { return fs.reads.load() > full + 2; }, milliseconds(100)));
  // The producer now waits for a free slot; destruction must wake it and join. Destroyed on
  // another thread so that a hung join fails the test instead of hanging the suite; the
  // state is shared so that a detached, hung destroyer never outlives what it uses.
  struct Destroy {
    std::unique_ptr<format::ReadAheadReader> reader;
    std::atomic<bool> done{false};
  };
  auto state = std::make_shared<Destroy>();
  state->reader = std::move(reader);
  std::thread destroyer([state] {
    state->reader.reset();
    state->done = true;
  });
  const bool prompt = testutil::WaitUntil([&] { return state->done.load(); }, milliseconds(5000));
  if (prompt) {
    destroyer.join();
  } else {
    destroyer.detach();
  }
  REQUIRE(prompt);
}
