// evtape verify: read everything, list every problem.
#include <iostream>
#include <nlohmann/json.hpp>

#include "util/json.h"
#include "offline/common.h"
#include "offline/input_scan.h"
#include "tools/flags.h"
#include "tools/verbs.h"

namespace evtape::cli {
namespace {

const VerbHelp kHelp = {
    "verify",
    "evtape verify REC... [--json]",
    "read everything and list every problem",
    "Reads every record of every segment (decompressing and checking every chunk) and prints\n"
    "one line per issue: file, offset, kind (corruption, torn_tail, unsealed, unsupported),\n"
    "reason, bytes dropped and frames lost (exact when the surrounding records tell), then a\n"
    "summary line. --json prints one JSON object instead. A FILE.jsonl (- for stdin) is checked\n"
    "line by line: every line must decode (the first that does not is an error naming the file\n"
    "and the line, exit 1).\n"
    "Exit codes: 0 clean, 3 torn tail, unsealed segment or lost frames (what a crash leaves),\n"
    "1 corruption or a file that cannot be read, 2 usage error.",
    "  evtape verify rec/\n"
    "  evtape verify rec/000003.seg --json | jq '.issues[]'\n"
    "  evtape verify fixtures/*.jsonl",
};

po::options_description Options() {
  po::options_description d("Options");
  d.add_options()("json", "print a JSON object instead of text")(
      "input", po::value<std::vector<std::string>>()->value_name("REC"),
      "recording directory, segment file, .jsonl file or - (also positional)");
  return d;
}

int ExitFor(const std::vector<format::ReadIssue>& issues) {
  int code = kExitOk;
  for (const auto& i : issues) {
    if (i.kind == format::ReadIssue::Kind::kCorruption ||
        i.kind == format::ReadIssue::Kind::kUnsupported) {
      return kExitFailure;
    }
    code = kExitLoss;
  }
  return code;
}

nlohmann::json IssueJson(const format::ReadIssue& i) {
  nlohmann::json j = {{"file", i.file},
                      {"offset", i.offset},
                      {"kind", format::IssueKindName(i.kind)},
                      {"reason", i.reason},
                      {"bytes_dropped", i.bytes_dropped}};
  j["frames_lost"] = i.frames_lost ? nlohmann::json(*i.frames_lost) : nlohmann::json(nullptr);
  if (!i.frames_lost) j["frames_lost_at_least"] = i.min_frames_lost;
  return j;
}

}  // namespace

int RunVerify(const Args& args) {
  po::options_description options = Options();
  po::variables_map vm;
  std::vector<std::string> inputs;
  if (auto code = ParseRecordingArgs(kHelp, options, args, &vm, &inputs, nullptr)) {
    return *code;
  }
  offline::IssueLog log;
  offline::ScanTotals totals;
  offline::JsonlTotals jsonl;
  Status s = offline::ScanInputs(
      inputs, &log, [](const format::Entry&) { return Status::Ok(); }, &totals, &jsonl);
  if (!s.ok()) return RuntimeError(kHelp, s);
  int code = ExitFor(log.issues);
  uint64_t lost = 0;
  bool lost_unknown = false;
  for (const auto& i : log.issues) {
    lost += i.frames_lost.value_or(i.min_frames_lost);
    lost_unknown |= !i.frames_lost.has_value();
  }
  const char* verdict = code == kExitOk ? "clean" : code == kExitLoss ? "incomplete" : "corrupt";
  if (vm.count("json") != 0) {
    nlohmann::json j = {{"segments", totals.segments},
                        {"sealed_segments", totals.sealed},
                        {"frames", totals.frames},
                        {"gaps", totals.gaps},
                        {"chunks", totals.chunks},
                        {"raw_bytes", totals.raw_bytes},
                        {"file_bytes", totals.file_bytes},
                        {"frames_lost", lost},
                        {"frames_lost_unknown", lost_unknown},
                        {"verdict", verdict}};
    if (jsonl.files > 0) {
      j["jsonl_files"] = jsonl.files;
      j["lines"] = jsonl.lines;
    }
    j["issues"] = nlohmann::json::array();
    for (const auto& i : log.issues) j["issues"].push_back(IssueJson(i));
    std::cout << DumpJson(j, 2) << "\n";
  } else {
    for (const auto& i : log.issues) std::cout << offline::DescribeIssue(i) << "\n";
    if (totals.segments > 0 || jsonl.files == 0) {
      std::cout << totals.segments << " segments (" << totals.sealed << " sealed), ";
    }
    if (jsonl.files > 0) {
      std::cout << jsonl.files << " JSON lines " << (jsonl.files == 1 ? "file" : "files") << " ("
                << jsonl.lines << " lines), ";
    }
    std::cout << totals.frames << " frames, " << totals.gaps << " gaps, " << log.issues.size()
              << " issues, " << (lost_unknown ? "at least " : "") << lost
              << " frames lost" << (lost_unknown ? " (some counts unknown)" : "") << ": "
              << verdict << "\n";
  }
  if (code != kExitOk) {
    // One diagnostic line for scripts and humans; the details went to stdout.
    std::cerr << "evtape verify: " << log.issues.size() << " issues, " << verdict
              << " (first: " << offline::DescribeIssue(log.issues.front()) << ")\n";
  }
  return code;
}

}  // namespace evtape::cli
