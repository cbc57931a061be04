#include "tools/verb_util.h"

#include <unistd.h>

#include <iostream>

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

bool StdoutIsTty() { return ::isatty(STDOUT_FILENO) == 1; }
bool StderrIsTty() { return ::isatty(STDERR_FILENO) == 1; }

}  // namespace evtape::cli
