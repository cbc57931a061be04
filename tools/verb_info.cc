// evtape info: summarise a recording from its footers (no decompression when sealed).
#include <iostream>

#include "util/json.h"
#include "util/units.h"
#include "offline/info_render.h"
#include "tools/flags.h"
#include "tools/verbs.h"

namespace evtape::cli {
namespace {

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

}  // namespace

int RunInfo(const Args& args) {
  po::options_description options = Options();
  po::variables_map vm;
  std::vector<std::string> inputs;
  if (auto code = ParseRecordingArgs(kHelp, options, args, &vm, &inputs, nullptr)) {
    return *code;
  }
  uint64_t top = 20;
  FlagReader f(vm);
  f.Count("top", &top, 0);
  if (!f.ok()) return UsageError(kHelp, f.status().message());
  auto info = offline::CollectInfo(inputs, vm.count("scan") != 0);
  if (!info.ok()) return RuntimeError(kHelp, info.status());
  if (vm.count("json") != 0) {
    std::cout << DumpJson(offline::InfoToJson(info.value()), 2) << "\n";
  } else {
    offline::RenderInfoText(info.value(), top, std::cout);
  }
  std::cout.flush();
  return offline::LossExitCode(info->issues.issues);
}

}  // namespace evtape::cli
