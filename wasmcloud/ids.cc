#include "wasmcloud/ids.h"

#include <array>

namespace evtape::wasmcloud::ids {
namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr char kCrockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr char kBase32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr int64_t kMaxMs = (int64_t{1} << 48) - 1;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int CrockfordValue(char c) {
  if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  if (c == 'I' || c == 'L') return 1;
  if (c == 'O') return 0;
  for (int i = 0; i < 32; ++i) {
    if (kCrockford[i] == c) return i;
  }
  return -1;
}

int Base32Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= '2' && c <= '7') return c - '2' + 26;
  return -1;
}

std::optional<Ulid> ParseUuidForm(std::string_view t) {
  if (t.size() != 36) return std::nullopt;
  Ulid u;
  int nibbles = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (t[i] != '-') return std::nullopt;
      continue;
    }
    int v = HexValue(t[i]);
    if (v < 0) return std::nullopt;
    uint64_t& word = nibbles < 16 ? u.hi : u.lo;
    word = (word << 4) | static_cast<uint64_t>(v);
    ++nibbles;
  }
  return u;
}

std::optional<Ulid> ParseCrockfordForm(std::string_view t) {
  if (t.size() != 26) return std::nullopt;
  // 26 chars = 130 bits; the first char may only carry the top 3 bits (value <= 7).
  Ulid u;
  for (size_t i = 0; i < t.size(); ++i) {
    int v = CrockfordValue(t[i]);
    if (v < 0 || (i == 0 && v > 7)) return std::nullopt;
    u.hi = (u.hi << 5) | (u.lo >> 59);
    u.lo = (u.lo << 5) | static_cast<uint64_t>(v);
  }
  return u;
}

}  // namespace

Ulid NewUlid(int64_t unix_ms, IdRng& rng) {
  if (unix_ms < 0) unix_ms = 0;
  if (unix_ms > kMaxMs) unix_ms = kMaxMs;
  Ulid u;
  u.hi = (static_cast<uint64_t>(unix_ms) << 16) | (rng.Next() & 0xFFFFu);
  u.lo = rng.Next();
  return u;
}

std::string FormatUuid(const Ulid& u) {
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) out.push_back('-');
    uint64_t word = i < 16 ? u.hi : u.lo;
    int shift = 60 - 4 * (i % 16);
    out.push_back(kHex[(word >> shift) & 0xF]);
  }
  return out;
}

std::string FormatCrockford(const Ulid& u) {
  std::string out(26, '0');
  uint64_t hi = u.hi, lo = u.lo;
  for (int i = 25; i >= 0; --i) {
    out[static_cast<size_t>(i)] = kCrockford[lo & 31];
    lo = (lo >> 5) | (hi << 59);
    hi >>= 5;
  }
  return out;
}

std::string Format(const Ulid& u, IdStyle style) {
  return style == IdStyle::kUuid ? FormatUuid(u) : FormatCrockford(u);
}

std::string NewEventId(int64_t unix_ns, IdRng& rng) {
  int64_t ms = unix_ns >= 0 ? unix_ns / 1000000 : 0;
  return FormatUuid(NewUlid(ms, rng));
}

std::optional<Ulid> ParseUlid(std::string_view text) {
  if (text.size() == 36) return ParseUuidForm(text);
  if (text.size() == 26) return ParseCrockfordForm(text);
  return std::nullopt;
}

std::optional<IdStyle> StyleOf(std::string_view text) {
  if (ParseUuidForm(text)) return IdStyle::kUuid;
  if (ParseCrockfordForm(text)) return IdStyle::kCrockford;
  return std::nullopt;
}

std::optional<int64_t> UlidTimeMs(std::string_view text) {
  auto u = ParseUlid(text);
  if (!u) return std::nullopt;
  return u->TimeMs();
}

std::optional<uint64_t> ParseSeed(std::string_view text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

uint16_t Crc16Xmodem(const uint8_t* data, size_t n) {
  uint16_t crc = 0;
  for (size_t i = 0; i < n; ++i) {
    crc = static_cast<uint16_t>(crc ^ (static_cast<uint16_t>(data[i]) << 8));
    for (int b = 0; b < 8; ++b) {
      crc = (crc & 0x8000u) != 0 ? static_cast<uint16_t>((crc << 1) ^ 0x1021u)
                                 : static_cast<uint16_t>(crc << 1);
    }
  }
  return crc;
}

std::string NewNkey(char prefix, IdRng& rng) {
  if (prefix < 'A' || prefix > 'Z') prefix = 'N';
  std::array<uint8_t, 35> raw{};
  raw[0] = static_cast<uint8_t>((prefix - 'A') << 3);
  for (size_t i = 1; i < 33; i += 8) {
    uint64_t r = rng.Next();
    for (size_t j = 0; j < 8 && i + j < 33; ++j) raw[i + j] = static_cast<uint8_t>(r >> (8 * j));
  }
  uint16_t crc = Crc16Xmodem(raw.data(), 33);
  raw[33] = static_cast<uint8_t>(crc & 0xFF);
  raw[34] = static_cast<uint8_t>(crc >> 8);
  // 35 bytes = 280 bits = exactly 56 base32 characters, no padding.
  std::string out;
  out.reserve(56);
  uint32_t buffer = 0;
  int bits = 0;
  for (uint8_t byte : raw) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kBase32[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  return out;
}

bool LooksLikeNkey(std::string_view text) {
  if (text.size() != 56 || text[0] < 'A' || text[0] > 'Z') return false;
  for (char c : text) {
    if (Base32Value(c) < 0) return false;
  }
  return true;
}

bool IsValidNkey(std::string_view text, char prefix) {
  if (!LooksLikeNkey(text)) return false;
  if (prefix != 0 && text[0] != prefix) return false;
  std::array<uint8_t, 35> raw{};
  uint32_t buffer = 0;
  int bits = 0;
  size_t n = 0;
  for (char c : text) {
    buffer = (buffer << 5) | static_cast<uint32_t>(Base32Value(c));
    bits += 5;
    if (bits >= 8) {
      raw[n++] = static_cast<uint8_t>(buffer >> (bits - 8));
      bits -= 8;
    }
  }
  if (n != 35 || (raw[0] & 7) != 0) return false;
  uint16_t crc = static_cast<uint16_t>(raw[33] | (raw[34] << 8));
  return crc == Crc16Xmodem(raw.data(), 33);
}

}  // namespace evtape::wasmcloud::ids
