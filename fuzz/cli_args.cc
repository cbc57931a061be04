// Fuzz target: the command line. The input is argument words separated by NUL bytes.
// First byte odd: `evtape WORDS...` through cli::Main, the verb table and every verb's option
// parsing, with tools/flags.h's parse-only seam on, so no verb runs past its parsing.
// First byte even: the shared option groups and typed values (FlagReader's durations, sizes,
// counts, ints, choices, RFC 3339 times; SelectionFromOptions, ReadConnectionOptions,
// ReadSubjects) on a command line parsed from the words.
// Invariants: no crash and no exception escapes; exit codes are 0 (parsed, or --help) or 2
// (usage error); a refused value is an InvalidArgument naming its option ("--name...").
#include <cstddef>
#include <cstdint>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz/fuzz_util.h"
#include "tools/cli.h"
#include "tools/flags.h"

using namespace evtape;
namespace po = boost::program_options;

namespace {

std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> words;
  while (!text.empty()) {
    size_t end = text.find('\0');
    words.emplace_back(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
  }
  return words;
}

void CheckNamed(const Status& s) {
  if (s.ok()) return;
  FUZZ_CHECK(s.code() == Status::Code::kInvalidArgument);
  FUZZ_CHECK(s.message().starts_with("--") || s.message().starts_with("-"));
}

void TypedValues(const std::vector<std::string>& words, bool connection) {
  static const cli::VerbHelp kHelp = {"fuzz", "evtape fuzz", "", "", ""};
  po::options_description d("Options");
  if (connection) {
    d.add(cli::ConnectionOptionsDescription());
    cli::AddSubjectOptions(&d, "fuzz");
  } else {
    cli::AddSelectionOptions(&d, /*with_limit=*/true);
    for (const char* name : {"duration", "size", "count", "int", "choice", "time", "zero"}) {
      d.add_options()(name, po::value<std::string>(), "");
    }
  }
  po::variables_map vm;
  auto code = cli::ParseArgs(kHelp, d, po::positional_options_description(), words, &vm);
  FUZZ_CHECK(code && (*code == cli::kExitOk || *code == cli::kExitUsage));
  if (*code != cli::kExitOk) return;
  if (connection) {
    auto c = cli::ReadConnectionOptions(vm);
    CheckNamed(c.status());
    auto subjects = cli::ReadSubjects(vm, "wasmbus.evt.default.>");
    CheckNamed(subjects.status());
    return;
  }
  auto sel = cli::SelectionFromOptions(vm);
  CheckNamed(sel.status());
  int64_t ns = 0;
  uint64_t n = 0;
  int i = 0;
  cli::FlagReader f(vm);
  f.Duration("duration", &ns).Duration("zero", &ns, cli::FlagReader::Zero::kAllow);
  f.Size("size", &n).Count("count", &n).Int("int", &i, -5, 5);
  f.Choice("choice", {"a", "b"}, &i).Time("time", &ns);
  CheckNamed(f.status());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Help and usage text would flood the fuzzer's output: it goes to a sink, emptied each time.
  static std::ostringstream sink;
  static const bool init = [] {
    cli::SetParseOnlyForTesting(true);
    std::cout.rdbuf(sink.rdbuf());
    std::cerr.rdbuf(sink.rdbuf());
    return true;
  }();
  (void)init;
  sink.str("");
  if (size == 0) return 0;
  std::vector<std::string> words =
      Words(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
  if ((data[0] & 1) == 0) {
    TypedValues(words, (data[0] & 2) != 0);
  } else {
    std::vector<char*> argv = {const_cast<char*>("evtape")};
    for (auto& w : words) argv.push_back(w.data());
    argv.push_back(nullptr);
    int code = cli::Main(static_cast<int>(argv.size() - 1), argv.data());
    FUZZ_CHECK(code == cli::kExitOk || code == cli::kExitUsage);
  }
  return 0;
}
