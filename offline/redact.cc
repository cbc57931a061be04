#include "offline/redact.h"

#include <fstream>
#include <sstream>

#include "jsonl/input.h"
#include "util/version.h"
#include "wasmcloud/ids.h"

namespace evtape::offline {
namespace {

namespace redact = wasmcloud::redact;

// The inputs read one after the other (each pass reads them again).
Result<std::unique_ptr<format::FrameSource>> OpenPass(const std::vector<std::string>& inputs,
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
               redact::Redactor* r) {
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
                                  redact::Redactor* r) {
  format::Metadata m;
  auto first = FirstMetadata(segments);
  if (first.ok()) {
    m.created_ns = first->created_ns;
    for (const std::string& s : first->subscriptions) m.subscriptions.push_back(r->RewriteText(s));
  }
  wasmcloud::ids::IdRng rng(seed ^ 0xA5A5A5A5u);
  m.recording_id =
      wasmcloud::ids::FormatCrockford(wasmcloud::ids::NewUlid(m.created_ns / 1000000, rng));
  m.tool = kToolName;
  m.extra = nlohmann::json{{"created_by", "redact"}};
  return m;  // source (server URL) and host name are left empty on purpose
}

Status Rewrite(format::FrameSource* reader, redact::Redactor* r, format::RecordingWriter* out) {
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

Result<redact::RuleSet> LoadRedactRules(const std::string& path) {
  redact::RuleSet rules = redact::DefaultRules();
  if (path.empty()) return rules;
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("--rules " + path + ": cannot open");
  std::stringstream ss;
  ss << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(ss.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::InvalidArgument("--rules " + path + ": not valid JSON");
  if (Status s = redact::ApplyRulesJson(j, &rules); !s.ok()) {
    return s.WithPrefix("--rules " + path);
  }
  return rules;
}

Result<RedactResult> RedactRecording(const std::vector<std::string>& inputs,
                                     const std::string& out_dir, redact::RuleSet rules,
                                     uint64_t seed, IssueLog* log) {
  EVTAPE_ASSIGN_OR_RETURN(auto segments, jsonl::RecordingSegments(inputs));
  redact::Redactor redactor(std::move(rules), seed);
  {
    IssueLog collect_log;  // the second pass reports the same issues
    EVTAPE_ASSIGN_OR_RETURN(auto first_pass, OpenPass(inputs, &collect_log));
    EVTAPE_RETURN_IF_ERROR(Collect(first_pass.get(), segments, &redactor));
  }
  redactor.Finish();
  EVTAPE_ASSIGN_OR_RETURN(auto out,
                          OpenOutput(out_dir, RedactedMetadata(segments, seed, &redactor)));
  auto second_pass = OpenPass(inputs, log);
  Status s = second_pass.ok() ? Rewrite(second_pass->get(), &redactor, out.get()) : second_pass.status();
  if (s.ok()) s = out->Close();
  if (!s.ok()) {
    out->Abort();
    return s;
  }
  return RedactResult{out->stats().frames, redactor.identifiers()};
}

}  // namespace evtape::offline
