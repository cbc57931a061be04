// evtape redact: makes a recording safe to share, consistently and reproducibly.
#include <fstream>
#include <iostream>
#include <sstream>

#include "jsonl/input.h"
#include "wasmcloud/ids.h"
#include "offline/common.h"
#include "wasmcloud/redact_map.h"
#include "tools/flags.h"
#include "tools/verbs.h"

#ifndef EVTAPE_VERSION
#define EVTAPE_VERSION "0.0.0"
#endif

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

Result<wasmcloud::redact::RuleSet> LoadRules(const std::string& path) {
  wasmcloud::redact::RuleSet rules = wasmcloud::redact::DefaultRules();
  if (path.empty()) return rules;
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("--rules " + path + ": cannot open");
  std::stringstream ss;
  ss << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(ss.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::InvalidArgument("--rules " + path + ": not valid JSON");
  if (Status s = wasmcloud::redact::ApplyRulesJson(j, &rules); !s.ok()) return s.WithPrefix("--rules " + path);
  return rules;
}

// The inputs read one after the other (each pass reads them again).
Result<std::unique_ptr<format::FrameSource>> OpenInput(const std::vector<std::string>& inputs,
                                                       offline::IssueLog* log) {
  jsonl::InputOptions options;
  options.reporter = log;
  return jsonl::OpenInputs(inputs, jsonl::Combine::kConcatenate, options);
}

// The metadata of the first recording segment, if any (JSON lines inputs have none).
Result<format::Metadata> FirstMetadata(const std::vector<std::string>& segments) {
  if (segments.empty()) return Status::NotFound("no recording segment");
  return format::ReadMetadata(FileSystem::Default(), segments.front());
}

Status Collect(format::FrameSource* reader, const std::vector<std::string>& segments,
               wasmcloud::redact::Redactor* r) {
  // Subscriptions go into the output's metadata: an identifier that only appears there (a
  // per-host control subject, say) must be found too.
  auto first = FirstMetadata(segments);
  if (first.ok()) {
    for (const std::string& s : first->subscriptions) r->CollectText(s);
  }
  format::Entry e;
  uint64_t last_seq = 0;
  while (true) {
    EVTAPE_ASSIGN_OR_RETURN(bool more, reader->Next(&e));
    if (!more) break;
    if (e.kind == format::Entry::Kind::kGap) {
      r->CollectText(e.gap.detail);
      continue;
    }
    // The output keeps sequence numbers, so the inputs must be one recording's segments.
    if (e.frame.seq <= last_seq) {
      return Status::InvalidArgument(
          "the inputs are not one recording (seq " + std::to_string(e.frame.seq) + " after " +
          std::to_string(last_seq) + "): redact them one by one, or 'evtape merge' them first");
    }
    last_seq = e.frame.seq;
    r->CollectText(e.frame.subject);
    r->CollectText(e.frame.reply);
    r->CollectText(e.frame.headers);
    r->CollectPayload(e.frame.payload);
  }
  return Status::Ok();
}

format::Metadata RedactedMetadata(const std::vector<std::string>& segments, uint64_t seed,
                                  wasmcloud::redact::Redactor* r) {
  format::Metadata m;
  auto first = FirstMetadata(segments);
  if (first.ok()) {
    m.created_ns = first->created_ns;
    for (const std::string& s : first->subscriptions) m.subscriptions.push_back(r->RewriteText(s));
  }
  wasmcloud::ids::IdRng rng(seed ^ 0xA5A5A5A5u);
  m.recording_id = wasmcloud::ids::FormatCrockford(wasmcloud::ids::NewUlid(m.created_ns / 1000000, rng));
  m.tool = std::string("evtape ") + EVTAPE_VERSION;
  m.extra = nlohmann::json{{"created_by", "redact"}};
  return m;  // source (server URL) and host name are left empty on purpose
}

Status Rewrite(const std::vector<std::string>& inputs, wasmcloud::redact::Redactor* r,
               format::RecordingWriter* out, offline::IssueLog* log) {
  EVTAPE_ASSIGN_OR_RETURN(auto reader, OpenInput(inputs, log));
  format::Entry e;
  std::string subject, reply, headers, payload;
  while (true) {
    EVTAPE_ASSIGN_OR_RETURN(bool more, reader->Next(&e));
    if (!more) return Status::Ok();
    if (e.kind == format::Entry::Kind::kGap) {
      format::Gap g = e.gap;
      g.detail = r->RewriteText(g.detail);
      EVTAPE_RETURN_IF_ERROR(out->AddGap(g));
      continue;
    }
    format::FrameView f = e.frame;
    subject = r->RewriteText(f.subject);
    reply = r->RewriteText(f.reply);
    headers = r->RewriteText(f.headers);
    payload = r->RewritePayload(f.payload);
    f.subject = subject;
    f.reply = reply;
    f.headers = headers;
    f.payload = payload;
    EVTAPE_RETURN_IF_ERROR(out->Add(f));
  }
}

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
  auto rules = LoadRules(vm["rules"].as<std::string>());
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
  auto segments = jsonl::RecordingSegments(inputs);
  if (!segments.ok()) return RuntimeError(kHelp, segments.status());

  offline::IssueLog collect_log;  // the second pass reports the same issues
  auto first_pass = OpenInput(inputs, &collect_log);
  if (!first_pass.ok()) return RuntimeError(kHelp, first_pass.status());

  wasmcloud::redact::Redactor redactor(std::move(*rules), *seed);
  if (Status s = Collect(first_pass->get(), *segments, &redactor); !s.ok()) {
    if (s.code() == Status::Code::kInvalidArgument) return RuntimeError(kHelp, s.message());
    return RuntimeError(kHelp, s.message() + " (run 'evtape recover' first to salvage the rest)");
  }
  first_pass.value().reset();
  redactor.Finish();
  auto output = offline::OpenOutput(out_dir, RedactedMetadata(*segments, *seed, &redactor));
  if (!output.ok()) return RuntimeError(kHelp, output.status());
  format::RecordingWriter& out = **output;
  offline::IssueLog log;
  Status s = Rewrite(inputs, &redactor, &out, &log);
  if (s.ok()) s = out.Close();
  if (!s.ok()) {
    out.Abort();
    return RuntimeError(kHelp, s);
  }
  for (const auto& issue : log.issues) Warn(kHelp, offline::DescribeIssue(issue));
  std::cerr << "evtape redact: " << out.stats().frames << " messages, " << redactor.identifiers()
            << " identifiers replaced consistently, written to " << out_dir << "\n";
  return offline::LossExitCode(log.issues);
}

}  // namespace evtape::cli
