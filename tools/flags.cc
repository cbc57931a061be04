#include "tools/flags.h"

#include <unistd.h>

#include <algorithm>
#include <iostream>

#include "offline/common.h"
#include "wasmcloud/type_filter.h"

namespace evtape::cli {

int UsageError(const VerbHelp& help, const std::string& message) {
  std::cerr << "evtape " << help.name << ": " << message << " (see 'evtape " << help.name
            << " --help')\n";
  return kExitUsage;
}

int RuntimeError(const VerbHelp& help, const std::string& message) {
  std::cerr << "evtape " << help.name << ": " << message << "\n";
  return kExitFailure;
}

void Warn(const VerbHelp& help, const std::string& message) {
  std::cerr << "evtape " << help.name << ": warning: " << message << "\n";
}

void PrintHelp(const VerbHelp& help, const po::options_description& options) {
  std::cout << "Usage: " << help.synopsis << "\n\n" << help.summary << "\n\n" << options;
  if (*help.details != '\0') std::cout << "\n" << help.details << "\n";
  if (*help.examples != '\0') std::cout << "\nExamples:\n" << help.examples << "\n";
}

namespace {

// Boost's "too many positional options" does not say which: find the first word past what the
// positional description takes.
std::string ExtraPositional(const po::options_description& all,
                            const po::positional_options_description& positional,
                            const std::vector<std::string>& args) {
  try {
    auto parsed = po::command_line_parser(args).options(all).allow_unregistered().run();
    auto words = po::collect_unrecognized(parsed.options, po::include_positional);
    std::vector<std::string> plain;
    for (const auto& w : words) {
      if (w.empty() || w[0] != '-') plain.push_back(w);
    }
    if (plain.size() > positional.max_total_count()) return plain[positional.max_total_count()];
  } catch (const po::error&) {
  }
  return "?";
}

}  // namespace

std::optional<int> ParseArgs(const VerbHelp& help, const po::options_description& options,
                             const po::positional_options_description& positional,
                             const std::vector<std::string>& args, po::variables_map* vm) {
  po::options_description all(options);
  all.add_options()("help,h", "show this help and exit");
  try {
    po::store(po::command_line_parser(args)
                  .options(all)
                  .positional(positional)
                  .style(po::command_line_style::unix_style ^
                         po::command_line_style::allow_guessing)
                  .run(),
              *vm);
    if (vm->count("help") != 0) {
      PrintHelp(help, all);
      return kExitOk;
    }
    po::notify(*vm);
  } catch (const po::too_many_positional_options_error&) {
    return UsageError(help, "unexpected argument '" + ExtraPositional(all, positional, args) + "'");
  } catch (const po::error& e) {
    return UsageError(help, e.what());
  }
  return std::nullopt;
}

std::optional<int> ParseRecordingArgs(const VerbHelp& help, const po::options_description& options,
                                      const Args& args, po::variables_map* vm,
                                      std::vector<std::string>* inputs, std::string* output,
                                      const char* missing_input) {
  po::positional_options_description pos;
  pos.add("input", -1);
  if (auto code = ParseArgs(help, options, pos, args, vm)) return code;
  if (vm->count("input") == 0) return UsageError(help, missing_input);
  *inputs = (*vm)["input"].as<std::vector<std::string>>();
  if (std::string p = StdinProblem(*inputs); !p.empty()) return UsageError(help, p);
  if (output == nullptr) return std::nullopt;
  if (vm->count("output") == 0) return UsageError(help, "missing -o OUT (the recording to write)");
  *output = (*vm)["output"].as<std::string>();
  if (Status s = offline::CheckOutputPath(*output, *inputs); !s.ok()) return UsageError(help, s.message());
  return std::nullopt;
}

std::string StdinProblem(const std::vector<std::string>& inputs, const char* reread) {
  const auto n = std::count(inputs.begin(), inputs.end(), "-");
  if (n > 1) return "'-' (standard input) can be given only once";
  if (n == 1 && reread != nullptr) {
    return std::string("'-': standard input can be read only once, and ") + reread +
           "; save it to a .jsonl file first";
  }
  return "";
}

po::options_description ConnectionOptionsDescription() {
  po::options_description d("Connection (as natscli)");
  d.add_options()("server,s", po::value<std::string>()->value_name("URL"),
                  "server URL(s), comma-separated (default: $NATS_URL, else "
                  "nats://127.0.0.1:4222)")
      ("creds", po::value<std::string>()->value_name("FILE"), "user credentials (JWT + seed) file")
      ("nkey", po::value<std::string>()->value_name("FILE"),
       "nkey seed file; it must also hold the user's public key (a line starting with U)")
      ("user", po::value<std::string>()->value_name("USER"), "user name")
      ("password", po::value<std::string>()->value_name("PASSWORD"), "password (never printed)")
      ("token", po::value<std::string>()->value_name("TOKEN"), "authentication token")
      ("tlscert", po::value<std::string>()->value_name("FILE"), "TLS client certificate")
      ("tlskey", po::value<std::string>()->value_name("FILE"), "TLS client key")
      ("tlsca", po::value<std::string>()->value_name("FILE"), "TLS CA certificate(s) to trust")
      ("connect-timeout", po::value<std::string>()->value_name("DURATION"),
       "time allowed for each connection attempt (default 5s)")
      ("retry-connect", po::bool_switch(), "wait for a server that is not up yet");
  return d;
}

Result<nats::ConnectionOptions> ReadConnectionOptions(const po::variables_map& vm) {
  auto get = [&vm](const char* name) -> const std::string* {
    auto it = vm.find(name);
    if (it == vm.end() || it->second.empty()) return nullptr;
    return &it->second.as<std::string>();
  };
  bool retry = vm.count("retry-connect") != 0 && vm["retry-connect"].as<bool>();
  return nats::ConnectionOptionsFromArgs(get, retry);
}

void AddSelectionOptions(po::options_description* desc, bool with_limit) {
  desc->add_options()("subject", po::value<std::vector<std::string>>()->composing(),
                      "only subjects matching this NATS filter (wildcards * and >; repeatable)")(
      "type", po::value<std::vector<std::string>>()->composing(),
      "only CloudEvents with this exact type attribute (repeatable)")(
      "from", po::value<std::string>(),
      "start of the time window: offset from the recording start (90s, 5m) or RFC 3339 time")(
      "to", po::value<std::string>(), "end of the time window (exclusive), same forms as --from");
  if (with_limit) {
    desc->add_options()("limit", po::value<std::string>(), "at most N frames");
  }
}

Result<Selection> SelectionFromOptions(const po::variables_map& vm) {
  SelectionArgs a;
  if (vm.count("subject") != 0) a.subjects = vm["subject"].as<std::vector<std::string>>();
  if (vm.count("from") != 0) a.from = vm["from"].as<std::string>();
  if (vm.count("to") != 0) a.to = vm["to"].as<std::string>();
  if (vm.count("limit") != 0) a.limit = vm["limit"].as<std::string>();
  EVTAPE_ASSIGN_OR_RETURN(Selection sel, ParseSelection(a));
  if (vm.count("type") != 0) {
    EVTAPE_ASSIGN_OR_RETURN(sel.payload,
                            wasmcloud::MakeTypeFilter(vm["type"].as<std::vector<std::string>>()));
  }
  return sel;
}

bool StdoutIsTty() { return ::isatty(STDOUT_FILENO) == 1; }
bool StderrIsTty() { return ::isatty(STDERR_FILENO) == 1; }

}  // namespace evtape::cli
