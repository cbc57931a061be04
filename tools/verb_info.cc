// evtape info: summarise a recording from its footers (no decompression when sealed).
#include <algorithm>
#include <cstdio>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>

#include "util/json.h"
#include "util/units.h"
#include "offline/info.h"
#include "tools/flags.h"
#include "tools/verbs.h"

namespace evtape::cli {
namespace {

using offline::RecordingInfo;

const VerbHelp kHelp = {
    "info",
    "evtape info REC... [--json] [--top N] [--scan]",
    "summarise a recording (footer only when sealed)",
    "Prints segments, time range and duration, messages, bytes (raw, stored, ratio), per-second\n"
    "message rates (min/avg/max over the active span), counts and rates by subject and by\n"
    "CloudEvent type, counts by source host, gaps with their windows and counts, and chunk\n"
    "statistics. Sealed segments are summarised from their footer index alone (nothing is\n"
    "decompressed); unsealed or damaged ones are read in full, and their problems are listed.\n"
    "Rates per second are computed per segment and combined, so a second split by a segment\n"
    "boundary counts as two partial seconds. --top limits the text tables (JSON lists all).\n"
    "A FILE.jsonl (- for stdin) is read in full and summarised the same way, without what only\n"
    "a recording has (segments, chunks, stored bytes and ratio).\n"
    "Exit codes: 0 ok, 1 failure, 2 usage error, 3 a scanned segment lost frames.",
    "  evtape info rec/\n"
    "  evtape info rec/ --json | jq '.types'\n"
    "  evtape info rec/000002.seg.open\n"
    "  evtape info fixtures/app-deploy.jsonl",
};

po::options_description Options() {
  po::options_description d("Options");
  d.add_options()("json", "print one JSON object instead of text")(
      "top", po::value<std::string>()->value_name("N"), "rows per text table (default 20, 0: all)")(
      "scan", "read every segment in full even when sealed")(
      "input", po::value<std::vector<std::string>>()->value_name("REC"),
      "recording directory, segment file, .jsonl file or - (also positional)");
  return d;
}

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

nlohmann::json ToJson(const RecordingInfo& info) {
  nlohmann::json j;
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
  if (segments) {
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
  for (const auto& i : info.issues.issues) j["issues"].push_back(offline::DescribeIssue(i));
  return j;
}

// Prints the `top` biggest rows of a count table.
template <typename Row>
void PrintTable(const char* title, std::vector<std::pair<std::string, Row>> rows, size_t top,
                const std::function<std::string(const Row&)>& cells,
                const std::function<uint64_t(const Row&)>& count) {
  std::cout << "\n" << title << " (" << rows.size() << "):\n";
  std::stable_sort(rows.begin(), rows.end(),
                   [&](const auto& a, const auto& b) { return count(a.second) > count(b.second); });
  size_t shown = top == 0 ? rows.size() : std::min(top, rows.size());
  for (size_t i = 0; i < shown; ++i) {
    std::printf("  %-56s %s\n", rows[i].first.c_str(), cells(rows[i].second).c_str());
  }
  if (shown < rows.size()) std::cout << "  ... " << rows.size() - shown << " more (--top 0)\n";
}

void PrintText(const RecordingInfo& info, size_t top) {
  std::fflush(stdout);
  if (info.metadata) {
    const auto& m = *info.metadata;
    std::cout << "Recording:  " << m.recording_id << " (" << m.tool << ")";
    if (!m.source.empty()) std::cout << ", source " << m.source;
    if (!m.host.empty()) std::cout << ", host " << m.host;
    std::cout << "\n";
  }
  if (HasSegments(info)) {
    uint64_t sealed = 0;
    for (const auto& s : info.segments) sealed += s.sealed ? 1 : 0;
    std::cout << "Segments:   " << info.segments.size() << " (" << sealed << " sealed, "
              << info.segments.size() - sealed << " scanned)\n";
  }
  if (!info.jsonl.empty()) {
    uint64_t lines = 0;
    for (const auto& f : info.jsonl) lines += f.lines;
    std::cout << "JSON lines: " << info.jsonl.size()
              << (info.jsonl.size() == 1 ? " file, " : " files, ") << lines << " lines\n";
  }
  if (info.first_time_ns) {
    std::cout << "Time:       " << FormatRfc3339Nanos(*info.first_time_ns) << " .. "
              << FormatRfc3339Nanos(*info.last_time_ns) << " ("
              << FormatDuration(*info.last_time_ns - *info.first_time_ns) << ")\n";
  }
  std::cout << "Messages:   " << info.frames << "\n";
  if (info.jsonl.empty()) {
    char ratio[32];
    std::snprintf(ratio, sizeof(ratio), "%.2f",
                  info.file_bytes
                      ? static_cast<double>(info.raw_bytes) / static_cast<double>(info.file_bytes)
                      : 0.0);
    std::cout << "Bytes:      raw " << FormatBytes(info.raw_bytes) << ", stored "
              << FormatBytes(info.file_bytes) << ", ratio " << ratio << "\n";
  } else {
    std::cout << "Bytes:      raw " << FormatBytes(info.raw_bytes) << "\n";  // nothing stored
  }
  std::cout << "Rate:       " << Rate(info.stats.total()) << " msg/s (min / avg / max)\n";
  const auto& c = info.chunks;
  if (c.count > 0) {
    std::cout << "Chunks:     " << c.count << ", " << c.frames / c.count << " frames and "
              << FormatBytes(c.raw_bytes / c.count) << " raw on average, stored "
              << FormatBytes(c.min_stored) << " .. " << FormatBytes(c.max_stored) << "\n";
  }
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
      info.subjects_truncated ? "Subjects (truncated in a footer)" : "Subjects", subjects, top,
      [](const SubjectRow& r) {
        return std::to_string(r.first.frames) + " msgs, " + FormatBytes(r.first.raw_bytes) +
               (r.second ? ", " + Rate(*r.second) + " /s" : std::string());
      },
      [](const SubjectRow& r) { return r.first.frames; });
  auto types = info.stats.types();
  PrintTable<wasmcloud::KeyRate>(
      "CloudEvent types", {types.keys.begin(), types.keys.end()}, top,
      [](const wasmcloud::KeyRate& r) { return std::to_string(r.count) + " msgs, " + Rate(r) + " /s"; },
      [](const wasmcloud::KeyRate& r) { return r.count; });
  auto sources = info.stats.sources();
  PrintTable<wasmcloud::KeyRate>(
      "Sources", {sources.keys.begin(), sources.keys.end()}, top,
      [](const wasmcloud::KeyRate& r) { return std::to_string(r.count) + " msgs"; },
      [](const wasmcloud::KeyRate& r) { return r.count; });
  if (info.segments_without_stats > 0) {
    std::cout << "  (" << info.segments_without_stats
              << " sealed segments carry no type/source statistics; use --scan)\n";
  }
  std::cout << "\nGaps (" << info.gaps.size() << "):\n";
  for (const auto& g : info.gaps) {
    std::cout << "  " << format::GapReasonName(g.reason) << " " << FormatRfc3339Nanos(g.start_ns)
              << " .. " << FormatRfc3339Nanos(g.end_ns) << " ("
              << FormatDuration(g.end_ns - g.start_ns) << "), "
              << (g.count ? std::to_string(*g.count) : std::string("unknown")) << " lost after seq "
              << g.after_seq << (g.detail.empty() ? "" : ": " + g.detail) << "\n";
  }
  if (!info.issues.issues.empty()) {
    std::cout << "\nIssues (" << info.issues.issues.size() << "):\n";
    for (const auto& i : info.issues.issues) std::cout << "  " << offline::DescribeIssue(i) << "\n";
  }
}

}  // namespace

int RunInfo(const Args& args) {
  po::options_description options = Options();
  po::variables_map vm;
  std::vector<std::string> inputs;
  if (auto code = ParseRecordingArgs(kHelp, options, args, &vm, &inputs, nullptr)) {
    return *code;
  }
  size_t top = 20;
  if (vm.count("top") != 0) {
    const std::string& t = vm["top"].as<std::string>();
    if (t.empty() || t.size() > 9 || t.find_first_not_of("0123456789") != std::string::npos) {
      return UsageError(kHelp, "--top: '" + t + "' is not a non-negative integer");
    }
    top = std::stoul(t);
  }
  auto info = offline::CollectInfo(inputs, vm.count("scan") != 0);
  if (!info.ok()) return RuntimeError(kHelp, info.status());
  if (vm.count("json") != 0) {
    std::cout << DumpJson(ToJson(info.value()), 2) << "\n";
  } else {
    PrintText(info.value(), top);
  }
  std::cout.flush();
  return offline::LossExitCode(info->issues.issues);
}

}  // namespace evtape::cli
