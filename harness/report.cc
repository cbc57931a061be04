#include "harness/report.h"

#include <cerrno>
#include <cstdio>
#include <fstream>

#include "util/text_file.h"

namespace evtape::harness {

std::string XmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
        out += c;
    }
  }
  return out;
}

std::string ShellQuote(const std::string& word) {
  bool plain = !word.empty();
  for (char c : word) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              std::string_view("_./:=@%+-").find(c) != std::string_view::npos;
    if (!ok) plain = false;
  }
  if (plain) return word;
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

Status WriteJunit(const std::string& path, const std::vector<ScenarioOutcome>& outcomes) {
  size_t failures = 0;
  int64_t total_ns = 0;
  for (const auto& o : outcomes) {
    failures += o.passed ? 0 : 1;
    total_ns += o.duration_ns;
  }
  auto secs = [](int64_t ns) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.3f", static_cast<double>(ns) / 1e9);
    return std::string(buf);
  };
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x += "<testsuites tests=\"" + std::to_string(outcomes.size()) + "\" failures=\"" +
       std::to_string(failures) + "\" time=\"" + secs(total_ns) + "\">\n";
  x += "  <testsuite name=\"evtape test\" tests=\"" + std::to_string(outcomes.size()) +
       "\" failures=\"" + std::to_string(failures) + "\" errors=\"0\" time=\"" + secs(total_ns) +
       "\">\n";
  for (const auto& o : outcomes) {
    x += "    <testcase classname=\"" + XmlEscape(o.path) + "\" name=\"" + XmlEscape(o.name) +
         "\" time=\"" + secs(o.duration_ns) + "\"";
    if (o.passed) {
      x += "/>\n";
      continue;
    }
    x += ">\n      <failure message=\"" + XmlEscape(o.reason) + "\">" + XmlEscape(o.detail) +
         "</failure>\n    </testcase>\n";
  }
  x += "  </testsuite>\n</testsuites>\n";
  return WriteTextFileAtomically(path, x, "JUnit file");
}

}  // namespace evtape::harness
