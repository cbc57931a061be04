// JSON lines inputs of redact and lint, run as the real binary on the fixture sources (the
// .jsonl files the fixture recordings are built from): the same results as with the recording,
// and a malformed line (exit 1, one stderr line naming the file and the line, nothing written).
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "tests/testutil/testutil.h"
#include "tests/wasmcloud/wasm_test_util.h"

namespace evtape {
namespace {

using testutil::RunEvtape;

size_t Lines(const std::string& s) {
  return static_cast<size_t>(std::count(s.begin(), s.end(), '\n'));
}

// `text` with line `n` (1-based) replaced by a line that does not decode.
std::string BreakLine(const std::string& text, size_t n) {
  size_t start = 0;
  for (size_t i = 1; i < n; ++i) start = text.find('\n', start) + 1;
  size_t end = text.find('\n', start);
  return text.substr(0, start) + R"({"subject":"wasmbus.evt.default.x","time":"noon"})" +
         text.substr(end);
}

void CheckMalformed(const testutil::ProcResult& r, const std::string& verb, const std::string& file,
                    size_t line) {
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK(Lines(r.err) == 1);
  CHECK(r.err.rfind("evtape " + verb + ": " + file + ": line " + std::to_string(line) +
                        ": field 'time': 'noon'",
                    0) == 0);
}

// Lint findings without where they are ("seq N" for recordings, "line N" for JSON lines).
std::string WithoutWhere(const std::string& out) {
  std::string s;
  size_t pos = 0;
  while (pos < out.size()) {
    size_t nl = out.find('\n', pos);
    std::string line = out.substr(pos, nl - pos);
    s += line.substr(line.find(' ', line.find(' ') + 1)) + "\n";
    pos = nl + 1;
  }
  return s;
}

TEST_CASE("redact of a JSON lines file writes what redact of its recording writes",
          "[jsonl-input][redact]") {
  testutil::TempDir dir;
  for (const char* name : {"multi-host-rolling", "failures"}) {
    INFO(name);
    const std::string rec = wasmtest::FixtureRecording(name), src = wasmtest::FixtureSource(name);
    auto a = RunEvtape({"redact", rec, "-o", dir / (std::string(name) + "-rec"), "--seed", "9"});
    auto b = RunEvtape({"redact", src, "-o", dir / (std::string(name) + "-src"), "--seed", "9"});
    INFO(b.err);
    REQUIRE(a.exit_code == 0);
    REQUIRE(b.exit_code == 0);
    CHECK(b.err == a.err.substr(0, a.err.find("written to")) + "written to " +
                       dir / (std::string(name) + "-src") + "\n");
    std::string from_rec = RunEvtape({"cat", dir / (std::string(name) + "-rec")}).out;
    CHECK(Lines(from_rec) > 10);
    CHECK(RunEvtape({"cat", dir / (std::string(name) + "-src")}).out == from_rec);
  }

  const std::string text = testutil::ReadFile(wasmtest::FixtureSource("app-deploy"));
  testutil::WriteFile(dir / "bad.jsonl", BreakLine(text, 9));
  CheckMalformed(RunEvtape({"redact", dir / "bad.jsonl", "-o", dir / "out"}), "redact",
                 dir / "bad.jsonl", 9);
  CHECK_FALSE(std::filesystem::exists(dir / "out"));

  // Redact reads its input twice: stdin is refused before anything is read.
  auto piped = RunEvtape({"redact", "-", "-o", dir / "out"}, std::chrono::seconds(60), {}, text);
  CHECK(piped.exit_code == 2);
  CHECK(piped.err.find("'-': standard input can be read only once") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / "out"));
}

TEST_CASE("lint of a JSON lines file finds what lint of its recording finds",
          "[jsonl-input][lint]") {
  testutil::TempDir dir;
  // spec-catalogue has findings (the spec-only event); failures has none.
  for (const char* name : {"spec-catalogue", "failures"}) {
    INFO(name);
    auto rec = RunEvtape({"lint", wasmtest::FixtureRecording(name)});
    auto src = RunEvtape({"lint", wasmtest::FixtureSource(name)});
    CHECK(src.exit_code == rec.exit_code);
    CHECK(src.err == rec.err);  // the totals line
    CHECK(WithoutWhere(src.out) == WithoutWhere(rec.out));
    if (!rec.out.empty()) {
      CHECK(rec.out.rfind("seq ", 0) == 0);
      CHECK(src.out.rfind("line ", 0) == 0);
    }
  }
  // From stdin, and a malformed line after clean ones.
  const std::string text = testutil::ReadFile(wasmtest::FixtureSource("app-deploy"));
  auto piped = RunEvtape({"lint", "-"}, std::chrono::seconds(60), {}, text);
  CHECK(piped.exit_code == 0);
  CHECK(piped.err == RunEvtape({"lint", wasmtest::FixtureRecording("app-deploy")}).err);
  std::string bad = BreakLine(text, 12);
  bad.insert(0, 1, '\n');  // a blank first line still counts
  testutil::WriteFile(dir / "bad.jsonl", bad);
  CheckMalformed(RunEvtape({"lint", dir / "bad.jsonl"}), "lint", dir / "bad.jsonl", 13);
}

}  // namespace
}  // namespace evtape
