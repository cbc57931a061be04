// Bad input table: every invocation fails with the right exit code and exactly one clear
// stderr line, and never crashes.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "tests/offline/offline_test_util.h"

namespace evtape::offline_test {
namespace {

struct BadCase {
  std::vector<std::string> args;  // "@" is replaced by the temp dir
  int exit_code;
  const char* needle;  // must appear in the stderr line
};

TEST_CASE("bad input table: exit code and one clear stderr line", "[bad-input]") {
  testutil::TempDir tmp;
  WriteRecording(tmp / "rec", MakeFrames(20));
  WriteRecording(tmp / "rec2", MakeFrames(20));
  REQUIRE(::mkdir((tmp / "empty").c_str(), 0755) == 0);
  REQUIRE(::mkdir((tmp / "full").c_str(), 0755) == 0);
  testutil::WriteFile(tmp / "full/notes.txt", "x");
  testutil::WriteFile(tmp / "notrec.txt", "this is not a recording at all\n");
  testutil::WriteFile(tmp / "bad.jsonl",
                      "{\"subject\":\"a\",\"time\":\"2026-01-01T00:00:00Z\"}\n"
                      "{\"subject\":\"a\",\"time\":\"noon\"}\n");
  testutil::WriteFile(tmp / "far.jsonl",
                      "{\"subject\":\"a\",\"time\":\"3000-01-01T00:00:00Z\"}\n");
  // A FIFO named like a segment used to hang every reading verb in open().
  WriteRecording(tmp / "fifo", MakeFrames(5));
  REQUIRE(::mkfifo((tmp / "fifo/000002.seg").c_str(), 0644) == 0);
  testutil::WriteFile(tmp / "unreadable.seg", "x");
  REQUIRE(::chmod((tmp / "unreadable.seg").c_str(), 0) == 0);
  bool root = ::geteuid() == 0;  // root reads anything: that row then expects another error

  const std::vector<BadCase> cases = {
      {{"cat", "@/rec", "--bogus"}, 2, "--bogus"},
      {{"cat"}, 2, "missing REC"},
      {{"cat", "@/rec", "--limit"}, 2, "limit"},
      {{"cat", "@/rec", "--limit", "ten"}, 2, "--limit: 'ten'"},
      {{"cat", "@/rec", "--from", "yesterday"}, 2, "--from: 'yesterday'"},
      {{"cat", "@/rec", "--to", "2026-13-45T00:00:00Z"}, 2, "--to:"},
      {{"cat", "@/rec", "--subject", "a..b"}, 2, "--subject: 'a..b'"},
      {{"cat", "@/missing"}, 1, "missing"},
      {{"cat", "@/notrec.txt"}, 1, "not an evtape segment"},
      {{"cat", "@/empty"}, 1, "no evtape segments"},
      {{"info", "@/notrec.txt"}, 1, "not an evtape segment"},
      {{"info", "@/empty"}, 1, "no evtape segments"},
      {{"info", "@/rec", "--top", "-1"}, 2, "--top"},
      {{"verify"}, 2, "missing REC"},
      {{"verify", "@/missing"}, 1, "missing"},
      {{"import", "@/bad.jsonl"}, 2, "missing -o"},
      {{"import", "@/bad.jsonl", "-o", "@/imp"}, 1, "line 2: field 'time': 'noon'"},
      {{"import", "@/nothere.jsonl", "-o", "@/imp"}, 1, "nothere.jsonl"},
      {{"import", "@/empty", "-o", "@/imp"}, 1, "is a directory"},
      {{"import", "@/bad.jsonl", "@/bad.jsonl", "-o", "@/imp"}, 2, "exactly one input"},
      {{"recover", "@/rec"}, 2, "missing -o"},
      {{"recover", "@/rec", "-o", "@/rec"}, 2, "overlaps the input"},
      {{"recover", "@/rec", "-o", "@/rec/sub"}, 2, "overlaps the input"},
      {{"slice", "@/rec", "-o", "@/full"}, 2, "not empty"},
      {{"slice", "@/rec", "-o", "@/notrec.txt"}, 2, "not a directory"},
      {{"slice", "@/rec", "-o", "@/s", "--type", ""}, 2, "--type"},
      {{"merge", "@/rec", "@/rec2"}, 2, "missing -o"},
      {{"merge", "@/rec", "@/rec2", "-o", "@/rec2"}, 2, "overlaps the input"},
      {{"merge", "@/rec", "@/missing", "-o", "@/m"}, 1, "missing"},
      {{"import", "@/far.jsonl", "-o", "@/imp"}, 1, "line 1: field 'time'"},
      {{"slice", "@/rec", "-o", "@/s", "--from", "1000-01-01T00:00:00Z"}, 2, "--from"},
      {{"cat", "@/rec", "--to", "2300-01-01T00:00:00Z"}, 2, "--to"},
      {{"cat", "@/fifo"}, 1, "000002.seg: not a regular file"},
      {{"replay", "@/rec", "--dry-run", "--speed", "1e-12"}, 2, "--speed: '1e-12' is outside"},
      {{"replay", "@/rec", "--dry-run", "--rate", "1e-300"}, 2, "--rate: '1e-300' is outside"},
      {{"info", "@/fifo"}, 1, "000002.seg: not a regular file"},
      {{"verify", "@/unreadable.seg"}, root ? 1 : 1, root ? "not an evtape segment" : "unreadable"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args;
    std::string shown;
    for (const auto& a : c.args) {
      std::string v = a;
      if (v.rfind('@', 0) == 0) v = tmp.path() + v.substr(1);
      args.push_back(v);
      shown += a + " ";
    }
    INFO("evtape " << shown);
    auto r = Evtape(args);
    INFO("stderr: " << r.err);
    CHECK(r.signal == 0);
    CHECK(r.exit_code == c.exit_code);
    CHECK(CountLines(r.err) == 1);
    CHECK(r.err.find(c.needle) != std::string::npos);
    CHECK(r.err.rfind("evtape " + c.args[0] + ": ", 0) == 0);
  }
  // Nothing was written by the failed writing verbs.
  struct stat st;
  CHECK(::stat((tmp / "imp").c_str(), &st) != 0);
  CHECK(::stat((tmp / "m").c_str(), &st) != 0);
}

TEST_CASE("every offline verb has --help with examples", "[help]") {
  for (const char* verb : {"info", "cat", "import", "verify", "recover", "slice", "merge"}) {
    auto r = Evtape({verb, "--help"});
    INFO(verb);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("Examples:") != std::string::npos);
    CHECK(r.out.find("Exit codes") != std::string::npos);
  }
}

}  // namespace
}  // namespace evtape::offline_test
