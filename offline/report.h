// `evtape report` without a command line: one self-contained HTML page about a recording (no
// network, no external script, style or font), for an incident review or a ticket
// (docs/share.md). Built in two steps so it works at millions of events:
//   BuildReport  one pass over the frames, aggregating: per lane (a CloudEvent type, or type
//                and source host with per_host) the messages per time bucket and the first
//                and last event; the gaps, with recorder restarts told apart; the figures of
//                `info` (offline/info.h); the trigger of a snapshot when the metadata has one
//                (extra {"trigger": {"time": RFC 3339, "reason": text}}).
//   RenderReportHtml  the page: a timeline with one lane per type (gaps shaded, restarts and
//                the trigger marked), a message-rate plot, the info tables, and the first and
//                last event of each type as collapsed JSON. Its size depends on the number of
//                lanes and buckets, not on the number of events.
// Errors: those of CollectInfo and of reading (naming the input); InvalidArgument "no messages
// to report" for a recording without frames. Not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "format/types.h"
#include "offline/info.h"

namespace evtape::offline {

struct ReportOptions {
  bool per_host = false;  // one lane per type and source
  size_t buckets = 240;   // time buckets across the recording
  // At most this many lanes: the busiest, the rest summed into one "(N other lanes)" lane (a
  // thousand hosts per type would otherwise make a page of tens of MB).
  size_t max_lanes = 60;
};

struct ReportLane {
  std::string key;                // "com.wasmcloud.lattice.host_heartbeat" (per host: " @ source")
  uint64_t total = 0;
  std::vector<uint64_t> counts;   // per bucket
  format::Frame first, last;      // payloads cut at kReportPayloadBytes
};

inline constexpr size_t kReportPayloadBytes = 16 * 1024;

struct Report {
  std::vector<std::string> inputs;
  RecordingInfo info;
  int64_t start_ns = 0, end_ns = 0;  // first and last frame
  std::vector<uint64_t> totals;      // all lanes, per bucket
  std::vector<ReportLane> lanes;     // by first appearance; the merged rest last
  std::vector<format::Gap> gaps;     // in order, restarts included
  std::optional<int64_t> trigger_ns;
  std::string trigger_reason;
  uint64_t frames = 0;
};

Result<Report> BuildReport(const std::vector<std::string>& inputs, const ReportOptions& options);
std::string RenderReportHtml(const Report& report);

}  // namespace evtape::offline
