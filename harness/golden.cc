#include "util/json.h"
#include "harness/golden.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "wasmcloud/ids.h"
#include "util/units.h"
#include "jsonl/codec.h"
#include "util/text_file.h"

namespace evtape::harness {
namespace {

using OJson = nlohmann::ordered_json;

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// 8-4-4-4-12 hex: every UUID, and the host's UUID-shaped ULIDs.
bool LooksLikeUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !IsHex(s[i])) return false;
  }
  return true;
}

bool LooksLikeCrockfordUlid(std::string_view s) {
  if (s.size() != 26 || s[0] > '7' || s[0] < '0') return false;
  bool has_digit = false;
  for (char c : s) {
    if (c >= '0' && c <= '9')
      has_digit = true;
    else if (!(c >= 'A' && c <= 'Z'))
      return false;
  }
  return has_digit && wasmcloud::ids::ParseUlid(s).has_value();
}

bool LooksLikeTime(std::string_view s) {
  return s.size() >= 20 && s.size() <= 40 && s[4] == '-' && s[10] == 'T' &&
         ParseRfc3339(s).has_value();
}

// Replaces noise by placeholders; `numbered` false gives the generic form used for sorting.
class Normalizer {
 public:
  Normalizer(const NormalizeOptions& o, bool numbered) : o_(o), numbered_(numbered) {}

  std::string String(std::string s) {
    if (!o_.lattice.empty()) {
      for (size_t p = s.find(o_.lattice); p != std::string::npos; p = s.find(o_.lattice, p + 9))
        s.replace(p, o_.lattice.size(), "<lattice>");
    }
    if (o_.inboxes && s.rfind("_INBOX.", 0) == 0) return Placeholder("inbox", s);
    if (o_.ids && (LooksLikeUuid(s) || LooksLikeCrockfordUlid(s))) return Placeholder("id", s);
    if (o_.nkeys && wasmcloud::ids::LooksLikeNkey(s)) return Placeholder("nkey", s);
    if (o_.times && LooksLikeTime(s)) return Placeholder("time", s);
    return s;
  }

  std::string Subject(const std::string& subject) {
    if (o_.inboxes && subject.rfind("_INBOX.", 0) == 0) return Placeholder("inbox", subject);
    std::string out;
    size_t start = 0;
    while (true) {
      size_t dot = subject.find('.', start);
      std::string token =
          subject.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      out += token == o_.lattice ? std::string("<lattice>") : String(token);
      if (dot == std::string::npos) break;
      out += '.';
      start = dot + 1;
    }
    return out;
  }

  OJson Value(const OJson& v) {
    if (v.is_string()) return String(v.get<std::string>());
    if (v.is_array()) {
      OJson out = OJson::array();
      for (const auto& e : v) out.push_back(Value(e));
      return out;
    }
    if (v.is_object()) {
      OJson out = OJson::object();
      for (const auto& [k, e] : v.items()) out[String(k)] = Value(e);
      return out;
    }
    return v;
  }

  OJson Line(const Reaction& r, const std::vector<EventInfo>& events) {
    OJson line = OJson::object();
    line["event"] = r.event;
    line["trigger"] = r.event == 0               ? std::string("(start)")
                      : r.event <= events.size() ? Subject(events[r.event - 1].subject)
                                                 : std::string("?");
    line["subject"] = Subject(r.subject);
    if (!r.reply.empty()) line["reply"] = Subject(r.reply);
    if (!r.headers.empty()) {
      jsonl::HeaderPairs pairs;
      jsonl::ParseHeaderBlock(r.headers, &pairs);
      OJson h = OJson::array();
      for (const auto& [k, v] : pairs) h.push_back({std::string(k), String(std::string(v))});
      line["headers"] = h;
    }
    OJson payload = OJson::parse(r.payload, nullptr, false);
    if (!r.payload.empty() && !payload.is_discarded()) {
      for (const auto& ptr : o_.ignore) {
        try {
          OJson::json_pointer jp(ptr);
          if (payload.contains(jp)) {
            OJson& parent = payload[jp.parent_pointer()];
            if (parent.is_object())
              parent.erase(jp.back());
            else if (parent.is_array())
              parent.erase(std::stoul(jp.back()));
          }
        } catch (const std::exception&) {
        }
      }
      line["payload"] = Value(payload);
    } else if (jsonl::IsValidUtf8(r.payload)) {
      if (!r.payload.empty()) line["payload_text"] = String(r.payload);
    } else {
      std::string b64;
      jsonl::Base64Encode(r.payload, &b64);
      line["payload_b64"] = b64;
    }
    return line;
  }

 private:
  std::string Placeholder(const std::string& kind, const std::string& value) {
    if (!numbered_) return "<" + kind + ">";
    auto& m = numbers_[kind];
    auto it = m.find(value);
    if (it == m.end()) it = m.emplace(value, m.size() + 1).first;
    return "<" + kind + ":" + std::to_string(it->second) + ">";
  }
  const NormalizeOptions& o_;
  bool numbered_;
  std::map<std::string, std::map<std::string, size_t>> numbers_;
};

std::string StripNumbers(const std::string& line) {
  static const std::regex re("<(id|nkey|time|inbox):[0-9]+>");
  return std::regex_replace(line, re, "<$1>");
}

struct Keyed {
  uint64_t event;
  std::string key;
  size_t index;
};

// Stable sort of indices by (event, key) where key depends on the mode.
std::vector<size_t> CanonicalOrder(const std::vector<uint64_t>& event,
                                   const std::vector<std::string>& subject,
                                   const std::vector<std::string>& generic, OrderMode order) {
  std::vector<Keyed> k;
  for (size_t i = 0; i < event.size(); ++i) {
    std::string key = order == OrderMode::kPerSubject ? subject[i]
                      : order == OrderMode::kSet      ? generic[i]
                                                      : std::string();
    k.push_back({event[i], std::move(key), i});
  }
  std::stable_sort(k.begin(), k.end(), [](const Keyed& a, const Keyed& b) {
    return a.event != b.event ? a.event < b.event : a.key < b.key;
  });
  std::vector<size_t> out;
  for (const auto& e : k) out.push_back(e.index);
  return out;
}

}  // namespace

std::vector<std::string> NormalizeReactions(const std::vector<Reaction>& reactions,
                                            const std::vector<EventInfo>& events,
                                            const NormalizeOptions& options) {
  Normalizer generic(options, false);
  std::vector<uint64_t> ev;
  std::vector<std::string> subj, gen;
  for (const auto& r : reactions) {
    OJson line = generic.Line(r, events);
    ev.push_back(r.event);
    subj.push_back(line["subject"].get<std::string>());
    gen.push_back(DumpJson(line));
  }
  Normalizer numbered(options, true);
  std::vector<std::string> out;
  for (size_t i : CanonicalOrder(ev, subj, gen, options.order))
    out.push_back(DumpJson(numbered.Line(reactions[i], events)));
  return out;
}

void SortGolden(std::vector<std::string>* lines, OrderMode order) {
  std::vector<uint64_t> ev;
  std::vector<std::string> subj, gen;
  for (const auto& l : *lines) {
    OJson j = OJson::parse(l, nullptr, false);
    ev.push_back(j.is_object() && j.contains("event") && j["event"].is_number_unsigned()
                     ? j["event"].get<uint64_t>()
                     : 0);
    subj.push_back(j.is_object() && j.contains("subject") && j["subject"].is_string()
                       ? StripNumbers(j["subject"].get<std::string>())
                       : "");
    gen.push_back(StripNumbers(l));
  }
  std::vector<std::string> out;
  for (size_t i : CanonicalOrder(ev, subj, gen, order)) out.push_back((*lines)[i]);
  *lines = std::move(out);
}

Result<std::vector<std::string>> ReadGolden(const std::string& path, OrderMode order) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("golden file " + path + " is missing");
  std::vector<std::string> lines;
  std::string line;
  for (uint64_t n = 1; std::getline(in, line); ++n) {
    if (jsonl::IsBlankLine(line)) continue;
    OJson j = OJson::parse(line, nullptr, false);
    if (!j.is_object() || !j.contains("event") || !j["event"].is_number_unsigned() ||
        !j.contains("subject") || !j["subject"].is_string())
      return Status::InvalidArgument(path + " line " + std::to_string(n) +
                                     ": expected a JSON object with \"event\" (integer) and "
                                     "\"subject\" (string)");
    lines.push_back(DumpJson(j));
  }
  SortGolden(&lines, order);
  return lines;
}

Status WriteGolden(const std::string& path, const std::vector<std::string>& lines,
                   std::string* what) {
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  std::ifstream in(path, std::ios::binary);
  bool existed = static_cast<bool>(in);
  if (existed) {
    std::stringstream ss;
    ss << in.rdbuf();
    if (ss.str() == text) {
      *what = "unchanged";
      return Status::Ok();
    }
  }
  if (Status s = WriteTextFileAtomically(path, text, "golden file"); !s.ok()) return s;
  *what = existed ? "updated" : "created";
  return Status::Ok();
}

std::vector<size_t> CountPerEvent(const std::vector<std::string>& lines, size_t events) {
  std::vector<size_t> counts(events + 1, 0);
  for (const auto& l : lines) {
    OJson j = OJson::parse(l, nullptr, false);
    if (!j.is_object() || !j["event"].is_number_unsigned()) continue;
    uint64_t e = j["event"].get<uint64_t>();
    if (e <= events) ++counts[e];
  }
  return counts;
}

}  // namespace evtape::harness
