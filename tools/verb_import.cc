// evtape import: JSON lines (docs/jsonl.md) to a recording; the inverse of cat.
#include <iostream>

#include "jsonl/jsonl_source.h"
#include "offline/common.h"
#include "tools/flags.h"
#include "tools/verbs.h"

namespace evtape::cli {
namespace {

const VerbHelp kHelp = {
    "import",
    "evtape import FILE.jsonl|- -o REC",
    "write a recording from JSON lines (the inverse of cat)",
    "Reads the lines 'evtape cat' prints (docs/jsonl.md), whatever the file is named; '-' reads\n"
    "stdin. Blank lines (nothing but spaces, tabs, CRs) are skipped. seq is optional (previous\n"
    "+ 1), mono_ns defaults to the time. 'cat | import | cat' is byte-identical, and import of\n"
    "cat output reproduces every frame exactly. The first bad line stops the import with its\n"
    "line number and field, and nothing is written.\n"
    "-o must be a new or empty directory. Segments rotate at 256 MiB.\n"
    "Exit codes: 0 ok, 1 bad input line or write failure, 2 usage error.",
    "  evtape import fixture.jsonl -o fixture-rec\n"
    "  evtape cat rec/ --type com.wasmcloud.lattice.host_heartbeat | evtape import - -o beats\n"
    "  evtape cat rec/ | jq -c 'del(.mono_ns)' | evtape import - -o edited",
};

po::options_description Options() {
  po::options_description d("Options");
  d.add_options()("output,o", po::value<std::string>()->value_name("REC"),
                  "recording directory to write")(
      "input", po::value<std::vector<std::string>>()->value_name("FILE"),
      "JSON lines file, or - for stdin (also positional)");
  return d;
}

// Feeds every entry of `in` to the output; an error names the file and the line.
Status ImportLines(jsonl::JsonlSource* in, format::RecordingWriter* out) {
  format::Entry e;
  while (true) {
    EVTAPE_ASSIGN_OR_RETURN(bool more, in->Next(&e));
    if (!more) return Status::Ok();
    Status s = e.kind == format::Entry::Kind::kFrame ? out->Add(e.frame) : out->AddGap(e.gap);
    if (s.code() == Status::Code::kInvalidArgument) {  // the writer's rules (increasing seq)
      return Status::InvalidArgument(in->name() + ": line " + std::to_string(e.offset) + ": " +
                                     s.message());
    }
    EVTAPE_RETURN_IF_ERROR(s);
  }
}

}  // namespace

int RunImport(const Args& args) {
  po::options_description options = Options();
  po::positional_options_description pos;
  pos.add("input", -1);
  po::variables_map vm;
  if (auto code = ParseArgs(kHelp, options, pos, args, &vm)) return *code;
  if (vm.count("input") == 0) return UsageError(kHelp, "missing FILE.jsonl (or - for stdin)");
  auto inputs = vm["input"].as<std::vector<std::string>>();
  if (inputs.size() != 1)
    return UsageError(kHelp, "takes exactly one input file, got " + std::to_string(inputs.size()));
  if (vm.count("output") == 0) return UsageError(kHelp, "missing -o REC (the recording to write)");
  const std::string out_dir = vm["output"].as<std::string>();
  const std::string& name = inputs[0];
  if (Status s = offline::CheckOutputPath(out_dir, {name}); !s.ok()) {
    return UsageError(kHelp, s.message());
  }
  auto in = jsonl::JsonlSource::Open(name);
  if (!in.ok()) return RuntimeError(kHelp, in.status());
  auto output = offline::OpenOutput(out_dir, offline::DerivedMetadata({}, "import"));
  if (!output.ok()) return RuntimeError(kHelp, output.status());
  format::RecordingWriter& out = **output;
  Status s = ImportLines(in->get(), &out);
  if (s.ok()) s = out.Close();
  if (!s.ok()) {
    out.Abort();
    return RuntimeError(kHelp, s.message());
  }
  std::cerr << "evtape import: wrote " << out.stats().frames << " frames and " << out.stats().gaps
            << " gaps to " << out_dir << "\n";
  return kExitOk;
}

}  // namespace evtape::cli
