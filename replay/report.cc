// The end-of-run report of RunReplay (declared in replayer.h).
#include <cstdio>

#include "util/json.h"
#include "util/text_file.h"
#include "util/units.h"
#include "replay/replayer.h"

namespace evtape::replay {
namespace {

double Seconds(int64_t ns) { return static_cast<double>(ns) / 1e9; }

std::string Us(int64_t ns) { return FormatDuration(ns); }

}  // namespace

nlohmann::json ReportJson(const ReplayOptions& o, const ReplayStats& s) {
  nlohmann::json j;
  j["messages_sent"] = s.messages - s.unsent_buffered;
  j["bytes_sent"] = s.bytes;
  j["duration_s"] = Seconds(s.duration_ns);
  const double secs = Seconds(s.duration_ns);
  j["rate_msgs_per_s"] = secs > 0 ? static_cast<double>(s.messages) / secs : 0.0;
  j["requested"] = o.pace.Describe();
  if (o.pace.mode == Pace::Mode::kSpeed && s.duration_ns > 0) {
    j["requested_speed"] = o.pace.speed;
    j["achieved_speed"] = static_cast<double>(s.recorded_ns) / static_cast<double>(s.duration_ns);
  }
  if (o.pace.mode == Pace::Mode::kRate) j["requested_rate"] = o.pace.rate;
  if (o.pace.paced() && s.lateness.count() > 0) {
    j["lateness_ns"] = {{"p50", s.lateness.Quantile(0.50)},
                        {"p99", s.lateness.Quantile(0.99)},
                        {"max", s.lateness.max()}};
    j["drift_at_end_ns"] = s.drift_ns;
  }
  j["scheduled_duration_s"] = Seconds(s.schedule_ns);
  j["passes"] = s.passes;
  j["filtered"] = s.filtered;
  j["rewritten"] = s.rewritten;
  j["skipped_corrupt_regions"] = s.corrupt_issues;
  j["skipped_messages"] = s.skipped_frames;
  j["skipped_messages_exact"] = !s.skipped_unknown;
  j["gaps"] = s.gaps;
  if (s.gap_messages) j["gap_messages_lost"] = *s.gap_messages;
  j["failed"] = s.failed;
  j["not_sent"] = s.not_sent();
  j["interrupted"] = s.interrupted;
  return j;
}

Status WriteReportFile(const std::string& path, const ReplayOptions& o, const ReplayStats& s) {
  return WriteTextFileAtomically(path, DumpJson(ReportJson(o, s), 2) + "\n", "report");
}

std::string FormatReport(const ReplayOptions& o, const ReplayStats& s) {
  if (o.dry_run) {
    return "replay: dry run: " + std::to_string(s.messages) + " messages, " + FormatBytes(s.bytes) +
           ", scheduled over " + FormatDuration(s.schedule_ns) + " (" + o.pace.Describe() + "), " +
           std::to_string(s.filtered) + " filtered out\n";
  }
  std::string r;
  char buf[256];
  const double secs = Seconds(s.duration_ns);
  const double rate = secs > 0 ? static_cast<double>(s.messages) / secs : 0.0;
  std::snprintf(buf, sizeof buf, "replay: %llu messages (%s) sent in %s, %.0f msg/s",
                static_cast<unsigned long long>(s.messages - s.unsent_buffered),
                FormatBytes(s.bytes).c_str(), FormatDuration(s.duration_ns).c_str(), rate);
  r += buf;
  if (o.pace.mode == Pace::Mode::kSpeed && s.duration_ns > 0) {
    std::snprintf(buf, sizeof buf, "; speed %gx requested, %.3fx achieved", o.pace.speed,
                  static_cast<double>(s.recorded_ns) / static_cast<double>(s.duration_ns));
    r += buf;
  } else if (o.pace.mode == Pace::Mode::kRate) {
    std::snprintf(buf, sizeof buf, "; rate %g msg/s requested", o.pace.rate);
    r += buf;
  } else {
    r += "; max speed";
  }
  r += "\n";
  if (o.pace.paced() && s.lateness.count() > 0) {
    r += "replay: lateness p50 " + Us(s.lateness.Quantile(0.5)) + ", p99 " +
         Us(s.lateness.Quantile(0.99)) + ", max " + Us(s.lateness.max()) + "; drift at end " +
         Us(s.drift_ns) + "\n";
  }
  std::snprintf(buf, sizeof buf,
                "replay: %llu filtered out, %llu skipped (corrupt%s), %llu gaps, %llu failed, "
                "%llu not sent\n",
                static_cast<unsigned long long>(s.filtered),
                static_cast<unsigned long long>(s.skipped_frames),
                s.skipped_unknown ? ", count partly unknown" : "",
                static_cast<unsigned long long>(s.gaps),
                static_cast<unsigned long long>(s.failed),
                static_cast<unsigned long long>(s.not_sent()));
  r += buf;
  return r;
}

}  // namespace evtape::replay
