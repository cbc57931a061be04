// FrameSource combinators: MergedSource (the one time-merge), ConcatSource and PeekedSource, over
// in-memory sources (the order rules are the subject here), and the readers themselves behind
// the interface over a real recording.
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "format/merged_source.h"
#include "format/read_ahead.h"
#include "tests/format/format_test_util.h"
#include "tests/testutil/testutil.h"

using namespace evtape;
using format::Entry;
using format::FrameSource;

namespace {

// One item of a scripted source: a frame at `t` (payload = tag), a gap starting at `t`, or an
// error.
struct Item {
  enum Kind { kFrame, kGap, kError } kind;
  int64_t t;
  std::string tag;
};

Item F(int64_t t, std::string tag) { return {Item::kFrame, t, std::move(tag)}; }
Item G(int64_t t, std::string tag) { return {Item::kGap, t, std::move(tag)}; }
Item Err(std::string tag) { return {Item::kError, 0, std::move(tag)}; }

// Hands out its items in order. A frame's payload view points into a buffer this source
// overwrites at its next call, so a caller that holds a view too long reads garbage.
class ScriptSource : public FrameSource {
 public:
  ScriptSource(std::string name, std::vector<Item> items)
      : name_(std::move(name)), items_(std::move(items)) {}
  Result<bool> Next(Entry* e) override {
    ++calls;
    scratch_.assign(16, '#');  // kills the last view
    if (next_ >= items_.size()) return false;
    const Item& it = items_[next_++];
    if (it.kind == Item::kError) return Status::Corruption(name_ + ": " + it.tag);
    if (it.kind == Item::kGap) {
      e->kind = Entry::Kind::kGap;
      e->gap = format::Gap();
      e->gap.start_ns = it.t;
      e->gap.end_ns = it.t + 1;
      e->gap.detail = it.tag;
      stats_.gaps++;
      return true;
    }
    scratch_ = it.tag;
    e->kind = Entry::Kind::kFrame;
    e->frame = format::FrameView();
    e->frame.time_ns = it.t;
    e->frame.payload = scratch_;
    stats_.frames++;
    return true;
  }
  const std::string& name() const override { return name_; }
  format::ReadStats stats() const override { return stats_; }
  int calls = 0;

 private:
  std::string name_;
  std::vector<Item> items_;
  size_t next_ = 0;
  std::string scratch_;
  format::ReadStats stats_;
};

std::unique_ptr<FrameSource> Script(std::string name, std::vector<Item> items) {
  return std::make_unique<ScriptSource>(std::move(name), std::move(items));
}

// "tag@name" per entry (gaps as "gap:tag@name"), read to the end; an error ends with "!msg".
std::vector<std::string> Drain(FrameSource* s) {
  std::vector<std::string> out;
  Entry e;
  while (true) {
    auto more = s->Next(&e);
    if (!more.ok()) {
      out.push_back("!" + more.status().message());
      return out;
    }
    if (!*more) return out;
    out.push_back(
        (e.kind == Entry::Kind::kGap ? "gap:" + e.gap.detail : std::string(e.frame.payload)) + "@" +
        s->name());
  }
}

std::vector<std::unique_ptr<FrameSource>> Sources(std::unique_ptr<FrameSource> a,
                                                  std::unique_ptr<FrameSource> b,
                                                  std::unique_ptr<FrameSource> c = nullptr) {
  std::vector<std::unique_ptr<FrameSource>> v;
  v.push_back(std::move(a));
  v.push_back(std::move(b));
  if (c) v.push_back(std::move(c));
  return v;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("merge: by time, ties in input order, each input's own order kept", "[frame_source]") {
  format::MergedSource m(Sources(Script("a", {F(10, "a1"), F(30, "a2"), F(5, "a3"), F(40, "a4")}),
                                 Script("b", {F(10, "b1"), F(20, "b2"), F(35, "b3")}),
                                 Script("c", {F(1, "c1")})));
  // a3 (t=5) comes after a2 although earlier: an input is never reordered.
  CHECK(Drain(&m) == Strings{"c1@c", "a1@a", "b1@b", "b2@b", "a2@a", "a3@a", "b3@b", "a4@a"});
  CHECK(m.stats().frames == 8);
  Entry e;
  CHECK_FALSE(*m.Next(&e));  // the end is final
}

TEST_CASE("merge: a gap sorts by its start and keeps its place in its input", "[frame_source]") {
  format::MergedSource m(Sources(Script("a", {F(10, "a1"), G(25, "down"), F(50, "a2")}),
                                 Script("b", {F(20, "b1"), F(30, "b2"), F(60, "b3")})));
  CHECK(Drain(&m) == Strings{"a1@a", "b1@b", "gap:down@a", "b2@b", "a2@a", "b3@b"});
}

TEST_CASE("merge: the returned view survives until the next call; other inputs wait",
          "[frame_source]") {
  auto a = std::make_unique<ScriptSource>("a", std::vector<Item>{F(1, "a1"), F(3, "a2")});
  auto b = std::make_unique<ScriptSource>("b", std::vector<Item>{F(2, "b1")});
  ScriptSource* pa = a.get();
  ScriptSource* pb = b.get();
  format::MergedSource m(Sources(std::move(a), std::move(b)));
  Entry e;
  REQUIRE(*m.Next(&e));
  CHECK(e.frame.payload == "a1");
  CHECK(pa->calls == 1);
  CHECK(pb->calls == 1);
  REQUIRE(*m.Next(&e));  // reads a's next entry only now
  CHECK(e.frame.payload == "b1");
  CHECK(pa->calls == 2);
  CHECK(pb->calls == 1);
}

TEST_CASE("merge: an input's error ends the merge, for good", "[frame_source]") {
  format::MergedSource m(
      Sources(Script("a", {F(1, "a1"), Err("bad chunk")}), Script("b", {F(2, "b1"), F(3, "b2")})));
  CHECK(Drain(&m) == Strings{"a1@a", "!a: bad chunk"});
  Entry e;
  CHECK(m.Next(&e).status().message() == "a: bad chunk");
}

TEST_CASE("merge of one input is that input", "[frame_source]") {
  format::MergedSource m([] {
    std::vector<std::unique_ptr<FrameSource>> v;
    v.push_back(Script("only", {F(9, "x"), G(1, "g"), F(2, "y")}));
    return v;
  }());
  CHECK(Drain(&m) == Strings{"x@only", "gap:g@only", "y@only"});
}

TEST_CASE("concat: one input after the other; name follows; stats add up", "[frame_source]") {
  format::ConcatSource c(
      Sources(Script("a", {F(50, "a1"), G(60, "g")}), Script("e", {}), Script("b", {F(1, "b1")})));
  CHECK(Drain(&c) == Strings{"a1@a", "gap:g@a", "b1@b"});
  CHECK(c.stats().frames == 2);
  CHECK(c.stats().gaps == 1);
  Entry e;
  CHECK_FALSE(*c.Next(&e));
  format::ConcatSource failing(Sources(Script("a", {F(1, "a1")}), Script("b", {Err("boom")})));
  CHECK(Drain(&failing) == Strings{"a1@a", "!b: boom"});
}

TEST_CASE("peek: the start is known first, then the same entries follow", "[frame_source]") {
  auto merged = std::make_unique<format::MergedSource>(
      Sources(Script("a", {G(5, "early"), F(20, "a1"), F(30, "a2")}),
              Script("b", {G(7, "b-down"), F(25, "b1")})));
  auto p = format::PeekedSource::Open(std::move(merged));
  REQUIRE(p.ok());
  REQUIRE((*p)->first_time_ns().has_value());
  CHECK(*(*p)->first_time_ns() == 20);
  // Each held gap still names its own input.
  CHECK(Drain(p->get()) == Strings{"gap:early@a", "gap:b-down@b", "a1@a", "b1@b", "a2@a"});

  auto none = format::PeekedSource::Open(Script("n", {G(1, "only-gap")}));
  REQUIRE(none.ok());
  CHECK_FALSE((*none)->first_time_ns().has_value());
  CHECK(Drain(none->get()) == Strings{"gap:only-gap@n"});

  auto broken = format::PeekedSource::Open(Script("x", {G(1, "g"), Err("torn")}));
  CHECK(broken.status().message() == "x: torn");
}

TEST_CASE("recording readers behind FrameSource: same entries, name, stats", "[frame_source]") {
  testutil::TempDir dir;
  FileSystem* fs = FileSystem::Default();
  testing::FrameGen gen(3);
  testing::WriteMixedSegment(fs, dir / "000001.seg", 1, &gen, 1, true);
  std::vector<std::unique_ptr<FrameSource>> readers;
  auto plain = format::RecordingReader::Open(fs, {dir.path()}, {});
  REQUIRE(plain.ok());
  readers.push_back(std::move(plain).value());
  auto ahead = format::ReadAheadReader::Open(fs, {dir.path()}, {}, 2);
  REQUIRE(ahead.ok());
  readers.push_back(std::move(ahead).value());
  std::vector<std::vector<format::Frame>> frames(2);
  for (size_t i = 0; i < readers.size(); ++i) {
    FrameSource* s = readers[i].get();
    CHECK(s->name() == dir.path());
    Entry e;
    while (*s->Next(&e)) {
      if (e.kind == Entry::Kind::kFrame) frames[i].push_back(format::Frame::From(e.frame));
    }
    CHECK(s->stats().frames == testing::kMixedSegmentFrames);
    CHECK(s->stats().sealed);
  }
  CHECK(frames[0].size() == testing::kMixedSegmentFrames);
  CHECK(frames[0] == frames[1]);
}
