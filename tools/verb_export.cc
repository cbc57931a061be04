// evtape export: a recording in another tool's format (today: MCAP, offline/mcap.h).
#include <iostream>

#include "offline/mcap.h"
#include "tools/flags.h"
#include "tools/verbs.h"

namespace evtape::cli {
namespace {

const VerbHelp kHelp = {
    "export",
    "evtape export --format mcap REC... -o FILE [--force]",
    "write a recording in another tool's format (MCAP, for Foxglove)",
    "--format mcap writes an MCAP file (mcap.dev) that Foxglove and the MCAP tools open: one\n"
    "channel per subject (message encoding json for JSON payloads, application/octet-stream\n"
    "otherwise), one message per frame at its receive time (log and publish time, ns), in\n"
    "uncompressed chunks with CRC32s; each gap becomes a metadata record 'evtape.gap' (reason,\n"
    "start, end, lost, detail). NATS headers and reply subjects are not exported. Several RECs\n"
    "are merged in time order. FILE must not exist unless --force.\n"
    "Exit codes: 0 ok, 1 failure (unreadable input, cannot write), 2 usage error.",
    "  evtape export --format mcap rec -o rec.mcap\n"
    "  evtape export --format mcap repro.evtape -o repro.mcap",
};

po::options_description Options() {
  po::options_description d("Options");
  d.add_options()("format", po::value<std::string>()->value_name("FMT"), "output format: mcap")(
      "output,o", po::value<std::string>()->value_name("FILE"), "file to write")(
      "force", po::bool_switch(), "replace an existing FILE")(
      "input", po::value<std::vector<std::string>>()->value_name("REC"),
      "recording directory, segment file, bundle, .jsonl file or - (also positional)");
  return d;
}

}  // namespace

int RunExport(const Args& args) {
  po::options_description options = Options();
  po::variables_map vm;
  std::vector<std::string> inputs;
  if (auto code = ParseRecordingArgs(kHelp, options, args, &vm, &inputs, nullptr)) return *code;
  FlagReader f(vm);
  int format = -1;
  f.Choice("format", {"mcap"}, &format);
  if (!f.ok()) return UsageError(kHelp, f.status().message());
  if (format < 0) return UsageError(kHelp, "missing --format (mcap)");
  if (!f.Has("output")) return UsageError(kHelp, "missing -o FILE (the file to write)");
  const std::string out = *f.String("output");
  if (auto code = CheckOutputFile(kHelp, out, f.Switch("force"))) return *code;
  const std::string partial = out + ".partial";
  std::remove(partial.c_str());
  auto r = offline::ExportMcap(inputs, partial);
  if (r.ok() && std::rename(partial.c_str(), out.c_str()) != 0) {
    r = Status::FromErrno("rename " + partial + " -> " + out, errno);
  }
  if (!r.ok()) {
    std::remove(partial.c_str());
    return RuntimeError(kHelp, r.status());
  }
  std::cerr << "evtape export: " << r->messages << " messages on " << r->channels << " channels, "
            << r->gaps << " gaps, " << r->bytes << " bytes written to " << out << "\n";
  return kExitOk;
}

}  // namespace evtape::cli
