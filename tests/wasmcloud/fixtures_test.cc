// The lattice fixtures: lint clean (apart from the documented spec-only event), every event
// type covered, import/cat byte-identical, expected counts per type.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>

#include "common/ids.h"
#include "common/units.h"
#include "tests/testutil/testutil.h"
#include "tests/wasmcloud/wasm_test_util.h"
#include "tools/lint_schema.h"

namespace evtape {
namespace {

using Json = nlohmann::json;
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
    for (const auto& [type, n] : wasmtest::CountTypes(wasmtest::ReadFrames(FixtureRecording(name)))) {
      seen.insert(type);
    }
  }
  for (const auto& e : lint::AllEvents()) {
    INFO("event " << e.name);
    CHECK(seen.count(std::string(e.name)) == 1);
  }
  CHECK(seen.size() == lint::AllEvents().size());
}

TEST_CASE("fixtures: spec-catalogue has one of each AsyncAPI message plus the host's four", "[fixtures]") {
  auto counts = wasmtest::CountTypes(wasmtest::ReadFrames(FixtureRecording("spec-catalogue")));
  for (const char* t : {"component_scaled", "component_start_failed", "provider_started",
                        "provider_stopped", "provider_start_failed", "linkdef_set",
                        "linkdef_deleted", "config_set", "config_deleted", "host_heartbeat",
                        "host_started", "host_stopped", "health_check_passed",
                        "health_check_failed", "component_scale_failed", "health_check_status",
                        "labels_changed", "linkdef_set_failed"}) {
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
      {"host-lifecycle", {{"host_heartbeat", 4}, {"host_started", 1}, {"host_stopped", 1},
                          {"labels_changed", 1}}},
      {"app-deploy", {{"component_scaled", 2}, {"config_deleted", 1}, {"config_set", 1},
                      {"health_check_passed", 1}, {"health_check_status", 2},
                      {"host_heartbeat", 3}, {"host_started", 1}, {"linkdef_deleted", 1},
                      {"linkdef_set", 1}, {"provider_started", 1}, {"provider_stopped", 1}}},
      {"failures", {{"component_scale_failed", 1}, {"component_scaled", 1},
                    {"component_start_failed", 1}, {"health_check_failed", 1},
                    {"health_check_passed", 1}, {"health_check_status", 1},
                    {"host_heartbeat", 2}, {"host_started", 1}, {"linkdef_set", 1},
                    {"linkdef_set_failed", 1}, {"provider_start_failed", 1},
                    {"provider_started", 1}}},
      {"provider-flap", {{"health_check_failed", 3}, {"health_check_passed", 4},
                         {"health_check_status", 6}, {"host_heartbeat", 12},
                         {"host_started", 1}, {"provider_started", 2},
                         {"provider_stopped", 1}}},
      {"multi-host-rolling", {{"component_scaled", 13}, {"health_check_passed", 9},
                              {"health_check_status", 40}, {"host_heartbeat", 44},
                              {"host_started", 9}, {"host_stopped", 4},
                              {"provider_started", 9}, {"provider_stopped", 4}}},
      {"spec-catalogue", {{"component_scale_failed", 1}, {"component_scaled", 2},
                          {"component_start_failed", 1}, {"config_deleted", 1},
                          {"config_set", 1}, {"health_check_failed", 1},
                          {"health_check_passed", 1}, {"health_check_status", 1},
                          {"host_heartbeat", 2}, {"host_started", 1}, {"host_stopped", 1},
                          {"labels_changed", 1}, {"linkdef_deleted", 1}, {"linkdef_set", 1},
                          {"linkdef_set_failed", 1}, {"provider_start_failed", 1},
                          {"provider_started", 1}, {"provider_stopped", 1}}},
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

// What lint cannot see, because it needs the stream rather than one event: times, ids and
// receive order as one host and one NATS connection make them, heartbeat cadence and inventory,
// health-check cadence (shared/reference/wasmcloud-events.md §1.2, §3, §5).
struct HostTrack {
  int64_t started = 0;
  int64_t last_heartbeat = 0;  // its uptime_seconds
  std::map<std::string, uint64_t> components;  // id -> max_instances
  std::set<std::string> providers;
  std::map<std::string, int64_t> provider_started;
};

void CheckHeartbeat(const Json& data, int64_t t, HostTrack* h) {
  constexpr int64_t kSec = 1'000'000'000, kSlack = 5'000'000;
  // The host's interval ticks 30 s, 60 s, ... after its start (publishing adds a few ms, which
  // never accumulates), and uptime_seconds counts whole seconds since the start.
  const int64_t expected_up = h->last_heartbeat + 30;
  h->last_heartbeat = expected_up;
  CHECK(data["uptime_seconds"] == expected_up);
  const int64_t late = t - h->started - expected_up * kSec;
  CHECK(late >= 0);
  CHECK(late <= kSlack);
  std::map<std::string, uint64_t> components;
  bool has_limits = data["version"].get<std::string>().rfind("1.8.", 0) != 0;
  for (const auto& c : data["components"]) {
    components[c["id"]] = c["max_instances"];
    CHECK(c.contains("limits") == has_limits);  // new in 1.9.0
  }
  std::set<std::string> providers;
  for (const auto& p : data["providers"]) providers.insert(p["id"].get<std::string>());
  CHECK(components == h->components);  // the inventory the events so far describe
  CHECK(providers == h->providers);
}

void CheckStreamShape(const std::vector<format::Frame>& frames) {
  std::map<std::string, HostTrack> hosts;
  int64_t last_recv = 0;
  for (const auto& f : frames) {
    Json ev = Json::parse(f.payload);
    const std::string event = ev["type"].get<std::string>().substr(22);
    const std::string time = ev["time"];
    INFO("seq " << f.seq << " " << event << " " << time);
    auto t = ParseRfc3339(time);
    REQUIRE(t);
    CHECK(time.size() == 30);                          // 9 fractional digits, Z
    CHECK(time.substr(23) != "000000Z");               // a real clock, not round milliseconds
    CHECK(ids::UlidTimeMs(ev["id"].get<std::string>()) == *t / 1'000'000);
    CHECK(f.time_ns > *t);                             // received after it was sent
    CHECK(f.time_ns >= last_recv);                     // one connection receives in order
    last_recv = f.time_ns;
    HostTrack& h = hosts[ev["source"]];
    const Json& d = ev["data"];
    if (event == "host_started") h.started = *t;
    if (event != "host_started") CHECK(h.started != 0);
    if (event == "host_heartbeat") CheckHeartbeat(d, *t, &h);
    if (event == "component_scaled" && d["max_instances"] == 0) h.components.erase(d["component_id"]);
    if (event == "component_scaled" && d["max_instances"] != 0) {
      h.components[d["component_id"]] = d["max_instances"];
    }
    if (event == "provider_started") {
      h.providers.insert(d["provider_id"].get<std::string>());
      h.provider_started[d["provider_id"]] = *t;
    }
    if (event == "provider_stopped") h.providers.erase(d["provider_id"].get<std::string>());
    if (event.rfind("health_check_", 0) == 0) {
      // First check 5 s after the provider started, then every 30 s.
      REQUIRE(h.provider_started.count(d["provider_id"]) == 1);
      int64_t ms = (*t - h.provider_started[d["provider_id"]]) / 1'000'000;
      CHECK(ms >= 5000);
      CHECK((ms - 5000) % 30000 < 50);
    }
  }
}

TEST_CASE("fixtures: times, ids, receive order, heartbeat and health cadence, inventory",
          "[fixtures]") {
  for (const std::string& name : kFixtures) {
    INFO("fixture " << name);
    CheckStreamShape(wasmtest::ReadFrames(FixtureRecording(name)));
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
