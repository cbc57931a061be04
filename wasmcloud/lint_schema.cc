#include "wasmcloud/lint_schema.h"

#include <array>

namespace evtape::wasmcloud::lint {
namespace {

using K = FieldKind;

// Heartbeat inventory entries (CTL types/component.rs, types/provider.rs).
constexpr FieldSpec kComponentDescription[] = {
    {"annotations", K::kStringMap, false}, {"id", K::kString, true},
    {"image_ref", K::kString, true},       {"limits", K::kObjectOrNull, false},
    {"max_instances", K::kUInt, true},     {"name", K::kString, false},
    {"revision", K::kInt, true},
};
constexpr FieldSpec kProviderDescription[] = {
    {"annotations", K::kStringMap, false}, {"id", K::kString, true},
    {"image_ref", K::kString, false},      {"name", K::kString, false},
    {"revision", K::kInt, true},
};

// `claims` (HOST event.rs format_component_claims / provider claims). A component JWT without
// metadata gives only issuer and the two *_human strings; providers always send all six.
constexpr FieldSpec kComponentClaims[] = {
    {"call_alias", K::kStringOrNull, false},
    {"expires_human", K::kString, true},
    {"issuer", K::kString, true},
    {"name", K::kStringOrNull, false},
    {"not_before_human", K::kString, true},
    {"revision", K::kIntOrNull, false},
    {"tags", K::kStringArrayOrNull, false},
    {"version", K::kStringOrNull, false},
};
constexpr FieldSpec kProviderClaims[] = {
    {"expires_human", K::kString, true},   {"issuer", K::kString, true},
    {"name", K::kStringOrNull, true},      {"not_before_human", K::kString, true},
    {"tags", K::kStringArrayOrNull, true}, {"version", K::kStringOrNull, true},
};

constexpr FieldSpec kComponentScaled[] = {
    {"annotations", K::kStringMap, true}, {"claims", K::kObject, false, kComponentClaims},
    {"component_id", K::kString, true},   {"host_id", K::kHostKey, true},
    {"image_ref", K::kString, true},      {"max_instances", K::kUInt, true},
    {"public_key", K::kString, false},
};
constexpr FieldSpec kComponentScaleFailed[] = {
    {"annotations", K::kStringMap, true}, {"component_id", K::kString, true},
    {"error", K::kString, true},          {"host_id", K::kHostKey, true},
    {"image_ref", K::kString, true},      {"max_instances", K::kUInt, true},
    {"public_key", K::kString, false},
};
constexpr FieldSpec kProviderStarted[] = {
    {"annotations", K::kStringMap, true}, {"claims", K::kObject, false, kProviderClaims},
    {"host_id", K::kHostKey, true},       {"image_ref", K::kString, true},
    {"instance_id", K::kString, false},   {"link_name", K::kString, false},
    {"provider_id", K::kString, true},    {"public_key", K::kString, false},
};
constexpr FieldSpec kProviderStopped[] = {
    {"annotations", K::kStringMap, true}, {"host_id", K::kHostKey, true},
    {"instance_id", K::kString, true},    {"link_name", K::kString, true},
    {"provider_id", K::kString, true},    {"public_key", K::kString, true},
    {"reason", K::kString, true},
};
constexpr FieldSpec kProviderStartFailed[] = {
    {"error", K::kString, true},        {"host_id", K::kHostKey, true},
    {"link_name", K::kString, true},    {"provider_id", K::kString, true},
    {"provider_ref", K::kString, true},
};
constexpr FieldSpec kLinkdefSet[] = {
    {"interfaces", K::kStringArray, true},
    {"name", K::kString, true},
    {"source_config", K::kStringArray, true},
    {"source_id", K::kString, true},
    {"target", K::kString, true},
    {"target_config", K::kStringArray, true},
    {"wit_namespace", K::kString, true},
    {"wit_package", K::kString, true},
};
constexpr FieldSpec kLinkdefSetFailed[] = {
    {"error", K::kString, true},
    {"interfaces", K::kStringArray, true},
    {"name", K::kString, true},
    {"source_config", K::kStringArray, true},
    {"source_id", K::kString, true},
    {"target", K::kString, true},
    {"target_config", K::kStringArray, true},
    {"wit_namespace", K::kString, true},
    {"wit_package", K::kString, true},
};
constexpr FieldSpec kLinkdefDeleted[] = {
    {"interfaces", K::kStringArray, false}, {"name", K::kString, true},
    {"source_id", K::kString, true},        {"target", K::kString, false},
    {"wit_namespace", K::kString, true},    {"wit_package", K::kString, true},
};
constexpr FieldSpec kConfig[] = {{"config_name", K::kString, true}};
constexpr FieldSpec kHostHeartbeat[] = {
    {"components", K::kObjectArray, true, kComponentDescription},
    {"friendly_name", K::kString, true},
    {"host_id", K::kHostKey, true},
    {"labels", K::kStringMap, true},
    {"providers", K::kObjectArray, true, kProviderDescription},
    {"uptime_human", K::kString, true},
    {"uptime_seconds", K::kUInt, true},
    {"version", K::kString, true},
};
constexpr FieldSpec kHostStarted[] = {
    {"friendly_name", K::kString, true},
    {"labels", K::kStringMap, true},
    {"uptime_seconds", K::kUInt, true},
    {"version", K::kString, true},
};
constexpr FieldSpec kHostStopped[] = {{"labels", K::kStringMap, true}};
constexpr FieldSpec kHealth[] = {{"host_id", K::kHostKey, true}, {"provider_id", K::kString, true}};
constexpr FieldSpec kLabelsChanged[] = {{"host_id", K::kHostKey, true},
                                        {"labels", K::kStringMap, true}};

constexpr std::array<EventSpec, 18> kEvents = {{
    {"component_scaled", kComponentScaled},
    {"component_scale_failed", kComponentScaleFailed},
    {"provider_started", kProviderStarted},
    {"provider_stopped", kProviderStopped},
    {"provider_start_failed", kProviderStartFailed},
    {"linkdef_set", kLinkdefSet},
    {"linkdef_set_failed", kLinkdefSetFailed},
    {"linkdef_deleted", kLinkdefDeleted},
    {"config_set", kConfig},
    {"config_deleted", kConfig},
    {"host_heartbeat", kHostHeartbeat},
    {"host_started", kHostStarted},
    {"host_stopped", kHostStopped},
    {"health_check_passed", kHealth},
    {"health_check_failed", kHealth},
    {"health_check_status", kHealth},
    {"labels_changed", kLabelsChanged},
    {"component_start_failed", {}, /*spec_only=*/true},
}};

constexpr std::array<std::string_view, 7> kEnvelope = {"specversion",     "id",   "type", "source",
                                                       "datacontenttype", "time", "data"};

}  // namespace

std::span<const EventSpec> AllEvents() { return kEvents; }

const EventSpec* FindEvent(std::string_view name) {
  for (const EventSpec& e : kEvents) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

std::span<const std::string_view> EnvelopeOrder() { return kEnvelope; }

}  // namespace evtape::wasmcloud::lint
