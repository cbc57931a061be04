// Any bytes a NATS server accepts are recorded, summarised and read back: subjects and
// CloudEvent types that are not valid UTF-8 used to make the footer's JSON throw (the recorder
// died at the first rollover) and crashed info, recover, merge, slice and import.
#include <catch2/catch.hpp>

#include <string>

#include "tests/record/record_test_util.h"

namespace evtape::record_test {
namespace {

using testutil::NatsServer;
using testutil::TempDir;

TEST_CASE("subjects and CloudEvent types that are not UTF-8 are recorded and read back",
          "[nats]") {
  TempDir tmp;
  auto server = NatsServer::Start();
  REQUIRE(server);
  const std::string dir = tmp / "rec";
  auto rec = StartRecorder({"-s", server->url(), "--subject", "u.>", "-o", dir,
                            "--max-segment-size", "4KiB", "--flush-interval", "5ms"});
  Publisher pub(server->url());
  const std::string bad_subject = "u.\xff\xfe";
  const std::string bad_type = R"({"specversion":"1.0","type":"t.)" + std::string("\xc3\x28") +
                               R"(","source":")" + std::string("\xff") + R"(","id":"1"})";
  const int n = 60;
  for (int i = 0; i < n; ++i) {
    REQUIRE(pub.Publish(i % 2 == 0 ? bad_subject : "u.ok", bad_type + std::string(200, 'x')));
  }
  REQUIRE(pub.Flush());
  REQUIRE(testutil::WaitUntil([&] { return ReadRecording(dir).frames.size() >= n; },
                              std::chrono::seconds(20)));
  testutil::ProcResult r = StopRecorder(rec.get());
  INFO(r.err);
  REQUIRE(r.signal == 0);
  CHECK(r.exit_code == 0);
  Readback rb = ReadRecording(dir);
  REQUIRE(rb.frames.size() == n);
  CHECK(rb.frames[0].subject == bad_subject);
  CHECK(rb.all_sealed);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"info", dir}, {"info", dir, "--json"}, {"verify", dir},
        {"cat", dir}, {"recover", dir, "-o", tmp / "rc"}, {"merge", dir, "-o", tmp / "mg"},
        {"slice", dir, "-o", tmp / "sl"}}) {
    auto v = testutil::RunEvtape(args, std::chrono::seconds(60));
    INFO(args[0] << ": " << v.err);
    CHECK(v.signal == 0);
    CHECK(v.exit_code == 0);
  }
  CHECK(ReadRecording(tmp / "mg").frames.size() == n);
}

}  // namespace
}  // namespace evtape::record_test
