#include "tests/wasmcloud/wasm_test_util.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "wasmcloud/cloudevent_peek.h"
#include "wasmcloud/ids.h"
#include "util/units.h"
#include "format/recording.h"
#include "tests/testutil/testutil.h"

namespace evtape::wasmtest {

std::vector<format::Frame> ReadFrames(const std::string& rec) {
  FileSystem* fs = FileSystem::Default();
  auto segments = format::ListSegments(fs, rec);
  REQUIRE(segments.ok());
  auto reader = format::RecordingReader::Open(fs, *segments, format::ReaderOptions());
  REQUIRE(reader.ok());
  std::vector<format::Frame> frames;
  format::Entry e;
  while (true) {
    auto more = (*reader)->Next(&e);
    REQUIRE(more.ok());
    if (!*more) break;
    if (e.kind == format::Entry::Kind::kFrame) frames.push_back(format::Frame::From(e.frame));
  }
  return frames;
}

std::map<std::string, int> CountTypes(const std::vector<format::Frame>& frames) {
  std::map<std::string, int> counts;
  wasmcloud::CloudEventPeek peek;
  for (const auto& f : frames) {
    REQUIRE(wasmcloud::PeekCloudEvent(f.payload, &peek));
    REQUIRE(peek.type.rfind("com.wasmcloud.lattice.", 0) == 0);
    counts[peek.type.substr(22)]++;
  }
  return counts;
}

std::string ReadAllBytes(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) names.push_back(e.path());
  std::sort(names.begin(), names.end());
  std::string all;
  for (const auto& n : names) all += testutil::ReadFile(n);
  return all;
}

// What lint cannot see, because it needs the stream rather than one event: times, ids and
// receive order as one host and one NATS connection make them, heartbeat cadence and inventory,
// health-check cadence (docs/wasmcloud-events.md §2, §5).
namespace {

using Json = nlohmann::json;

struct HostTrack {
  int64_t started = 0;
  int64_t last_heartbeat = 0;                  // its uptime_seconds
  std::map<std::string, uint64_t> components;  // id -> max_instances
  std::set<std::string> providers;
  std::map<std::string, int64_t> provider_started;
  std::map<std::string, bool> healthy;  // the host's view; a (re)start resets it to unhealthy
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

}  // namespace

void CheckLatticeStream(const std::vector<format::Frame>& frames) {
  std::map<std::string, HostTrack> hosts;
  int64_t last_recv = 0;
  for (const auto& f : frames) {
    Json ev = Json::parse(f.payload);
    const std::string event = ev["type"].get<std::string>().substr(22);
    const std::string time = ev["time"];
    INFO("seq " << f.seq << " " << event << " " << time);
    auto t = ParseRfc3339(time);
    REQUIRE(t);
    CHECK(time.size() == 30);             // 9 fractional digits, Z
    CHECK(time.substr(23) != "000000Z");  // a real clock, not round milliseconds
    CHECK(wasmcloud::ids::UlidTimeMs(ev["id"].get<std::string>()) == *t / 1'000'000);
    CHECK(f.time_ns > *t);          // received after it was sent
    CHECK(f.time_ns >= last_recv);  // one connection receives in order
    last_recv = f.time_ns;
    HostTrack& h = hosts[ev["source"]];
    const Json& d = ev["data"];
    if (event == "host_started") h.started = *t;
    if (event != "host_started") CHECK(h.started != 0);
    if (event == "host_heartbeat") CheckHeartbeat(d, *t, &h);
    if (event == "component_scaled" && d["max_instances"] == 0)
      h.components.erase(d["component_id"]);
    if (event == "component_scaled" && d["max_instances"] != 0) {
      h.components[d["component_id"]] = d["max_instances"];
    }
    if (event == "provider_started") {
      h.providers.insert(d["provider_id"].get<std::string>());
      h.provider_started[d["provider_id"]] = *t;
      h.healthy[d["provider_id"]] = false;
    }
    if (event == "provider_stopped") h.providers.erase(d["provider_id"].get<std::string>());
    if (event.rfind("health_check_", 0) == 0) {
      // First check 5 s after the provider started, then every 30 s.
      REQUIRE(h.provider_started.count(d["provider_id"]) == 1);
      int64_t ms = (*t - h.provider_started[d["provider_id"]]) / 1'000'000;
      CHECK(ms >= 5000);
      CHECK((ms - 5000) % 30000 < 50);
      // passed only from unhealthy, failed only from healthy, status when nothing changed.
      bool& healthy = h.healthy[d["provider_id"]];
      if (event == "health_check_passed") CHECK_FALSE(healthy);
      if (event == "health_check_failed") CHECK(healthy);
      if (event != "health_check_status") healthy = event == "health_check_passed";
    }
  }
}

}  // namespace evtape::wasmtest
