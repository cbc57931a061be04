// evtape redact: makes a recording safe to share, consistently and reproducibly.
#include <iostream>

#include "offline/redact.h"
#include "wasmcloud/ids.h"
#include "tools/flags.h"
#include "tools/verbs.h"

namespace evtape::cli {
namespace {

const VerbHelp kHelp = {
    "redact",
    "evtape redact REC... -o OUT [--rules FILE] [--seed S]",
    "Replace host ids, nkeys, names, labels and config names consistently, to share a recording.",
    "By default replaces, in payloads and subjects alike: host ids (with valid 56-character N...\n"
    "server keys, so source == data.host_id still holds), every other nkey (same prefix letter),\n"
    "friendly names, label values (hostcore.* kept), config names and link config names, and\n"
    "those identifiers wherever they appear inside other strings or object keys (error texts,\n"
    "subjects, reply subjects, headers, gap details, non-JSON payloads, the subscriptions in\n"
    "the metadata). Values under 4 characters and words like 'default' are replaced only as\n"
    "whole values at those fields. Identifiers only present in encoded form (base64 inside a\n"
    "payload) are not recognised. The same original always gets the same replacement, so the\n"
    "result still replays and tells the same story; times, seqs, event ids and order are kept.\n"
    "Metadata loses its server URL and host name; nothing comes from the clock or machine.\n"
    "REC may also be a FILE.jsonl (not stdin: redact reads its input twice). Several inputs\n"
    "must be the segments of one recording (use 'evtape merge' first).\n"
    "--rules FILE is JSON: {\"add\": [\"/data/component_id\", \"/data/annotations/*\"],\n"
    "\"drop\": [\"/data/labels/*\"]}: JSON pointers (\"*\" matches any one token) whose\n"
    "strings are redacted too (add, as redacted-N) or left alone (drop). The same input, rules\n"
    "and seed give the same bytes; another seed gives other replacements.\n"
    "Exit: 0 done, 1 failure (unreadable or corrupt input: try 'evtape recover'), 2 usage,\n"
    "3 done but the input had a torn tail with lost frames.",
    "  evtape redact incident-rec -o incident-redacted --seed 42\n"
    "  evtape redact rec -o shared --rules redact-rules.json\n"
    "  evtape redact rec -o shared && evtape lint shared\n"
    "  evtape redact incident.jsonl -o incident-redacted && evtape cat incident-redacted",
};

}  // namespace

int RunRedact(const Args& args) {
  po::options_description options("Options");
  options.add_options()("input", po::value<std::vector<std::string>>()->value_name("REC"),
                        "recording directory, its segment files, or a .jsonl file (also "
                        "positional)")(
      "output,o", po::value<std::string>()->required(), "output recording directory (new)")(
      "rules", po::value<std::string>()->default_value(""), "JSON rules file (add/drop pointers)")(
      "seed", po::value<std::string>()->default_value("1"), "seed of the replacements");
  po::positional_options_description positional;
  positional.add("input", -1);
  po::variables_map vm;
  if (auto rc = ParseArgs(kHelp, options, positional, args, &vm)) return *rc;
  if (vm.count("input") == 0) return UsageError(kHelp, "missing the recording REC to redact");
  auto seed = wasmcloud::ids::ParseSeed(vm["seed"].as<std::string>());
  if (!seed) {
    return UsageError(kHelp, "--seed '" + vm["seed"].as<std::string>() +
                                 "' is not an integer between 0 and 18446744073709551615");
  }
  const auto inputs = vm["input"].as<std::vector<std::string>>();
  const std::string out_dir = vm["output"].as<std::string>();
  auto rules = offline::LoadRedactRules(vm["rules"].as<std::string>());
  if (!rules.ok()) {
    return rules.status().code() == Status::Code::kNotFound
               ? RuntimeError(kHelp, rules.status())
               : UsageError(kHelp, rules.status().message());
  }
  if (Status s = offline::CheckOutputPath(out_dir, inputs); !s.ok())
    return UsageError(kHelp, s.message());
  if (std::string p = StdinProblem(inputs, "redact reads its input twice"); !p.empty()) {
    return UsageError(kHelp, p);
  }
  offline::IssueLog log;
  auto done = offline::RedactRecording(inputs, out_dir, std::move(*rules), *seed, &log);
  if (!done.ok()) return RuntimeError(kHelp, done.status());
  for (const auto& issue : log.issues) Warn(kHelp, offline::DescribeIssue(issue));
  std::cerr << "evtape redact: " << done->frames << " messages, " << done->identifiers
            << " identifiers replaced consistently, written to " << out_dir << "\n";
  return offline::LossExitCode(log.issues);
}

}  // namespace evtape::cli
