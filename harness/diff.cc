// DiffReactions (declared in harness_golden.h): the failure report of `evtape test`.
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "harness/golden.h"

namespace evtape::harness {
namespace {

using OJson = nlohmann::ordered_json;

constexpr size_t kMaxEvents = 8;       // events shown in one diff
constexpr size_t kMaxFields = 8;       // field differences shown per message
constexpr size_t kMaxLineChars = 400;  // a message shown in full up to this length

std::string Short(const std::string& s) {
  if (s.size() <= kMaxLineChars) return s;
  return s.substr(0, kMaxLineChars) + "... (" + std::to_string(s.size()) + " bytes)";
}

std::string Escape(const std::string& token) {
  std::string out;
  for (char c : token) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

// Field-level differences between two JSON values, as "POINTER: expected X, actual Y".
void FieldDiff(const OJson& a, const OJson& b, const std::string& path, const char* la,
               const char* lb, std::vector<std::string>* out) {
  if (out->size() > kMaxFields) return;
  if (a.is_object() && b.is_object()) {
    std::set<std::string> seen;
    for (const auto& [k, v] : a.items()) {
      seen.insert(k);
      if (!b.contains(k))
        out->push_back(path + "/" + Escape(k) + ": " + la + " " + Short(v.dump()) + ", " + lb +
                       " absent");
      else
        FieldDiff(v, b[k], path + "/" + Escape(k), la, lb, out);
    }
    for (const auto& [k, v] : b.items())
      if (!seen.count(k))
        out->push_back(path + "/" + Escape(k) + ": " + la + " absent, " + lb + " " +
                       Short(v.dump()));
    return;
  }
  if (a.is_array() && b.is_array() && a.size() == b.size()) {
    for (size_t i = 0; i < a.size(); ++i)
      FieldDiff(a[i], b[i], path + "/" + std::to_string(i), la, lb, out);
    return;
  }
  if (a != b)
    out->push_back((path.empty() ? std::string("/") : path) + ": " + la + " " + Short(a.dump()) +
                   ", " + lb + " " + Short(b.dump()));
}

struct Group {
  std::vector<OJson> a, b;
};

std::string Body(const OJson& line) {
  for (const char* k : {"payload", "payload_text", "payload_b64"})
    if (line.contains(k)) return Short(line[k].dump());
  return "(empty payload)";
}

std::string Describe(uint64_t event, const std::vector<EventInfo>& events,
                     const std::string& lattice, const Group& g) {
  if (event == 0) return "after the consumer started, before the first event";
  std::string subject;
  if (event <= events.size()) {
    const EventInfo& e = events[event - 1];
    subject = e.subject;
    if (!lattice.empty())
      for (size_t p = subject.find(lattice); p != std::string::npos;
           p = subject.find(lattice, p + 9))
        subject.replace(p, lattice.size(), "<lattice>");
    std::string s = "event #" + std::to_string(event) + " " + subject;
    if (!e.type.empty()) s += " (type " + e.type + (e.id.empty() ? "" : ", id " + e.id) + ")";
    return s;
  }
  for (const auto* side : {&g.a, &g.b})
    if (!side->empty() && (*side)[0].contains("trigger")) subject = (*side)[0]["trigger"].dump();
  return "event #" + std::to_string(event) + " " + subject;
}

void DiffGroup(const Group& g, const char* la, const char* lb, std::string* out) {
  // Pair the k-th message on a subject of one side with the k-th on the same subject of the
  // other, so a changed field is shown as a field, not as a missing plus an unexpected message.
  std::map<std::string, std::vector<const OJson*>> sa, sb;
  std::vector<std::string> order;
  for (const auto& l : g.a) {
    std::string s = l["subject"].get<std::string>();
    if (!sa.count(s) && !sb.count(s)) order.push_back(s);
    sa[s].push_back(&l);
  }
  for (const auto& l : g.b) {
    std::string s = l["subject"].get<std::string>();
    if (!sa.count(s) && !sb.count(s)) order.push_back(s);
    sb[s].push_back(&l);
  }
  for (const auto& s : order) {
    const auto& xa = sa[s];
    const auto& xb = sb[s];
    for (size_t i = 0; i < std::max(xa.size(), xb.size()); ++i) {
      if (i < xa.size() && i < xb.size()) {
        if (*xa[i] == *xb[i]) continue;
        *out += "    message " + std::to_string(i + 1) + " on " + s + " differs:\n";
        std::vector<std::string> fields;
        FieldDiff(*xa[i], *xb[i], "", la, lb, &fields);
        for (size_t f = 0; f < fields.size() && f < kMaxFields; ++f) {
          std::string field = fields[f];
          if (field.rfind("/payload", 0) == 0)
            field = "field " + field.substr(8);  // payload-relative
          else
            field = "field (message) " + field;
          *out += "      " + field + "\n";
        }
        if (fields.size() > kMaxFields) *out += "      ... more fields differ\n";
      } else if (i < xa.size()) {
        *out += "    - " + std::string(la) + " but not seen: " + s + " " + Body(*xa[i]) + "\n";
      } else {
        *out += "    + " + std::string(lb) + ", not expected: " + s + " " + Body(*xb[i]) + "\n";
      }
    }
  }
}

}  // namespace

std::string DiffReactions(const std::vector<std::string>& expected,
                          const std::vector<std::string>& actual,
                          const std::vector<EventInfo>& events, const std::string& lattice,
                          const char* expected_label, const char* actual_label) {
  if (expected == actual) return "";
  std::map<uint64_t, Group> groups;
  for (const auto& l : expected) {
    OJson j = OJson::parse(l, nullptr, false);
    groups[j.value("event", uint64_t{0})].a.push_back(j);
  }
  for (const auto& l : actual) {
    OJson j = OJson::parse(l, nullptr, false);
    groups[j.value("event", uint64_t{0})].b.push_back(j);
  }
  std::string out;
  size_t shown = 0, differing = 0;
  for (const auto& [event, g] : groups) {
    if (g.a == g.b) continue;
    ++differing;
    if (shown == kMaxEvents) continue;
    ++shown;
    out += "  " + Describe(event, events, lattice, g) + ": " + std::to_string(g.a.size()) + " " +
           expected_label + ", " + std::to_string(g.b.size()) + " " + actual_label + "\n";
    size_t before = out.size();
    DiffGroup(g, expected_label, actual_label, &out);
    if (out.size() == before) out += "    same messages in a different order\n";
  }
  if (differing > shown)
    out += "  ... and " + std::to_string(differing - shown) + " more events differ\n";
  return out;
}

}  // namespace evtape::harness
