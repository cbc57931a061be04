// evtape synth: determinism per seed, lint clean, cadences, counts scale with the options.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "wasmcloud/ids.h"
#include "util/units.h"
#include "tests/testutil/testutil.h"
#include "tests/wasmcloud/wasm_test_util.h"
#include "wasmcloud/synth_lattice.h"

namespace evtape {
namespace {

using testutil::RunEvtape;

struct Event {
  int64_t recv_ns;
  std::string subject, payload;
};

std::vector<Event> Generate(const wasmcloud::synth::SynthOptions& o) {
  std::vector<Event> events;
  auto r = wasmcloud::synth::RunSynth(o, [&](int64_t t, std::string_view s, std::string_view p) {
    events.push_back({t, std::string(s), std::string(p)});
    return Status::Ok();
  });
  REQUIRE(r.ok());
  REQUIRE(r->events == events.size());
  return events;
}

wasmcloud::synth::SynthOptions Small(uint64_t seed) {
  wasmcloud::synth::SynthOptions o;
  o.hosts = 4;
  o.components = 9;
  o.providers = 5;
  o.duration_ns = 15 * 60 * 1000000000LL;
  o.churn_per_min = 12;
  o.seed = seed;
  return o;
}

TEST_CASE("synth: same seed same bytes, different seed different bytes", "[synth]") {
  testutil::TempDir dir;
  std::vector<std::string> common = {"synth", "--hosts",     "3", "--components",
                                     "6",     "--providers", "3", "--duration",
                                     "10m",   "--churn",     "6"};
  auto run = [&](const std::string& seed, const std::string& out) {
    auto args = common;
    args.insert(args.end(), {"--seed", seed, "-o", dir / out});
    auto r = RunEvtape(args);
    REQUIRE(r.exit_code == 0);
    return wasmtest::ReadAllBytes(dir / out);
  };
  std::string a = run("5", "a"), b = run("5", "b"), c = run("6", "c");
  CHECK(a == b);
  CHECK(a != c);
}

TEST_CASE("synth: output lints clean with no warnings", "[synth]") {
  testutil::TempDir dir;
  auto r = RunEvtape({"synth", "--hosts", "5", "--components", "12", "--providers", "6",
                      "--duration", "20m", "--churn", "30", "--seed", "11", "-o", dir / "rec"});
  REQUIRE(r.exit_code == 0);
  auto lint = RunEvtape({"lint", dir / "rec"});
  CHECK(lint.exit_code == 0);
  CHECK(lint.out.empty());  // not even warnings
  // Churn at 30/min for 20 min exercises every failure kind the host has.
  auto counts = wasmtest::CountTypes(wasmtest::ReadFrames(dir / "rec"));
  for (const char* t :
       {"host_started", "host_heartbeat", "health_check_status", "health_check_passed",
        "provider_started", "provider_stopped", "component_scaled", "component_scale_failed",
        "linkdef_set", "linkdef_set_failed", "linkdef_deleted", "config_set", "config_deleted",
        "labels_changed"}) {
    INFO(t);
    CHECK(counts[t] > 0);
  }
}

TEST_CASE("synth: the stream is shaped like a host's, with every payload variant", "[synth]") {
  testutil::TempDir dir;
  REQUIRE(RunEvtape({"synth", "--hosts", "5", "--components", "12", "--providers", "6",
                     "--duration", "20m", "--churn", "30", "--seed", "11", "-o", dir / "rec"})
              .exit_code == 0);
  auto frames = wasmtest::ReadFrames(dir / "rec");
  wasmtest::CheckLatticeStream(frames);
  // Both shapes of the events that have two (reference §3): signed and unsigned providers,
  // deletes of links that existed and of links that did not.
  std::map<std::string, int> shapes;
  for (const auto& f : frames) {
    auto j = nlohmann::json::parse(f.payload);
    std::string type = j["type"];
    if (type.ends_with(".provider_started"))
      shapes[j["data"].contains("claims") ? "signed" : "unsigned"]++;
    if (type.ends_with(".linkdef_deleted"))
      shapes[j["data"].contains("target") ? "existed" : "absent"]++;
  }
  for (const char* shape : {"signed", "unsigned", "existed", "absent"}) {
    INFO(shape);
    CHECK(shapes[shape] > 0);
  }
}

TEST_CASE("synth: wire shape, ids, keys and heartbeat cadence", "[synth]") {
  auto events = Generate(Small(3));
  std::map<std::string, std::vector<int64_t>> heartbeats;  // host -> event times
  std::map<std::string, int64_t> started;
  int64_t prev_recv = 0;
  for (const Event& e : events) {
    CHECK(e.recv_ns > prev_recv);
    prev_recv = e.recv_ns;
    auto j = nlohmann::ordered_json::parse(e.payload);
    CHECK(j.dump() == e.payload);  // compact, host's key order kept
    std::string time = j["time"], source = j["source"];
    CHECK(time.size() == 30);  // 9 fractional digits, Z
    auto t = ParseRfc3339(time);
    REQUIRE(t);
    CHECK(wasmcloud::ids::UlidTimeMs(j["id"].get<std::string>()) == *t / 1000000);
    CHECK(wasmcloud::ids::IsValidNkey(source, 'N'));
    if (j["data"].contains("host_id")) CHECK(j["data"]["host_id"] == source);
    std::string type = j["type"];
    if (type.ends_with(".host_started")) started[source] = *t;
    if (type.ends_with(".host_heartbeat")) heartbeats[source].push_back(*t);
  }
  REQUIRE(started.size() == 4);
  for (const auto& [host, times] : heartbeats) {
    INFO("host " << host);
    REQUIRE(times.size() >= 28);
    // The first one 30 s after start, then every 30 s (a few ms of jitter, no drift).
    CHECK(std::llabs(times[0] - started[host] - 30'000'000'000) < 5'000'000);
    for (size_t i = 1; i < times.size(); ++i) {
      CHECK(std::llabs(times[i] - times[i - 1] - 30'000'000'000) < 5'000'000);
    }
  }
}

TEST_CASE("synth: counts scale with hosts, providers and duration", "[synth]") {
  auto count = [](const std::vector<Event>& ev, std::string_view suffix) {
    return std::count_if(ev.begin(), ev.end(),
                         [&](const Event& e) { return e.subject.ends_with(suffix); });
  };
  wasmcloud::synth::SynthOptions base = Small(9);
  base.churn_per_min = 0;
  auto one = Generate(base);
  wasmcloud::synth::SynthOptions twice = base;
  twice.hosts *= 2;
  twice.providers *= 2;
  auto two = Generate(twice);
  wasmcloud::synth::SynthOptions longer = base;
  longer.duration_ns *= 2;
  auto three = Generate(longer);
  // 4 hosts x ~29 heartbeats in 15 min; twice the hosts, twice the heartbeats.
  CHECK(count(one, ".host_heartbeat") >= 4 * 28);
  CHECK(count(one, ".host_heartbeat") <= 4 * 30);
  CHECK(std::llabs(count(two, ".host_heartbeat") - 2 * count(one, ".host_heartbeat")) <= 8);
  CHECK(std::llabs(count(three, ".host_heartbeat") - 2 * count(one, ".host_heartbeat")) <= 8);
  auto health = [&](const std::vector<Event>& ev) {
    return count(ev, ".health_check_status") + count(ev, ".health_check_passed") +
           count(ev, ".health_check_failed");
  };
  // Every provider is checked every 30 s from 5 s after it starts.
  CHECK(health(one) >= 5 * 28);
  CHECK(std::llabs(health(two) - 2 * health(one)) <= 12);
  CHECK(count(one, ".provider_started") == 5);
  CHECK(count(two, ".provider_started") == 10);
  CHECK(count(one, ".component_scaled") == 9);
  CHECK(count(one, ".host_started") == 4);
  // No churn: no failures, no stops.
  CHECK(count(one, ".component_scale_failed") == 0);
  CHECK(count(one, ".linkdef_set_failed") == 0);
  CHECK(count(one, ".provider_stopped") == 0);
}

TEST_CASE("synth: usage errors name the argument", "[synth][cli]") {
  testutil::TempDir dir;
  struct Case {
    std::vector<std::string> args;
    std::string needle;
  };
  std::vector<Case> cases = {
      {{"synth", "--duration", "1m", "-o", dir / "x"}, "--hosts"},
      {{"synth", "--hosts", "0", "--duration", "1m", "-o", dir / "x"}, "--hosts"},
      {{"synth", "--hosts", "2", "--duration", "soon", "-o", dir / "x"}, "--duration"},
      {{"synth", "--hosts", "2", "--duration", "1m", "--churn", "-1", "-o", dir / "x"}, "--churn"},
      {{"synth", "--hosts", "2", "--duration", "1m", "--lattice", "a.b", "-o", dir / "x"},
       "--lattice"},
      {{"synth", "--hosts", "2", "--duration", "1m", "--start", "yesterday", "-o", dir / "x"},
       "--start"},
      {{"synth", "--hosts", "2", "--duration", "1m"}, "output"},
      {{"synth", "--hosts", "2", "--duration", "1m", "--seed", "-1", "-o", dir / "x"},
       "--seed '-1'"},
      {{"synth", "--hosts", "2", "--duration", "1m", "--seed", "x1", "-o", dir / "x"}, "--seed"},
      {{"synth", "--hosts", "2", "--duration", "1m", "--churn", "nan", "-o", dir / "x"}, "--churn"},
  };
  for (const auto& c : cases) {
    INFO(c.needle);
    auto r = RunEvtape(c.args);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(c.needle) != std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
  std::filesystem::create_directories(dir / "full");
  testutil::WriteFile(dir / "full/file", "x");
  auto r = RunEvtape({"synth", "--hosts", "1", "--duration", "1m", "-o", dir / "full"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("not empty") != std::string::npos);
  // Runtime failure: exit 1, one line naming the path and the cause, nothing left behind.
  auto bad = RunEvtape({"synth", "--hosts", "1", "--duration", "1m", "-o", dir / "full/file/rec"});
  CHECK(bad.exit_code == 1);
  CHECK(bad.err.find(dir / "full/file/rec") != std::string::npos);
  CHECK(bad.err.find("Not a directory") != std::string::npos);
  CHECK(std::count(bad.err.begin(), bad.err.end(), '\n') == 1);
}

}  // namespace
}  // namespace evtape
