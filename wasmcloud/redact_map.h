// Redactor: consistent, seeded replacement of identifying values in lattice recordings, so a
// recording can be shared and still replays and tells the same story.
//
// Two passes over the frames. Collect() finds identifiers in first-seen order: values at the
// rule pointers (defaults: /source and /data/host_id as host keys, /data/friendly_name,
// /data/labels/* except hostcore.*, /data/config_name, /data/source_config/*,
// /data/target_config/*) plus every string or object key that looks like an nkey, anywhere.
// Finish() assigns replacements from the seed in that order: nkeys become valid nkeys with the
// same prefix letter (host ids stay valid 'N' server keys), friendly names adjective-noun-NNNN,
// label values label-N, config names config-N, fields added by rules redacted-N. Rewrite() then
// replaces every occurrence: whole values, and whole words inside any string ("gold" in "tier
// gold" or "gold-pool", not in "golden"): error texts, object keys, subjects, reply subjects,
// header blocks, gap details, non-JSON payloads and JSON nested deeper than lint::kMaxJsonDepth
// (both handled as plain bytes). Identifiers only present in an encoded form (base64 inside a
// payload, say) are not recognised. Originals shorter than 4 characters, without a letter, or
// that are words of the wire format (stop words, event and field names and their parts: "host",
// "data", "wasmcloud") are replaced only as whole values at rule pointers, so subjects, types
// and keys survive. The envelope's specversion, id, type, datacontenttype and time are never
// changed, except for nkeys in them.
//
// JSON payloads are re-serialised compactly with their key order kept (ordered_json), only when
// something changed. Same seed and input, same output. Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "wasmcloud/ids.h"
#include "format/status.h"

namespace evtape::wasmcloud::redact {

enum class Category { kHostKey, kNkey, kFriendlyName, kLabelValue, kConfigName, kAdded };

struct Rule {
  std::vector<std::string> tokens;  // JSON pointer tokens, unescaped; "*" matches any token
  Category category;
};

struct RuleSet {
  std::vector<Rule> redact;                    // defaults plus "add"
  std::vector<std::vector<std::string>> keep;  // "drop": never touched
};

// The built-in rules.
RuleSet DefaultRules();
// Applies a rules file's JSON: {"add": ["/data/component_id", ...], "drop": ["/data/labels/*"]}.
// "add" pointers are redacted too (every string beneath them); "drop" pointers are left as they
// are, and a default rule with the same pointer is removed. InvalidArgument names the problem.
Status ApplyRulesJson(const nlohmann::json& j, RuleSet* rules);
// Splits "/a/b~1c" into {"a", "b/c"}; false when the text is not a JSON pointer.
bool ParsePointer(std::string_view text, std::vector<std::string>* tokens);

class Redactor {
 public:
  Redactor(RuleSet rules, uint64_t seed) : rules_(std::move(rules)), rng_(seed) {}

  // Pass 1.
  void CollectPayload(std::string_view payload);
  void CollectText(std::string_view text);  // subjects etc.: nkey-shaped tokens
  void Finish();

  // Pass 2. Each returns the rewritten bytes.
  std::string RewritePayload(std::string_view payload);
  std::string RewriteText(std::string_view text);

  size_t identifiers() const { return order_.size(); }
  // original -> replacement, for tests and --verbose diagnostics.
  const std::unordered_map<std::string, std::string>& mapping() const { return mapping_; }

 private:
  enum class Mode { kCollect, kRewrite };
  void Walk(nlohmann::ordered_json& v, std::vector<std::string>& path, Mode mode, bool* changed);
  // Object keys: nkeys in them are collected; known identifiers in them are replaced.
  void RewriteKeys(nlohmann::ordered_json& obj, Mode mode, bool* changed);
  void Visit(nlohmann::ordered_json& v, const std::vector<std::string>& path, Mode mode,
             bool* changed);
  const Rule* Match(const std::vector<std::string>& path) const;
  bool Kept(const std::vector<std::string>& path) const;
  void Note(const std::string& value, Category c);
  std::string Replacement(Category c);
  // Every eligible original in text, at word boundaries (nkeys only when nkeys_only).
  std::string ReplaceSubstrings(std::string_view text, bool nkeys_only = false) const;

  RuleSet rules_;
  ids::IdRng rng_;
  std::vector<std::pair<std::string, Category>> order_;  // first-seen
  std::unordered_map<std::string, Category> seen_;
  std::unordered_map<std::string, std::string> mapping_;
  // Substring index: first 4 bytes -> originals starting with them, longest first.
  std::unordered_map<uint32_t, std::vector<const std::string*>> index_;
  std::map<Category, uint64_t> counters_;
};

}  // namespace evtape::wasmcloud::redact
