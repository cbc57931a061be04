#include "wasmcloud/lint_check.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "wasmcloud/ids.h"
#include "util/units.h"
#include "wasmcloud/bounded_json.h"
#include "wasmcloud/lint_schema.h"

namespace evtape::wasmcloud::lint {
namespace {

using Json = nlohmann::ordered_json;
using S = Severity;

const std::vector<RuleInfo> kRules = {
    {"payload-json", S::kError, "the payload is a JSON object"},
    {"subject-shape", S::kError, "the subject is wasmbus.evt.{lattice}.{event}"},
    {"envelope-missing", S::kError, "every attribute the host sets is present"},
    {"envelope-specversion", S::kError, "specversion is \"1.0\""},
    {"envelope-id", S::kError, "id is a ULID (UUID-shaped as the host renders it, or 26 chars)"},
    {"envelope-time", S::kError, "time is RFC 3339 UTC with a Z suffix"},
    {"envelope-source", S::kError, "source is a host's server nkey (56 chars, N..., CRC ok)"},
    {"envelope-datacontenttype", S::kError, "datacontenttype is \"application/json\""},
    {"envelope-data", S::kError, "data is a JSON object"},
    {"type-prefix", S::kError, "type starts with com.wasmcloud.lattice."},
    {"subject-type", S::kError, "the subject's event token equals the type's event name"},
    {"unknown-event", S::kError, "the event is one of the 17 a 1.x host emits"},
    {"spec-only-event", S::kError, "AsyncAPI-only events (component_start_failed) never occur"},
    {"data-missing", S::kError, "every field the host always sends is present"},
    {"data-type", S::kError, "each data field has the host's JSON type"},
    {"data-value", S::kError, "values the host fixes (uptime 0 at start, semver version)"},
    {"source-host-id", S::kError, "source equals data.host_id where both exist"},
    {"envelope-extra", S::kWarning, "no attribute the host never sets (subject, extensions)"},
    {"envelope-order", S::kWarning, "envelope keys in the host's order"},
    {"id-time", S::kWarning, "the id's embedded time is within 1 s of time"},
    {"time-precision", S::kWarning, "time has 0, 3, 6 or 9 fractional digits"},
    {"data-unknown", S::kWarning, "no data field the host does not send"},
    {"data-order", S::kWarning, "data keys sorted at every level, like the host"},
    {"not-compact", S::kWarning, "the payload is compact JSON"},
    {"nats-headers", S::kWarning, "no NATS headers (the host publishes without)"},
    {"reply-subject", S::kWarning, "no reply subject"},
};

class Checker {
 public:
  explicit Checker(std::vector<Finding>* out) : out_(out) {}
  void Add(const char* rule, std::string message) {
    Severity sev = Severity::kError;
    for (const RuleInfo& r : kRules) {
      if (std::string_view(r.id) == rule) sev = r.severity;
    }
    out_->push_back({rule, sev, std::move(message)});
  }

 private:
  std::vector<Finding>* out_;
};

// A value as compact JSON for a message, cut to 80 bytes at a UTF-8 boundary.
std::string Quote(const Json& v) {
  std::string shown = v.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (shown.size() <= 80) return shown;
  size_t cut = 77;
  while (cut > 0 && (static_cast<unsigned char>(shown[cut]) & 0xC0) == 0x80) --cut;
  return shown.substr(0, cut) + "...";
}

const char* KindName(FieldKind k) {
  switch (k) {
    case FieldKind::kString:
      return "a string";
    case FieldKind::kStringOrNull:
      return "a string or null";
    case FieldKind::kIntOrNull:
      return "an integer or null";
    case FieldKind::kStringArrayOrNull:
      return "an array of strings or null";
    case FieldKind::kHostKey:
      return "a host's server nkey";
    case FieldKind::kUInt:
      return "an integer >= 0";
    case FieldKind::kInt:
      return "an integer";
    case FieldKind::kStringMap:
      return "an object of strings";
    case FieldKind::kStringArray:
      return "an array of strings";
    case FieldKind::kObject:
      return "an object";
    case FieldKind::kObjectOrNull:
      return "an object or null";
    case FieldKind::kObjectArray:
      return "an array of objects";
  }
  return "?";
}

bool KindMatches(FieldKind k, const Json& v) {
  switch (k) {
    case FieldKind::kString:
      return v.is_string();
    case FieldKind::kStringOrNull:
      return v.is_string() || v.is_null();
    case FieldKind::kIntOrNull:
      return v.is_number_integer() || v.is_null();
    case FieldKind::kStringArrayOrNull:
      return v.is_null() || KindMatches(FieldKind::kStringArray, v);
    case FieldKind::kHostKey:
      return v.is_string() && ids::IsValidNkey(v.get_ref<const std::string&>(), 'N');
    case FieldKind::kUInt:
      return v.is_number_unsigned();
    case FieldKind::kInt:
      return v.is_number_integer();
    case FieldKind::kStringMap:
      return v.is_object() &&
             std::all_of(v.begin(), v.end(), [](const Json& e) { return e.is_string(); });
    case FieldKind::kStringArray:
      return v.is_array() &&
             std::all_of(v.begin(), v.end(), [](const Json& e) { return e.is_string(); });
    case FieldKind::kObject:
      return v.is_object();
    case FieldKind::kObjectOrNull:
      return v.is_object() || v.is_null();
    case FieldKind::kObjectArray:
      return v.is_array() &&
             std::all_of(v.begin(), v.end(), [](const Json& e) { return e.is_object(); });
  }
  return false;
}

void CheckFields(const Json& obj, FieldTable table, const std::string& where, Checker* c) {
  for (const FieldSpec& f : table) {
    auto it = obj.find(f.name);
    std::string path = where + "." + std::string(f.name);
    if (it == obj.end()) {
      if (f.required) c->Add("data-missing", path + " is missing");
      continue;
    }
    if (!KindMatches(f.kind, *it)) {
      c->Add("data-type", path + " must be " + KindName(f.kind) + ", got " + Quote(*it));
      continue;
    }
    if (f.kind == FieldKind::kObjectArray) {
      for (size_t i = 0; i < it->size(); ++i) {
        CheckFields((*it)[i], f.elements, path + "[" + std::to_string(i) + "]", c);
      }
    } else if (f.kind == FieldKind::kObject && !f.elements.empty()) {
      CheckFields(*it, f.elements, path, c);
    }
  }
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    bool known = std::any_of(table.begin(), table.end(),
                             [&](const FieldSpec& f) { return f.name == it.key(); });
    if (!known) c->Add("data-unknown", where + "." + it.key() + " is not sent by 1.x hosts");
  }
}

// The first object path whose keys are not sorted, or "" when all are.
std::string UnsortedPath(const Json& v, const std::string& where) {
  if (v.is_object()) {
    const std::string* prev = nullptr;
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (prev != nullptr && *prev > it.key()) return where;
      prev = &it.key();
    }
    for (auto it = v.begin(); it != v.end(); ++it) {
      std::string p = UnsortedPath(it.value(), where + "." + it.key());
      if (!p.empty()) return p;
    }
  } else if (v.is_array()) {
    for (size_t i = 0; i < v.size(); ++i) {
      std::string p = UnsortedPath(v[i], where + "[" + std::to_string(i) + "]");
      if (!p.empty()) return p;
    }
  }
  return "";
}

// MAJOR.MINOR.PATCH without leading zeros, then optional -pre and +build of [0-9A-Za-z.-].
bool IsSemver(const std::string& s) {
  size_t i = 0;
  for (int part = 0; part < 3; ++part) {
    size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start || (s[start] == '0' && i - start > 1)) return false;
    if (part < 2 && (i >= s.size() || s[i++] != '.')) return false;
  }
  for (char tag : {'-', '+'}) {
    if (i < s.size() && s[i] == tag) {
      size_t start = ++i;
      while (i < s.size() &&
             (std::isalnum(static_cast<unsigned char>(s[i])) != 0 || s[i] == '.' || s[i] == '-')) {
        ++i;
      }
      if (i == start) return false;
    }
  }
  return i == s.size();
}

// Checks id, time and their agreement; the attributes are known to be present.
void CheckIdAndTime(const Json& ev, Checker* c) {
  const Json& id = ev["id"];
  const Json& time = ev["time"];
  std::optional<int64_t> id_ms;
  if (!id.is_string() || !(id_ms = ids::UlidTimeMs(id.get_ref<const std::string&>()))) {
    c->Add("envelope-id", "id " + Quote(id) + " is not ULID-shaped");
  }
  if (!time.is_string()) {
    c->Add("envelope-time", "time must be a string");
    return;
  }
  const std::string& t = time.get_ref<const std::string&>();
  std::optional<int64_t> ns = ParseRfc3339(t);
  if (!ns || t.empty() || t.back() != 'Z' || t.size() < 20 || t[10] != 'T') {
    c->Add("envelope-time", "time " + Quote(Json(t)) + " is not RFC 3339 UTC ending in Z");
    return;
  }
  size_t dot = t.find('.');
  size_t digits = dot == std::string::npos ? 0 : t.size() - dot - 2;
  if (digits != 0 && digits != 3 && digits != 6 && digits != 9) {
    c->Add("time-precision", "time " + Quote(Json(t)) + " has " + std::to_string(digits) +
                                 " fractional digits; hosts write 0, 3, 6 or 9");
  }
  if (id_ms && std::llabs(*id_ms - *ns / 1000000) > 1000) {
    c->Add("id-time", "id's embedded time " + FormatRfc3339Nanos(*id_ms * 1000000) +
                          " is more than 1 s from time " + t);
  }
}

void CheckEnvelope(const Json& ev, Checker* c) {
  auto order = EnvelopeOrder();
  for (std::string_view key : order) {
    if (!ev.contains(key))
      c->Add("envelope-missing", "attribute " + std::string(key) + " is missing");
  }
  size_t last = 0;
  bool in_order = true;
  for (auto it = ev.begin(); it != ev.end(); ++it) {
    auto pos = std::find(order.begin(), order.end(), it.key());
    if (pos == order.end()) {
      c->Add("envelope-extra", "attribute " + it.key() + " is never set by 1.x hosts");
      continue;
    }
    size_t idx = static_cast<size_t>(pos - order.begin());
    if (idx < last) in_order = false;
    last = idx;
  }
  if (!in_order) {
    c->Add("envelope-order",
           "attributes not in the host's order (specversion, id, type, "
           "source, datacontenttype, time, data)");
  }
  if (ev.contains("specversion") && ev["specversion"] != "1.0") {
    c->Add("envelope-specversion", "specversion " + Quote(ev["specversion"]) + " is not \"1.0\"");
  }
  if (ev.contains("datacontenttype") && ev["datacontenttype"] != "application/json") {
    c->Add("envelope-datacontenttype",
           "datacontenttype " + Quote(ev["datacontenttype"]) + " is not application/json");
  }
  if (ev.contains("source") &&
      !(ev["source"].is_string() &&
        ids::IsValidNkey(ev["source"].get_ref<const std::string&>(), 'N'))) {
    c->Add("envelope-source", "source " + Quote(ev["source"]) + " is not a host server nkey");
  }
  if (ev.contains("id") && ev.contains("time")) CheckIdAndTime(ev, c);
  if (ev.contains("data") && !ev["data"].is_object())
    c->Add("envelope-data", "data is not an object");
}

// Checks the event-specific part: type/subject agreement, data fields, source == host_id.
void CheckEvent(const Json& ev, std::string_view event_token, Checker* c) {
  if (!ev.contains("type")) return;
  if (!ev["type"].is_string()) return c->Add("type-prefix", "type is not a string");
  const std::string& type = ev["type"].get_ref<const std::string&>();
  if (type.rfind(kTypePrefix, 0) != 0) {
    return c->Add("type-prefix",
                  "type " + Quote(Json(type)) + " does not start with " + std::string(kTypePrefix));
  }
  std::string name = type.substr(kTypePrefix.size());
  if (name != event_token) {
    c->Add("subject-type", "subject says " + std::string(event_token) + " but type says " + name);
  }
  const EventSpec* spec = FindEvent(name);
  if (spec == nullptr)
    return c->Add("unknown-event", "event " + Quote(Json(name)) + " is not emitted by 1.x hosts");
  if (spec->spec_only) {
    return c->Add("spec-only-event", name +
                                         " is only in the AsyncAPI: not emitted by 1.x hosts, "
                                         "which send component_scale_failed");
  }
  if (!ev.contains("data") || !ev["data"].is_object()) return;
  const Json& data = ev["data"];
  CheckFields(data, spec->fields, "data", c);
  std::string unsorted = UnsortedPath(data, "data");
  if (!unsorted.empty()) c->Add("data-order", "keys of " + unsorted + " are not sorted");
  auto host = data.find("host_id");
  if (host != data.end() && host->is_string() && ev.contains("source") && ev["source"] != *host) {
    c->Add("source-host-id",
           "source " + Quote(ev["source"]) + " differs from data.host_id " + Quote(*host));
  }
  if (name == "host_started" && data.contains("uptime_seconds") && data["uptime_seconds"] != 0) {
    c->Add("data-value", "host_started.uptime_seconds is always 0");
  }
  auto version = data.find("version");
  if (version != data.end() && version->is_string() &&
      !IsSemver(version->get_ref<const std::string&>())) {
    c->Add("data-value", "version " + Quote(*version) + " is not semver (wadm drops it)");
  }
}

}  // namespace

const char* SeverityName(Severity s) { return s == Severity::kError ? "error" : "warning"; }

const std::vector<RuleInfo>& AllRules() { return kRules; }

bool IsLatticeSubject(std::string_view subject) { return subject.rfind(kSubjectPrefix, 0) == 0; }

void LintMessage(std::string_view subject, std::string_view reply, std::string_view headers,
                 std::string_view payload, std::vector<Finding>* out) {
  Checker c(out);
  std::string_view rest = subject.substr(std::min(subject.size(), kSubjectPrefix.size()));
  size_t dot = rest.find('.');
  std::string_view event_token;
  if (dot == std::string_view::npos || dot == 0 ||
      rest.find('.', dot + 1) != std::string_view::npos || dot + 1 == rest.size()) {
    c.Add("subject-shape", "subject is not wasmbus.evt.{lattice}.{event}");
  } else {
    event_token = rest.substr(dot + 1);
  }
  if (!headers.empty()) c.Add("nats-headers", "message has NATS headers; hosts publish none");
  if (!reply.empty()) c.Add("reply-subject", "message has a reply subject; hosts set none");
  if (!NestingWithin(payload)) {
    return c.Add("payload-json", "payload nests deeper than " + std::to_string(kMaxJsonDepth) +
                                     " levels; lattice events nest 4");
  }
  Json ev = ParseBounded(payload);
  if (ev.is_discarded() || !ev.is_object()) {
    return c.Add("payload-json", "payload is not a JSON object");
  }
  if (ev.dump(-1, ' ', false, Json::error_handler_t::replace) != payload) {
    c.Add("not-compact", "payload is not compact JSON as the host writes it");
  }
  CheckEnvelope(ev, &c);
  if (!event_token.empty()) CheckEvent(ev, event_token, &c);
}

}  // namespace evtape::wasmcloud::lint
