// evtape report: one self-contained HTML page about a recording (offline/report.h).
#include <fstream>
#include <iostream>

#include "offline/report.h"
#include "tools/flags.h"
#include "tools/verbs.h"

namespace evtape::cli {
namespace {

const VerbHelp kHelp = {
    "report",
    "evtape report REC... -o report.html [--per-host] [--buckets N] [--lanes N] [--force]",
    "write one self-contained HTML page about a recording",
    "The page needs no network: styles, the plots (SVG) and its one small script are inline.\n"
    "It shows a timeline with one lane per CloudEvent type (--per-host: per type and source\n"
    "host), gaps shaded and recorder restarts marked, and the trigger of a snapshot when the\n"
    "recording's metadata names one; a message-rate plot; the tables of 'info' (summary, types,\n"
    "subjects, sources, gaps); and the first and last event of each type as collapsed JSON.\n"
    "Events are counted into --buckets time buckets (default 240), so the page stays small for\n"
    "millions of events; beyond --lanes (default 60) the quietest lanes are summed into one.\n"
    "Several RECs are merged in time order. -o must not exist unless --force.\n"
    "Exit codes: 0 ok, 1 failure (unreadable input, or no messages to report), 2 usage error.",
    "  evtape report incident-rec -o incident.html\n"
    "  evtape report repro.evtape -o report.html --per-host",
};

po::options_description Options() {
  po::options_description d("Options");
  d.add_options()("output,o", po::value<std::string>()->value_name("FILE"), "HTML file to write")(
      "per-host", po::bool_switch(), "one timeline lane per CloudEvent type and source host")(
      "buckets", po::value<std::string>()->value_name("N"), "time buckets, 10..2000 (default 240)")(
      "lanes", po::value<std::string>()->value_name("N"),
      "at most N lanes, the rest summed into one (default 60)")(
      "force", po::bool_switch(), "replace an existing FILE")(
      "input", po::value<std::vector<std::string>>()->value_name("REC"),
      "recording directory, segment file, bundle, .jsonl file or - (also positional)");
  return d;
}

}  // namespace

int RunReport(const Args& args) {
  po::options_description options = Options();
  po::variables_map vm;
  std::vector<std::string> inputs;
  if (auto code = ParseRecordingArgs(kHelp, options, args, &vm, &inputs, nullptr)) return *code;
  FlagReader f(vm);
  offline::ReportOptions o;
  o.per_host = f.Switch("per-host");
  uint64_t buckets = o.buckets;
  f.Count("buckets", &buckets, 10).Check(buckets > 2000, "buckets", "at most 2000");
  if (!f.ok()) return UsageError(kHelp, f.status().message());
  o.buckets = buckets;
  uint64_t lanes = o.max_lanes;
  f.Count("lanes", &lanes, 2).Check(lanes > 10000, "lanes", "at most 10000");
  if (!f.ok()) return UsageError(kHelp, f.status().message());
  o.max_lanes = lanes;
  if (!f.Has("output")) return UsageError(kHelp, "missing -o FILE (the HTML file to write)");
  const std::string out = *f.String("output");
  if (auto code = CheckOutputFile(kHelp, out, f.Switch("force"))) return *code;
  auto report = offline::BuildReport(inputs, o);
  if (!report.ok()) return RuntimeError(kHelp, report.status());
  const std::string html = offline::RenderReportHtml(*report);
  const std::string partial = out + ".partial";
  {
    std::ofstream file(partial, std::ios::binary | std::ios::trunc);
    file << html;
    if (!file.flush()) return RuntimeError(kHelp, partial + ": cannot write");
  }
  if (std::rename(partial.c_str(), out.c_str()) != 0) {
    return RuntimeError(kHelp, Status::FromErrno("rename " + partial + " -> " + out, errno));
  }
  std::cerr << "evtape report: " << report->frames << " messages in " << report->lanes.size()
            << " lanes, " << report->gaps.size() << " gaps, " << html.size() << " bytes written to "
            << out << "\n";
  return kExitOk;
}

}  // namespace evtape::cli
