// evtape slice: copy a selection of frames into a new recording.
#include <iostream>

#include "jsonl/input.h"
#include "util/selection.h"
#include "offline/common.h"
#include "tools/flags.h"
#include "tools/verbs.h"

namespace evtape::cli {
namespace {

const VerbHelp kHelp = {
    "slice",
    "evtape slice REC... -o OUT [--subject F] [--type T] [--from T] [--to T] [--limit N]",
    "copy a selection of frames into a new recording",
    "Selection options as for cat: --subject (NATS wildcards) and --type (CloudEvent type) are\n"
    "repeatable and OR-ed; --from/--to take an offset from the first frame (90s, 5m) or an RFC\n"
    "3339 time, window from <= time < to; --limit keeps the first N selected frames. Frames keep\n"
    "their sequence numbers and times; gaps overlapping the window are kept. Damaged data stops\n"
    "the copy (exit 1, nothing written) unless --skip-corrupt; so does a JSON line that does\n"
    "not decode. REC may also be a FILE.jsonl (- for stdin): slice then writes its selection\n"
    "as a recording.\n"
    "-o must be a new or empty directory outside the input. Segments rotate at 256 MiB.\n"
    "Exit codes: 0 ok, 1 failure, 2 usage error, 3 frames lost in the input (torn tail or\n"
    "skipped damage).",
    "  evtape slice rec/ -o heartbeats --type com.wasmcloud.lattice.host_heartbeat\n"
    "  evtape slice rec/ -o incident --from 2026-11-23T19:38:00Z --to 2026-11-23T19:45:00Z\n"
    "  evtape slice rec/ -o first-minute --to 1m --subject 'wasmbus.evt.default.>'\n"
    "  evtape slice fixture.jsonl -o beats --type com.wasmcloud.lattice.host_heartbeat",
};

po::options_description Options() {
  po::options_description d("Options");
  d.add_options()("output,o", po::value<std::string>()->value_name("OUT"),
                  "recording directory to write");
  AddSelectionOptions(&d, /*with_limit=*/true);
  d.add_options()("skip-corrupt",
                  "read past damaged data (issues on stderr, exit 3) instead of stopping")(
      "input", po::value<std::vector<std::string>>()->value_name("REC"),
      "recording directory, segment file, .jsonl file or - (also positional)");
  return d;
}

}  // namespace

int RunSlice(const Args& args) {
  po::options_description options = Options();
  po::variables_map vm;
  std::vector<std::string> inputs;
  std::string out_dir;
  if (auto code = ParseRecordingArgs(kHelp, options, args, &vm, &inputs, &out_dir)) {
    return *code;
  }
  auto parsed = SelectionFromOptions(vm);
  if (!parsed.ok()) return UsageError(kHelp, parsed.status().message());
  Selection sel = std::move(parsed).value();
  offline::IssueLog log;
  jsonl::InputOptions io;
  io.recovery =
      vm.count("skip-corrupt") != 0 ? format::Recovery::kSkipDamage : format::Recovery::kStrict;
  io.reporter = &log;
  auto opened = jsonl::OpenInputs(inputs, jsonl::Combine::kConcatenate, io);
  if (!opened.ok()) return RuntimeError(kHelp, opened.status());
  std::unique_ptr<format::FrameSource> reader = std::move(opened).value();
  auto damaged = [](Status s) {
    if (!s.IsCorruption()) return s;
    return s.WithPrefix("input damaged (use --skip-corrupt, or 'evtape recover')");
  };
  if (sel.NeedsStart()) {
    // Relative --from/--to count from the first frame: read up to it, keeping what was read.
    auto peeked = format::PeekedSource::Open(std::move(reader));
    if (!peeked.ok()) return RuntimeError(kHelp, damaged(peeked.status()));
    sel.Resolve((*peeked)->first_time_ns().value_or(0));
    reader = std::move(peeked).value();
  }
  auto segments = jsonl::RecordingSegments(inputs);  // listed by OpenInputs: cannot fail now
  auto output = offline::OpenOutput(out_dir, offline::DerivedMetadata(segments.ok() ? *segments : std::vector<std::string>(), "slice"));
  if (!output.ok()) return RuntimeError(kHelp, output.status());
  format::RecordingWriter& out = **output;
  const uint64_t limit = sel.limit.value_or(UINT64_MAX);
  format::Entry e;
  Status s;
  while (s.ok() && out.stats().frames < limit) {
    auto more = reader->Next(&e);
    if (!more.ok()) {
      s = damaged(more.status());
      break;
    }
    if (!more.value()) break;
    if (e.kind == format::Entry::Kind::kGap) {
      if (sel.MatchesGap(e.gap)) s = out.AddGap(e.gap);
    } else if (sel.Matches(e.frame)) {
      s = out.Add(e.frame);
    }
  }
  if (s.ok()) s = out.Close();
  if (!s.ok()) {
    out.Abort();
    return RuntimeError(kHelp, s);
  }
  for (const auto& i : log.issues) {
    if (offline::LostFrames(i)) Warn(kHelp, offline::DescribeIssue(i));
  }
  std::cerr << "evtape slice: wrote " << out.stats().frames << " frames and " << out.stats().gaps << " gaps to "
            << out_dir << "\n";
  return offline::LossExitCode(log.issues);
}

}  // namespace evtape::cli
