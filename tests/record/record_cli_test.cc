// evtape record usage errors: exit 2 with one stderr line naming the argument.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>

#include "tests/record/record_test_util.h"

namespace evtape::record_test {
namespace {

using testutil::TempDir;

void ExpectUsage(const std::vector<std::string>& args, const std::string& names) {
  std::vector<std::string> argv{"record"};
  argv.insert(argv.end(), args.begin(), args.end());
  testutil::ProcResult r = testutil::RunEvtape(argv, std::chrono::seconds(20));
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 2);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(r.err.find(names) != std::string::npos);
  CHECK(r.out.empty());
}

TEST_CASE("usage errors name the argument") {
  TempDir tmp;
  const std::string out = tmp / "rec";
  ExpectUsage({"--subject", "a..b", "-o", out}, "--subject");
  ExpectUsage({"--subject", "a.>.b", "-o", out}, "--subject");
  ExpectUsage({"--lattice", "x.y", "-o", out}, "--lattice");
  ExpectUsage({"--duration", "5 parsecs", "-o", out}, "--duration");
  ExpectUsage({"--duration", "-1s", "-o", out}, "--duration");
  ExpectUsage({"--max-segment-size", "12 potatoes", "-o", out}, "--max-segment-size");
  ExpectUsage({"--max-segment-duration", "soon", "-o", out}, "--max-segment-duration");
  ExpectUsage({"--flush-interval", "0", "-o", out}, "--flush-interval");
  ExpectUsage({"--count", "-5", "-o", out}, "--count");
  ExpectUsage({"--fsync", "always", "-o", out}, "--fsync");
  ExpectUsage({"--zstd-level", "99", "-o", out}, "--zstd-level");
  ExpectUsage({"--compress-threads", "-1", "-o", out}, "--compress-threads");
  ExpectUsage({"--compress-threads", "two", "-o", out}, "--compress-threads");
  ExpectUsage({"--io", "mmap", "-o", out}, "--io");
  ExpectUsage({"--connect-timeout", "x", "-o", out}, "--connect-timeout");
  ExpectUsage({"--user", "a", "--token", "t", "-o", out}, "--token");
  ExpectUsage({"--tlscert", tmp / "nope.pem", "-o", out}, "--tlscert");
  ExpectUsage({"--queue", "q", "-o", out}, "queue");
  ExpectUsage({"stray-positional", "-o", out}, "positional");  // Boost's wording (ParseArgs)
  ExpectUsage({"-o", "/etc/passwd/rec"}, "--output");
  std::filesystem::create_directories(tmp / "other");
  testutil::WriteFile(tmp / "other/notes.txt", "");
  ExpectUsage({"-o", tmp / "other"}, "not an evtape recording");
}

TEST_CASE("help lists the options and examples") {
  testutil::ProcResult r = testutil::RunEvtape({"record", "--help"});
  CHECK(r.exit_code == 0);
  for (const char* s : {"--lattice", "--subject", "--output", "--duration", "--count",
                        "--max-segment-size", "--max-segment-duration", "--flush-interval",
                        "--fsync", "--server", "--creds", "--retry-connect", "Examples:"}) {
    CHECK(r.out.find(s) != std::string::npos);
  }
}

}  // namespace
}  // namespace evtape::record_test
