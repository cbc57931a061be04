#include "record/summary.h"

#include <cstdarg>
#include <cstdio>

#include "util/units.h"

namespace evtape::record {
namespace {

std::string Printf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
std::string Printf(const char* fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return buf;
}

unsigned long long U(uint64_t v) { return static_cast<unsigned long long>(v); }

// The ring's part of the status line and summary: what it keeps, what it deleted (not a loss).
std::string RingText(const RecorderStats& s) {
  if (!s.ring) return "";
  return Printf("ring keeps from %s, %llu segment(s) (%llu messages) deleted",
                s.ring_kept_from_ns > 0 ? FormatRfc3339Nanos(s.ring_kept_from_ns).c_str() : "start",
                U(s.ring_deleted_segments), U(s.ring_deleted_messages));
}

}  // namespace

std::string FormatStatusLine(const RecorderStats& s, uint64_t rate) {
  return Printf("%llu msgs  %llu msg/s  %s raw  %s stored  %llu seg  %llu gaps%s%s%s",
                U(s.messages), U(rate), FormatBytes(s.raw_bytes).c_str(),
                FormatBytes(s.stored_bytes).c_str(), U(s.segments), U(s.gaps),
                s.ring ? "  " : "", RingText(s).c_str(), s.connected ? "" : "  [disconnected]");
}

std::string FormatSummary(const RecorderSummary& s) {
  const double ratio = s.stored_bytes > 0
                           ? static_cast<double>(s.raw_bytes) / static_cast<double>(s.stored_bytes)
                           : 0.0;
  std::string out = "evtape record: " + s.dir + ": " +
                    Printf("%llu messages in %s, %s raw, %s stored (ratio %.1fx), %llu segment(s), "
                           "%llu gap(s)\n",
                           U(s.messages), FormatDuration(s.elapsed_ns).c_str(),
                           FormatBytes(s.raw_bytes).c_str(), FormatBytes(s.stored_bytes).c_str(),
                           ratio, U(s.segments), U(s.gaps));
  if (s.gaps > 0 || s.dropped_by_queue > 0 || s.dropped_by_client > 0) {
    out += Printf("evtape record: gaps: %llu outage(s) (messages lost, count unknown), %llu "
                  "dropped by the recorder's buffer (peak use %s), %llu dropped by the NATS "
                  "client%s\n",
                  U(s.outages), U(s.dropped_by_queue), FormatBytes(s.peak_queue_bytes).c_str(),
                  U(s.dropped_by_client), s.restart_gap ? ", restart after an unclean stop" : "");
  }
  if (s.not_written > 0) {
    out += Printf("evtape record: %llu message(s) received but not written: the recording "
                  "stopped on a write failure (%s); the file holds the %llu counted above\n",
                  U(s.not_written), s.status.ok() ? "see above" : s.status.message().c_str(),
                  U(s.messages));
  }
  if (s.chunks_stored_behind > 0) {
    out += Printf("evtape record: %llu of %llu chunks stored uncompressed to keep up with the "
                  "stream (nothing was lost; `evtape merge %s -o DIR` rewrites it compressed)\n",
                  U(s.chunks_stored_behind), U(s.chunks), s.dir.c_str());
  }
  if (s.segments_compacted > 0 || s.segments_left_uncompacted > 0) {
    out += Printf("evtape record: %llu sealed segment(s) compacted", U(s.segments_compacted));
    if (s.segments_left_uncompacted > 0) {
      out += Printf(", %llu left uncompacted (too big to wait for; `evtape merge %s -o DIR` "
                    "recompresses)", U(s.segments_left_uncompacted), s.dir.c_str());
    }
    out += "\n";
  }
  if (s.ring) out += "evtape record: " + RingText(s) + " (the window, not a loss)\n";
  if (!s.exact_headers) {
    out += "evtape record: warning: header blocks were rebuilt (unknown nats.c layout): order "
           "and spacing may differ from the wire\n";
  }
  return out;
}

}  // namespace evtape::record
