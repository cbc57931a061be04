// The shipped scenarios pass, repeatedly, on embedded servers and on a shared server; golden
// files are created, reported and required; JUnit XML is written.
#include <catch2/catch.hpp>

#include "tests/harness/harness_test_util.h"

namespace evtape::harness_test {
namespace {

using testutil::RunEvtape;
using testutil::TempDir;

TEST_CASE("shipped scenarios pass five times in a row", "[harness][nats]") {
  TempDir dir;
  std::vector<std::string> args{"test", "--repeat", "5", "--junit", dir / "junit.xml"};
  for (const char* n :
       {"app-deploy", "failures", "host-ctl", "host-ctl-recorded", "spec-catalogue"})
    args.push_back(ScenarioDir() + "/" + n + ".json");
  auto r = RunEvtape(args, std::chrono::seconds(110));
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("5 passed, 0 failed") != std::string::npos);
  std::string junit = testutil::ReadFile(dir / "junit.xml");
  CHECK(junit.find("tests=\"5\" failures=\"0\"") != std::string::npos);
  CHECK(junit.find("name=\"host-ctl\"") != std::string::npos);
}

TEST_CASE("long shipped scenarios pass", "[harness][nats]") {
  auto r = RunEvtape(
      {"test", ScenarioDir() + "/provider-flap.json", ScenarioDir() + "/multi-host-rolling.json"},
      std::chrono::seconds(110));
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("2 passed, 0 failed") != std::string::npos);
}

TEST_CASE("a shared --server runs under a fresh lattice per run", "[harness][nats]") {
  auto server = testutil::NatsServer::Start();
  REQUIRE(server);
  auto r = RunEvtape({"test", "--server", server->url(), "--repeat", "2",
                      ScenarioDir() + "/app-deploy.json", ScenarioDir() + "/host-ctl.json"},
                     std::chrono::seconds(60));
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("2 passed, 0 failed") != std::string::npos);
}

TEST_CASE("update mode creates, keeps and rewrites golden files, a missing one fails",
          "[harness][nats]") {
  TempDir dir;
  std::string golden = dir / "g.jsonl";
  std::string path = WriteScenario(dir, "s.json", AppDeployScenario({}, golden));

  auto missing = RunEvtape({"test", path});
  CHECK(missing.exit_code == 1);
  CHECK(missing.out.find("golden file " + golden + " is missing") != std::string::npos);
  CHECK(missing.out.find("--update") != std::string::npos);

  auto created = RunEvtape({"test", "--update", path});
  INFO(created.out << created.err);
  CHECK(created.exit_code == 0);
  CHECK(created.out.find("golden " + golden + ": created (10 reactions)") != std::string::npos);
  CHECK(testutil::ReadFile(golden) ==
        testutil::ReadFile(ScenarioDir() + "/app-deploy.golden.jsonl"));

  auto unchanged = RunEvtape({"test", "--update", path});
  CHECK(unchanged.out.find(": unchanged") != std::string::npos);

  testutil::WriteFile(golden, "{\"event\":1,\"subject\":\"x\"}\n");
  auto updated = RunEvtape({"test", "--update", path});
  CHECK(updated.exit_code == 0);
  CHECK(updated.out.find(": updated") != std::string::npos);
  CHECK(RunEvtape({"test", path}).exit_code == 0);
}

TEST_CASE("golden files record the attribution and number placeholders consistently", "[harness]") {
  std::string g = testutil::ReadFile(ScenarioDir() + "/host-ctl.golden.jsonl");
  // The control request names the host that host_started announced: the same <nkey:1> as the
  // inventory key, so a consumer asking about another host would fail.
  CHECK(g.find(
            "\"event\":1,\"trigger\":\"wasmbus.evt.<lattice>.host_started\","
            "\"subject\":\"wasmbus.ctl.v1.<lattice>.host.get.<nkey:1>\",\"reply\":\"<inbox:1>\"") !=
        std::string::npos);
  CHECK(g.find("\"hosts\":{\"<nkey:1>\"") != std::string::npos);
  CHECK(g.find("evtape-test-") == std::string::npos);  // the run's lattice id never leaks
}

}  // namespace
}  // namespace evtape::harness_test
