#include "tools/flags.h"

#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>
#include <iostream>

#include "offline/common.h"
#include "tools/self_docs.h"
#include "util/units.h"
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

bool parse_only = false;  // SetParseOnlyForTesting

// ParseArgs without the parse-only seam.
std::optional<int> Parse(const VerbHelp& help, const po::options_description& options,
                         const po::positional_options_description& positional,
                         const std::vector<std::string>& args, po::variables_map* vm) {
  po::options_description all(options);
  all.add_options()("help,h", "show this help and exit");
  // The hidden words of tools/self_docs.h: man pages and completions from this very description.
  if (args.size() == 1 && args[0] == kManWord) {
    PrintVerbManPage(help, all, std::cout);
    return kExitOk;
  }
  if (args.size() == 1 && args[0] == kFlagsWord) {
    PrintFlagList(all, std::cout);
    return kExitOk;
  }
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

// What the parsers return when the verb may run.
std::optional<int> Proceed() { return parse_only ? std::optional<int>(kExitOk) : std::nullopt; }

}  // namespace

void SetParseOnlyForTesting(bool on) { parse_only = on; }

std::optional<int> ParseArgs(const VerbHelp& help, const po::options_description& options,
                             const po::positional_options_description& positional,
                             const std::vector<std::string>& args, po::variables_map* vm) {
  if (auto code = Parse(help, options, positional, args, vm)) return code;
  return Proceed();
}

std::optional<int> ParseRecordingArgs(const VerbHelp& help, const po::options_description& options,
                                      const Args& args, po::variables_map* vm,
                                      std::vector<std::string>* inputs, std::string* output,
                                      const char* missing_input) {
  po::positional_options_description pos;
  pos.add("input", -1);
  if (auto code = Parse(help, options, pos, args, vm)) return code;
  if (vm->count("input") == 0) return UsageError(help, missing_input);
  *inputs = (*vm)["input"].as<std::vector<std::string>>();
  if (std::string p = StdinProblem(*inputs); !p.empty()) return UsageError(help, p);
  if (output == nullptr) return Proceed();
  if (vm->count("output") == 0) return UsageError(help, "missing -o OUT (the recording to write)");
  *output = (*vm)["output"].as<std::string>();
  if (Status s = offline::CheckOutputPath(*output, *inputs); !s.ok()) return UsageError(help, s.message());
  return Proceed();
}

std::optional<int> CheckOutputFile(const VerbHelp& help, const std::string& out, bool force) {
  struct stat st;
  if (::stat(out.c_str(), &st) != 0) return std::nullopt;
  if (!S_ISREG(st.st_mode)) return UsageError(help, "-o " + out + ": exists and is not a file");
  if (!force) return UsageError(help, "-o " + out + ": exists (--force replaces it)");
  return std::nullopt;
}

const std::string* FlagReader::String(const char* name) const {
  auto it = vm_.find(name);
  if (it == vm_.end() || it->second.empty()) return nullptr;
  return &it->second.as<std::string>();
}

bool FlagReader::Switch(const char* name) const {
  auto it = vm_.find(name);
  return it != vm_.end() && !it->second.empty() && it->second.as<bool>();
}

FlagReader& FlagReader::Fail(const char* name, const std::string& what, const std::string& value) {
  if (status_.ok()) {
    status_ = Status::InvalidArgument(std::string("--") + name + ": " + what + ": '" + value + "'");
  }
  return *this;
}

FlagReader& FlagReader::Check(bool bad, const char* name, const std::string& message) {
  if (bad && status_.ok()) status_ = Status::InvalidArgument(std::string("--") + name + ": " + message);
  return *this;
}

FlagReader& FlagReader::Duration(const char* name, int64_t* out, Zero zero) {
  const std::string* v = String(name);
  if (!ok() || v == nullptr) return *this;
  std::optional<int64_t> ns = ParseDurationNs(*v);
  if (!ns || *ns < 0 || (zero == Zero::kRefuse && *ns == 0)) {
    return Fail(name, "not a valid duration", *v);
  }
  *out = *ns;
  return *this;
}

FlagReader& FlagReader::Size(const char* name, uint64_t* out) {
  const std::string* v = String(name);
  if (!ok() || v == nullptr) return *this;
  std::optional<uint64_t> b = ParseByteSize(*v);
  if (!b || *b == 0) return Fail(name, "not a valid size", *v);
  *out = *b;
  return *this;
}

FlagReader& FlagReader::Count(const char* name, uint64_t* out, uint64_t min) {
  const std::string* v = String(name);
  if (!ok() || v == nullptr) return *this;
  uint64_t n = 0;
  auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (v->empty() || ec != std::errc() || ptr != v->data() + v->size() || n < min) {
    return Fail(name, min > 0 ? "not a positive number" : "not a whole number >= 0", *v);
  }
  *out = n;
  return *this;
}

namespace {
// 1e-06 -> "0.000001", 1e9 -> "1000000000": a range users can read.
std::string PlainNumber(double v) {
  std::string s = std::to_string(v);
  while (s.find('.') != std::string::npos && (s.back() == '0' || s.back() == '.')) s.pop_back();
  return s;
}
}  // namespace

FlagReader& FlagReader::Number(const char* name, double* out, double min, double max,
                               const char* hint) {
  const std::string* v = String(name);
  if (!ok() || v == nullptr) return *this;
  double n = 0;
  auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (v->empty() || ec != std::errc() || ptr != v->data() + v->size() || !std::isfinite(n) ||
      n <= 0) {
    return Fail(name, "not a positive number", *v);
  }
  if (n < min || n > max) {
    std::string range = PlainNumber(min) + ".." + PlainNumber(max);
    return Check(true, name, "'" + *v + "' is outside " + range + (*hint ? std::string(" (") + hint + ")" : ""));
  }
  *out = n;
  return *this;
}

FlagReader& FlagReader::Int(const char* name, int* out, int min, int max) {
  const std::string* v = String(name);
  if (!ok() || v == nullptr) return *this;
  int n = 0;
  auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (v->empty() || ec != std::errc() || ptr != v->data() + v->size() || n < min || n > max) {
    return Fail(name, "not a number between " + std::to_string(min) + " and " + std::to_string(max), *v);
  }
  *out = n;
  return *this;
}

FlagReader& FlagReader::Choice(const char* name, std::initializer_list<const char*> choices,
                               int* out) {
  const std::string* v = String(name);
  if (!ok() || v == nullptr) return *this;
  int i = 0;
  std::string list;
  for (const char* c : choices) {
    if (*v == c) {
      *out = i;
      return *this;
    }
    list += (i++ == 0 ? "" : ", ") + std::string(c);
  }
  return Fail(name, "expected one of " + list + ", got", *v);
}

FlagReader& FlagReader::Time(const char* name, int64_t* out) {
  const std::string* v = String(name);
  if (!ok() || v == nullptr) return *this;
  std::optional<int64_t> t = ParseRfc3339(*v);
  if (!t) return Fail(name, "not an RFC 3339 time", *v);
  *out = *t;
  return *this;
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

void AddSubjectOptions(po::options_description* desc, const char* what) {
  desc->add_options()("lattice", po::value<std::vector<std::string>>()->value_name("NAME"),
                      (std::string(what) + " wasmbus.evt.NAME.> (repeatable; default: default)").c_str())(
      "subject", po::value<std::vector<std::string>>()->value_name("SUBJ"),
      (std::string(what) + " this subject; wildcards * and > allowed (repeatable)").c_str());
}

Result<std::vector<std::string>> ReadSubjects(const po::variables_map& vm,
                                              const std::string& fallback) {
  std::vector<std::string> subjects;
  if (vm.count("lattice") != 0) {
    for (const auto& l : vm["lattice"].as<std::vector<std::string>>()) {
      if (l.empty() || l.find_first_of(".*> \t") != std::string::npos) {
        return Status::InvalidArgument("--lattice: invalid lattice name '" + l + "'");
      }
      subjects.push_back("wasmbus.evt." + l + ".>");
    }
  }
  if (vm.count("subject") != 0) {
    for (const auto& s : vm["subject"].as<std::vector<std::string>>()) {
      if (!ValidSubject(s, true)) return Status::InvalidArgument("--subject: invalid subject '" + s + "'");
      subjects.push_back(s);
    }
  }
  if (subjects.empty()) subjects.push_back(fallback);
  return subjects;
}

std::string DefaultOutputDir(const std::string& prefix) {
  time_t t = ::time(nullptr);
  struct tm tm {};
  ::localtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof(buf), "-%Y%m%d-%H%M%S", &tm);
  return prefix + buf;
}

Status CheckWritableDir(const std::string& dir) {
  std::string probe = dir;
  while (true) {
    struct stat st {};
    if (::stat(probe.c_str(), &st) == 0) {
      if (!S_ISDIR(st.st_mode)) return Status::InvalidArgument("--output: " + probe + " is not a directory");
      if (::access(probe.c_str(), W_OK | X_OK) != 0) {
        return Status::FromErrno(probe + ": cannot write the recording here", errno);
      }
      return Status::Ok();
    }
    std::string parent = DirName(probe);
    if (parent == probe) return Status::IOError(dir + ": cannot be created");
    probe = parent;
  }
}

int OutputDirError(const VerbHelp& help, const Status& s) {
  return s.code() == Status::Code::kInvalidArgument ? UsageError(help, s.message())
                                                    : RuntimeError(help, s);
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
