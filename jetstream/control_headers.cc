#include "jetstream/control_headers.h"

#include <array>

namespace evtape::jetstream {
namespace {

constexpr std::string_view kExpectedPrefix = "Nats-Expected-";
constexpr std::array<std::string_view, 3> kExact = {"Nats-Msg-Id", "Nats-Rollup", "Nats-TTL"};

// Calls fn(name, line_with_crlf) for every header line after the status line.
template <typename Fn>
void ForEachLine(std::string_view block, Fn fn) {
  size_t pos = block.find("\r\n");
  while (pos != std::string_view::npos && pos + 2 < block.size()) {
    size_t start = pos + 2;
    size_t end = block.find("\r\n", start);
    if (end == std::string_view::npos || end == start) return;  // the final empty line
    std::string_view line = block.substr(start, end + 2 - start);
    size_t colon = line.find(':');
    fn(colon == std::string_view::npos ? std::string_view() : line.substr(0, colon), line);
    pos = end;
  }
}

}  // namespace

bool IsControlHeader(std::string_view name) {
  if (name.substr(0, kExpectedPrefix.size()) == kExpectedPrefix) return true;
  for (std::string_view e : kExact) {
    if (name == e) return true;
  }
  return false;
}

std::string StripControlHeaders(std::string_view block, int* removed) {
  *removed = 0;
  size_t first = block.find("\r\n");
  if (first == std::string_view::npos) return std::string(block);
  std::string out(block.substr(0, first + 2));
  bool kept = false;
  ForEachLine(block, [&](std::string_view name, std::string_view line) {
    if (IsControlHeader(name)) {
      ++*removed;
    } else {
      out.append(line);
      kept = true;
    }
  });
  if (*removed == 0) return std::string(block);
  if (!kept && out.size() == 10 && out.compare(0, 8, "NATS/1.0") == 0) return "";
  return out + "\r\n";
}

std::string WithMsgId(std::string_view block, std::string_view id) {
  std::string line = "Nats-Msg-Id: " + std::string(id) + "\r\n";
  if (block.empty()) return "NATS/1.0\r\n" + line + "\r\n";
  size_t first = block.find("\r\n");
  if (first == std::string_view::npos) return std::string(block);
  std::string out(block.substr(0, first + 2));
  out += line;
  out.append(block.substr(first + 2));
  return out;
}

Result<ControlHeaderScan> ScanControlHeaders(format::FrameSource* source) {
  ControlHeaderScan scan;
  format::Entry e;
  while (true) {
    EVTAPE_ASSIGN_OR_RETURN(bool more, source->Next(&e));
    if (!more) break;
    if (e.kind != format::Entry::Kind::kFrame || e.frame.headers.empty()) continue;
    bool any = false;
    std::map<std::string, bool> seen;
    ForEachLine(e.frame.headers, [&](std::string_view name, std::string_view) {
      if (!IsControlHeader(name) || seen[std::string(name)]) return;
      seen[std::string(name)] = true;
      scan.by_name[std::string(name)]++;
      any = true;
    });
    if (any) scan.frames++;
  }
  return scan;
}

std::string DescribeScan(const ControlHeaderScan& scan) {
  if (scan.frames == 0) return "";
  std::string out = std::to_string(scan.frames) + " frames carry JetStream control headers (";
  bool first = true;
  for (const auto& [name, n] : scan.by_name) {
    out += (first ? "" : ", ") + name + " " + std::to_string(n);
    first = false;
  }
  return out + ")";
}

}  // namespace evtape::jetstream
