// Failing consumers: a deliberate bug gives a diff naming the event and the field; crashes,
// consumers that never get ready and consumers that hang fail clearly and leave no process or
// server behind; noise (fresh ids, shifted times) is normalised but real changes are not.
#include <catch2/catch.hpp>

#include "tests/harness/harness_test_util.h"

namespace evtape::harness_test {
namespace {

using testutil::RunEvtape;
using testutil::TempDir;

bool Has(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

TEST_CASE("a buggy consumer fails with a diff naming the event and the field", "[harness][nats]") {
  TempDir dir;
  std::string path =
      WriteScenario(dir, "bug.json", AppDeployScenario({"--bug=ignore-scale-to-zero"}));
  auto r = RunEvtape({"test", path}, std::chrono::seconds(60));
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(Has(r.out, "FAIL app-deploy-copy"));
  // Event 12 is the scale to zero: its state update is missing ...
  CHECK(Has(r.out,
            "event #12 wasmbus.evt.<lattice>.component_scaled (type "
            "com.wasmcloud.lattice.component_scaled"));
  CHECK(Has(r.out, "expected but not seen: inventory.<lattice>.state"));
  // ... and the next state still lists the component.
  CHECK(Has(r.out, "event #13 wasmbus.evt.<lattice>.provider_stopped"));
  CHECK(Has(r.out, "field /components/rust_hello_world-http_component: expected absent, actual {"));
  CHECK(Has(r.out, "consumer stderr (last lines):"));
  CHECK(Has(r.out, "re-run: evtape test " + path));
}

// A consumer wrapper that records its pid, its server and a background child, then behaves
// as `mode` says: crash (the example consumer aborting after 3 events), never-ready, hang
// (ignores SIGTERM and never reacts).
std::string WriteWrapper(const TempDir& dir) {
  std::string script = dir / "consumer.sh";
  testutil::WriteFile(script,
                      "#!/bin/sh\n"
                      "echo $$ > \"$D/consumer.pid\"\n"
                      "echo \"$NATS_URL\" > \"$D/url\"\n"
                      "if [ \"$1\" = hang ]; then trap '' TERM; fi\n"
                      "sleep 300 &\n"
                      "echo $! > \"$D/child.pid\"\n"
                      "if [ \"$1\" = crash ]; then exec \"$INV\" --crash-after 3; fi\n"
                      "wait\n");
  return script;
}

struct Outcome {
  testutil::ProcResult r;
  pid_t consumer = 0, child = 0;
  std::string url;
};

Outcome RunWrapped(const TempDir& dir, const std::string& mode, nlohmann::json ready,
                   const std::string& timeout) {
  nlohmann::json s = AppDeployScenario();
  s["consumer"] = {{"command", {"sh", WriteWrapper(dir), mode}},
                   {"env", {{"D", dir.path()}, {"INV", Inventory()}}},
                   {"ready", ready},
                   {"grace", "500ms"}};
  s["timeout"] = timeout;
  s["replay"]["max_wait"] = "5s";
  Outcome o;
  o.r = RunEvtape({"test", WriteScenario(dir, mode + ".json", s)}, std::chrono::seconds(60));
  o.consumer = ReadPid(dir / "consumer.pid");
  o.child = ReadPid(dir / "child.pid");
  o.url = testutil::ReadFile(dir / "url");
  return o;
}

void CheckNothingLeft(const Outcome& o) {
  REQUIRE(o.consumer > 0);
  REQUIRE(o.child > 0);
  REQUIRE(!o.url.empty());
  // evtape has exited: its consumer, the consumer's own children and its server must be gone.
  CHECK(testutil::WaitUntil([&] { return ProcessGone(o.consumer); }, std::chrono::seconds(5)));
  CHECK(testutil::WaitUntil([&] { return ProcessGone(o.child); }, std::chrono::seconds(5)));
  CHECK(ServerGone(o.url.substr(0, o.url.find('\n'))));
}

TEST_CASE("a consumer that crashes fails clearly and leaves nothing behind", "[harness][nats]") {
  TempDir dir;
  Outcome o = RunWrapped(dir, "crash", {{"subject", "inventory.${LATTICE}.ready"}}, "30s");
  INFO(o.r.out << o.r.err);
  CHECK(o.r.exit_code == 1);
  CHECK(Has(o.r.out, "the consumer was killed by signal 6 (Aborted) after event #4"));
  CHECK(Has(o.r.out, "crashing on purpose"));  // its stderr tail
  CheckNothingLeft(o);
}

TEST_CASE("a consumer that never becomes ready fails clearly", "[harness][nats]") {
  TempDir dir;
  Outcome o = RunWrapped(dir, "never-ready",
                         {{"subject", "inventory.${LATTICE}.ready"}, {"timeout", "1s"}}, "30s");
  INFO(o.r.out << o.r.err);
  CHECK(o.r.exit_code == 1);
  CHECK(Has(o.r.out, "the consumer did not become ready within 1.00 s (nothing on inventory."));
  CheckNothingLeft(o);
}

TEST_CASE("a consumer that hangs times out and is killed with its children", "[harness][nats]") {
  TempDir dir;
  Outcome o = RunWrapped(dir, "hang", {{"delay", "100ms"}}, "2s");
  INFO(o.r.out << o.r.err);
  CHECK(o.r.exit_code == 1);
  CHECK(Has(o.r.out, "timed out: the scenario's timeout (2.00 s) passed after event #1"));
  CheckNothingLeft(o);
}

TEST_CASE("fresh ids and shifted times still pass, a changed field fails", "[harness][nats]") {
  TempDir dir;
  nlohmann::json s = AppDeployScenario({}, dir / "noise.golden.jsonl");
  s["replay"]["fresh_ids"] = true;
  s["replay"]["shift_time"] = true;
  s["replay"]["seed"] = 1;
  auto created = RunEvtape({"test", "--update", WriteScenario(dir, "seed1.json", s)});
  INFO(created.out << created.err);
  REQUIRE(created.exit_code == 0);
  for (int seed : {2, 3}) {
    s["replay"]["seed"] = seed;
    auto r = RunEvtape({"test", WriteScenario(dir, "seed.json", s)});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
  }
  // The same events with one host label changed: not noise.
  std::string fixture = testutil::ReadFile(SourceDir() + "/fixtures/app-deploy.jsonl");
  size_t p = fixture.find("\"zone\":\"us-east-1\"");
  REQUIRE(p != std::string::npos);
  fixture.replace(p, 18, "\"zone\":\"eu-west-1\"");
  testutil::WriteFile(dir / "changed.jsonl", fixture);
  s["fixtures"] = {dir / "changed.jsonl"};
  auto r = RunEvtape({"test", WriteScenario(dir, "changed.json", s)});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(Has(r.out, "event #1 wasmbus.evt.<lattice>.host_started"));
  CHECK(Has(r.out,
            "field /hosts/<nkey:1>/labels/zone: expected \"us-east-1\", actual \"eu-west-1\""));
}

}  // namespace
}  // namespace evtape::harness_test

namespace evtape::harness_test {
namespace {

TEST_CASE("repeated runs that differ fail showing the difference", "[harness][nats]") {
  TempDir dir;
  std::string golden = dir / "g.jsonl";
  std::string path =
      WriteScenario(dir, "pid.json", AppDeployScenario({"--bug=report-pid"}, golden));
  auto r = RunEvtape({"test", "--update", "--repeat", "2", path}, std::chrono::seconds(60));
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("run 2 differs from run 1") != std::string::npos);
  CHECK(r.out.find("field /pid: in run 1 ") != std::string::npos);
  CHECK(r.out.find("event #1 wasmbus.evt.<lattice>.host_started") != std::string::npos);
  CHECK(testutil::ReadFile(golden).empty());  // runs disagree: nothing written
}

TEST_CASE("scaled pacing publishes on the recorded schedule", "[harness][nats]") {
  TempDir dir;
  nlohmann::json s = AppDeployScenario({}, dir / "g.jsonl");
  s["fixtures"] = {SourceDir() + "/fixtures/host-lifecycle.jsonl"};
  s["replay"] = {{"pacing", "scaled"}, {"speed", 200}, {"quiet", "300ms"}};
  auto r = RunEvtape({"test", "--update", WriteScenario(dir, "scaled.json", s)});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  // host_started, labels_changed and host_stopped change the inventory; heartbeats do not.
  CHECK(r.out.find("created (3 reactions)") != std::string::npos);
}

}  // namespace
}  // namespace evtape::harness_test
