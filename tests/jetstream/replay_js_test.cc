// evtape replay --jetstream into a stream: exact counts of stored, duplicate and failed
// messages (a second run within the duplicate window with --msg-id cloudevent stores nothing
// twice), recorded JetStream control headers named before the replay and stripped on request.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "jetstream/control_headers.h"
#include "tests/jetstream/js_test_util.h"

namespace evtape {
namespace {

using testutil::RunEvtape;

// n CloudEvents on evt.x; frames 5 and 6 expect another stream, frame 7 asks for a rollup.
std::string Fixture(int n) {
  std::string out;
  for (int i = 1; i <= n; ++i) {
    nlohmann::json line = {{"seq", i}, {"time", "2026-11-23T19:38:00.000000000Z"}, {"subject", "evt.x"}};
    line["payload"] = {{"specversion", "1.0"}, {"id", js_test::Tag("ev-", i)}, {"type", "t"}};
    if (i == 5 || i == 6) line["headers"] = nlohmann::json::array({nlohmann::json::array({"Nats-Expected-Stream", "other"}),
                                                           nlohmann::json::array({"a", "b"})});
    if (i == 7) line["headers"] = nlohmann::json::array({nlohmann::json::array({"Nats-Rollup", "sub"})});
    out += line.dump() + "\n";
  }
  return out;
}

TEST_CASE("replay --jetstream: control header helpers") {
  int removed = 0;
  CHECK(jetstream::StripControlHeaders("NATS/1.0\r\nNats-Rollup: sub\r\n\r\n", &removed).empty());
  CHECK(removed == 1);
  CHECK(jetstream::StripControlHeaders("NATS/1.0\r\nA:  1\r\nNats-Expected-Stream: x\r\nnats-rollup: k\r\n\r\n", &removed) ==
        "NATS/1.0\r\nA:  1\r\nnats-rollup: k\r\n\r\n");
  CHECK(removed == 1);
  CHECK(jetstream::WithMsgId("", "x") == "NATS/1.0\r\nNats-Msg-Id: x\r\n\r\n");
  CHECK(jetstream::WithMsgId("NATS/1.0\r\nA: 1\r\n\r\n", "x") == "NATS/1.0\r\nNats-Msg-Id: x\r\nA: 1\r\n\r\n");
}

TEST_CASE("replay --jetstream: exact stored, duplicate and failed counts", "[nats]") {
  auto server = js_test::StartJsServer();
  REQUIRE(server);
  auto s = js_test::Open(server->url());
  js_test::AddStream(*s, {.name = "TGT", .subjects = {"evt.>"}});
  testutil::TempDir tmp;
  testutil::WriteFile(tmp / "in.jsonl", Fixture(40));
  auto replay = [&](std::vector<std::string> extra) {
    std::vector<std::string> args{"replay", tmp / "in.jsonl", "--jetstream", "--speed", "max",
                                  "--report", tmp / "report.json", "-s", server->url()};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunEvtape(args);
  };
  testutil::ProcResult r = replay({"--msg-id", "cloudevent"});
  INFO(r.err);
  CHECK(r.exit_code == 3);  // 3 were refused by the stream
  CHECK(r.err.find("warning: 3 frames carry JetStream control headers (Nats-Expected-Stream 2, Nats-Rollup 1)") !=
        std::string::npos);
  CHECK(r.err.find("jetstream: 37 stored, 0 duplicate") != std::string::npos);
  CHECK(r.err.find("3 failed") != std::string::npos);
  nlohmann::json j = nlohmann::json::parse(testutil::ReadFile(tmp / "report.json"));
  CHECK(j["jetstream"]["acked"] == 37);
  CHECK(j["jetstream"]["failed"] == 3);
  CHECK(js_test::StreamMsgs(*s, "TGT") == 37);

  // Again, within the duplicate window, with the control headers stripped: the 37 already
  // stored are duplicates, the 3 refused before are stored now.
  r = replay({"--msg-id", "cloudevent", "--strip-js-headers"});
  CHECK(r.exit_code == 0);
  j = nlohmann::json::parse(testutil::ReadFile(tmp / "report.json"));
  CHECK(j["jetstream"]["acked"] == 3);
  CHECK(j["jetstream"]["duplicate"] == 37);
  CHECK(j["jetstream"]["failed"] == 0);
  CHECK(j["jetstream"]["stripped"] == 3);
  CHECK(js_test::StreamMsgs(*s, "TGT") == 40);

  // Without message ids nothing is deduplicated.
  r = replay({"--strip-js-headers"});
  CHECK(r.exit_code == 0);
  CHECK(js_test::StreamMsgs(*s, "TGT") == 80);

  // A subject no stream captures: every message fails, exit 3; bad flags exit 2.
  r = replay({"--map", "evt.>=nowhere.>"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("40 failed") != std::string::npos);
  CHECK(replay({"--msg-id", "ulid"}).exit_code == 2);
  auto plain = testutil::NatsServer::Start();
  REQUIRE(plain);
  r = RunEvtape({"replay", tmp / "in.jsonl", "--jetstream", "-s", plain->url()});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("JetStream is not enabled") != std::string::npos);
}

}  // namespace
}  // namespace evtape
