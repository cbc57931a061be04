// `evtape redact`'s two passes (redact.h).
#include "offline/redact.h"

#include <fstream>
#include <sstream>

#include "jsonl/input.h"
#include "util/version.h"
#include "wasmcloud/ids.h"

namespace evtape::offline {

Result<wasmcloud::redact::RuleSet> LoadRedactRules(const std::string& path) {
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

namespace {

// The inputs read one after the other (each pass reads them again).
Result<std::unique_ptr<format::FrameSource>> OpenInput(const std::vector<std::string>& inputs,
                                                       IssueLog* log) {
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
  m.tool = kToolName;
  m.extra = nlohmann::json{{"created_by", "redact"}};
  return m;  // source (server URL) and host name are left empty on purpose
}

Status Rewrite(const std::vector<std::string>& inputs, wasmcloud::redact::Redactor* r,
               format::RecordingWriter* out, IssueLog* log) {
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

Result<RedactSummary> RedactRecording(const std::vector<std::string>& inputs,
                                      const std::string& out_dir, wasmcloud::redact::RuleSet rules,
                                      uint64_t seed, IssueLog* log) {
  EVTAPE_ASSIGN_OR_RETURN(auto segments, jsonl::RecordingSegments(inputs));
  wasmcloud::redact::Redactor redactor(std::move(rules), seed);
  {
    IssueLog collect_log;  // the second pass reports the same issues
    EVTAPE_ASSIGN_OR_RETURN(auto first_pass, OpenInput(inputs, &collect_log));
    Status s = Collect(first_pass.get(), segments, &redactor);
    if (!s.ok() && s.code() != Status::Code::kInvalidArgument) {
      return s.WithSuffix(" (run 'evtape recover' first to salvage the rest)");
    }
    EVTAPE_RETURN_IF_ERROR(s);
  }
  redactor.Finish();
  EVTAPE_ASSIGN_OR_RETURN(auto out,
                          OpenOutput(out_dir, RedactedMetadata(segments, seed, &redactor)));
  Status s = Rewrite(inputs, &redactor, out.get(), log);
  if (s.ok()) s = out->Close();
  if (!s.ok()) {
    out->Abort();
    return s;
  }
  return RedactSummary{out->stats().frames, redactor.identifiers()};
}

}  // namespace evtape::offline
