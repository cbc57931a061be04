// Read-ahead equivalence: ReadAheadReader yields exactly what RecordingReader does (entries,
// issues and where they fall in the stream, final status, stats) over intact and damaged
// multi-segment recordings, at depths 1 and 4. Real files in a temp dir: RecordingReader lists
// directories with stat(2), and the producer thread reads concurrently with the test.
#include <catch2/catch.hpp>

#include <functional>
#include <set>
#include <thread>

#include "format/read_ahead.h"
#include "format/recording.h"
#include "tests/format/format_test_util.h"
#include "tests/testutil/testutil.h"

using namespace evtape;
using namespace evtape::testing;
using format::Entry;
using format::ReadIssue;
using format::Recovery;

namespace {

constexpr uint32_t kSegments = 3;
constexpr size_t kFramesPerSegment = kMixedSegmentFrames;

// Three segments; the last one unsealed, as after a crash.
void WriteRecording(const std::string& dir) {
  FrameGen gen(42);
  for (uint32_t idx = 1; idx <= kSegments; ++idx) {
    WriteMixedSegment(FileSystem::Default(), format::SegmentPath(dir, idx), idx, &gen,
                      (idx - 1) * kFramesPerSegment + 1, idx < kSegments);
  }
}

struct Item {
  Entry::Kind kind = Entry::Kind::kFrame;
  uint64_t offset = 0;
  format::Frame frame;
  format::Gap gap;
  bool operator==(const Item&) const = default;
  static Item From(const Entry& e) {
    Item it{e.kind, e.offset, {}, {}};
    if (e.kind == Entry::Kind::kFrame) {
      it.frame = format::Frame::From(e.frame);
    } else {
      it.gap = e.gap;
    }
    return it;
  }
};

struct Trace {
  std::vector<Item> items;
  std::vector<std::pair<size_t, ReadIssue>> issues;  // with the number of entries before it
  Status status;
  format::ReadStats stats;
  bool issue_off_thread = false;
  size_t frames() const {
    size_t n = 0;
    for (const auto& it : items) n += it.kind == Entry::Kind::kFrame;
    return n;
  }
};

class TraceReporter : public format::Reporter {
 public:
  explicit TraceReporter(Trace* t) : t_(t), owner_(std::this_thread::get_id()) {}
  void OnIssue(const ReadIssue& issue) override {
    if (std::this_thread::get_id() != owner_) t_->issue_off_thread = true;
    t_->issues.emplace_back(t_->items.size(), issue);
  }

 private:
  Trace* t_;
  std::thread::id owner_;
};

// Reads to the end or the first error. Each view is checked again just before the next call,
// while the read-ahead producer runs: it must not have been recycled under the caller.
template <typename Reader>
void Drain(Reader* r, Trace* t) {
  Entry e;
  while (true) {
    auto more = r->Next(&e);
    if (!more.ok()) {
      t->status = more.status();
      break;
    }
    if (!*more) break;
    t->items.push_back(Item::From(e));
    std::this_thread::yield();
    if (e.kind == Entry::Kind::kFrame) {
      REQUIRE(format::Frame::From(e.frame) == t->items.back().frame);
    }
  }
  t->stats = r->stats();
}

Trace ReadPlain(const std::string& path, Recovery recovery) {
  Trace t;
  TraceReporter rep(&t);
  format::ReaderOptions o;
  o.recovery = recovery;
  o.reporter = &rep;
  auto r = format::RecordingReader::Open(FileSystem::Default(), {path}, o);
  if (!r.ok()) {
    t.status = r.status();
    return t;
  }
  Drain(r->get(), &t);
  return t;
}

Trace ReadAhead(const std::string& path, Recovery recovery, size_t depth) {
  Trace t;
  TraceReporter rep(&t);
  format::ReaderOptions o;
  o.recovery = recovery;
  o.reporter = &rep;
  auto r = format::ReadAheadReader::Open(FileSystem::Default(), {path}, o, depth);
  if (!r.ok()) {
    t.status = r.status();
    return t;
  }
  Drain(r->get(), &t);
  Entry e;
  auto again = (*r)->Next(&e);  // the end and errors are final
  REQUIRE(again.status().message() == t.status.message());
  if (again.ok()) REQUIRE_FALSE(*again);
  return t;
}

void RequireSame(const Trace& want, const Trace& got) {
  REQUIRE(got.status.code() == want.status.code());
  REQUIRE(got.status.message() == want.status.message());
  REQUIRE(got.items.size() == want.items.size());
  for (size_t i = 0; i < want.items.size(); ++i) {
    INFO("entry " << i);
    REQUIRE(got.items[i] == want.items[i]);
  }
  REQUIRE_FALSE(got.issue_off_thread);
  REQUIRE(got.issues.size() == want.issues.size());
  for (size_t i = 0; i < want.issues.size(); ++i) {
    INFO("issue " << i);
    const auto& [at, a] = want.issues[i];
    const auto& [got_at, b] = got.issues[i];
    CHECK(got_at == at);
    CHECK(b.kind == a.kind);
    CHECK(b.file == a.file);
    CHECK(b.offset == a.offset);
    CHECK(b.bytes_dropped == a.bytes_dropped);
    CHECK(b.frames_lost == a.frames_lost);
    CHECK(b.reason == a.reason);
  }
  const auto &s = want.stats, &g = got.stats;
  CHECK(g.frames == s.frames);
  CHECK(g.gaps == s.gaps);
  CHECK(g.chunks == s.chunks);
  CHECK(g.issues == s.issues);
  CHECK(g.bytes_dropped == s.bytes_dropped);
  CHECK(g.frames_lost == s.frames_lost);
  CHECK(g.frames_lost_unknown == s.frames_lost_unknown);
  CHECK(g.torn_tail == s.torn_tail);
  CHECK(g.corruption == s.corruption);
  CHECK(g.sealed == s.sealed);
}

// Compares both readers in both recovery modes at depths 1 and 4; returns the plain traces.
std::pair<Trace, Trace> CompareAll(const std::string& dir) {
  Trace strict = ReadPlain(dir, Recovery::kStrict);
  Trace skip = ReadPlain(dir, Recovery::kSkipDamage);
  for (size_t depth : {1, 4}) {
    INFO("depth " << depth);
    RequireSame(strict, ReadAhead(dir, Recovery::kStrict, depth));
    RequireSame(skip, ReadAhead(dir, Recovery::kSkipDamage, depth));
  }
  return {strict, skip};
}

void Rewrite(const std::string& path, const std::function<void(std::string*)>& damage) {
  std::string bytes = testutil::ReadFile(path);
  damage(&bytes);
  testutil::WriteFile(path, bytes);
}

constexpr size_t kAllFrames = kSegments * kFramesPerSegment;

}  // namespace

TEST_CASE("read-ahead equals the plain reader on an intact recording", "[format]") {
  testutil::TempDir dir;
  WriteRecording(dir.path());
  // Both chunk encodings occur, so both buffer hand-overs are exercised.
  const std::string seg = format::SegmentPath(dir.path(), 1);
  const format::Footer footer = FooterOf(FileSystem::Default(), seg);
  REQUIRE(footer.chunks.size() >= 10);
  const std::string bytes = testutil::ReadFile(seg);
  std::set<int> codecs;  // the first byte of each chunk body
  for (const auto& c : footer.chunks) codecs.insert(bytes.at(c.offset + format::kRecordHeaderSize));
  CHECK(codecs == std::set<int>{static_cast<int>(format::Codec::kNone),
                                static_cast<int>(format::Codec::kZstd)});
  auto [strict, skip] = CompareAll(dir.path());
  CHECK(strict.status.ok());
  CHECK(strict.frames() == kAllFrames);
  CHECK(strict.items.size() == kAllFrames + kSegments);  // one gap per segment
  REQUIRE(strict.issues.size() == 1);
  CHECK(strict.issues[0].second.kind == ReadIssue::Kind::kUnsealed);
  CHECK(strict.issues[0].first == strict.items.size());
}

TEST_CASE("read-ahead equals the plain reader on a torn tail", "[format]") {
  testutil::TempDir dir;
  WriteRecording(dir.path());
  Rewrite(format::SegmentPath(dir.path(), kSegments) + ".open",
          [](std::string* b) { b->resize(b->size() - 100); });
  auto [strict, skip] = CompareAll(dir.path());
  CHECK(strict.status.ok());
  CHECK(strict.frames() < kAllFrames);
  CHECK(strict.frames() > kAllFrames - kFramesPerSegment);
  REQUIRE(strict.issues.size() == 1);
  CHECK(strict.issues[0].second.kind == ReadIssue::Kind::kTornTail);
}

TEST_CASE("read-ahead equals the plain reader on a bit-flipped middle chunk", "[format]") {
  testutil::TempDir dir;
  WriteRecording(dir.path());
  const std::string seg = format::SegmentPath(dir.path(), 2);
  const format::ChunkIndexEntry c = FooterOf(FileSystem::Default(), seg).chunks.at(5);
  Rewrite(seg, [&](std::string* b) { (*b)[c.offset + c.stored_bytes / 2] ^= 0x10; });
  auto [strict, skip] = CompareAll(dir.path());
  // Strict: every entry before the damaged chunk, then the error.
  CHECK(strict.status.IsCorruption());
  CHECK(strict.frames() > kFramesPerSegment);
  CHECK(strict.frames() < 2 * kFramesPerSegment);
  REQUIRE(!strict.issues.empty());
  CHECK(strict.issues.back().first == strict.items.size());
  CHECK(strict.issues.back().second.offset == c.offset);
  // Skip: only that chunk's frames are lost, counted exactly.
  CHECK(skip.status.ok());
  CHECK(skip.frames() == kAllFrames - c.frame_count);
  CHECK(skip.stats.frames_lost == c.frame_count);
}

TEST_CASE("read-ahead equals the plain reader when frames are missing", "[format]") {
  testutil::TempDir dir;
  WriteRecording(dir.path());
  const std::string seg = format::SegmentPath(dir.path(), 2);
  const format::ChunkIndexEntry c = FooterOf(FileSystem::Default(), seg).chunks.at(3);
  // A whole chunk cut out at record boundaries: no damaged bytes, only a hole in the counts.
  Rewrite(seg, [&](std::string* b) { b->erase(c.offset, c.stored_bytes); });
  auto [strict, skip] = CompareAll(dir.path());
  CHECK(strict.status.IsCorruption());
  REQUIRE(!strict.issues.empty());
  CHECK(strict.issues.back().second.reason == "frames missing before chunk");
  CHECK(strict.issues.back().second.frames_lost == c.frame_count);
  CHECK(skip.status.ok());
  CHECK(skip.frames() == kAllFrames - c.frame_count);
  CHECK(skip.issues.size() >= 2);  // the hole, then the footer that no longer lines up
}

TEST_CASE("read-ahead open errors are those of the plain reader", "[format]") {
  testutil::TempDir dir;
  for (const std::string& path : {dir / "missing", dir.path()}) {
    Trace plain = ReadPlain(path, Recovery::kStrict);
    REQUIRE_FALSE(plain.status.ok());
    auto r = format::ReadAheadReader::Open(FileSystem::Default(), {path}, {});
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == plain.status.code());
    CHECK(r.status().message() == plain.status.message());
  }
  // Not a segment: the plain reader fails at its first Next(), and so does read-ahead.
  testutil::WriteFile(dir / "junk.seg", "this is not a segment at all");
  Trace plain = ReadPlain(dir / "junk.seg", Recovery::kStrict);
  CHECK(plain.status.code() == Status::Code::kInvalidArgument);
  RequireSame(plain, ReadAhead(dir / "junk.seg", Recovery::kStrict, 2));
  auto zero = format::ReadAheadReader::Open(FileSystem::Default(), {dir.path()}, {}, 0);
  CHECK(zero.status().code() == Status::Code::kInvalidArgument);
}
