// evtape lint: validates wasmCloud lattice events against the 1.x host's wire format.
#include <iostream>
#include <nlohmann/json.hpp>

#include "jsonl/input.h"
#include "wasmcloud/lint_check.h"
#include "offline/common.h"
#include "tools/flags.h"
#include "tools/verbs.h"

namespace evtape::cli {
namespace {

const VerbHelp kHelp = {
    "lint",
    "evtape lint REC|FILE.jsonl... [--json] [--errors-only]",
    "Validate wasmCloud lattice events against the 1.x host's wire format.",
    "Checks every message on a wasmbus.evt.{lattice}.{event} subject: the CloudEvent envelope\n"
    "(ULID-shaped id, RFC 3339 Z time, source a host server nkey, datacontenttype), subject and\n"
    "type agreement, the data fields each of the 17 event types carries and their types (claims\n"
    "and heartbeat inventory entries included), and source == data.host_id.\n"
    "component_start_failed (named by the AsyncAPI) is reported as not emitted by 1.x hosts,\n"
    "which send component_scale_failed. Other subjects are skipped. A FILE ending in .jsonl\n"
    "(or -) is read in the cat/import format. Output: one finding per line, 'seq N' (or\n"
    "'line N' for JSONL), subject, severity, rule id, message; --json prints one JSON object\n"
    "per finding.\n"
    "Rules are listed in docs/wasmcloud.md. Exit: 0 no errors (warnings allowed), 1 errors\n"
    "found or input unreadable or corrupt, 2 usage, 3 no errors but a torn recording lost\n"
    "frames before they could be checked.",
    "  evtape lint recording-20260101-120000\n"
    "  evtape lint fixtures/app-deploy.jsonl --json\n"
    "  evtape cat REC | evtape lint - --errors-only",
};

struct Totals {
  uint64_t checked = 0, skipped = 0, errors = 0, warnings = 0;
  bool frames_lost = false;  // a torn or damaged recording: not every event was checked
};

// Read issues go to stderr as they happen, worded like `verify`, and count towards exit 3.
class StderrReporter : public format::Reporter {
 public:
  explicit StderrReporter(Totals* t) : t_(t) {}
  void OnIssue(const format::ReadIssue& i) override {
    Warn(kHelp, offline::DescribeIssue(i));
    if (offline::LostFrames(i)) t_->frames_lost = true;
  }

 private:
  Totals* t_;
};

// A subject for a text line: control bytes (a hostile recording's newlines) become '?', so one
// finding is always one line.
std::string Printable(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return out;
}

// Where a finding is: "line N" of a JSON lines input, "seq N" of a recording.
struct Where {
  bool line = false;
  uint64_t n = 0;
};

void Print(Where where, std::string_view subject, const wasmcloud::lint::Finding& f, bool json) {
  if (json) {
    nlohmann::ordered_json j;
    j[where.line ? "line" : "seq"] = where.n;
    j["subject"] = std::string(subject);
    j["severity"] = wasmcloud::lint::SeverityName(f.severity);
    j["rule"] = f.rule;
    j["message"] = f.message;
    std::cout << j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
  } else {
    std::cout << (where.line ? "line " : "seq ") << where.n << " " << Printable(subject) << " "
              << wasmcloud::lint::SeverityName(f.severity) << " " << f.rule << ": " << f.message << "\n";
  }
}

int LintOne(const std::string& path, bool json, bool errors_only, Totals* t) {
  StderrReporter reporter(t);
  jsonl::InputOptions options;
  options.reporter = &reporter;
  auto input = jsonl::OpenInput(path, options);
  if (!input.ok()) return RuntimeError(kHelp, input.status());
  const bool by_line = jsonl::IsJsonlInput(path);
  format::Entry e;
  std::vector<wasmcloud::lint::Finding> findings;
  while (true) {
    auto more = (*input)->Next(&e);
    if (!more.ok()) return RuntimeError(kHelp, more.status());
    if (!*more) break;
    if (e.kind != format::Entry::Kind::kFrame) continue;
    const format::FrameView& m = e.frame;
    if (!wasmcloud::lint::IsLatticeSubject(m.subject)) {
      ++t->skipped;
      continue;
    }
    ++t->checked;
    findings.clear();
    wasmcloud::lint::LintMessage(m.subject, m.reply, m.headers, m.payload, &findings);
    // A JSON lines source gives each entry's line number as its offset.
    const Where where{by_line, by_line ? e.offset : m.seq};
    for (const wasmcloud::lint::Finding& f : findings) {
      bool error = f.severity == wasmcloud::lint::Severity::kError;
      (error ? t->errors : t->warnings)++;
      if (error || !errors_only) Print(where, m.subject, f, json);
    }
  }
  return kExitOk;
}

}  // namespace

int RunLint(const Args& args) {
  po::options_description options("Options");
  options.add_options()("input", po::value<std::vector<std::string>>()->value_name("REC"),
                        "recordings or .jsonl files, - for stdin (also positional)")(
      "json", po::bool_switch(), "one JSON object per finding")("errors-only", po::bool_switch(),
                                                                "do not print warnings");
  po::positional_options_description positional;
  positional.add("input", -1);
  po::variables_map vm;
  if (auto rc = ParseArgs(kHelp, options, positional, args, &vm)) return *rc;
  if (vm.count("input") == 0)
    return UsageError(kHelp, "missing the recording or FILE.jsonl to lint");
  const auto inputs = vm["input"].as<std::vector<std::string>>();
  if (std::string p = StdinProblem(inputs); !p.empty()) return UsageError(kHelp, p);
  Totals t;
  for (const std::string& path : inputs) {
    if (int rc = LintOne(path, vm["json"].as<bool>(), vm["errors-only"].as<bool>(), &t);
        rc != kExitOk) {
      return rc;
    }
  }
  std::cerr << "evtape lint: " << t.checked << " lattice events checked, " << t.skipped
            << " other messages skipped, " << t.errors << " errors, " << t.warnings << " warnings"
            << (t.frames_lost ? "; frames were lost before they could be checked" : "") << "\n";
  if (t.errors > 0) return kExitFailure;
  return t.frames_lost ? kExitLoss : kExitOk;
}

}  // namespace evtape::cli
