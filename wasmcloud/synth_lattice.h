// SynthLattice: generates a realistic wasmCloud 1.x lattice event stream, deterministically
// from a seed, in the host's exact wire shape (docs/wasmcloud-events.md): compact
// JSON, envelope keys in the host's order, data keys sorted, ULID ids (UUID-rendered) whose time
// is the event's `time`, 9-digit Z times, valid server-nkey host ids, source == data.host_id.
//
// What happens: hosts start staggered over the first seconds (host_started), each heartbeats
// every 30 s from 30 s after its start with its inventory; providers and components are deployed
// onto hosts round-robin by a wadm-like deployer (config_set, provider_started, component_scaled,
// linkdef_set; one provider in five is unsigned, so both provider_started shapes occur); every
// provider is health-checked 5 s after it starts and every 30 s after (health_check_passed/failed
// on a change, health_check_status otherwise, with rare flaps); churn operations (scale, config,
// links including deletes of absent links, provider restarts, labels) arrive at `churn_per_min`
// on average, about one in ten failing (component_scale_failed, provider_start_failed,
// linkdef_set_failed).
//
// Serialisation is hand-written (no JSON DOM) so that a million events take seconds. Not
// thread-safe; one generator per thread. No exceptions; Run stops at the sink's first error.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "format/status.h"

namespace evtape::wasmcloud::synth {

struct SynthOptions {
  uint32_t hosts = 1;
  uint32_t components = 0;
  uint32_t providers = 0;
  int64_t duration_ns = 0;
  double churn_per_min = 1.0;  // churn operations per minute, lattice-wide; 0 = none
  uint64_t seed = 1;
  std::string lattice = "default";
  int64_t start_ns = 1767225600LL * 1000000000LL;  // 2026-01-01T00:00:00Z
};

// Receives each event in order: receive time (ns), subject, compact CloudEvent payload.
using EventSink =
    std::function<Status(int64_t recv_ns, std::string_view subject, std::string_view payload)>;

struct SynthStats {
  uint64_t events = 0;
  uint64_t heartbeats = 0;
};

// Generates events from start_ns up to start_ns + duration_ns (exclusive).
Result<SynthStats> RunSynth(const SynthOptions& options, const EventSink& sink);

}  // namespace evtape::wasmcloud::synth
