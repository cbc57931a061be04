// JsonlSource (the one JSON lines reader) and OpenInputs (what every reading verb opens): blank
// lines, line numbers, errors naming the file and the line, and recordings and JSON lines read
// alike, concatenated or merged.
#include "jsonl/jsonl_source.h"

#include <catch2/catch.hpp>

#include "jsonl/input.h"
#include "tests/offline/offline_test_util.h"

namespace evtape::offline_test {
namespace {

using format::Entry;
using testutil::TempDir;

constexpr const char* kFrame1 = R"({"seq":1,"time":"2026-01-01T00:00:01Z","subject":"a"})";
constexpr const char* kFrame2 = R"({"time":"2026-01-01T00:00:02Z","subject":"b","payload":[1]})";
constexpr const char* kGap = R"({"gap":{"reason":"disconnect","start":"2026-01-01T00:00:03Z",)"
                             R"("end":"2026-01-01T00:00:04Z"}})";

// "!" + text (built with insert: g++ 12 warns falsely on "!" + std::string, PR 105329).
std::string Bang(std::string text) {
  text.insert(0, 1, '!');
  return text;
}

// Every entry of a source as "subject@line" (gaps "gap@line"), or the error as "!message".
std::vector<std::string> Read(format::FrameSource* s) {
  std::vector<std::string> out;
  Entry e;
  while (true) {
    auto more = s->Next(&e);
    if (!more.ok()) {
      out.push_back(Bang(more.status().message()));
      return out;
    }
    if (!*more) return out;
    out.push_back(
        (e.kind == Entry::Kind::kGap ? std::string("gap") : std::string(e.frame.subject)) + "@" +
        std::to_string(e.offset));
  }
}

using Strings = std::vector<std::string>;

TEST_CASE("JSON lines: blank lines are skipped and counted, CRLF and a last line read",
          "[jsonl][source]") {
  TempDir tmp;
  // Blank: empty, spaces, tabs, a lone CR. The last line has no newline.
  testutil::WriteFile(tmp / "f.jsonl",
                      std::string(kFrame1) + "\r\n\n  \t \n\r\n" + kGap + "\n" + kFrame2);
  auto s = jsonl::JsonlSource::Open(tmp / "f.jsonl");
  REQUIRE(s.ok());
  CHECK((*s)->name() == tmp / "f.jsonl");
  CHECK(Read(s->get()) == Strings{"a@1", "gap@5", "b@6"});
  CHECK((*s)->lines() == 6);
  CHECK((*s)->stats().frames == 2);
  CHECK((*s)->stats().gaps == 1);
  Entry e;
  CHECK_FALSE(*(*s)->Next(&e));  // the end is final
}

TEST_CASE("JSON lines: a frame's views hold until the next call; seq defaults apply",
          "[jsonl][source]") {
  TempDir tmp;
  testutil::WriteFile(tmp / "f.jsonl", std::string(kFrame1) + "\n" + kFrame2 + "\n");
  auto s = jsonl::JsonlSource::Open(tmp / "f.jsonl");
  REQUIRE(s.ok());
  Entry e;
  REQUIRE(*(*s)->Next(&e));
  CHECK(e.frame.seq == 1);
  CHECK(e.frame.mono_ns == e.frame.time_ns);
  REQUIRE(*(*s)->Next(&e));
  CHECK(e.frame.seq == 2);  // previous + 1
  CHECK(e.frame.subject == "b");
  CHECK(e.frame.payload == "[1]");
}

TEST_CASE("JSON lines: a malformed line is an error naming the file and the line, for good",
          "[jsonl][source]") {
  TempDir tmp;
  testutil::WriteFile(tmp / "bad.jsonl",
                      std::string(kFrame1) + "\n\n{\"subject\":\"a\"}\n" + kFrame2 + "\n");
  auto s = jsonl::JsonlSource::Open(tmp / "bad.jsonl");
  REQUIRE(s.ok());
  const std::string want = tmp / "bad.jsonl" + ": line 3: field 'time': missing";
  auto got = Read(s->get());
  REQUIRE(got.size() == 2);
  CHECK(got[0] == "a@1");
  CHECK(got[1].rfind(Bang(want), 0) == 0);
  Entry e;
  auto again = (*s)->Next(&e);
  CHECK(again.status().code() == Status::Code::kInvalidArgument);
  CHECK(again.status().message().rfind(want, 0) == 0);

  testutil::WriteFile(tmp / "garbage.jsonl", "not json\n");
  auto g = jsonl::JsonlSource::Open(tmp / "garbage.jsonl");
  REQUIRE(g.ok());
  CHECK(Read(g->get()) == Strings{Bang(tmp / "garbage.jsonl: line 1: not valid JSON")});
}

TEST_CASE("JSON lines: a missing file or a directory cannot be opened", "[jsonl][source]") {
  TempDir tmp;
  auto missing = jsonl::JsonlSource::Open(tmp / "none.jsonl");
  CHECK(missing.status().IsNotFound());
  CHECK(missing.status().message().rfind(tmp / "none.jsonl: cannot open", 0) == 0);
  auto dir = jsonl::JsonlSource::Open(tmp.path());
  CHECK(dir.status().message() == tmp.path() + ": is a directory, not a JSON lines file");
}

TEST_CASE("inputs: which are JSON lines", "[jsonl][source]") {
  CHECK(jsonl::IsJsonlInput("-"));
  CHECK(jsonl::IsJsonlInput("fixtures/app-deploy.jsonl"));
  CHECK_FALSE(jsonl::IsJsonlInput("rec"));
  CHECK_FALSE(jsonl::IsJsonlInput("rec/000001.seg"));
  CHECK_FALSE(jsonl::IsJsonlInput("notes.json"));
}

TEST_CASE("inputs: recordings and JSON lines read alike, concatenated or merged",
          "[jsonl][source]") {
  TempDir tmp;
  auto frames = MakeFrames(20);  // 10 ms apart from kT0, subjects alternate
  std::vector<format::Frame> even, odd;
  for (size_t i = 0; i < frames.size(); ++i) (i % 2 == 0 ? even : odd).push_back(frames[i]);
  WriteRecording(tmp / "even", even);
  WriteRecording(tmp / "odd", odd);
  auto cat = Evtape({"cat", tmp / "odd"});
  REQUIRE(cat.exit_code == 0);
  testutil::WriteFile(tmp / "odd.jsonl", cat.out);

  for (const std::string& odd_input : {tmp / "odd", tmp / "odd.jsonl"}) {
    INFO(odd_input);
    auto merged = jsonl::OpenInputs({tmp / "even", odd_input}, jsonl::Combine::kMerge, {});
    REQUIRE(merged.ok());
    std::vector<format::Frame> got;
    std::vector<std::string> names;
    Entry e;
    while (*(*merged)->Next(&e)) {
      got.push_back(format::Frame::From(e.frame));
      names.push_back((*merged)->name());
    }
    CHECK(got == frames);  // interleaved back into receive order, every byte kept
    CHECK(names[0] == tmp / "even");
    CHECK(names[1] == odd_input);

    auto concat = jsonl::OpenInputs({odd_input, tmp / "even"}, jsonl::Combine::kConcatenate, {});
    REQUIRE(concat.ok());
    got.clear();
    while (*(*concat)->Next(&e)) got.push_back(format::Frame::From(e.frame));
    std::vector<format::Frame> want = odd;
    want.insert(want.end(), even.begin(), even.end());
    CHECK(got == want);
  }

  auto twice = jsonl::OpenInputs({"-", tmp / "even", "-"}, jsonl::Combine::kMerge, {});
  CHECK(twice.status().message() == "-: standard input can be read only once");
  auto missing = jsonl::OpenInputs({tmp / "even", tmp / "gone.jsonl"}, jsonl::Combine::kMerge, {});
  CHECK(missing.status().message().rfind(tmp / "gone.jsonl: cannot open", 0) == 0);
  auto segments = jsonl::RecordingSegments({tmp / "odd.jsonl", tmp / "even"});
  REQUIRE(segments.ok());
  CHECK(*segments == std::vector<std::string>{tmp / "even/000001.seg"});
}

}  // namespace
}  // namespace evtape::offline_test
