// The lattice model synth keeps (hosts, their components and providers) and the serialisers that
// turn it into host-exact CloudEvent payloads. Data keys are written in sorted order by hand:
// each serialiser lists its fields alphabetically, as the host's BTreeMap-backed serde_json does.
// Internal to synth; not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "wasmcloud/ids.h"

namespace evtape::wasmcloud::synth {

using Annotations = std::map<std::string, std::string>;  // sorted, like the host

struct ComponentState {
  std::string id, image_ref, app;
  uint32_t max_instances = 0;
  Annotations annotations;
};

struct ProviderState {
  std::string id, image_ref, claims_name, claims_version, app;
  Annotations annotations;
  int64_t health_base_ns = 0;  // time of the first health check of this generation
  uint32_t generation = 0;     // bumped on every start; stale health checks are dropped
  bool has_claims = true;      // signed provider archive; unsigned ones send no claims or name
  bool healthy = false;        // the host's view: the initial state counts as unhealthy
  bool running = false;
};

struct HostState {
  std::string id, friendly_name, version = "1.9.2";
  std::map<std::string, std::string> labels;
  int64_t start_ns = 0;
  std::map<std::string, ComponentState> components;  // by id: the heartbeat lists them sorted
  std::map<std::string, ProviderState> providers;
  bool inventory_dirty = true;
  std::string inventory_components, inventory_providers;  // cached JSON arrays
};

struct LinkState {
  std::string source_id, target, wit_namespace, wit_package;
  std::vector<std::string> interfaces, source_config, target_config;
  std::string name = "default";
};

// Appends the whole CloudEvent: envelope in the host's order around `data` (already JSON).
void AppendEnvelope(std::string* out, std::string_view id, std::string_view event,
                    std::string_view source, int64_t time_ns, std::string_view data);

// `data` objects, one per event kind.
std::string HostStartedData(const HostState& h);
std::string HostHeartbeatData(HostState& h, int64_t now_ns);  // refreshes the inventory cache
std::string LabelsData(const HostState& h, bool with_host_id);
std::string ComponentScaledData(const HostState& h, const ComponentState& c, uint32_t max,
                                const std::string* error);
std::string ProviderStartedData(const HostState& h, const ProviderState& p);
std::string ProviderStoppedData(const HostState& h, const ProviderState& p);
std::string ProviderStartFailedData(const HostState& h, const ProviderState& p,
                                    std::string_view error);
std::string HealthData(const HostState& h, std::string_view provider_id);
std::string ConfigData(std::string_view name);
std::string LinkData(const LinkState& l, const std::string* error);
// `existed` false: the host still publishes the delete, with only the four identifying fields.
std::string LinkDeletedData(const LinkState& l, bool existed);

// humantime-style uptime as the host prints it: "30s", "1m 30s", "2days 3h 4m 5s".
std::string UptimeHuman(uint64_t seconds);

}  // namespace evtape::wasmcloud::synth
