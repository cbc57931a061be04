// evtape cat: frames and gaps as JSON lines (docs/jsonl.md), or raw payloads.
#include <iostream>

#include "util/selection.h"
#include "jsonl/codec.h"
#include "jsonl/input.h"
#include "offline/common.h"
#include "tools/flags.h"
#include "tools/verbs.h"

namespace evtape::cli {
namespace {

const VerbHelp kHelp = {
    "cat",
    "evtape cat REC... [--subject F] [--type T] [--from T] [--to T] [--limit N] [--payload-only]",
    "print frames and gaps as JSON lines (the format import reads back)",
    "REC is a recording directory or segment file, or a FILE.jsonl (- for stdin) in this very\n"
    "format; several are read one after the other. One JSON object per line: seq, time (RFC\n"
    "3339, nanoseconds), subject, reply, headers as [name, value] pairs in wire order (plus the\n"
    "raw block in base64 when the pairs cannot reproduce it), the payload as JSON when it is\n"
    "canonical JSON, as text when UTF-8, else base64; gaps as {\"gap\":{...}} lines. See\n"
    "docs/jsonl.md. --from/--to take an offset from the first frame (90s, 5m) or an RFC 3339\n"
    "time; the window is from <= time < to. Gaps overlapping the window are printed.\n"
    "Damaged data stops the output (exit 1) unless --skip-corrupt, which reads past it and\n"
    "lists each problem on stderr. A JSON line that does not decode always stops it (exit 1,\n"
    "naming the file and the line).\n"
    "Exit codes: 0 ok, 1 failure or corruption, 2 usage error, 3 frames lost (torn tail or\n"
    "skipped damage).",
    "  evtape cat rec/ | head\n"
    "  evtape cat rec/ --type com.wasmcloud.lattice.component_scaled --limit 10\n"
    "  evtape cat rec/ --subject 'wasmbus.evt.*.host_heartbeat' --from 30s --to 2m\n"
    "  evtape cat rec/ --payload-only | jq .type\n"
    "  evtape cat damaged/ --skip-corrupt > salvaged.jsonl\n"
    "  evtape cat fixture.jsonl --type com.wasmcloud.lattice.host_heartbeat",
};

po::options_description Options() {
  po::options_description d("Options");
  AddSelectionOptions(&d, /*with_limit=*/true);
  d.add_options()("payload-only", "print only each payload (raw bytes) followed by a newline")(
      "skip-corrupt", "read past damaged data (issues on stderr, exit 3) instead of stopping")(
      "input", po::value<std::vector<std::string>>()->value_name("REC"),
      "recording directory, segment file, .jsonl file or - (also positional)");
  return d;
}

struct CatState {
  Selection sel;
  bool payload_only = false;
  uint64_t printed = 0;
  jsonl::EncodeStats enc;
};

// Prints one entry; false when output should stop (limit reached is handled by the caller).
void Print(const format::Entry& e, CatState* st, std::string* out) {
  if (e.kind == format::Entry::Kind::kGap) {
    if (!st->payload_only && st->sel.MatchesGap(e.gap)) jsonl::AppendGapLine(e.gap, out, &st->enc);
    return;
  }
  if (!st->sel.SelectsAll() && !st->sel.Matches(e.frame)) return;
  st->printed++;
  if (st->payload_only) {
    out->append(e.frame.payload);
    out->push_back('\n');
  } else {
    jsonl::AppendFrameLine(e.frame, out, &st->enc);
  }
}

}  // namespace

int RunCat(const Args& args) {
  po::options_description options = Options();
  po::variables_map vm;
  std::vector<std::string> inputs;
  if (auto code = ParseRecordingArgs(kHelp, options, args, &vm, &inputs, nullptr)) {
    return *code;
  }
  auto sel = SelectionFromOptions(vm);
  if (!sel.ok()) return UsageError(kHelp, sel.status().message());
  CatState st;
  st.sel = std::move(sel).value();
  st.payload_only = vm.count("payload-only") != 0;
  bool skip = vm.count("skip-corrupt") != 0;

  offline::IssueLog log;
  jsonl::InputOptions io;
  io.recovery = skip ? format::Recovery::kSkipDamage : format::Recovery::kStrict;
  io.reporter = &log;
  auto opened = jsonl::OpenInputs(inputs, jsonl::Combine::kConcatenate, io);
  if (!opened.ok()) return RuntimeError(kHelp, opened.status());
  std::unique_ptr<format::FrameSource> reader = std::move(opened).value();
  auto read_error = [](const Status& s) {
    std::string hint =
        s.IsCorruption() ? " (use --skip-corrupt to read past it, or 'evtape recover')" : "";
    return RuntimeError(kHelp, s.message() + hint);
  };
  if (st.sel.NeedsStart()) {
    // Relative --from/--to count from the first frame: read up to it, keeping what was read.
    auto peeked = format::PeekedSource::Open(std::move(reader));
    if (!peeked.ok()) return read_error(peeked.status());
    st.sel.Resolve((*peeked)->first_time_ns().value_or(0));
    reader = std::move(peeked).value();
  }

  offline::StdoutWriter out;
  format::Entry e;
  const uint64_t limit = st.sel.limit.value_or(UINT64_MAX);
  while (st.printed < limit) {
    auto more = reader->Next(&e);
    if (!more.ok()) {
      out.Flush();
      return read_error(more.status());
    }
    if (!more.value()) break;
    Print(e, &st, &out.buffer());
    if (!out.MaybeFlush()) break;
  }
  out.Flush();
  if (!out.error().empty()) return RuntimeError(kHelp, out.error());
  // Every issue, the unsealed end of a live or crashed segment too: it is why cat exits 3.
  for (const auto& issue : log.issues) Warn(kHelp, offline::DescribeIssue(issue));
  if (st.enc.lossy_strings > 0) {
    Warn(kHelp, std::to_string(st.enc.lossy_strings) +
                    " subject/reply/detail strings were not UTF-8 and were printed as \\u00XX "
                    "escapes; import will not reproduce them byte for byte");
  }
  return offline::LossExitCode(log.issues);
}

}  // namespace evtape::cli
