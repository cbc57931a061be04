// Identifiers as a wasmCloud 1.x host makes them, generated deterministically from a seed.
//
// Event ids: a ULID (48-bit Unix-ms time + 80 random bits). The host renders it as a lowercase
// hyphenated UUID string (`Uuid::from_u128(Ulid::new().into())`, e.g.
// "019127ff-5c0e-3aa2-0e51-f30dc6a7ee39"; docs/wasmcloud-events.md §2); the
// canonical ULID text is 26 Crockford base32 characters ("01J4KZYQ0E7AH0WMFK1Q6AFVHS"). Both
// forms are produced and accepted here; the first 12 hex digits (or first 10 Crockford
// characters) carry the time.
//
// Nkeys: public keys as the nkeys library encodes them: prefix byte (letter index << 3), 32 key
// bytes, CRC-16/XMODEM little-endian, RFC 4648 base32 without padding: 56 characters. Host ids
// are server keys ('N'); component keys 'M', accounts/issuers 'A'.
//
// Pure functions and a value-type RNG: thread-safe as long as each thread owns its IdRng. Never
// uses std::random_device: the same seed gives the same ids, which replay, redact and synth rely
// on for byte-identical output.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace evtape::wasmcloud::ids {

// splitmix64: tiny, fast, good enough statistically for identifiers; fully determined by seed.
class IdRng {
 public:
  explicit IdRng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n) for n > 0 (the tiny modulo bias is irrelevant for ids and names).
  uint64_t Below(uint64_t n) { return n == 0 ? 0 : Next() % n; }

 private:
  uint64_t state_;
};

// A 128-bit ULID: hi holds the 48-bit time in its top bits.
struct Ulid {
  uint64_t hi = 0;
  uint64_t lo = 0;
  int64_t TimeMs() const { return static_cast<int64_t>(hi >> 16); }
  bool operator==(const Ulid&) const = default;
};

enum class IdStyle { kUuid, kCrockford };

// A ULID with the given Unix-ms time (clamped to 0..2^48-1) and 80 random bits from rng.
Ulid NewUlid(int64_t unix_ms, IdRng& rng);
// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", lowercase: the host's wire form.
std::string FormatUuid(const Ulid& u);
// 26 Crockford base32 characters, uppercase.
std::string FormatCrockford(const Ulid& u);
std::string Format(const Ulid& u, IdStyle style);
// The host's form of a fresh event id for an event at unix_ns.
std::string NewEventId(int64_t unix_ns, IdRng& rng);

// Parses either form (hex case-insensitive; Crockford case-insensitive with I/L→1, O→0 as the
// ULID spec allows). nullopt when the text is neither.
std::optional<Ulid> ParseUlid(std::string_view text);
std::optional<IdStyle> StyleOf(std::string_view text);
// The embedded Unix-ms time of an id in either form.
std::optional<int64_t> UlidTimeMs(std::string_view text);

// A valid public nkey with the given prefix letter ('A'..'Z'), 32 random bytes from rng.
std::string NewNkey(char prefix, IdRng& rng);
// True when text is a 56-character public nkey with a correct CRC whose first character is
// `prefix` (any letter when prefix is 0).
bool IsValidNkey(std::string_view text, char prefix = 0);
// True for 56 characters of A-Z2-7 starting with a letter: what an nkey looks like, CRC unchecked.
bool LooksLikeNkey(std::string_view text);

// A --seed value: decimal digits only, 0 to 2^64-1 ("-1" is refused rather than wrapped).
std::optional<uint64_t> ParseSeed(std::string_view text);

// CRC-16/XMODEM (poly 0x1021, init 0), the nkeys checksum.
uint16_t Crc16Xmodem(const uint8_t* data, size_t n);

}  // namespace evtape::wasmcloud::ids
