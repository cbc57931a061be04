#include "jsonl/json_text.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace evtape::jsonl {
namespace {

// Length of the valid UTF-8 sequence starting at s[i] (a non-ASCII lead byte), or 0.
size_t Utf8SeqLen(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  size_t n = s.size() - i;
  auto cont = [&](size_t k) { return (b(k) & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return n >= 2 && cont(i + 1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (n < 3 || !cont(i + 1) || !cont(i + 2)) return 0;
    if (c == 0xE0 && b(i + 1) < 0xA0) return 0;   // overlong
    if (c == 0xED && b(i + 1) >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (n < 4 || !cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return 0;
    if (c == 0xF0 && b(i + 1) < 0x90) return 0;   // overlong
    if (c == 0xF4 && b(i + 1) >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

constexpr char kHex[] = "0123456789abcdef";

// True for bytes that go out unchanged inside a JSON string (ASCII only).
inline bool PlainAscii(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

}  // namespace

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    // Eight ASCII bytes at a time.
    while (i + 8 <= s.size()) {
      uint64_t w;
      __builtin_memcpy(&w, s.data() + i, 8);
      if ((w & 0x8080808080808080ull) != 0) break;
      i += 8;
    }
    if (i >= s.size()) break;
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    size_t len = Utf8SeqLen(s, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

bool AppendJsonString(std::string_view s, std::string* out) {
  bool exact = true;
  out->push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    size_t run = i;
    while (run < s.size() && PlainAscii(static_cast<unsigned char>(s[run]))) ++run;
    out->append(s.data() + i, run - i);
    i = run;
    if (i >= s.size()) break;
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      size_t len = Utf8SeqLen(s, i);
      if (len > 0) {
        out->append(s.data() + i, len);
        i += len;
        continue;
      }
      exact = false;  // not UTF-8: print the byte as its Latin-1 code point
    }
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default: {
        char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
        out->append(esc, 6);
      }
    }
    ++i;
  }
  out->push_back('"');
  return exact;
}

bool CanonicalScanner::Scan() { return Value(0) && pos_ == s_.size(); }

bool CanonicalScanner::Value(int depth) {
  switch (Peek()) {
    case '{':
      return Object(depth + 1);
    case '[':
      return Array(depth + 1);
    case '"': {
      std::string_view raw;
      return String(&raw);
    }
    case 't':
      return Literal("true");
    case 'f':
      return Literal("false");
    case 'n':
      return Literal("null");
    default:
      return Number();
  }
}

bool CanonicalScanner::Object(int depth) {
  if (depth > kMaxDepth) return false;
  ++pos_;  // '{'
  if (Peek() == '}') {
    ++pos_;
    return true;
  }
  // Keys of the open objects share one stack (no allocation per object once it has grown).
  const size_t first_key = keys_.size();
  while (true) {
    std::string_view key;
    if (!String(&key)) return false;
    keys_.push_back(key);
    if (Peek() != ':') return false;
    ++pos_;
    if (!Value(depth)) return false;
    char c = Peek();
    ++pos_;
    if (c == '}') break;
    if (c != ',') return false;
  }
  bool unique = UniqueKeys(first_key);
  keys_.resize(first_key);
  return unique;
}

// Duplicate keys would collapse in a parse. Canonical escaping makes equal keys byte-equal, so
// raw keys are compared: pairwise for small objects, sorted for large ones.
bool CanonicalScanner::UniqueKeys(size_t first) {
  size_t n = keys_.size() - first;
  if (n <= 16) {
    for (size_t i = first; i < keys_.size(); ++i) {
      for (size_t j = i + 1; j < keys_.size(); ++j) {
        if (keys_[i] == keys_[j]) return false;
      }
    }
    return true;
  }
  std::vector<std::string_view> sorted(keys_.begin() + static_cast<std::ptrdiff_t>(first),
                                       keys_.end());
  std::sort(sorted.begin(), sorted.end());
  return std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end();
}

bool CanonicalScanner::Array(int depth) {
  if (depth > kMaxDepth) return false;
  ++pos_;  // '['
  if (Peek() == ']') {
    ++pos_;
    return true;
  }
  while (true) {
    if (!Value(depth)) return false;
    char c = Peek();
    ++pos_;
    if (c == ']') return true;
    if (c != ',') return false;
  }
}

bool CanonicalScanner::String(std::string_view* raw) {
  if (Peek() != '"') return false;
  size_t start = ++pos_;
  while (pos_ < s_.size()) {
    // Eight plain ASCII bytes at a time (no control byte, quote, backslash or high bit).
    while (pos_ + 8 <= s_.size()) {
      uint64_t w;
      std::memcpy(&w, s_.data() + pos_, 8);
      constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
      uint64_t quote = w ^ (kOnes * '"'), slash = w ^ (kOnes * '\\');
      // With every byte below 0x80 (else `w` itself sets a high bit), a high bit is set exactly
      // where a byte is below 0x20 or equals the quote/backslash (borrows start only there).
      uint64_t special = ((w - kOnes * 0x20) | (quote - kOnes) | (slash - kOnes) | w) & kHigh;
      if (special != 0) break;
      pos_ += 8;
    }
    if (pos_ >= s_.size()) break;
    auto c = static_cast<unsigned char>(s_[pos_]);
    if (PlainAscii(c)) {
      ++pos_;
      continue;
    }
    if (c == '"') {
      *raw = s_.substr(start, pos_ - start);
      ++pos_;
      return true;
    }
    if (c >= 0x80) {
      size_t len = Utf8SeqLen(s_, pos_);
      if (len == 0) return false;
      pos_ += len;
      continue;
    }
    if (c != '\\' || pos_ + 1 >= s_.size()) return false;  // raw control byte, or cut short
    char e = s_[pos_ + 1];
    if (e == '"' || e == '\\' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') {
      pos_ += 2;
      continue;
    }
    // Only \u00xx (lowercase) for control bytes without a short form is canonical.
    if (e != 'u' || pos_ + 6 > s_.size() || s_[pos_ + 2] != '0' || s_[pos_ + 3] != '0') {
      return false;
    }
    char h = s_[pos_ + 4], l = s_[pos_ + 5];
    int lo = (l >= '0' && l <= '9') ? l - '0' : (l >= 'a' && l <= 'f') ? l - 'a' + 10 : -1;
    if ((h != '0' && h != '1') || lo < 0) return false;
    int cp = (h - '0') * 16 + lo;
    if (cp == '\b' || cp == '\f' || cp == '\n' || cp == '\r' || cp == '\t') return false;
    pos_ += 6;
  }
  return false;
}

bool CanonicalScanner::Number() {
  size_t start = pos_;
  bool negative = Peek() == '-';
  if (negative) ++pos_;
  if (Peek() == '0') {
    ++pos_;
  } else if (Peek() >= '1' && Peek() <= '9') {
    while (Peek() >= '0' && Peek() <= '9') ++pos_;
  } else {
    return false;
  }
  size_t int_end = pos_;
  bool is_float = false;
  if (Peek() == '.') {
    ++pos_;
    if (!(Peek() >= '0' && Peek() <= '9')) return false;
    while (Peek() >= '0' && Peek() <= '9') ++pos_;
    is_float = true;
  }
  if (Peek() == 'e' || Peek() == 'E') {
    ++pos_;
    if (Peek() == '+' || Peek() == '-') ++pos_;
    if (!(Peek() >= '0' && Peek() <= '9')) return false;
    while (Peek() >= '0' && Peek() <= '9') ++pos_;
    is_float = true;
  }
  if (is_float) {
    needs_full_check_ = true;
    return true;
  }
  std::string_view digits = s_.substr(negative ? start + 1 : start, int_end - start - negative);
  if (negative && digits == "0") return false;  // parses as 0, prints "0"
  // Integers must fit int64 (negative) or uint64, else they parse as floating point.
  std::string_view limit = negative ? "9223372036854775808" : "18446744073709551615";
  return digits.size() < limit.size() || (digits.size() == limit.size() && digits <= limit);
}

bool CanonicalScanner::Literal(std::string_view word) {
  if (s_.substr(pos_, word.size()) != word) return false;
  pos_ += word.size();
  return true;
}

}  // namespace evtape::jsonl
