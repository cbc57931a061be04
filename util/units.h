// Parsing and printing of the units users type and read: durations ("200ms", "10m", "1h30m"),
// byte sizes ("256MiB", "1GB", "4096"), times (RFC 3339 with nanoseconds) and time selectors
// ("90s" from the start of a recording, or an absolute RFC 3339 time).
// Pure functions, thread-safe. Parsers return std::nullopt on malformed input.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace evtape {

// "1h30m", "250ms", "1.5s", "10us", "42ns", "0". Units: ns us ms s m h d. A bare number is
// only accepted when it is 0.
std::optional<int64_t> ParseDurationNs(std::string_view text);
// "256MiB", "1GB", "64KiB", "1k", "4096" (bytes). Binary (KiB, MiB, GiB) and decimal (kB, MB,
// GB) units; K/M/G alone are binary.
std::optional<uint64_t> ParseByteSize(std::string_view text);
// "2026-11-23T19:38:00.123456789Z" (always 9 fractional digits, UTC).
std::string FormatRfc3339Nanos(int64_t unix_ns);
// RFC 3339 with optional fraction (up to 9 digits) and Z or a +hh:mm offset. nullopt also for
// times a signed 64-bit count of nanoseconds since 1970 cannot hold (before 1677-09-22 or after
// 2262-04-10): they would wrap silently.
std::optional<int64_t> ParseRfc3339(std::string_view text);
// "1.25 s", "340 ms", "2h05m" style for humans.
std::string FormatDuration(int64_t ns);
// "12.3 MiB" style for humans.
std::string FormatBytes(uint64_t bytes);

// A --from/--to value: an offset from the start of the recording, or an absolute time.
struct TimeSpec {
  bool absolute = false;
  int64_t ns = 0;  // offset or unix ns
  int64_t Resolve(int64_t start_ns) const { return absolute ? ns : start_ns + ns; }
};
std::optional<TimeSpec> ParseTimeSpec(std::string_view text);

// NATS subject rules: non-empty tokens separated by '.', no whitespace; `*` matches one token,
// `>` (last token only) one or more. ValidSubject checks a subject or a filter.
bool ValidSubject(std::string_view subject, bool allow_wildcards);
bool SubjectMatches(std::string_view filter, std::string_view subject);

}  // namespace evtape
