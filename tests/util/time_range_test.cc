// RFC 3339 times at the ends of the int64 nanosecond range: every time FormatRfc3339Nanos
// prints parses back exactly (cat | import), and one nanosecond beyond is refused. Found by
// the jsonl_codec fuzz target (fuzz/corpus/jsonl_codec/regression-time-range-end).
#include <catch2/catch.hpp>
#include <limits>

#include "util/units.h"

using namespace evtape;

TEST_CASE("RFC 3339 times parse back exactly across the whole int64 range", "[units]") {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  for (int64_t t : {kMin, kMin + 1, kMin + 999'999'999, int64_t{-1}, int64_t{0}, kMax - 1'000'000'000,
                    kMax - 1, kMax}) {
    INFO(FormatRfc3339Nanos(t));
    CHECK(ParseRfc3339(FormatRfc3339Nanos(t)) == t);
  }
  CHECK(FormatRfc3339Nanos(kMax) == "2262-04-11T23:47:16.854775807Z");
  CHECK(FormatRfc3339Nanos(kMin) == "1677-09-21T00:12:43.145224192Z");
  CHECK_FALSE(ParseRfc3339("2262-04-11T23:47:16.854775808Z").has_value());
  CHECK_FALSE(ParseRfc3339("1677-09-21T00:12:43.145224191Z").has_value());
  CHECK_FALSE(ParseRfc3339("2262-04-12T00:00:00Z").has_value());
  CHECK_FALSE(ParseRfc3339("9999-12-31T23:59:59Z").has_value());
  CHECK_FALSE(ParseRfc3339("0001-01-01T00:00:00Z").has_value());
}
