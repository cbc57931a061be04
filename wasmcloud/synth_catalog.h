// The values synth draws from, shaped as wadm and a wasmCloud 1.x host make them
// (docs/wasmcloud-events.md §5): app, component and provider names, OCI images,
// friendly names, zones. Static data and pure functions; thread-safe (each caller owns its rng).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "wasmcloud/ids.h"

namespace evtape::wasmcloud::synth {

struct ProviderKind {
  const char* suffix;  // of the provider id: {app}-{suffix}
  const char* image;
  const char* name;  // claims name and version of the signed archive
  const char* version;
};
inline constexpr std::array<ProviderKind, 3> kProviderKinds = {{
    {"httpserver", "ghcr.io/wasmcloud/http-server:0.27.0", "http-server", "0.27.0"},
    {"kvredis", "ghcr.io/wasmcloud/keyvalue-redis:0.30.0", "keyvalue-redis", "0.30.0"},
    {"messaging", "ghcr.io/wasmcloud/messaging-nats:0.27.0", "messaging-nats", "0.27.0"},
}};
inline constexpr std::array<const char*, 3> kComponentNames = {"api", "ui", "worker"};
inline constexpr std::array<const char*, 3> kComponentImages = {
    "ghcr.io/wasmcloud/components/http-hello-world-rust:0.1.0",
    "ghcr.io/wasmcloud/components/http-keyvalue-counter-rust:0.1.0",
    "ghcr.io/wasmcloud/components/dog-fetcher-rust:0.1.1"};
inline constexpr std::array<const char*, 3> kZones = {"us-east-1a", "us-east-1b", "eu-west-1a"};
inline constexpr std::array<const char*, 3> kTiers = {"gold", "silver", "bronze"};

// The a-th app's manifest name: checkout, inventory, ..., then checkout-1, inventory-1, ...
std::string AppName(uint32_t a);
// wadm's compute_component_id rule for one name: lowercased, every other character than
// [a-z0-9] replaced by '_' ("rust-hello-world" -> "rust_hello_world").
std::string WadmId(std::string_view name);
// A host's friendly name, adjective-noun-NNNN (three draws from rng, in that order).
std::string FriendlyName(ids::IdRng& rng);

}  // namespace evtape::wasmcloud::synth
