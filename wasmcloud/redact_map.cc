#include "wasmcloud/redact_map.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <unordered_set>

#include "wasmcloud/bounded_json.h"
#include "wasmcloud/lint_schema.h"

namespace evtape::wasmcloud::redact {
namespace {

using Json = nlohmann::ordered_json;

constexpr size_t kMinSubstring = 4;
// Words of the wire format itself (besides the event and field names, added from the lint
// schema): an original equal to one of them (a label value "host" or "cloud", say) is replaced
// only as a whole value where a rule points, never inside subjects, types, keys or text.
constexpr std::array<std::string_view, 44> kStopWords = {
    "default", "stop",     "wadm",   "true",     "false",   "none",    "null",    "unix",
    "linux",   "never",    "x86_64", "aarch64",  "macos",   "windows", "wasmbus", "wasmcloud",
    "lattice", "evt",      "ctl",    "rpc",      "rpcevt",  "INBOX",   "_INBOX",  "scale",
    "auction", "ping",     "update", "registry", "link",    "label",   "health",  "hostcore",
    "arch",    "osfamily", "dev",    "appspec",  "managed", "scaler",  "spread",  "application",
    "json",    "wasi",     "http",   "incoming"};
// Envelope attributes that never hold an identifier other than an nkey.
constexpr std::array<std::string_view, 5> kFixedAttributes = {"specversion", "id", "type",
                                                              "datacontenttype", "time"};
constexpr std::array<const char*, 8> kAdjectives = {"amber", "brisk", "cobalt", "dusty",
                                                    "eager", "fuzzy", "gentle", "hollow"};
constexpr std::array<const char*, 8> kNouns = {"otter",   "pine",   "quartz", "reef",
                                               "sparrow", "tundra", "valley", "willow"};

uint32_t Prefix4(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

bool IsNkeyChar(char c) { return (c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7'); }
bool IsAlnum(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// Calls f(token) for every 56-char nkey-shaped run in text, bounded by non-alphanumerics.
template <typename F>
void ForEachNkey(std::string_view text, F f) {
  size_t i = 0;
  while (i < text.size()) {
    if (!IsAlnum(text[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < text.size() && IsAlnum(text[j])) ++j;
    std::string_view run = text.substr(i, j - i);
    if (run.size() == 56 && std::all_of(run.begin(), run.end(), IsNkeyChar) &&
        ids::LooksLikeNkey(run)) {
      f(run);
    }
    i = j;
  }
}

void AddWords(std::string_view name, std::unordered_set<std::string>* words) {
  words->emplace(name);
  size_t i = 0;
  while (i < name.size()) {
    size_t j = i;
    while (j < name.size() && IsAlnum(name[j])) ++j;
    if (j > i) words->emplace(name.substr(i, j - i));
    i = j + 1;
  }
}

void AddFieldWords(lint::FieldTable table, std::unordered_set<std::string>* words) {
  for (const lint::FieldSpec& f : table) {
    AddWords(f.name, words);
    AddFieldWords(f.elements, words);
  }
}

// The stop words plus every event name, envelope attribute and data field name of the wire
// format, whole and split into their alphanumeric words ("host_heartbeat", "host", ...).
const std::unordered_set<std::string>& Vocabulary() {
  static const std::unordered_set<std::string> words = [] {
    std::unordered_set<std::string> w;
    for (std::string_view s : kStopWords) w.emplace(s);
    AddWords(lint::kTypePrefix, &w);
    AddWords(lint::kSubjectPrefix, &w);
    for (std::string_view a : lint::EnvelopeOrder()) AddWords(a, &w);
    for (const lint::EventSpec& e : lint::AllEvents()) {
      AddWords(e.name, &w);
      AddFieldWords(e.fields, &w);
    }
    return w;
  }();
  return words;
}

// Originals replaced inside other text: long enough, with a letter (a "2026" label would hit
// every time stamp), and not a word of the wire format.
bool SubstringEligible(const std::string& s) {
  return s.size() >= kMinSubstring &&
         std::any_of(s.begin(), s.end(),
                     [](char c) { return IsAlnum(c) && !(c >= '0' && c <= '9'); }) &&
         Vocabulary().count(s) == 0;
}

// True when text[i, i+n) is not part of a longer alphanumeric run: "gold" matches in
// "tier gold." and "gold-pool", not in "golden".
bool AtWordBoundary(std::string_view text, size_t i, size_t n) {
  return (i == 0 || !IsAlnum(text[i - 1])) && (i + n >= text.size() || !IsAlnum(text[i + n]));
}

Rule MakeRule(std::string_view pointer, Category c) {
  Rule r;
  ParsePointer(pointer, &r.tokens);
  r.category = c;
  return r;
}

bool PatternMatches(const std::vector<std::string>& pattern, const std::vector<std::string>& path) {
  if (pattern.size() > path.size()) return false;  // a pattern also covers what lies beneath
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != "*" && pattern[i] != path[i]) return false;
  }
  return true;
}

}  // namespace

bool ParsePointer(std::string_view text, std::vector<std::string>* tokens) {
  tokens->clear();
  if (text.empty()) return true;
  if (text[0] != '/') return false;
  std::string cur;
  for (size_t i = 1; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == '/') {
      tokens->push_back(cur);
      cur.clear();
    } else if (text[i] == '~') {
      if (i + 1 >= text.size() || (text[i + 1] != '0' && text[i + 1] != '1')) return false;
      cur.push_back(text[i + 1] == '0' ? '~' : '/');
      ++i;
    } else {
      cur.push_back(text[i]);
    }
  }
  return true;
}

RuleSet DefaultRules() {
  RuleSet r;
  r.redact = {MakeRule("/source", Category::kHostKey),
              MakeRule("/data/host_id", Category::kHostKey),
              MakeRule("/data/friendly_name", Category::kFriendlyName),
              MakeRule("/data/labels/*", Category::kLabelValue),
              MakeRule("/data/config_name", Category::kConfigName),
              MakeRule("/data/source_config/*", Category::kConfigName),
              MakeRule("/data/target_config/*", Category::kConfigName)};
  return r;
}

Status ApplyRulesJson(const nlohmann::json& j, RuleSet* rules) {
  if (!j.is_object()) return Status::InvalidArgument("rules must be a JSON object with add/drop");
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key() != "add" && it.key() != "drop") {
      return Status::InvalidArgument("rules: unknown key '" + it.key() + "' (expected add, drop)");
    }
    if (!it->is_array())
      return Status::InvalidArgument("rules: '" + it.key() + "' must be an array");
    for (const auto& p : *it) {
      std::vector<std::string> tokens;
      if (!p.is_string() || !ParsePointer(p.get<std::string>(), &tokens) || tokens.empty()) {
        return Status::InvalidArgument("rules: '" + it.key() + "' entry " + p.dump() +
                                       " is not a JSON pointer like \"/data/component_id\"");
      }
      if (it.key() == "add") {
        rules->redact.push_back({tokens, Category::kAdded});
      } else {
        std::erase_if(rules->redact, [&](const Rule& r) { return r.tokens == tokens; });
        rules->keep.push_back(tokens);
      }
    }
  }
  return Status::Ok();
}

const Rule* Redactor::Match(const std::vector<std::string>& path) const {
  for (const Rule& r : rules_.redact) {
    if (PatternMatches(r.tokens, path)) return &r;
  }
  return nullptr;
}

bool Redactor::Kept(const std::vector<std::string>& path) const {
  return std::any_of(rules_.keep.begin(), rules_.keep.end(),
                     [&](const auto& k) { return PatternMatches(k, path); });
}

void Redactor::Note(const std::string& value, Category c) {
  if (value.empty() || seen_.count(value) != 0) return;
  seen_.emplace(value, c);
  order_.emplace_back(value, c);
}

void Redactor::Visit(Json& v, const std::vector<std::string>& path, Mode mode, bool* changed) {
  if (Kept(path)) return;
  const Rule* rule = Match(path);
  // Host labels named hostcore.* are the host's fixed arch/os facts, not identifying.
  if (rule != nullptr && rule->category == Category::kLabelValue && path.size() >= 1 &&
      path.back().rfind("hostcore.", 0) == 0) {
    rule = nullptr;
  }
  const std::string& s = v.get_ref<const std::string&>();
  if (path.size() == 1 && std::find(kFixedAttributes.begin(), kFixedAttributes.end(), path[0]) !=
                              kFixedAttributes.end()) {
    rule = nullptr;
    if (mode == Mode::kRewrite) {
      std::string out = ReplaceSubstrings(s, /*nkeys_only=*/true);
      if (out != s) {
        v = out;
        *changed = true;
      }
      return;
    }
  }
  if (mode == Mode::kCollect) {
    if (rule != nullptr) Note(s, rule->category);
    ForEachNkey(s, [&](std::string_view k) { Note(std::string(k), Category::kNkey); });
    return;
  }
  // Whole-value replacement; short or common originals only where a rule points.
  auto it = mapping_.find(s);
  bool whole = it != mapping_.end() && (rule != nullptr || SubstringEligible(s));
  std::string out = whole ? it->second : ReplaceSubstrings(s);
  if (out != s) {
    v = out;
    *changed = true;
  }
}

void Redactor::RewriteKeys(Json& obj, Mode mode, bool* changed) {
  if (mode == Mode::kCollect) {
    for (auto it = obj.begin(); it != obj.end(); ++it) CollectText(it.key());
    return;
  }
  // Keys are never rule targets (rules point at values), but an identifier used as a key (a
  // consumer's state keyed by host id, say) must not survive: substrings are replaced.
  bool any = false;
  for (auto it = obj.begin(); it != obj.end() && !any; ++it) {
    any = ReplaceSubstrings(it.key()) != it.key();
  }
  if (!any) return;
  Json out = Json::object();
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    out[ReplaceSubstrings(it.key())] = std::move(it.value());
  }
  obj = std::move(out);
  *changed = true;
}

void Redactor::Walk(Json& v, std::vector<std::string>& path, Mode mode, bool* changed) {
  if (v.is_string()) return Visit(v, path, mode, changed);
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      path.push_back(it.key());
      Walk(it.value(), path, mode, changed);
      path.pop_back();
    }
    RewriteKeys(v, mode, changed);
  } else if (v.is_array()) {
    for (size_t i = 0; i < v.size(); ++i) {
      path.push_back(std::to_string(i));
      Walk(v[i], path, mode, changed);
      path.pop_back();
    }
  }
}

void Redactor::CollectPayload(std::string_view payload) {
  Json j = lint::ParseBounded(payload);
  if (j.is_discarded()) return CollectText(payload);
  std::vector<std::string> path;
  bool changed = false;
  Walk(j, path, Mode::kCollect, &changed);
}

void Redactor::CollectText(std::string_view text) {
  ForEachNkey(text, [&](std::string_view k) { Note(std::string(k), Category::kNkey); });
}

std::string Redactor::Replacement(Category c) {
  uint64_t n = ++counters_[c];
  switch (c) {
    case Category::kHostKey:
      return ids::NewNkey('N', rng_);
    case Category::kNkey:
      return "";  // prefix-dependent: handled in Finish
    case Category::kFriendlyName: {
      std::string num = std::to_string(1000 + n % 9000);
      return std::string(kAdjectives[rng_.Below(kAdjectives.size())]) + "-" +
             kNouns[rng_.Below(kNouns.size())] + "-" + num;
    }
    case Category::kLabelValue:
      return "label-" + std::to_string(n);
    case Category::kConfigName:
      return "config-" + std::to_string(n);
    case Category::kAdded:
      return "redacted-" + std::to_string(n);
  }
  return "redacted";
}

void Redactor::Finish() {
  for (const auto& [orig, cat] : order_) {
    std::string rep =
        cat == Category::kNkey || (cat == Category::kHostKey && ids::LooksLikeNkey(orig))
            ? ids::NewNkey(orig[0], rng_)
            : Replacement(cat);
    mapping_.emplace(orig, std::move(rep));
  }
  for (const auto& [orig, rep] : mapping_) {
    if (!SubstringEligible(orig)) continue;
    index_[Prefix4(orig.data())].push_back(&orig);
  }
  for (auto& [k, v] : index_) {
    std::sort(v.begin(), v.end(), [](const std::string* a, const std::string* b) {
      return a->size() != b->size() ? a->size() > b->size() : *a < *b;
    });
  }
}

std::string Redactor::ReplaceSubstrings(std::string_view text, bool nkeys_only) const {
  std::string out;
  if (index_.empty() || text.size() < kMinSubstring) return std::string(text);
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const std::string* hit = nullptr;
    if (i + kMinSubstring <= text.size()) {
      auto it = index_.find(Prefix4(text.data() + i));
      if (it != index_.end()) {
        for (const std::string* cand : it->second) {
          if (nkeys_only && !ids::LooksLikeNkey(*cand)) continue;
          // nkeys are long and random: found even inside a longer run ("hostNABC...").
          if (text.compare(i, cand->size(), *cand) == 0 &&
              (ids::LooksLikeNkey(*cand) || AtWordBoundary(text, i, cand->size()))) {
            hit = cand;
            break;
          }
        }
      }
    }
    if (hit == nullptr) {
      out.push_back(text[i++]);
      continue;
    }
    out.append(mapping_.at(*hit));
    i += hit->size();
  }
  return out;
}

std::string Redactor::RewritePayload(std::string_view payload) {
  Json j = lint::ParseBounded(payload);
  if (j.is_discarded()) return ReplaceSubstrings(payload);
  std::vector<std::string> path;
  bool changed = false;
  Walk(j, path, Mode::kRewrite, &changed);
  if (!changed) return std::string(payload);
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string Redactor::RewriteText(std::string_view text) { return ReplaceSubstrings(text); }

}  // namespace evtape::wasmcloud::redact
