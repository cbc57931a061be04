#include "tools/cli.h"

#include <cstring>
#include <iostream>
#include <string_view>

#include "tools/self_docs.h"
#include "tools/verbs.h"

namespace evtape::cli {
namespace {

using Verb = VerbEntry;

// The order is the order of `evtape --help`: capture and replay first, then the offline verbs.
constexpr Verb kVerbs[] = {
    {"record", "capture NATS messages into a recording", &RunRecord},
    {"capture", "keep the last hours of a lattice in a JetStream stream", &RunCapture},
    {"replay", "republish a recording to a NATS server", &RunReplay},
    {"demo", "record a bundled fixture replayed into an embedded server", &RunDemo},
    {"test", "replay fixtures into a consumer and compare its reactions", &RunTest},
    {"info", "summarise a recording (footer only when sealed)", &RunInfo},
    {"cat", "print frames and gaps as JSON lines", &RunCat},
    {"import", "write a recording from JSON lines (the inverse of cat)", &RunImport},
    {"verify", "read everything and list every problem", &RunVerify},
    {"recover", "write a clean, sealed copy of a damaged recording", &RunRecover},
    {"slice", "copy a selection of frames into a new recording", &RunSlice},
    {"merge", "merge recordings in time order", &RunMerge},
    {"redact", "replace identifiers so a recording can be shared", &RunRedact},
    {"lint", "check wasmCloud lattice events against the 1.x wire format", &RunLint},
    {"synth", "generate a realistic synthetic lattice recording", &RunSynth},
    {"bundle", "write a recording as one shareable file, or unpack one", &RunBundle},
    {"report", "write one self-contained HTML page about a recording", &RunReport},
    {"export", "write a recording in another tool's format (MCAP)", &RunExport},
};

void PrintUsage(std::ostream& out) {
  out << "Usage: evtape VERB [options]\n\n"
         "Records NATS messages (by default wasmCloud lattice events) into compressed,\n"
         "crash-tolerant recordings, replays them faithfully, and tests event consumers.\n\n"
         "Verbs:\n";
  for (const Verb& v : kVerbs) {
    out << "  " << v.name << std::string(10 - std::strlen(v.name), ' ') << v.summary << "\n";
  }
  out << "\nRun 'evtape VERB --help' for a verb's options and examples.\n"
         "Exit codes: 0 ok, 1 failure, 2 usage error, 3 completed with data loss.\n";
}

}  // namespace

int Main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "evtape: missing verb (see 'evtape --help')\n";
    return 2;
  }
  std::string_view first = argv[1];
  if (first == "--help" || first == "-h") {
    PrintUsage(std::cout);
    return 0;
  }
  if (first == "help") return RunHelp(kVerbs, Args(argv + 2, argv + argc), &PrintUsage);
  if (first == "--version" || first == "version") {
    PrintVersion(std::cout);
    return 0;
  }
  for (const Verb& v : kVerbs) {
    if (first == v.name) return v.run(Args(argv + 2, argv + argc));
  }
  std::cerr << "evtape: unknown verb '" << first << "' (see 'evtape --help')\n";
  return 2;
}

}  // namespace evtape::cli
