// Rendering of `evtape info`: the JSON object of --json and the text tables. See info_render.h.
#include "offline/info_render.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <iomanip>

#include "util/units.h"

namespace evtape::offline {
namespace {

std::string Rate(const wasmcloud::KeyRate& r) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%llu / %.1f / %llu", static_cast<unsigned long long>(r.min),
                r.Avg(), static_cast<unsigned long long>(r.max));
  return buf;
}

nlohmann::json RateJson(const wasmcloud::KeyRate& r) {
  return {{"count", r.count}, {"min_per_s", r.min}, {"avg_per_s", r.Avg()}, {"max_per_s", r.max}};
}

// Segment figures (segments, chunks) appear when a recording was read, JSON lines figures when a
// JSON lines file was, stored bytes and ratio only when nothing but recordings was: a
// recording's info is what it always was.
bool HasSegments(const RecordingInfo& info) { return !info.segments.empty() || info.jsonl.empty(); }

void AddInputsJson(const RecordingInfo& info, nlohmann::json& j) {
  const bool segments = HasSegments(info);
  if (info.metadata) j["metadata"] = format::MetadataToJson(*info.metadata);
  if (segments) {
    j["segments"] = nlohmann::json::array();
    for (const auto& s : info.segments) {
      j["segments"].push_back({{"path", s.path},
                               {"sealed", s.sealed},
                               {"scanned", s.scanned},
                               {"frames", s.frames},
                               {"raw_bytes", s.raw_bytes},
                               {"file_bytes", s.file_bytes}});
    }
  }
  if (!info.jsonl.empty()) {
    j["jsonl"] = nlohmann::json::array();
    for (const auto& f : info.jsonl) {
      j["jsonl"].push_back({{"path", f.path},
                            {"lines", f.lines},
                            {"frames", f.frames},
                            {"gaps", f.gaps},
                            {"raw_bytes", f.raw_bytes}});
    }
  }
}

void AddTablesJson(const RecordingInfo& info, nlohmann::json& j) {
  auto subject_rates = info.stats.subjects();
  j["subjects"] = nlohmann::json::object();
  for (const auto& [name, s] : info.subjects) {
    nlohmann::json e = {{"count", s.frames}, {"raw_bytes", s.raw_bytes}};
    if (auto it = subject_rates.keys.find(name); it != subject_rates.keys.end()) {
      e.update(RateJson(it->second));
      e["count"] = s.frames;
    }
    j["subjects"][name] = e;
  }
  j["subjects_truncated"] = info.subjects_truncated;
  j["types"] = nlohmann::json::object();
  auto types = info.stats.types();
  for (const auto& [name, r] : types.keys) j["types"][name] = RateJson(r);
  j["types_overflow"] = types.overflow;
  j["non_cloudevent"] = info.stats.non_cloudevent();
  j["sources"] = nlohmann::json::object();
  auto sources = info.stats.sources();
  for (const auto& [name, r] : sources.keys) j["sources"][name] = r.count;
}

// Prints the `top` biggest rows of a count table.
template <typename Row>
void PrintTable(std::ostream& out, const char* title, std::vector<std::pair<std::string, Row>> rows,
                size_t top,
                const std::function<std::string(const Row&)>& cells,
                const std::function<uint64_t(const Row&)>& count) {
  out << "\n" << title << " (" << rows.size() << "):\n";
  std::stable_sort(rows.begin(), rows.end(),
                   [&](const auto& a, const auto& b) { return count(a.second) > count(b.second); });
  size_t shown = top == 0 ? rows.size() : std::min(top, rows.size());
  for (size_t i = 0; i < shown; ++i) {
    out << "  " << std::left << std::setw(56) << rows[i].first << std::right << " "
        << cells(rows[i].second) << "\n";
  }
  if (shown < rows.size()) out << "  ... " << rows.size() - shown << " more (--top 0)\n";
}

void PrintRing(const format::RingState& r, std::ostream& out);

void PrintSummary(const RecordingInfo& info, std::ostream& out) {
  if (info.metadata) {
    const auto& m = *info.metadata;
    out << "Recording:  " << m.recording_id << " (" << m.tool << ")";
    if (!m.source.empty()) out << ", source " << m.source;
    if (!m.host.empty()) out << ", host " << m.host;
    out << "\n";
  }
  if (HasSegments(info)) {
    uint64_t sealed = 0;
    for (const auto& s : info.segments) sealed += s.sealed ? 1 : 0;
    out << "Segments:   " << info.segments.size() << " (" << sealed << " sealed, "
              << info.segments.size() - sealed << " scanned)\n";
  }
  if (!info.jsonl.empty()) {
    uint64_t lines = 0;
    for (const auto& f : info.jsonl) lines += f.lines;
    out << "JSON lines: " << info.jsonl.size()
              << (info.jsonl.size() == 1 ? " file, " : " files, ") << lines << " lines\n";
  }
  if (info.first_time_ns) {
    out << "Time:       " << FormatRfc3339Nanos(*info.first_time_ns) << " .. "
              << FormatRfc3339Nanos(*info.last_time_ns) << " ("
              << FormatDuration(*info.last_time_ns - *info.first_time_ns) << ")\n";
  }
  out << "Messages:   " << info.frames << "\n";
  if (info.ring) PrintRing(*info.ring, out);
  if (info.jsonl.empty()) {
    char ratio[32];
    std::snprintf(ratio, sizeof(ratio), "%.2f",
                  info.file_bytes
                      ? static_cast<double>(info.raw_bytes) / static_cast<double>(info.file_bytes)
                      : 0.0);
    out << "Bytes:      raw " << FormatBytes(info.raw_bytes) << ", stored "
              << FormatBytes(info.file_bytes) << ", ratio " << ratio << "\n";
  } else {
    out << "Bytes:      raw " << FormatBytes(info.raw_bytes) << "\n";  // nothing stored
  }
  out << "Rate:       " << Rate(info.stats.total()) << " msg/s (min / avg / max)\n";
  const auto& c = info.chunks;
  if (c.count > 0) {
    out << "Chunks:     " << c.count << ", " << c.frames / c.count << " frames and "
              << FormatBytes(c.raw_bytes / c.count) << " raw on average, stored "
              << FormatBytes(c.min_stored) << " .. " << FormatBytes(c.max_stored) << "\n";
  }
}

// The ring's deletions: the window, what went and up to when (not a loss, not a gap).
void PrintRing(const format::RingState& r, std::ostream& out) {
  out << "Ring:       keeps";
  if (r.window_ns > 0) out << " the last " << FormatDuration(r.window_ns);
  if (r.window_ns > 0 && r.window_bytes > 0) out << " and at most";
  if (r.window_bytes > 0) out << " " << FormatBytes(r.window_bytes);
  out << "; deleted " << r.deleted_segments << " older segment(s), " << r.deleted_frames
      << " messages";
  if (r.deleted_through_ns > 0) out << " received up to " << FormatRfc3339Nanos(r.deleted_through_ns);
  out << " (the window, not a loss)\n";
}

void PrintTables(const RecordingInfo& info, size_t top, std::ostream& out) {
  using SubjectRow = std::pair<format::SubjectStats, std::optional<wasmcloud::KeyRate>>;
  std::vector<std::pair<std::string, SubjectRow>> subjects;
  auto subject_rates = info.stats.subjects();
  for (const auto& [name, s] : info.subjects) {
    auto it = subject_rates.keys.find(name);
    subjects.push_back(
        {name,
         {s, it == subject_rates.keys.end() ? std::nullopt : std::optional<wasmcloud::KeyRate>(it->second)}});
  }
  PrintTable<SubjectRow>(
      out, info.subjects_truncated ? "Subjects (truncated in a footer)" : "Subjects", subjects, top,
      [](const SubjectRow& r) {
        return std::to_string(r.first.frames) + " msgs, " + FormatBytes(r.first.raw_bytes) +
               (r.second ? ", " + Rate(*r.second) + " /s" : std::string());
      },
      [](const SubjectRow& r) { return r.first.frames; });
  auto types = info.stats.types();
  PrintTable<wasmcloud::KeyRate>(
      out, "CloudEvent types", {types.keys.begin(), types.keys.end()}, top,
      [](const wasmcloud::KeyRate& r) { return std::to_string(r.count) + " msgs, " + Rate(r) + " /s"; },
      [](const wasmcloud::KeyRate& r) { return r.count; });
  auto sources = info.stats.sources();
  PrintTable<wasmcloud::KeyRate>(
      out, "Sources", {sources.keys.begin(), sources.keys.end()}, top,
      [](const wasmcloud::KeyRate& r) { return std::to_string(r.count) + " msgs"; },
      [](const wasmcloud::KeyRate& r) { return r.count; });
  if (info.segments_without_stats > 0) {
    out << "  (" << info.segments_without_stats
              << " sealed segments carry no type/source statistics; use --scan)\n";
  }
}

}  // namespace

nlohmann::json InfoToJson(const RecordingInfo& info) {
  nlohmann::json j;
  AddInputsJson(info, j);
  j["start"] =
      info.first_time_ns ? nlohmann::json(FormatRfc3339Nanos(*info.first_time_ns)) : nullptr;
  j["end"] = info.last_time_ns ? nlohmann::json(FormatRfc3339Nanos(*info.last_time_ns)) : nullptr;
  j["duration_ns"] = info.first_time_ns ? *info.last_time_ns - *info.first_time_ns : 0;
  j["messages"] = info.frames;
  j["raw_bytes"] = info.raw_bytes;
  if (info.jsonl.empty()) {  // JSON lines take no stored bytes: a ratio would mislead
    j["stored_bytes"] = info.file_bytes;
    j["ratio"] = info.file_bytes
                     ? static_cast<double>(info.raw_bytes) / static_cast<double>(info.file_bytes)
                     : 0.0;
  }
  j["rate"] = RateJson(info.stats.total());
  if (info.ring) {
    const format::RingState& r = *info.ring;
    j["ring"] = {{"window_ns", r.window_ns},
                 {"window_bytes", r.window_bytes},
                 {"deleted_segments", r.deleted_segments},
                 {"deleted_messages", r.deleted_frames},
                 {"deleted_bytes", r.deleted_bytes},
                 {"deleted_through_index", r.deleted_through_index},
                 {"deleted_through_seq", r.deleted_through_seq},
                 {"deleted_through", r.deleted_through_ns > 0
                                         ? nlohmann::json(FormatRfc3339Nanos(r.deleted_through_ns))
                                         : nlohmann::json(nullptr)}};
  }
  AddTablesJson(info, j);
  if (HasSegments(info)) {
    j["segments_without_stats"] = info.segments_without_stats;
    const auto& c = info.chunks;
    j["chunks"] = {{"count", c.count},
                   {"frames", c.frames},
                   {"raw_bytes", c.raw_bytes},
                   {"stored_bytes", c.stored_bytes},
                   {"min_stored", c.min_stored},
                   {"max_stored", c.max_stored},
                   {"min_frames", c.min_frames},
                   {"max_frames", c.max_frames},
                   {"indexed_segments", c.indexed_segments}};
  }
  j["gaps"] = nlohmann::json::array();
  for (const auto& g : info.gaps) {
    j["gaps"].push_back({{"reason", format::GapReasonName(g.reason)},
                         {"start", FormatRfc3339Nanos(g.start_ns)},
                         {"end", FormatRfc3339Nanos(g.end_ns)},
                         {"count", g.count ? nlohmann::json(*g.count) : nlohmann::json(nullptr)},
                         {"after_seq", g.after_seq},
                         {"detail", g.detail}});
  }
  j["issues"] = nlohmann::json::array();
  for (const auto& i : info.issues.issues) j["issues"].push_back(DescribeIssue(i));
  return j;
}

void RenderInfoText(const RecordingInfo& info, size_t top, std::ostream& out) {
  PrintSummary(info, out);
  PrintTables(info, top, out);
  out << "\nGaps (" << info.gaps.size() << "):\n";
  for (const auto& g : info.gaps) {
    out << "  " << format::GapReasonName(g.reason) << " " << FormatRfc3339Nanos(g.start_ns)
              << " .. " << FormatRfc3339Nanos(g.end_ns) << " ("
              << FormatDuration(g.end_ns - g.start_ns) << "), "
              << (g.count ? std::to_string(*g.count) : std::string("unknown")) << " lost after seq "
              << g.after_seq << (g.detail.empty() ? "" : ": " + g.detail) << "\n";
  }
  if (!info.issues.issues.empty()) {
    out << "\nIssues (" << info.issues.issues.size() << "):\n";
    for (const auto& i : info.issues.issues) out << "  " << DescribeIssue(i) << "\n";
  }
}

}  // namespace evtape::offline
