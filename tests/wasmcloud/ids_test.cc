#include "wasmcloud/ids.h"

#include <catch2/catch.hpp>
#include <set>

namespace evtape::wasmcloud::ids {
namespace {

TEST_CASE("reference nkeys validate, corrupted ones do not", "[ids]") {
  // Keys from docs/wasmcloud-events.md §3, made with the real nkey encoding.
  CHECK(IsValidNkey("NCRRYBV5IY7DSI54DKW33ZELC2LWYCAHC43TXAM2A2HTFN5GWOFWWEKL", 'N'));
  CHECK(IsValidNkey("ACER76PMMAKI2S6UUCPOFXC4SMY3IEILVE5MKSX4CTNDXXIZMFDXJ7SX", 'A'));
  CHECK(IsValidNkey("MCRNKXJJLZNDLK2EWPX25JISTORCXCF2HYUXMYKF7XWKHMEOHCXVH5VW", 'M'));
  CHECK_FALSE(IsValidNkey("NCRRYBV5IY7DSI54DKW33ZELC2LWYCAHC43TXAM2A2HTFN5GWOFWWEKL", 'A'));
  CHECK_FALSE(IsValidNkey("NCRRYBV5IY7DSI54DKW33ZELC2LWYCAHC43TXAM2A2HTFN5GWOFWWEKM"));
  CHECK_FALSE(IsValidNkey("NCRRYBV5IY7DSI54DKW33ZELC2LWYCAHC43TXAM2A2HTFN5GWOFWWEK"));
  CHECK_FALSE(IsValidNkey("ncrrybv5iy7dsi54dkw33zelc2lwycahc43txam2a2htfn5gwofwwekl"));
}

TEST_CASE("generated nkeys are valid and deterministic per seed", "[ids]") {
  IdRng a(42), b(42), c(43);
  std::set<std::string> seen;
  for (char prefix : {'N', 'M', 'A', 'U'}) {
    for (int i = 0; i < 50; ++i) {
      std::string k = NewNkey(prefix, a);
      CHECK(k.size() == 56);
      CHECK(k[0] == prefix);
      CHECK(IsValidNkey(k, prefix));
      CHECK(k == NewNkey(prefix, b));
      CHECK(k != NewNkey(prefix, c));
      seen.insert(k);
    }
  }
  CHECK(seen.size() == 200);
}

TEST_CASE("ULIDs carry their time in both forms and round-trip", "[ids]") {
  IdRng rng(7);
  const int64_t ms = 1722952932366;  // 2024-08-06T14:02:12.366Z
  Ulid u = NewUlid(ms, rng);
  CHECK(u.TimeMs() == ms);
  std::string uuid = FormatUuid(u), crock = FormatCrockford(u);
  CHECK(uuid.size() == 36);
  CHECK(uuid.substr(0, 13) == "019127ff-5c0e");  // the reference doc's host_started id prefix
  CHECK(crock.size() == 26);
  CHECK(ParseUlid(uuid) == u);
  CHECK(ParseUlid(crock) == u);
  CHECK(UlidTimeMs(uuid) == ms);
  CHECK(UlidTimeMs(crock) == ms);
  CHECK(StyleOf(uuid) == IdStyle::kUuid);
  CHECK(StyleOf(crock) == IdStyle::kCrockford);
  CHECK(UlidTimeMs("019127ff-5c0e-3aa2-0e51-f30dc6a7ee39") == ms);
  CHECK(ParseUlid("01ARZ3NDEKTSV4RRFFQ69G5FAV")->TimeMs() == 1469922850259);  // ULID spec example
  CHECK_FALSE(ParseUlid("019127ff-5c0e-3aa2-0e51-f30dc6a7ee3"));
  CHECK_FALSE(ParseUlid("019127ff+5c0e-3aa2-0e51-f30dc6a7ee39"));
  CHECK_FALSE(ParseUlid("81ARZ3NDEKTSV4RRFFQ69G5FAV"));  // overflows 128 bits
  CHECK_FALSE(ParseUlid("01ARZ3NDEKTSV4RRFFQ69G5FAU"));  // U is not Crockford
  IdRng r1(1), r2(1);
  CHECK(NewEventId(ms * 1000000 + 5, r1) == NewEventId(ms * 1000000 + 5, r2));
}

TEST_CASE("CRC-16/XMODEM check value", "[ids]") {
  const char* text = "123456789";
  CHECK(Crc16Xmodem(reinterpret_cast<const uint8_t*>(text), 9) == 0x31C3);
}

TEST_CASE("seeds: decimal 0 to 2^64-1, nothing else", "[ids]") {
  CHECK(ParseSeed("0") == 0u);
  CHECK(ParseSeed("42") == 42u);
  CHECK(ParseSeed("18446744073709551615") == UINT64_MAX);
  for (const char* bad :
       {"", "-1", "+1", "1.5", "0x10", " 1", "18446744073709551616", "99999999999999999999999"}) {
    INFO(bad);
    CHECK_FALSE(ParseSeed(bad));
  }
}

}  // namespace
}  // namespace evtape::wasmcloud::ids
