// The CLI's flags module, the only user of Boost.Program_options: exit codes, --help text,
// argument parsing with one-line usage errors, error printing, and the option groups several
// verbs share (connection, selection), and typed value parsing. Output rules: data to stdout,
// diagnostics to stderr; a usage error is one stderr line naming the argument, exit 2; a
// runtime failure names the file/URL and the cause, exit 1; completed with data loss exits 3.
#pragma once

#include <boost/program_options.hpp>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "format/status.h"
#include "nats/connection.h"
#include "util/selection.h"
#include "tools/verbs.h"

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

// Test seam for the CLI fuzz target (fuzz/cli_args.cc): while on, ParseArgs and
// ParseRecordingArgs return kExitOk where they would let the verb run, so that any command line
// can be parsed in-process without running a verb. Off in the product. Not thread-safe.
void SetParseOnlyForTesting(bool on);

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

// The words every recording-reading verb parses first: REC... (the positional "input", each a
// recording, a .jsonl file, or - for stdin, at most once) and, when `output` is non-null, -o OUT
// checked by CheckOutputPath. Returns the exit code when the verb must stop (0 after --help, 2
// with one usage line), std::nullopt to go on.
inline constexpr const char* kMissingRec =
    "missing REC (a recording directory, segment file or .jsonl file)";
std::optional<int> ParseRecordingArgs(const VerbHelp& help, const po::options_description& options,
                                      const Args& args, po::variables_map* vm,
                                      std::vector<std::string>* inputs, std::string* output,
                                      const char* missing_input = kMissingRec);

// --- Typed values ---
// Reads typed option values from a parsed command line. Each getter sets *out only when the
// option was given with a valid value; the first bad value is kept as an InvalidArgument
// naming the option ("--buffer: not a valid size: '12Q'"), and later getters do nothing.
//   FlagReader f(vm);
//   f.Duration("duration", &o.duration_ns).Size("buffer", &o.bytes);
//   if (!f.ok()) return UsageError(kHelp, f.status().message());
class FlagReader {
 public:
  explicit FlagReader(const po::variables_map& vm) : vm_(vm) {}
  // The raw text, or null when absent.
  const std::string* String(const char* name) const;
  bool Has(const char* name) const { return String(name) != nullptr; }
  bool Switch(const char* name) const;  // a po::bool_switch option

  enum class Zero { kRefuse, kAllow };
  FlagReader& Duration(const char* name, int64_t* out, Zero zero = Zero::kRefuse);
  FlagReader& Size(const char* name, uint64_t* out);  // > 0
  FlagReader& Count(const char* name, uint64_t* out, uint64_t min = 1);
  FlagReader& Int(const char* name, int* out, int min, int max);
  // A positive finite number in [min, max]; `hint` (may be "") follows the range in the error.
  FlagReader& Number(const char* name, double* out, double min, double max, const char* hint);
  // One of `choices` (the text), stored as its index.
  FlagReader& Choice(const char* name, std::initializer_list<const char*> choices, int* out);
  // An RFC 3339 time.
  FlagReader& Time(const char* name, int64_t* out);
  // Any further check: records `message` (prefixed with --name) when `bad` is true.
  FlagReader& Check(bool bad, const char* name, const std::string& message);

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }

 private:
  FlagReader& Fail(const char* name, const std::string& what, const std::string& value);
  const po::variables_map& vm_;
  Status status_;
};

// The usage problem with "-" (standard input) among `inputs`, or "" when there is none: "-"
// given more than once, or at all when the verb reads its input again (`reread` then says why,
// e.g. "--loop replays the input again").
std::string StdinProblem(const std::vector<std::string>& inputs, const char* reread = nullptr);

// --- Shared option groups ---
// Adds -s/--server, --creds, --nkey, --user, --password, --token, --tlscert, --tlskey,
// --tlsca, --connect-timeout, --retry-connect as a "Connection" group (natscli's spelling).
po::options_description ConnectionOptionsDescription();
// Reads the group above back; InvalidArgument naming the option on a bad value.
Result<nats::ConnectionOptions> ReadConnectionOptions(const po::variables_map& vm);

// Adds --lattice NAME (wasmbus.evt.NAME.>) and --subject SUBJ (any filter), both repeatable,
// for verbs that subscribe (`what` names what the verb does with them: "record").
void AddSubjectOptions(po::options_description* desc, const char* what);
// The subjects they name, or `fallback` when neither is given; InvalidArgument naming the
// option for an invalid lattice name or subject.
Result<std::vector<std::string>> ReadSubjects(const po::variables_map& vm,
                                              const std::string& fallback);

// --- Output files ---
// The rule of every verb that writes one file (bundle, report, export): -o must not exist
// unless `force`, and never be anything but a regular file. Returns the exit code (2, one
// usage line) when it must stop, std::nullopt to go on.
std::optional<int> CheckOutputFile(const VerbHelp& help, const std::string& out, bool force);

// --- Output directories ---
// "<prefix>-YYYYMMDD-HHMMSS" in local time.
std::string DefaultOutputDir(const std::string& prefix);
// The directory must be writable, or creatable in a writable parent. InvalidArgument
// "--output: ..." when it names something that is not a directory (a usage error); an I/O
// error naming the path and the cause when it cannot be written (a runtime failure, exit 1,
// as for every other verb that cannot write its output).
Status CheckWritableDir(const std::string& dir);
// Exits as CheckWritableDir's status says: 2 for a usage problem, 1 otherwise.
int OutputDirError(const VerbHelp& help, const Status& s);

// Adds --subject, --type, --from, --to (and --limit when asked) to desc.
void AddSelectionOptions(po::options_description* desc, bool with_limit);
// Reads them back; InvalidArgument naming the option on a bad value.
Result<Selection> SelectionFromOptions(const po::variables_map& vm);

// True when stdout / stderr is a terminal (status lines and progress bars only then).
bool StdoutIsTty();
bool StderrIsTty();

}  // namespace evtape::cli
