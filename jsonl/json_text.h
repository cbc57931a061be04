// Byte-level JSON text helpers for the JSON lines encoder (tools/jsonl.h): string escaping the
// way nlohmann::json's dump() escapes (so a line reads the same whichever printed it), strict
// UTF-8 validation, and a scanner that decides whether a payload is already the compact
// serialisation of itself. Pure and thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace evtape::jsonl {

// Appends `s` as a quoted JSON string: \" \\ \b \f \n \r \t, \u00xx for other control bytes,
// everything else raw. Bytes that are not valid UTF-8 are written as \u00XX (their Latin-1
// reading); returns false when that happened (the string will not read back byte for byte).
bool AppendJsonString(std::string_view s, std::string* out);

// Strict UTF-8 (no overlong forms, no surrogates, at most U+10FFFF).
bool IsValidUtf8(std::string_view s);

// Checks that the whole input is one JSON value with no whitespace, no duplicate keys, strings
// escaped exactly as nlohmann prints them, and integers in range without "-0". Floating-point
// numbers pass syntax only and set needs_full_check(): the caller compares a real parse + dump.
// Nesting deeper than kMaxDepth fails (it is then printed as text or base64, still exact).
class CanonicalScanner {
 public:
  static constexpr int kMaxDepth = 256;
  // `key_scratch` is reused storage (cleared here), so that scanning allocates nothing once
  // it has grown.
  CanonicalScanner(std::string_view s, std::vector<std::string_view>* key_scratch)
      : s_(s), keys_(*key_scratch) {
    keys_.clear();
  }
  bool Scan();
  bool needs_full_check() const { return needs_full_check_; }

 private:
  bool Value(int depth);
  bool Object(int depth);
  bool Array(int depth);
  bool String(std::string_view* raw);
  bool Number();
  bool Literal(std::string_view word);
  bool UniqueKeys(size_t first);
  char Peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }

  std::string_view s_;
  size_t pos_ = 0;
  bool needs_full_check_ = false;
  std::vector<std::string_view>& keys_;  // keys of the objects being scanned
};

}  // namespace evtape::jsonl
