// evtape bundle: one file to attach to a bug report (offline/bundle.h), and --extract.
#include <iostream>

#include "offline/bundle.h"
#include "tools/flags.h"
#include "tools/verbs.h"
#include "wasmcloud/ids.h"

namespace evtape::cli {
namespace {

const VerbHelp kHelp = {
    "bundle",
    "evtape bundle REC... -o FILE [--no-redact] [--rules FILE] [--seed S] [--force]\n"
    "evtape bundle --extract FILE -o DIR",
    "write a recording as one shareable file (redacted), or unpack one",
    "The bundle holds the recording's segment files, redacted by default with the rules of\n"
    "'evtape redact' (--rules, --seed as there), and a manifest: the evtape and format versions,\n"
    "whether it is redacted, the subjects, the figures of 'info' (counts, times, CloudEvent\n"
    "types, gaps) and the command that replays it. Its size is that of the compressed\n"
    "recording plus a few KiB. Every verb that reads a recording reads a bundle as it is:\n"
    "'evtape replay repro.evtape -s URL', 'evtape cat repro.evtape'. --no-redact keeps every\n"
    "identifier as recorded (a warning says so). FILE must not exist unless --force.\n"
    "--extract writes DIR/manifest.json, DIR/README.txt and DIR/recording/ (a recording\n"
    "directory) after checking every checksum: a damaged bundle writes nothing.\n"
    "Exit codes: 0 ok, 1 failure (unreadable input, truncated or not a bundle), 2 usage error,\n"
    "3 written, but the input had lost frames (a torn tail).",
    "  evtape bundle incident-rec -o repro.evtape\n"
    "  evtape replay repro.evtape -s nats://127.0.0.1:4222\n"
    "  evtape bundle --extract repro.evtape -o repro",
};

po::options_description Options() {
  po::options_description d("Options");
  d.add_options()("output,o", po::value<std::string>()->value_name("FILE"),
                  "bundle to write (with --extract: directory to unpack into)")(
      "no-redact", po::bool_switch(), "keep every identifier as recorded (not for sharing)")(
      "rules", po::value<std::string>()->value_name("FILE"),
      "redaction rules file, as for 'evtape redact'")(
      "seed", po::value<std::string>()->value_name("S"), "seed of the replacements (default 1)")(
      "force", po::bool_switch(), "replace an existing bundle file")(
      "extract", po::value<std::string>()->value_name("FILE"), "unpack a bundle")(
      "input", po::value<std::vector<std::string>>()->value_name("REC"),
      "recording directory, segment file or .jsonl file (also positional)");
  return d;
}

int Extract(const po::variables_map& vm, const std::string& out) {
  const std::string bundle = vm["extract"].as<std::string>();
  if (vm.count("input") != 0) return UsageError(kHelp, "--extract takes no REC");
  if (Status s = offline::CheckOutputPath(out, {bundle}); !s.ok()) {
    return UsageError(kHelp, s.message());
  }
  auto dir = offline::ExtractBundle(bundle, out);
  if (!dir.ok()) return RuntimeError(kHelp, dir.status());
  std::cerr << "evtape bundle: unpacked " << bundle << " into " << out << " (recording: " << *dir
            << ")\n";
  return kExitOk;
}

int Create(const po::variables_map& vm, const std::string& out) {
  FlagReader f(vm);
  offline::BundleOptions o;
  o.redact = !f.Switch("no-redact");
  if (f.Has("rules")) o.rules_path = *f.String("rules");
  if (f.Has("seed")) {
    auto seed = wasmcloud::ids::ParseSeed(*f.String("seed"));
    if (!seed) return UsageError(kHelp, "--seed: not an integer: '" + *f.String("seed") + "'");
    o.seed = *seed;
  }
  if (!o.redact && (f.Has("rules") || f.Has("seed"))) {
    return UsageError(kHelp, "--no-redact: --rules and --seed apply only to redaction");
  }
  if (vm.count("input") == 0) return UsageError(kHelp, "missing REC (the recording to bundle)");
  const auto inputs = vm["input"].as<std::vector<std::string>>();
  if (std::string p = StdinProblem(inputs, "bundle reads its input twice"); !p.empty()) {
    return UsageError(kHelp, p);
  }
  if (auto code = CheckOutputFile(kHelp, out, f.Switch("force"))) return *code;
  if (!o.redact) {
    std::cerr << "evtape bundle: WARNING: --no-redact: this bundle holds the recording's host "
                 "ids, nkeys, names, labels and config names as recorded. Do not attach it "
                 "where others can read it.\n";
  }
  offline::IssueLog log;
  auto r = offline::WriteBundle(inputs, out, o, &log);
  if (!r.ok()) return RuntimeError(kHelp, r.status());
  for (const auto& issue : log.issues) Warn(kHelp, offline::DescribeIssue(issue));
  std::cerr << "evtape bundle: " << r->frames << " messages"
            << (o.redact ? ", " + std::to_string(r->identifiers) + " identifiers redacted"
                         : std::string(", NOT redacted"))
            << ", " << r->bytes << " bytes (segments " << r->segment_bytes << "), written to "
            << out << "\n";
  return offline::LossExitCode(log.issues);
}

}  // namespace

int RunBundle(const Args& args) {
  po::options_description options = Options();
  po::positional_options_description pos;
  pos.add("input", -1);
  po::variables_map vm;
  if (auto code = ParseArgs(kHelp, options, pos, args, &vm)) return *code;
  if (vm.count("output") == 0) return UsageError(kHelp, "missing -o (the file to write)");
  const std::string out = vm["output"].as<std::string>();
  return vm.count("extract") != 0 ? Extract(vm, out) : Create(vm, out);
}

}  // namespace evtape::cli
