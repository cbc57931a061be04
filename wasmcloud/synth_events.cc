#include "wasmcloud/synth_events.h"

#include "util/units.h"
#include "jsonl/json_text.h"

namespace evtape::wasmcloud::synth {
namespace {

// The same escaping as serde_json (and nlohmann): \" \\ \b \f \n \r \t, \u00xx otherwise.
void AppendJsonString(std::string* out, std::string_view s) { jsonl::AppendJsonString(s, out); }

constexpr std::string_view kProviderIssuer =
    "ACOJJN6WUP4ODD75XEBKKTCCUJJCY5ZKQ56XVKYK4BEJWGVAOOQHZMCW";

void Key(std::string* out, std::string_view k, bool first = false) {
  if (!first) out->push_back(',');
  AppendJsonString(out, k);
  out->push_back(':');
}

void StrField(std::string* out, std::string_view k, std::string_view v, bool first = false) {
  Key(out, k, first);
  AppendJsonString(out, v);
}

void UIntField(std::string* out, std::string_view k, uint64_t v, bool first = false) {
  Key(out, k, first);
  out->append(std::to_string(v));
}

template <typename Map>
void AppendStringMap(std::string* out, const Map& m) {
  out->push_back('{');
  bool first = true;
  for (const auto& [k, v] : m) {
    StrField(out, k, v, first);
    first = false;
  }
  out->push_back('}');
}

void AppendStringArray(std::string* out, const std::vector<std::string>& v) {
  out->push_back('[');
  for (size_t i = 0; i < v.size(); ++i) {
    if (i != 0) out->push_back(',');
    AppendJsonString(out, v[i]);
  }
  out->push_back(']');
}

void RefreshInventory(HostState& h) {
  if (!h.inventory_dirty) return;
  std::string& c = h.inventory_components;
  c.clear();
  c.push_back('[');
  for (const auto& [id, comp] : h.components) {
    if (c.size() > 1) c.push_back(',');
    c.push_back('{');
    Key(&c, "annotations", true);
    AppendStringMap(&c, comp.annotations);
    StrField(&c, "id", id);
    StrField(&c, "image_ref", comp.image_ref);
    c.append(",\"limits\":null");
    UIntField(&c, "max_instances", comp.max_instances);
    c.append(",\"revision\":0}");
  }
  c.push_back(']');
  std::string& p = h.inventory_providers;
  p.clear();
  p.push_back('[');
  for (const auto& [id, prov] : h.providers) {
    if (p.size() > 1) p.push_back(',');
    p.push_back('{');
    Key(&p, "annotations", true);
    AppendStringMap(&p, prov.annotations);
    StrField(&p, "id", id);
    StrField(&p, "image_ref", prov.image_ref);
    if (prov.has_claims) StrField(&p, "name", prov.claims_name);
    p.append(",\"revision\":0}");
  }
  p.push_back(']');
  h.inventory_dirty = false;
}

}  // namespace

void AppendEnvelope(std::string* out, std::string_view id, std::string_view event,
                    std::string_view source, int64_t time_ns, std::string_view data) {
  out->append("{\"specversion\":\"1.0\",\"id\":\"");
  out->append(id);
  out->append("\",\"type\":\"com.wasmcloud.lattice.");
  out->append(event);
  out->append("\",\"source\":\"");
  out->append(source);
  out->append("\",\"datacontenttype\":\"application/json\",\"time\":\"");
  out->append(FormatRfc3339Nanos(time_ns));
  out->append("\",\"data\":");
  out->append(data);
  out->push_back('}');
}

std::string UptimeHuman(uint64_t seconds) {
  std::string out;
  auto part = [&](uint64_t n, const char* unit) {
    if (n == 0) return;
    if (!out.empty()) out.push_back(' ');
    out += std::to_string(n) + unit;
  };
  uint64_t days = seconds / 86400;
  part(days, days == 1 ? "day" : "days");
  part(seconds % 86400 / 3600, "h");
  part(seconds % 3600 / 60, "m");
  part(seconds % 60, "s");
  return out.empty() ? "0s" : out;
}

std::string HostStartedData(const HostState& h) {
  std::string d = "{";
  StrField(&d, "friendly_name", h.friendly_name, true);
  Key(&d, "labels");
  AppendStringMap(&d, h.labels);
  d.append(",\"uptime_seconds\":0");
  StrField(&d, "version", h.version);
  d.push_back('}');
  return d;
}

std::string HostHeartbeatData(HostState& h, int64_t now_ns) {
  RefreshInventory(h);
  uint64_t up = static_cast<uint64_t>((now_ns - h.start_ns) / 1000000000);
  std::string d = "{\"components\":";
  d.append(h.inventory_components);
  StrField(&d, "friendly_name", h.friendly_name);
  StrField(&d, "host_id", h.id);
  Key(&d, "labels");
  AppendStringMap(&d, h.labels);
  d.append(",\"providers\":");
  d.append(h.inventory_providers);
  StrField(&d, "uptime_human", UptimeHuman(up));
  UIntField(&d, "uptime_seconds", up);
  StrField(&d, "version", h.version);
  d.push_back('}');
  return d;
}

std::string LabelsData(const HostState& h, bool with_host_id) {
  std::string d = "{";
  if (with_host_id) StrField(&d, "host_id", h.id, true);
  Key(&d, "labels", !with_host_id);
  AppendStringMap(&d, h.labels);
  d.push_back('}');
  return d;
}

std::string ComponentScaledData(const HostState& h, const ComponentState& c, uint32_t max,
                                const std::string* error) {
  std::string d = "{";
  Key(&d, "annotations", true);
  AppendStringMap(&d, c.annotations);
  StrField(&d, "component_id", c.id);
  if (error != nullptr) StrField(&d, "error", *error);
  StrField(&d, "host_id", h.id);
  StrField(&d, "image_ref", c.image_ref);
  UIntField(&d, "max_instances", max);
  d.push_back('}');
  return d;
}

std::string ProviderStartedData(const HostState& h, const ProviderState& p) {
  std::string d = "{";
  Key(&d, "annotations", true);
  AppendStringMap(&d, p.annotations);
  if (!p.has_claims) {  // only the four fields the host always sends
    StrField(&d, "host_id", h.id);
    StrField(&d, "image_ref", p.image_ref);
    StrField(&d, "provider_id", p.id);
    d.push_back('}');
    return d;
  }
  d.append(",\"claims\":{\"expires_human\":\"never\"");
  StrField(&d, "issuer", kProviderIssuer);
  StrField(&d, "name", p.claims_name);
  d.append(",\"not_before_human\":\"never\",\"tags\":null");
  StrField(&d, "version", p.claims_version);
  d.push_back('}');
  StrField(&d, "host_id", h.id);
  StrField(&d, "image_ref", p.image_ref);
  StrField(&d, "instance_id", p.id);
  d.append(",\"link_name\":\"default\"");
  StrField(&d, "provider_id", p.id);
  StrField(&d, "public_key", p.id);
  d.push_back('}');
  return d;
}

std::string ProviderStoppedData(const HostState& h, const ProviderState& p) {
  std::string d = "{";
  Key(&d, "annotations", true);
  AppendStringMap(&d, p.annotations);
  StrField(&d, "host_id", h.id);
  StrField(&d, "instance_id", p.id);
  d.append(",\"link_name\":\"default\"");
  StrField(&d, "provider_id", p.id);
  StrField(&d, "public_key", p.id);
  d.append(",\"reason\":\"stop\"}");
  return d;
}

std::string ProviderStartFailedData(const HostState& h, const ProviderState& p,
                                    std::string_view error) {
  std::string d = "{";
  StrField(&d, "error", error, true);
  StrField(&d, "host_id", h.id);
  d.append(",\"link_name\":\"default\"");
  StrField(&d, "provider_id", p.id);
  StrField(&d, "provider_ref", p.image_ref);
  d.push_back('}');
  return d;
}

std::string HealthData(const HostState& h, std::string_view provider_id) {
  std::string d = "{";
  StrField(&d, "host_id", h.id, true);
  StrField(&d, "provider_id", provider_id);
  d.push_back('}');
  return d;
}

std::string ConfigData(std::string_view name) {
  std::string d = "{";
  StrField(&d, "config_name", name, true);
  d.push_back('}');
  return d;
}

std::string LinkData(const LinkState& l, const std::string* error) {
  std::string d = "{";
  if (error != nullptr) StrField(&d, "error", *error, true);
  Key(&d, "interfaces", error == nullptr);
  AppendStringArray(&d, l.interfaces);
  StrField(&d, "name", l.name);
  Key(&d, "source_config");
  AppendStringArray(&d, l.source_config);
  StrField(&d, "source_id", l.source_id);
  StrField(&d, "target", l.target);
  Key(&d, "target_config");
  AppendStringArray(&d, l.target_config);
  StrField(&d, "wit_namespace", l.wit_namespace);
  StrField(&d, "wit_package", l.wit_package);
  d.push_back('}');
  return d;
}

std::string LinkDeletedData(const LinkState& l, bool existed) {
  std::string d = "{";
  if (existed) {
    Key(&d, "interfaces", true);
    AppendStringArray(&d, l.interfaces);
  }
  StrField(&d, "name", l.name, !existed);
  StrField(&d, "source_id", l.source_id);
  if (existed) StrField(&d, "target", l.target);
  StrField(&d, "wit_namespace", l.wit_namespace);
  StrField(&d, "wit_package", l.wit_package);
  d.push_back('}');
  return d;
}

}  // namespace evtape::wasmcloud::synth
