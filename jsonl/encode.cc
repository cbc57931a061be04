// Encoding side of the JSON lines format, plus base64 and the canonical-JSON check.
#include "jsonl/codec.h"

#include <array>
#include <charconv>
#include <cstring>
#include <nlohmann/json.hpp>

#include "util/units.h"
#include "jsonl/json_text.h"

namespace evtape::jsonl {
namespace {

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kHeaderLine = "NATS/1.0\r\n";

void AppendInt(int64_t v, std::string* out) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, static_cast<size_t>(r.ptr - buf));
}
void AppendUint(uint64_t v, std::string* out) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, static_cast<size_t>(r.ptr - buf));
}

// RFC 3339 with 9 fractional digits; the date-time part is cached per second since frames come
// in bursts within the same second.
void AppendTime(int64_t ns, std::string* out) {
  thread_local int64_t cached_sec = 0;
  thread_local std::string cached_prefix;
  int64_t sec = ns / 1000000000;
  int64_t frac = ns % 1000000000;
  if (frac < 0) {
    frac += 1000000000;
    sec -= 1;
  }
  if (cached_prefix.empty() || sec != cached_sec) {
    std::string full = FormatRfc3339Nanos(sec * 1000000000);
    cached_prefix = full.substr(0, full.find('.'));
    cached_sec = sec;
  }
  out->push_back('"');
  out->append(cached_prefix);
  char digits[10] = {'.', '0', '0', '0', '0', '0', '0', '0', '0', '0'};
  for (int i = 9; i >= 1 && frac > 0; --i) {
    digits[i] = static_cast<char>('0' + frac % 10);
    frac /= 10;
  }
  out->append(digits, 10);
  out->append("Z\"");
}

void AppendKeyString(const char* key, std::string_view value, std::string* out,
                     EncodeStats* stats) {
  out->append(key);
  if (!AppendJsonString(value, out)) stats->lossy_strings++;
}

}  // namespace

void Base64Encode(std::string_view in, std::string* out) {
  const auto* p = reinterpret_cast<const unsigned char*>(in.data());
  size_t n = in.size(), i = 0;
  size_t start = out->size();
  out->resize(start + (n + 2) / 3 * 4);
  char* o = out->data() + start;
  for (; i + 3 <= n; i += 3) {
    uint32_t v = (uint32_t{p[i]} << 16) | (uint32_t{p[i + 1]} << 8) | p[i + 2];
    *o++ = kB64[v >> 18];
    *o++ = kB64[(v >> 12) & 63];
    *o++ = kB64[(v >> 6) & 63];
    *o++ = kB64[v & 63];
  }
  if (i < n) {
    uint32_t v = uint32_t{p[i]} << 16;
    if (i + 1 < n) v |= uint32_t{p[i + 1]} << 8;
    *o++ = kB64[v >> 18];
    *o++ = kB64[(v >> 12) & 63];
    *o++ = i + 1 < n ? kB64[(v >> 6) & 63] : '=';
    *o++ = '=';
  }
}

bool Base64Decode(std::string_view in, std::string* out) {
  static const auto table = [] {
    std::array<int8_t, 256> t{};
    t.fill(-1);
    for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(kB64[i])] = static_cast<int8_t>(i);
    return t;
  }();
  out->clear();
  if (in.size() % 4 != 0) return false;
  out->reserve(in.size() / 4 * 3);
  for (size_t i = 0; i < in.size(); i += 4) {
    bool last = i + 4 == in.size();
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      char c = in[i + static_cast<size_t>(k)];
      if (c == '=' && last && k >= 2) {
        v[k] = 0;
        pad++;
        continue;
      }
      if (pad > 0) return false;  // data after padding
      v[k] = table[static_cast<unsigned char>(c)];
      if (v[k] < 0) return false;
    }
    uint32_t w = (static_cast<uint32_t>(v[0]) << 18) | (static_cast<uint32_t>(v[1]) << 12) |
                 (static_cast<uint32_t>(v[2]) << 6) | static_cast<uint32_t>(v[3]);
    out->push_back(static_cast<char>(w >> 16));
    if (pad < 2) out->push_back(static_cast<char>((w >> 8) & 0xFF));
    if (pad < 1) out->push_back(static_cast<char>(w & 0xFF));
    // Non-canonical encodings (stray bits under the padding) would not round-trip.
    if ((pad == 1 && (w & 0xFF) != 0) || (pad == 2 && (w & 0xFFFF) != 0)) return false;
  }
  return true;
}

bool ParseHeaderBlock(std::string_view block, HeaderPairs* pairs) {
  pairs->clear();
  bool exact = block.substr(0, kHeaderLine.size()) == kHeaderLine && IsValidUtf8(block);
  size_t pos = block.find("\r\n");
  if (pos == std::string_view::npos) return false;
  pos += 2;  // past the first line (NATS/1.0, possibly with a status)
  while (pos < block.size()) {
    size_t eol = block.find("\r\n", pos);
    if (eol == std::string_view::npos) return false;
    std::string_view line = block.substr(pos, eol - pos);
    pos = eol + 2;
    if (line.empty()) return exact && pos == block.size();
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      exact = false;
      continue;
    }
    std::string_view name = line.substr(0, colon);
    std::string_view value = line.substr(colon + 1);
    // A lone CR or LF in a name (the server passes "NATS/1.0\r\n\nX: y" through) cannot be
    // imported back as a pair: only the raw block reproduces it.
    if (name.find_first_of("\r\n") != std::string_view::npos) exact = false;
    if (value.empty() || value[0] != ' ') {
      exact = false;
      size_t skip = value.find_first_not_of(" \t");
      value = skip == std::string_view::npos ? std::string_view() : value.substr(skip);
    } else {
      value.remove_prefix(1);
    }
    pairs->emplace_back(name, value);
  }
  return false;  // no terminating empty line
}

std::string RebuildHeaders(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::string block(kHeaderLine);
  for (const auto& [name, value] : pairs) {
    block.append(name).append(": ").append(value).append("\r\n");
  }
  block.append("\r\n");
  return block;
}

void AppendFrameLine(const format::FrameView& f, std::string* out, EncodeStats* stats) {
  out->append("{\"seq\":");
  AppendUint(f.seq, out);
  out->append(",\"time\":");
  AppendTime(f.time_ns, out);
  if (f.mono_ns != f.time_ns) {
    out->append(",\"mono_ns\":");
    AppendInt(f.mono_ns, out);
  }
  AppendKeyString(",\"subject\":", f.subject, out, stats);
  if (!f.reply.empty()) AppendKeyString(",\"reply\":", f.reply, out, stats);
  if (!f.headers.empty()) {
    thread_local HeaderPairs pairs;
    bool exact = ParseHeaderBlock(f.headers, &pairs);
    bool printable = !pairs.empty() || exact;
    for (const auto& [n, v] : pairs) printable = printable && IsValidUtf8(n) && IsValidUtf8(v);
    if (printable) {
      out->append(",\"headers\":[");
      for (size_t i = 0; i < pairs.size(); ++i) {
        out->append(i == 0 ? "[" : ",[");
        AppendJsonString(pairs[i].first, out);
        out->push_back(',');
        AppendJsonString(pairs[i].second, out);
        out->push_back(']');
      }
      out->push_back(']');
    }
    if (!exact) {
      out->append(",\"headers_raw_b64\":\"");
      Base64Encode(f.headers, out);
      out->push_back('"');
    }
  }
  if (!f.payload.empty()) {
    if (IsCanonicalJson(f.payload)) {
      out->append(",\"payload\":");
      out->append(f.payload);
    } else if (IsValidUtf8(f.payload)) {
      out->append(",\"payload_text\":");
      AppendJsonString(f.payload, out);
    } else {
      out->append(",\"payload_b64\":\"");
      Base64Encode(f.payload, out);
      out->push_back('"');
    }
  }
  out->append("}\n");
}

void AppendGapLine(const format::Gap& g, std::string* out, EncodeStats* stats) {
  out->append("{\"gap\":{\"reason\":\"");
  out->append(format::GapReasonName(g.reason));
  out->append("\",\"start\":");
  AppendTime(g.start_ns, out);
  out->append(",\"end\":");
  AppendTime(g.end_ns, out);
  out->append(",\"count\":");
  if (g.count) {
    AppendUint(*g.count, out);
  } else {
    out->append("null");
  }
  out->append(",\"after_seq\":");
  AppendUint(g.after_seq, out);
  AppendKeyString(",\"detail\":", g.detail, out, stats);
  out->append("}}\n");
}

bool IsCanonicalJson(std::string_view payload) {
  thread_local std::vector<std::string_view> keys;
  CanonicalScanner scanner(payload, &keys);
  if (!scanner.Scan()) return false;
  if (!scanner.needs_full_check()) return true;
  // Floating-point numbers: only nlohmann's own printer can say whether it prints them back.
  auto j = nlohmann::ordered_json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return false;
  try {
    return j.dump() == payload;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

}  // namespace evtape::jsonl
