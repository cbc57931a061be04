// RenderReportHtml: the page of offline/report.h. Inline CSS, inline SVG and one small inline
// script (lane filter); everything escaped; no timestamp of its own (same input, same page).
#include <algorithm>
#include <cmath>
#include <sstream>

#include "offline/report.h"
#include "util/units.h"
#include "util/version.h"

namespace evtape::offline {
namespace {

constexpr int kWidth = 1200, kLabel = 340, kLaneH = 18, kAxisH = 22;

std::string Esc(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

// Bytes that may not be UTF-8 as valid text (nlohmann replaces bad sequences).
std::string Text(std::string_view s) {
  return nlohmann::json(std::string(s)).dump(-1, ' ', false,
                                              nlohmann::json::error_handler_t::replace);
}

std::string PrettyPayload(const std::string& payload) {
  auto j = nlohmann::json::parse(payload, nullptr, false);
  if (!j.is_discarded()) return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  return Text(payload);  // not JSON: shown as a JSON string
}

struct Scale {
  int64_t start, end;
  double X(int64_t t) const {
    double span = static_cast<double>(std::max<int64_t>(1, end - start));
    return kLabel + (kWidth - kLabel) * std::clamp((t - start) / span, 0.0, 1.0);
  }
};

std::string Seconds(int64_t ns) {
  std::ostringstream s;
  s.precision(3);
  s << std::fixed << ns / 1e9 << " s";
  return s.str();
}

void Axis(const Scale& sc, int y, std::ostream& out) {
  for (int i = 0; i <= 4; ++i) {
    int64_t t = sc.start + (sc.end - sc.start) / 4 * i;
    std::string label = FormatRfc3339Nanos(t).substr(11, 12);
    out << "<text class='tick' x='" << sc.X(t) << "' y='" << y + 14 << "' text-anchor='"
        << (i == 0 ? "start" : i == 4 ? "end" : "middle") << "'>" << label << "</text>";
  }
}

void Timeline(const Report& r, const Scale& sc, std::ostream& out) {
  const int height = kAxisH + kLaneH * static_cast<int>(r.lanes.size()) + 4;
  out << "<h2>Timeline</h2><p class='note'>One lane per " << "CloudEvent type; darker = more "
      << "messages in the " << Seconds((r.end_ns - r.start_ns) / static_cast<int64_t>(r.totals.size()))
      << " bucket. <span class='k gap'></span> gap <span class='k restart'></span> recorder "
         "restart <span class='k trigger'></span> snapshot trigger. Filter lanes: "
         "<input id='filter' type='search' placeholder='type or host'></p>\n"
      << "<svg id='timeline' viewBox='0 0 " << kWidth << " " << height << "' width='100%'>";
  Axis(sc, 0, out);
  const double cw = static_cast<double>(kWidth - kLabel) / r.totals.size();
  for (size_t i = 0; i < r.lanes.size(); ++i) {
    const ReportLane& lane = r.lanes[i];
    const int y = kAxisH + kLaneH * static_cast<int>(i);
    uint64_t max = *std::max_element(lane.counts.begin(), lane.counts.end());
    out << "<g class='lane' data-key='" << Esc(lane.key) << "'><title>" << Esc(lane.key) << ": "
        << lane.total << " messages</title><text class='label' x='4' y='" << y + 13 << "'>"
        << Esc(lane.key.size() > 52 ? "…" + lane.key.substr(lane.key.size() - 51) : lane.key)
        << "</text>";
    for (size_t b = 0; b < lane.counts.size(); ++b) {
      if (lane.counts[b] == 0) continue;
      double op = 0.2 + 0.8 * std::sqrt(static_cast<double>(lane.counts[b]) / max);
      out << "<rect x='" << kLabel + cw * b << "' y='" << y + 2 << "' width='" << std::max(cw, 1.0)
          << "' height='" << kLaneH - 4 << "' fill-opacity='" << op << "'><title>"
          << lane.counts[b] << "</title></rect>";
    }
    out << "</g>";
  }
  for (const format::Gap& g : r.gaps) {
    bool restart = g.reason == format::GapReason::kRestart;
    double x = sc.X(g.start_ns), w = std::max(2.0, sc.X(g.end_ns) - x);
    out << "<rect class='" << (restart ? "restart" : "gap") << "' x='" << x << "' y='" << kAxisH
        << "' width='" << w << "' height='" << height - kAxisH << "'><title>"
        << format::GapReasonName(g.reason) << " " << FormatRfc3339Nanos(g.start_ns) << " .. "
        << FormatRfc3339Nanos(g.end_ns)
        << (g.count ? ", " + std::to_string(*g.count) + " lost" : ", lost unknown") << " "
        << Esc(g.detail) << "</title></rect>";
  }
  if (r.trigger_ns) {
    out << "<line id='trigger' x1='" << sc.X(*r.trigger_ns) << "' x2='" << sc.X(*r.trigger_ns)
        << "' y1='0' y2='" << height << "'><title>snapshot trigger "
        << FormatRfc3339Nanos(*r.trigger_ns) << " " << Esc(r.trigger_reason) << "</title></line>";
  }
  out << "</svg>\n";
}

void RatePlot(const Report& r, const Scale& sc, std::ostream& out) {
  const int h = 140;
  const double bucket_s = std::max(1e-9, (r.end_ns - r.start_ns) / 1e9 / r.totals.size());
  uint64_t max = std::max<uint64_t>(1, *std::max_element(r.totals.begin(), r.totals.end()));
  const double cw = static_cast<double>(kWidth - kLabel) / r.totals.size();
  out << "<h2>Message rate</h2><svg id='rate' viewBox='0 0 " << kWidth << " " << h + kAxisH
      << "' width='100%'><text class='label' x='4' y='14'>max " << max / bucket_s
      << " msg/s</text><text class='label' x='4' y='" << h << "'>0</text><polyline points='";
  for (size_t b = 0; b < r.totals.size(); ++b) {
    double y = h - (h - 10) * static_cast<double>(r.totals[b]) / max;
    out << kLabel + cw * (b + 0.5) << "," << y << " ";
  }
  out << "'/>";
  Axis(sc, h, out);
  out << "</svg>\n";
}

void Row(std::ostream& out, std::initializer_list<std::string> cells) {
  out << "<tr>";
  for (const std::string& c : cells) out << "<td>" << Esc(c) << "</td>";
  out << "</tr>";
}

void Tables(const Report& r, std::ostream& out) {
  const RecordingInfo& i = r.info;
  std::string inputs;
  for (const std::string& in : r.inputs) inputs += (inputs.empty() ? "" : " ") + in;
  out << "<h2>Info</h2><table id='summary'>";
  Row(out, {"inputs", inputs});
  if (i.metadata) Row(out, {"recording", i.metadata->recording_id + " (" + i.metadata->tool + ")"});
  Row(out, {"segments", std::to_string(i.segments.size())});
  Row(out, {"messages", std::to_string(i.frames)});
  Row(out, {"bytes", std::to_string(i.raw_bytes) + " raw, " + std::to_string(i.file_bytes) + " stored"});
  Row(out, {"time", FormatRfc3339Nanos(r.start_ns) + " .. " + FormatRfc3339Nanos(r.end_ns) +
                        " (" + Seconds(r.end_ns - r.start_ns) + ")"});
  Row(out, {"gaps", std::to_string(r.gaps.size())});
  out << "</table>\n<h3>By CloudEvent type</h3><table id='types'><tr><th>type</th><th>messages</th></tr>";
  std::vector<const ReportLane*> lanes;
  for (const auto& l : r.lanes) lanes.push_back(&l);
  std::stable_sort(lanes.begin(), lanes.end(), [](auto* a, auto* b) { return a->total > b->total; });
  for (const ReportLane* l : lanes) Row(out, {l->key, std::to_string(l->total)});
  out << "</table>\n<h3>By subject</h3><table id='subjects'><tr><th>subject</th><th>messages</th>"
         "<th>bytes</th></tr>";
  for (const auto& [subject, s] : i.subjects) {
    Row(out, {subject, std::to_string(s.frames), std::to_string(s.raw_bytes)});
  }
  out << "</table>\n<h3>By source</h3><table id='sources'><tr><th>source</th><th>messages</th></tr>";
  for (const auto& [source, rate] : i.stats.sources().keys) Row(out, {source, std::to_string(rate.count)});
  out << "</table>\n<h3>Gaps</h3><table id='gaps'><tr><th>reason</th><th>from</th><th>to</th>"
         "<th>lost</th><th>detail</th></tr>";
  for (const format::Gap& g : r.gaps) {
    Row(out, {format::GapReasonName(g.reason), FormatRfc3339Nanos(g.start_ns),
              FormatRfc3339Nanos(g.end_ns), g.count ? std::to_string(*g.count) : "unknown", g.detail});
  }
  out << "</table>\n";
}

void Events(const Report& r, std::ostream& out) {
  out << "<h2>First and last event of each type</h2><div id='events'>";
  for (const ReportLane& l : r.lanes) {
    out << "<details class='event'><summary>" << Esc(l.key) << " (" << l.total << ")</summary>";
    for (const auto* f : {&l.first, &l.last}) {
      out << "<p>" << (f == &l.first ? "first" : "last") << ": seq " << f->seq << ", "
          << FormatRfc3339Nanos(f->time_ns) << ", " << Esc(Text(f->subject)) << "</p><pre>"
          << Esc(PrettyPayload(f->payload)) << "</pre>";
    }
    out << "</details>";
  }
  out << "</div>\n";
}

constexpr char kStyle[] =
    "body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}h1{font-size:1.4em}"
    "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 8px;"
    "text-align:left}svg{border:1px solid #ddd;background:#fff}.lane rect{fill:#2563eb}"
    ".lane:nth-of-type(2n) text{fill:#444}.label,.tick{font:11px monospace;fill:#333}"
    "rect.gap{fill:#dc2626;fill-opacity:.25}rect.restart{fill:#f59e0b;fill-opacity:.45}"
    "#trigger{stroke:#9333ea;stroke-width:2}#rate polyline{fill:none;stroke:#2563eb;"
    "stroke-width:1.5}.note{color:#555}.k{display:inline-block;width:1em;height:.8em}"
    ".k.gap{background:#f4a5a5}.k.restart{background:#f8c471}.k.trigger{background:#9333ea}"
    "pre{background:#f6f6f6;padding:.5em;overflow:auto;max-height:24em}.hidden{display:none}";

constexpr char kScript[] =
    "(function(){var f=document.getElementById('filter');"
    "var lanes=document.querySelectorAll('#timeline .lane');"
    "f.addEventListener('input',function(){var q=f.value.toLowerCase();"
    "lanes.forEach(function(l){l.classList.toggle('hidden',"
    "q!==''&&l.dataset.key.toLowerCase().indexOf(q)<0);});});"
    "document.body.dataset.ready='1';"
    "console.log('evtape-report: ready, '+lanes.length+' lanes');})();";

}  // namespace

std::string RenderReportHtml(const Report& r) {
  std::ostringstream out;
  Scale sc{r.start_ns, r.end_ns};
  out << "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
      << "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; "
         "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">"
      << "<title>evtape report</title><style>" << kStyle << "</style></head><body>\n"
      << "<h1>evtape report</h1><p class='note'>" << r.frames << " messages in "
      << r.lanes.size() << " lanes, " << r.gaps.size() << " gaps; written by " << kToolName
      << ".</p>\n";
  Timeline(r, sc, out);
  RatePlot(r, sc, out);
  Tables(r, out);
  Events(r, out);
  out << "<script>" << kScript << "</script></body></html>\n";
  return out.str();
}

}  // namespace evtape::offline
