#include "util/units.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace evtape {
namespace {

bool ParseDecimal(std::string_view s, double* out) {
  if (s.empty() || s.size() > 32) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || c == '.')) return false;
  }
  std::string tmp(s);
  char* end = nullptr;
  *out = std::strtod(tmp.c_str(), &end);
  return end == tmp.c_str() + tmp.size() && std::isfinite(*out);
}

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {  // Howard Hinnant's algorithm
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

}  // namespace

std::optional<int64_t> ParseDurationNs(std::string_view text) {
  if (text == "0") return 0;
  if (text.empty()) return std::nullopt;
  double total = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t j = i;
    while (j < text.size() && ((text[j] >= '0' && text[j] <= '9') || text[j] == '.')) ++j;
    size_t k = j;
    while (k < text.size() && std::isalpha(static_cast<unsigned char>(text[k]))) ++k;
    double value;
    if (!ParseDecimal(text.substr(i, j - i), &value)) return std::nullopt;
    std::string_view unit = text.substr(j, k - j);
    double scale;
    if (unit == "ns") scale = 1;
    else if (unit == "us" || unit == "µs") scale = 1e3;
    else if (unit == "ms") scale = 1e6;
    else if (unit == "s") scale = 1e9;
    else if (unit == "m") scale = 60e9;
    else if (unit == "h") scale = 3600e9;
    else if (unit == "d") scale = 86400e9;
    else return std::nullopt;
    total += value * scale;
    i = k;
  }
  if (total > 9.2e18) return std::nullopt;
  return static_cast<int64_t>(std::llround(total));
}

std::optional<uint64_t> ParseByteSize(std::string_view text) {
  size_t j = 0;
  while (j < text.size() && ((text[j] >= '0' && text[j] <= '9') || text[j] == '.')) ++j;
  double value;
  if (!ParseDecimal(text.substr(0, j), &value)) return std::nullopt;
  std::string_view unit = text.substr(j);
  double scale;
  if (unit.empty() || unit == "B") scale = 1;
  else if (unit == "k" || unit == "K" || unit == "KiB") scale = 1024.0;
  else if (unit == "M" || unit == "MiB") scale = 1024.0 * 1024;
  else if (unit == "G" || unit == "GiB") scale = 1024.0 * 1024 * 1024;
  else if (unit == "T" || unit == "TiB") scale = 1024.0 * 1024 * 1024 * 1024;
  else if (unit == "kB" || unit == "KB") scale = 1e3;
  else if (unit == "MB") scale = 1e6;
  else if (unit == "GB") scale = 1e9;
  else if (unit == "TB") scale = 1e12;
  else return std::nullopt;
  double total = value * scale;
  if (total > 1.8e19 || total != std::floor(total)) return std::nullopt;
  return static_cast<uint64_t>(total);
}

std::string FormatRfc3339Nanos(int64_t unix_ns) {
  int64_t secs = unix_ns / 1000000000;
  int64_t nanos = unix_ns % 1000000000;
  if (nanos < 0) {
    nanos += 1000000000;
    secs -= 1;
  }
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(nanos));
  return buf;
}

std::optional<int64_t> ParseRfc3339(std::string_view s) {
  int y, mo, d, h, mi, se;
  if (!Digits(s, 0, 4, &y) || s.size() < 20 || s[4] != '-' || !Digits(s, 5, 2, &mo) ||
      s[7] != '-' || !Digits(s, 8, 2, &d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !Digits(s, 11, 2, &h) || s[13] != ':' || !Digits(s, 14, 2, &mi) || s[16] != ':' ||
      !Digits(s, 17, 2, &se)) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return std::nullopt;
  size_t i = 19;
  int64_t frac = 0;
  if (i < s.size() && s[i] == '.') {
    size_t start = ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    size_t n = i - start;
    if (n == 0 || n > 9) return std::nullopt;
    int v;
    if (!Digits(s, start, n, &v)) return std::nullopt;
    frac = v;
    for (size_t k = n; k < 9; ++k) frac *= 10;
  }
  int64_t offset_s = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int oh, om;
    if (!Digits(s, i + 1, 2, &oh) || i + 3 >= s.size() || s[i + 3] != ':' ||
        !Digits(s, i + 4, 2, &om)) {
      return std::nullopt;
    }
    offset_s = (oh * 3600 + om * 60) * (s[i] == '+' ? 1 : -1);
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  int64_t secs = days * 86400 + h * 3600 + mi * 60 + se - offset_s;
  // Nanoseconds since 1970 in a signed 64-bit integer reach from
  // 1677-09-21T00:12:43.145224192Z to 2262-04-11T23:47:16.854775807Z; a time outside that range
  // cannot be represented (it would wrap). Every time inside it is accepted, so that what
  // FormatRfc3339Nanos prints (`cat`) always parses back (`import`).
  if (secs < 0 && frac > 0) {  // the same time, with secs * 10^9 nearer to 0
    secs += 1;
    frac -= 1000000000;
  }
  int64_t ns;
  if (__builtin_mul_overflow(secs, int64_t{1000000000}, &ns) ||
      __builtin_add_overflow(ns, frac, &ns)) {
    return std::nullopt;
  }
  return ns;
}

std::string FormatDuration(int64_t ns) {
  char buf[64];
  double a = std::fabs(static_cast<double>(ns));
  if (a < 1e3) std::snprintf(buf, sizeof(buf), "%lld ns", static_cast<long long>(ns));
  else if (a < 1e6) std::snprintf(buf, sizeof(buf), "%.1f us", static_cast<double>(ns) / 1e3);
  else if (a < 1e9) std::snprintf(buf, sizeof(buf), "%.1f ms", static_cast<double>(ns) / 1e6);
  else if (a < 120e9) std::snprintf(buf, sizeof(buf), "%.2f s", static_cast<double>(ns) / 1e9);
  else {
    int64_t s = ns / 1000000000;
    std::snprintf(buf, sizeof(buf), "%lldh%02lldm%02llds", static_cast<long long>(s / 3600),
                  static_cast<long long>((s / 60) % 60), static_cast<long long>(s % 60));
  }
  return buf;
}

std::string FormatBytes(uint64_t bytes) {
  char buf[64];
  auto b = static_cast<double>(bytes);
  if (bytes < 1024) std::snprintf(buf, sizeof(buf), "%llu B", static_cast<unsigned long long>(bytes));
  else if (b < 1024.0 * 1024) std::snprintf(buf, sizeof(buf), "%.1f KiB", b / 1024);
  else if (b < 1024.0 * 1024 * 1024) std::snprintf(buf, sizeof(buf), "%.1f MiB", b / 1048576);
  else std::snprintf(buf, sizeof(buf), "%.2f GiB", b / 1073741824);
  return buf;
}

std::optional<TimeSpec> ParseTimeSpec(std::string_view text) {
  if (auto d = ParseDurationNs(text)) return TimeSpec{false, *d};
  if (auto t = ParseRfc3339(text)) return TimeSpec{true, *t};
  return std::nullopt;
}

bool ValidSubject(std::string_view s, bool allow_wildcards) {
  if (s.empty()) return false;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    std::string_view tok = s.substr(start, dot == std::string_view::npos ? s.npos : dot - start);
    if (tok.empty()) return false;
    for (char c : tok) {
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') return false;
    }
    bool last = dot == std::string_view::npos;
    if (tok.find_first_of("*>") != std::string_view::npos) {
      if (!allow_wildcards || tok.size() != 1) return false;
      if (tok == ">" && !last) return false;
    }
    if (last) return true;
    start = dot + 1;
  }
}

bool SubjectMatches(std::string_view filter, std::string_view subject) {
  size_t fi = 0, si = 0;
  while (true) {
    size_t fd = filter.find('.', fi), sd = subject.find('.', si);
    std::string_view ft = filter.substr(fi, fd == filter.npos ? filter.npos : fd - fi);
    std::string_view st = subject.substr(si, sd == subject.npos ? subject.npos : sd - si);
    if (ft == ">") return si <= subject.size() && !st.empty();
    if (ft != "*" && ft != st) return false;
    if (fd == filter.npos || sd == subject.npos) return fd == filter.npos && sd == subject.npos;
    fi = fd + 1;
    si = sd + 1;
  }
}

}  // namespace evtape
