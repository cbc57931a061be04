// What every verb shares: exit codes, --help text, argument parsing with one-line usage errors,
// and error printing. Output rules: data to stdout, diagnostics to stderr; a usage error is one
// stderr line naming the argument, exit 2; a runtime failure names the file/URL and the cause,
// exit 1; completed with data loss exits 3.
#pragma once

#include <boost/program_options.hpp>
#include <optional>
#include <string>
#include <vector>

#include "format/status.h"

namespace evtape::cli {

namespace po = boost::program_options;

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitLoss = 3;

struct VerbHelp {
  const char* name;      // "info"
  const char* synopsis;  // "evtape info REC... [--json]"
  const char* summary;   // one line, shown in `evtape --help`
  const char* details;   // free text after the options (exit codes, notes); may be ""
  const char* examples;  // one example per line; may be ""
};

// Parses `args` (the words after the verb). Adds -h/--help. Returns std::nullopt when the verb
// should run, otherwise the exit code to return: 0 after printing --help to stdout, 2 after a
// usage error (one stderr line).
std::optional<int> ParseArgs(const VerbHelp& help, const po::options_description& options,
                             const po::positional_options_description& positional,
                             const std::vector<std::string>& args, po::variables_map* vm);

// Prints "evtape NAME: message (see 'evtape NAME --help')" to stderr; returns 2.
int UsageError(const VerbHelp& help, const std::string& message);
// Prints "evtape NAME: message" to stderr; returns 1.
int RuntimeError(const VerbHelp& help, const std::string& message);
inline int RuntimeError(const VerbHelp& help, const Status& s) {
  return RuntimeError(help, s.message());
}
// Prints "evtape NAME: warning: message" to stderr.
void Warn(const VerbHelp& help, const std::string& message);

// Prints the full help of a verb to stdout.
void PrintHelp(const VerbHelp& help, const po::options_description& options);

// True when stdout / stderr is a terminal (status lines and progress bars only then).
bool StdoutIsTty();
bool StderrIsTty();

}  // namespace evtape::cli
