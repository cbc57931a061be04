// The lattice fixtures: lint clean (apart from the documented spec-only event), every event
// type covered, import/cat byte-identical, expected counts per type.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/testutil/testutil.h"
#include "tests/wasmcloud/wasm_test_util.h"
#include "wasmcloud/lint_schema.h"

namespace evtape {
namespace {

using testutil::RunEvtape;
using wasmtest::FixtureRecording;
using wasmtest::FixtureSource;
using wasmtest::kFixtures;

TEST_CASE("fixtures: every fixture lints clean apart from the spec-only event", "[fixtures]") {
  for (const std::string& name : kFixtures) {
    INFO("fixture " << name);
    auto r = RunEvtape({"lint", "--json", FixtureRecording(name)});
    bool has_spec_only = name == "failures" || name == "spec-catalogue";
    CHECK(r.exit_code == (has_spec_only ? 1 : 0));
    int findings = 0;
    size_t pos = 0;
    while (pos < r.out.size()) {
      size_t nl = r.out.find('\n', pos);
      auto f = nlohmann::json::parse(r.out.substr(pos, nl - pos));
      pos = nl + 1;
      ++findings;
      CHECK(f["rule"] == "spec-only-event");
      CHECK(f["subject"] == "wasmbus.evt.default.component_start_failed");
      CHECK(f["message"].get<std::string>().find("not emitted by 1.x hosts, which send "
                                                 "component_scale_failed") != std::string::npos);
    }
    CHECK(findings == (has_spec_only ? 1 : 0));
    // The sources lint the same as the recordings.
    CHECK(RunEvtape({"lint", FixtureSource(name)}).exit_code == (has_spec_only ? 1 : 0));
  }
}

TEST_CASE("fixtures: every event type appears in some fixture", "[fixtures]") {
  std::set<std::string> seen;
  for (const std::string& name : kFixtures) {
    for (const auto& [type, n] :
         wasmtest::CountTypes(wasmtest::ReadFrames(FixtureRecording(name)))) {
      seen.insert(type);
    }
  }
  for (const auto& e : wasmcloud::lint::AllEvents()) {
    INFO("event " << e.name);
    CHECK(seen.count(std::string(e.name)) == 1);
  }
  CHECK(seen.size() == wasmcloud::lint::AllEvents().size());
}

TEST_CASE("fixtures: spec-catalogue has one of each AsyncAPI message plus the host's four",
          "[fixtures]") {
  auto counts = wasmtest::CountTypes(wasmtest::ReadFrames(FixtureRecording("spec-catalogue")));
  for (const char* t :
       {"component_scaled", "component_start_failed", "provider_started", "provider_stopped",
        "provider_start_failed", "linkdef_set", "linkdef_deleted", "config_set", "config_deleted",
        "host_heartbeat", "host_started", "host_stopped", "health_check_passed",
        "health_check_failed", "component_scale_failed", "health_check_status", "labels_changed",
        "linkdef_set_failed"}) {
    INFO(t);
    CHECK(counts[t] >= 1);
  }
}

TEST_CASE("fixtures: cat of the built recording is the source, byte for byte", "[fixtures]") {
  testutil::TempDir dir;
  for (const std::string& name : kFixtures) {
    INFO("fixture " << name);
    std::string source = testutil::ReadFile(FixtureSource(name));
    auto cat = RunEvtape({"cat", FixtureRecording(name)});
    REQUIRE(cat.exit_code == 0);
    CHECK(cat.out == source);
    // import | cat again: still identical.
    REQUIRE(RunEvtape({"import", "-", "-o", dir / name}, std::chrono::seconds(60), {}, cat.out)
                .exit_code == 0);
    CHECK(RunEvtape({"cat", dir / name}).out == source);
  }
}

TEST_CASE("fixtures: expected counts per type", "[fixtures]") {
  using Counts = std::map<std::string, int>;
  const std::map<std::string, Counts> expected = {
      {"host-lifecycle",
       {{"host_heartbeat", 4}, {"host_started", 1}, {"host_stopped", 1}, {"labels_changed", 1}}},
      {"app-deploy",
       {{"component_scaled", 2},
        {"config_deleted", 1},
        {"config_set", 1},
        {"health_check_passed", 1},
        {"health_check_status", 2},
        {"host_heartbeat", 3},
        {"host_started", 1},
        {"linkdef_deleted", 1},
        {"linkdef_set", 1},
        {"provider_started", 1},
        {"provider_stopped", 1}}},
      {"failures",
       {{"component_scale_failed", 1},
        {"component_scaled", 1},
        {"component_start_failed", 1},
        {"health_check_failed", 1},
        {"health_check_passed", 1},
        {"health_check_status", 1},
        {"host_heartbeat", 2},
        {"host_started", 1},
        {"linkdef_set", 1},
        {"linkdef_set_failed", 1},
        {"provider_start_failed", 1},
        {"provider_started", 1}}},
      {"provider-flap",
       {{"health_check_failed", 3},
        {"health_check_passed", 4},
        {"health_check_status", 6},
        {"host_heartbeat", 12},
        {"host_started", 1},
        {"provider_started", 2},
        {"provider_stopped", 1}}},
      {"multi-host-rolling",
       {{"component_scaled", 13},
        {"health_check_passed", 9},
        {"health_check_status", 40},
        {"host_heartbeat", 44},
        {"host_started", 9},
        {"host_stopped", 4},
        {"provider_started", 9},
        {"provider_stopped", 4}}},
      {"spec-catalogue",
       {{"component_scale_failed", 1},
        {"component_scaled", 2},
        {"component_start_failed", 1},
        {"config_deleted", 1},
        {"config_set", 1},
        {"health_check_failed", 1},
        {"health_check_passed", 1},
        {"health_check_status", 1},
        {"host_heartbeat", 2},
        {"host_started", 1},
        {"host_stopped", 1},
        {"labels_changed", 1},
        {"linkdef_deleted", 1},
        {"linkdef_set", 1},
        {"linkdef_set_failed", 1},
        {"provider_start_failed", 1},
        {"provider_started", 1},
        {"provider_stopped", 1}}},
  };
  for (const std::string& name : kFixtures) {
    INFO("fixture " << name);
    auto frames = wasmtest::ReadFrames(FixtureRecording(name));
    CHECK(wasmtest::CountTypes(frames) == expected.at(name));
    for (const auto& f : frames) {
      CHECK(f.headers.empty());
      CHECK(f.reply.empty());
    }
  }
}

TEST_CASE("fixtures: times, ids, receive order, heartbeat and health cadence, inventory",
          "[fixtures]") {
  for (const std::string& name : kFixtures) {
    INFO("fixture " << name);
    wasmtest::CheckLatticeStream(wasmtest::ReadFrames(FixtureRecording(name)));
  }
}

TEST_CASE("fixtures: multi-host-rolling's crashed host stops heartbeating without host_stopped",
          "[fixtures]") {
  auto frames = wasmtest::ReadFrames(FixtureRecording("multi-host-rolling"));
  std::map<std::string, int> stopped, started;
  std::map<std::string, int64_t> last_heartbeat;
  for (const auto& f : frames) {
    auto j = nlohmann::json::parse(f.payload);
    std::string source = j["source"];
    std::string type = j["type"];
    if (type.ends_with("host_heartbeat")) last_heartbeat[source] = f.time_ns;
    if (type.ends_with("host_stopped")) stopped[source]++;
    if (type.ends_with("host_started")) started[source]++;
  }
  const int64_t end = frames.back().time_ns;
  int crashed = 0;
  for (const auto& [host, n] : started) {
    // Silent for more than two heartbeat intervals before the end, and never said goodbye.
    if (stopped.count(host) == 0 && end - last_heartbeat[host] > 60'000'000'000) ++crashed;
  }
  CHECK(started.size() == 9);
  CHECK(stopped.size() == 4);
  CHECK(crashed == 1);
}

}  // namespace
}  // namespace evtape
