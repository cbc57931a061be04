// Units, times and subjects: what users type on every verb's command line.
#include <catch2/catch.hpp>

#include "util/units.h"

using namespace evtape;

TEST_CASE("durations", "[common]") {
  CHECK(ParseDurationNs("200ms") == 200'000'000);
  CHECK(ParseDurationNs("10m") == 600'000'000'000);
  CHECK(ParseDurationNs("1h30m") == 5'400'000'000'000);
  CHECK(ParseDurationNs("1.5s") == 1'500'000'000);
  CHECK(ParseDurationNs("250us") == 250'000);
  CHECK(ParseDurationNs("0") == 0);
  for (const char* bad : {"", "10", "-5s", "5 s", "5x", "s", "1..2s", "abc", "99999999999h"}) {
    INFO(bad);
    CHECK_FALSE(ParseDurationNs(bad).has_value());
  }
}

TEST_CASE("byte sizes", "[common]") {
  CHECK(ParseByteSize("256MiB") == 256ull << 20);
  CHECK(ParseByteSize("1GB") == 1'000'000'000ull);
  CHECK(ParseByteSize("64KiB") == 65536);
  CHECK(ParseByteSize("4096") == 4096);
  CHECK(ParseByteSize("1.5K") == 1536);
  for (const char* bad : {"", "MiB", "-1", "1.3B", "12 MB", "1XB"}) {
    INFO(bad);
    CHECK_FALSE(ParseByteSize(bad).has_value());
  }
}

TEST_CASE("RFC 3339 times round-trip with nanoseconds", "[common]") {
  int64_t t = 1'795'000'000'123'456'789;
  std::string s = FormatRfc3339Nanos(t);
  CHECK(s == "2026-11-18T11:06:40.123456789Z");
  CHECK(ParseRfc3339(s) == t);
  CHECK(ParseRfc3339("2026-11-18T12:06:40.123456789+01:00") == t);
  CHECK(ParseRfc3339("1970-01-01T00:00:00Z") == 0);
  CHECK(FormatRfc3339Nanos(-1) == "1969-12-31T23:59:59.999999999Z");
  for (const char* bad : {"2026-11-18", "2026-13-01T00:00:00Z", "2026-11-18T09:46:40",
                          "2026-11-18T09:46:40.1234567890Z", "2026-11-18T09:46:40Zjunk"}) {
    INFO(bad);
    CHECK_FALSE(ParseRfc3339(bad).has_value());
  }
}

TEST_CASE("time selectors: offsets or absolute times", "[common]") {
  auto off = ParseTimeSpec("90s");
  REQUIRE(off);
  CHECK_FALSE(off->absolute);
  CHECK(off->Resolve(1000) == 90'000'001'000);
  auto abs = ParseTimeSpec("1970-01-01T00:00:01Z");
  REQUIRE(abs);
  CHECK(abs->Resolve(1000) == 1'000'000'000);
  CHECK_FALSE(ParseTimeSpec("yesterday"));
}

TEST_CASE("subjects and wildcard filters", "[common]") {
  CHECK(ValidSubject("wasmbus.evt.default.host_heartbeat", false));
  CHECK(ValidSubject("wasmbus.evt.*.>", true));
  CHECK_FALSE(ValidSubject("wasmbus.evt.*.>", false));
  for (const char* bad : {"", ".a", "a.", "a..b", "a.>.b", "a b", "a.b*", ">x"}) {
    INFO(bad);
    CHECK_FALSE(ValidSubject(bad, true));
  }
  CHECK(SubjectMatches("wasmbus.evt.default.>", "wasmbus.evt.default.host_heartbeat"));
  CHECK(SubjectMatches("wasmbus.evt.>", "wasmbus.evt.default.a.b"));
  CHECK_FALSE(SubjectMatches("wasmbus.evt.>", "wasmbus.evt"));
  CHECK(SubjectMatches("wasmbus.*.default.x", "wasmbus.evt.default.x"));
  CHECK_FALSE(SubjectMatches("wasmbus.*.default.x", "wasmbus.evt.other.x"));
  CHECK_FALSE(SubjectMatches("a.b", "a.b.c"));
  CHECK_FALSE(SubjectMatches("a.b.c", "a.b"));
  CHECK(SubjectMatches(">", "anything.at.all"));
}
