// Little-endian fixed-width and varint encoding into std::string buffers, and bounds-checked
// decoding from a byte range. Decoders never read past `limit` and report failure instead.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace evtape::coding {

inline void PutFixed32(std::string* dst, uint32_t v) {
  char b[4];
  for (int i = 0; i < 4; ++i) b[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  dst->append(b, 4);
}
inline void PutFixed64(std::string* dst, uint64_t v) {
  char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  dst->append(b, 8);
}
inline uint32_t DecodeFixed32(const char* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}
inline uint64_t DecodeFixed64(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}
inline void EncodeFixed32(char* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
inline void EncodeFixed64(char* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

inline void PutVarint64(std::string* dst, uint64_t v) {
  char b[10];
  int n = 0;
  while (v >= 0x80) {
    b[n++] = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  b[n++] = static_cast<char>(v);
  dst->append(b, static_cast<size_t>(n));
}
inline uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t UnZigZag(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

// Sequential bounds-checked reader over [p, limit). Every getter returns false (and leaves the
// output unspecified) when the input is exhausted or malformed.
class Decoder {
 public:
  Decoder(const char* p, const char* limit) : p_(p), limit_(limit) {}
  explicit Decoder(std::string_view s) : p_(s.data()), limit_(s.data() + s.size()) {}
  size_t remaining() const { return static_cast<size_t>(limit_ - p_); }
  const char* position() const { return p_; }
  bool GetVarint64(uint64_t* v) {
    uint64_t result = 0;
    for (int shift = 0; shift <= 63 && p_ < limit_; shift += 7) {
      auto byte = static_cast<uint8_t>(*p_++);
      if (shift == 63 && byte > 1) return false;  // overflow
      result |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) {
        *v = result;
        return true;
      }
    }
    return false;
  }
  bool GetFixed32(uint32_t* v) {
    if (remaining() < 4) return false;
    *v = DecodeFixed32(p_);
    p_ += 4;
    return true;
  }
  bool GetFixed64(uint64_t* v) {
    if (remaining() < 8) return false;
    *v = DecodeFixed64(p_);
    p_ += 8;
    return true;
  }
  // The next n bytes.
  bool GetFixedBytes(size_t n, std::string_view* out) {
    if (n > remaining()) return false;
    *out = std::string_view(p_, n);
    p_ += n;
    return true;
  }
  // A varint length followed by that many bytes; the length is checked against what is left.
  bool GetLengthPrefixed(std::string_view* out) {
    uint64_t n;
    if (!GetVarint64(&n) || n > remaining()) return false;
    *out = std::string_view(p_, static_cast<size_t>(n));
    p_ += n;
    return true;
  }

 private:
  const char* p_;
  const char* limit_;
};

}  // namespace evtape::coding
