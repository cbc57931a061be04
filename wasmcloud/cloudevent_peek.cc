#include "wasmcloud/cloudevent_peek.h"

#include <bit>
#include <cstdint>
#include <cstring>

namespace evtape::wasmcloud {
namespace {

// A cursor over the payload. Every method returns false on malformed input.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : p_(s.data()), end_(s.data() + s.size()) {}

  void SkipWs() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }
  bool Eat(char c) {
    SkipWs();
    if (p_ >= end_ || *p_ != c) return false;
    ++p_;
    return true;
  }
  bool AtEnd() const { return p_ >= end_; }
  char Peek() const { return p_ < end_ ? *p_ : '\0'; }

  // At a '"': the raw contents (escapes undecoded) and whether any escape occurs.
  bool RawString(std::string_view* raw, bool* escaped) {
    if (p_ >= end_ || *p_ != '"') return false;
    const char* start = ++p_;
    *escaped = false;
    while (true) {
      const void* hit = std::memchr(p_, '"', static_cast<size_t>(end_ - p_));
      if (hit == nullptr) return false;
      const char* q = static_cast<const char*>(hit);
      // The quote ends the string unless an odd number of backslashes precede it.
      size_t slashes = 0;
      for (const char* b = q; b > start && b[-1] == '\\'; --b) ++slashes;
      if (slashes > 0 || std::memchr(p_, '\\', static_cast<size_t>(q - p_)) != nullptr) {
        *escaped = true;
      }
      p_ = q + 1;
      if (slashes % 2 == 0) {
        *raw = std::string_view(start, static_cast<size_t>(q - start));
        return true;
      }
    }
  }

  // Skips any JSON value (structure only; scalars up to the next delimiter).
  bool SkipValue() {
    SkipWs();
    if (p_ >= end_) return false;
    std::string_view raw;
    bool escaped;
    if (*p_ == '"') return RawString(&raw, &escaped);
    if (*p_ == '{' || *p_ == '[') {
      int depth = 0;
      while (p_ < end_) {
        char c = *p_;
        if (c == '"') {
          if (!RawString(&raw, &escaped)) return false;
          continue;
        }
        if (c == '{' || c == '[') {
          if (++depth > 10000) return false;
        } else if (c == '}' || c == ']') {
          if (--depth == 0) {
            ++p_;
            return true;
          }
        }
        ++p_;
      }
      return false;
    }
    const char* start = p_;
    while (p_ < end_ && *p_ != ',' && *p_ != '}' && *p_ != ']' && *p_ != ' ' && *p_ != '\n' &&
           *p_ != '\r' && *p_ != '\t') {
      ++p_;
    }
    return p_ > start;
  }

 private:
  const char* p_;
  const char* end_;
};

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool Hex4(std::string_view s, size_t i, uint32_t* out) {
  if (i + 4 > s.size()) return false;
  uint32_t v = 0;
  for (size_t k = i; k < i + 4; ++k) {
    int h = Hex(s[k]);
    if (h < 0) return false;
    v = v * 16 + static_cast<uint32_t>(h);
  }
  *out = v;
  return true;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Decodes the escapes of a raw JSON string body into out.
bool Unescape(std::string_view raw, std::string* out) {
  out->clear();
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c != '\\') {
      out->push_back(c);
      continue;
    }
    if (++i >= raw.size()) return false;
    switch (raw[i]) {
      case '"':
        out->push_back('"');
        break;
      case '\\':
        out->push_back('\\');
        break;
      case '/':
        out->push_back('/');
        break;
      case 'b':
        out->push_back('\b');
        break;
      case 'f':
        out->push_back('\f');
        break;
      case 'n':
        out->push_back('\n');
        break;
      case 'r':
        out->push_back('\r');
        break;
      case 't':
        out->push_back('\t');
        break;
      case 'u': {
        uint32_t cp;
        if (!Hex4(raw, i + 1, &cp)) return false;
        i += 4;
        if (cp >= 0xD800 && cp < 0xDC00) {
          uint32_t lo;
          if (i + 2 < raw.size() && raw[i + 1] == '\\' && raw[i + 2] == 'u' &&
              Hex4(raw, i + 3, &lo) && lo >= 0xDC00 && lo < 0xE000) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            i += 6;
          } else {
            cp = 0xFFFD;
          }
        } else if (cp >= 0xDC00 && cp < 0xE000) {
          cp = 0xFFFD;
        }
        AppendUtf8(cp, out);
        break;
      }
      default:
        return false;
    }
  }
  return true;
}

bool Store(std::string_view raw, bool escaped, std::string* out) {
  if (!escaped) {
    out->assign(raw.data(), raw.size());
    return true;
  }
  return Unescape(raw, out);
}

// Walks the top-level object; `want(key)` (called for keys with a string value) returns the
// output string to capture it into (or null), `done()` tells when every wanted key was found.
template <typename Want, typename Done>
bool WalkObject(std::string_view payload, Want want, Done done) {
  Scanner s(payload);
  if (!s.Eat('{')) return false;
  s.SkipWs();
  if (s.Peek() == '}') return true;
  while (true) {
    s.SkipWs();
    std::string_view key;
    bool key_escaped;
    if (!s.RawString(&key, &key_escaped) || !s.Eat(':')) return false;
    s.SkipWs();
    // Only string values are captured; a wanted key with another value stays unset.
    std::string* target = key_escaped || s.Peek() != '"' ? nullptr : want(key);
    if (target != nullptr) {
      std::string_view raw;
      bool escaped;
      if (!s.RawString(&raw, &escaped) || !Store(raw, escaped, target)) return false;
    } else if (!s.SkipValue()) {
      return false;
    }
    if (done()) return true;
    s.SkipWs();
    if (s.Eat('}')) return true;
    if (!s.Eat(',')) return false;
  }
}

}  // namespace

void CloudEventPeek::Clear() {
  type.clear();
  source.clear();
  id.clear();
  time.clear();
  has_type = has_source = has_id = has_time = false;
}

bool PeekCloudEvent(std::string_view payload, CloudEventPeek* out) {
  return PeekCloudEvent(payload, out, kCeType | kCeSource | kCeId | kCeTime);
}

bool PeekCloudEvent(std::string_view payload, CloudEventPeek* out, unsigned fields) {
  out->Clear();
  // Fast reject: the first non-blank byte must open an object.
  size_t i = 0;
  while (i < payload.size() &&
         (payload[i] == ' ' || payload[i] == '\n' || payload[i] == '\r' || payload[i] == '\t')) {
    ++i;
  }
  if (i >= payload.size() || payload[i] != '{') return false;
  const int wanted = std::popcount(fields & 15u);
  int found = 0;
  auto want = [&](std::string_view key) -> std::string* {
    bool* flag = nullptr;
    std::string* target = nullptr;
    if (key == "type" && (fields & kCeType))
      flag = &out->has_type, target = &out->type;
    else if (key == "source" && (fields & kCeSource))
      flag = &out->has_source, target = &out->source;
    else if (key == "id" && (fields & kCeId))
      flag = &out->has_id, target = &out->id;
    else if (key == "time" && (fields & kCeTime))
      flag = &out->has_time, target = &out->time;
    if (flag == nullptr || *flag) return nullptr;  // first occurrence wins
    *flag = true;
    ++found;
    return target;
  };
  bool ok = WalkObject(payload, want, [&] { return found == wanted; });
  if (!ok) {
    out->Clear();
    return false;
  }
  return true;
}

bool PeekJsonString(std::string_view payload, std::string_view name, std::string* out) {
  bool found = false;
  auto want = [&](std::string_view key) -> std::string* {
    if (found || key != name) return nullptr;
    found = true;
    return out;
  };
  if (!WalkObject(payload, want, [&] { return found; })) return false;
  return found;
}

}  // namespace evtape::wasmcloud
