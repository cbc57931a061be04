// evtape import: JSON lines (docs/jsonl.md) to a recording; the inverse of cat.
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>

#include "jsonl/codec.h"
#include "offline/common.h"
#include "tools/flags.h"
#include "tools/verbs.h"

namespace evtape::cli {
namespace {

const VerbHelp kHelp = {
    "import",
    "evtape import FILE.jsonl|- -o REC",
    "write a recording from JSON lines (the inverse of cat)",
    "Reads the lines 'evtape cat' prints (docs/jsonl.md); '-' reads stdin. Blank lines are\n"
    "skipped. seq is optional (previous + 1), mono_ns defaults to the time. 'cat | import | cat'\n"
    "is byte-identical, and import of cat output reproduces every frame exactly. The first bad\n"
    "line stops the import with its line number and field, and nothing is written.\n"
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

// Feeds every line of `in` to the output; the error names the file and the line.
Status ImportLines(std::istream& in, const std::string& name, format::RecordingWriter* out) {
  jsonl::JsonlDecoder decoder;
  std::string line;
  uint64_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto decoded = decoder.Decode(line, line_no);
    if (!decoded.ok()) return decoded.status().WithPrefix(name);
    Status s = decoded->kind == jsonl::DecodedLine::Kind::kFrame ? out->Add(decoded->frame.view())
                                                                 : out->AddGap(decoded->gap);
    if (s.code() == Status::Code::kInvalidArgument) {
      return Status::InvalidArgument(name + ": line " + std::to_string(line_no) + ": " +
                                     s.message());
    }
    EVTAPE_RETURN_IF_ERROR(s);
  }
  if (in.bad()) return Status::IOError(name + ": read error");
  return Status::Ok();
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
  std::ifstream file;
  if (name != "-") {
    struct stat st;
    if (::stat(name.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      return RuntimeError(kHelp, name + ": is a directory, not a JSON lines file");
    }
    file.open(name, std::ios::binary);
    if (!file) return RuntimeError(kHelp, name + ": cannot open: " + std::strerror(errno));
  }
  std::istream& in = name == "-" ? std::cin : file;
  auto opened = offline::OpenOutput(out_dir, offline::DerivedMetadata({}, "import"));
  if (!opened.ok()) return RuntimeError(kHelp, opened.status());
  format::RecordingWriter& out = **opened;
  Status s = ImportLines(in, name == "-" ? std::string("stdin") : name, &out);
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
