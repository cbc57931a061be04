// A capture stream with three replicas on a three-node JetStream cluster (loopback ports, a
// store dir per node): the stream leader is killed mid-capture, capture goes on, and a drain
// from a surviving node holds every published event exactly once.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/jetstream/js_test_util.h"
#include "tests/record/record_test_util.h"

namespace evtape {
namespace {

using testutil::RunEvtape;

TEST_CASE("cluster: R3 capture survives its leader's death, and the drain has every event once",
          "[nats][cluster]") {
  js_test::Cluster cluster;
  // The JetStream meta leader is elected about 2 s after start: retry until start succeeds.
  testutil::ProcResult r;
  const bool started = testutil::WaitUntil(
      [&] {
        r = RunEvtape({"capture", "start", "--lattice", "prod", "--window", "1h", "--replicas", "3",
                       "-s", cluster.urls()});
        return r.exit_code == 0;
      },
      std::chrono::seconds(30));
  INFO(r.err << cluster.Logs());
  REQUIRE(started);
  r = RunEvtape({"capture", "status", "--lattice", "prod", "--json", "-s", cluster.urls()});
  REQUIRE(r.exit_code == 0);
  nlohmann::json st = nlohmann::json::parse(r.out);
  CHECK(st["replicas"] == 3);
  CHECK(st["cluster"] == "c1");
  const int leader = js_test::Cluster::IndexOf(st["leader"].get<std::string>());
  REQUIRE(leader >= 0);
  CHECK(st["peers"].size() == 2);

  const int survivor = (leader + 1) % 3;
  auto s = js_test::Open(cluster.url(survivor) + "," + cluster.url((leader + 2) % 3));
  const int n = 300, kill_at = 100;
  for (int i = 0; i < n; ++i) {
    if (i == kill_at) cluster.Kill(leader);
    REQUIRE(js_test::PublishAcked(*s, "wasmbus.evt.prod.e", i, js_test::Tag("event-", i)));
  }
  // The stream elects a new leader after the kill; until it has, status cannot answer.
  const bool answered = testutil::WaitUntil(
      [&] {
        r = RunEvtape({"capture", "status", "--lattice", "prod", "--json", "-s",
                       cluster.url(survivor)});
        return r.exit_code == 0;
      },
      std::chrono::seconds(30));
  INFO(r.err);
  REQUIRE(answered);
  st = nlohmann::json::parse(r.out);
  CHECK(st["leader"] != js_test::Tag("n", leader + 1));
  CHECK(st["messages"] == n);

  testutil::TempDir tmp;
  r = RunEvtape({"record", "--stream", "evtape_prod", "-o", tmp / "rec", "-s", cluster.url(survivor)});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  record_test::Readback rb = record_test::ReadRecording(tmp / "rec");
  REQUIRE(rb.frames.size() == n);
  CHECK(rb.gaps.empty());
  std::set<std::string> payloads;
  for (const auto& f : rb.frames) payloads.insert(f.payload);
  CHECK(payloads.size() == n);
  for (int i = 0; i < n; ++i) CHECK(payloads.count(js_test::Tag("event-", i)) == 1);
}

}  // namespace
}  // namespace evtape
