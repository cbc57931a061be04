// evtape merge: recordings in time order, sequence numbers renumbered.
#include <iostream>

#include "jsonl/input.h"
#include "offline/common.h"
#include "tools/flags.h"
#include "tools/verbs.h"

namespace evtape::cli {
namespace {

const VerbHelp kHelp = {
    "merge",
    "evtape merge REC REC... -o OUT",
    "merge recordings in time order",
    "Each REC is a recording directory, a segment file or a FILE.jsonl (- for stdin, once).\n"
    "Frames and gaps are merged by receive time (a gap by its start); ties keep argument\n"
    "order, and each input keeps its own order (a merge, not a sort). Sequence numbers are\n"
    "renumbered from 1 and each gap's after_seq points at the frame written before it.\n"
    "Damaged data stops the merge (exit 1, nothing written) unless --skip-corrupt; so does a\n"
    "JSON line that does not decode.\n"
    "-o must be a new or empty directory outside every input. Segments rotate at 256 MiB.\n"
    "Exit codes: 0 ok, 1 failure, 2 usage error, 3 frames lost in an input.",
    "  evtape merge host-a/ host-b/ -o both\n"
    "  evtape merge rec/000001.seg other/000007.seg -o combined\n"
    "  evtape merge rec/ extra-events.jsonl -o with-extra",
};

po::options_description Options() {
  po::options_description d("Options");
  d.add_options()("output,o", po::value<std::string>()->value_name("OUT"),
                  "recording directory to write")(
      "skip-corrupt", "read past damaged data (issues on stderr, exit 3) instead of stopping")(
      "input", po::value<std::vector<std::string>>()->value_name("REC"),
      "recordings or .jsonl files to merge (also positional)");
  return d;
}

// The merge itself (MergedSource's order); `out` gets frames renumbered from 1 and each gap's
// after_seq pointing at the frame written before it.
Status MergeInto(format::FrameSource* in, format::RecordingWriter* out) {
  uint64_t seq = 0;
  format::Entry e;
  while (true) {
    EVTAPE_ASSIGN_OR_RETURN(bool more, in->Next(&e));
    if (!more) return Status::Ok();
    if (e.kind == format::Entry::Kind::kFrame) {
      format::FrameView f = e.frame;
      f.seq = ++seq;
      EVTAPE_RETURN_IF_ERROR(out->Add(f));
    } else {
      format::Gap g = e.gap;
      g.after_seq = seq;
      EVTAPE_RETURN_IF_ERROR(out->AddGap(g));
    }
  }
}

}  // namespace

int RunMerge(const Args& args) {
  po::options_description options = Options();
  po::variables_map vm;
  std::vector<std::string> inputs;
  std::string out_dir;
  if (auto code = ParseRecordingArgs(kHelp, options, args, &vm, &inputs, &out_dir,
                                              "missing REC arguments (recordings to merge)")) {
    return *code;
  }
  offline::IssueLog log;
  jsonl::InputOptions io;
  io.recovery =
      vm.count("skip-corrupt") != 0 ? format::Recovery::kSkipDamage : format::Recovery::kStrict;
  io.reporter = &log;
  auto in = jsonl::OpenInputs(inputs, jsonl::Combine::kMerge, io);
  if (!in.ok()) return RuntimeError(kHelp, in.status());
  auto segments = jsonl::RecordingSegments(inputs);  // listed by OpenInputs: cannot fail now
  auto opened = offline::OpenOutput(out_dir, offline::DerivedMetadata(segments.ok() ? *segments : std::vector<std::string>(), "merge"));
  if (!opened.ok()) return RuntimeError(kHelp, opened.status());
  format::RecordingWriter& out = **opened;
  Status s = MergeInto(in->get(), &out);
  if (s.IsCorruption()) s = s.WithPrefix("input damaged (use --skip-corrupt, or 'evtape recover')");
  if (s.ok()) s = out.Close();
  if (!s.ok()) {
    out.Abort();
    return RuntimeError(kHelp, s);
  }
  for (const auto& i : log.issues) {
    if (offline::LostFrames(i)) Warn(kHelp, offline::DescribeIssue(i));
  }
  std::cerr << "evtape merge: wrote " << out.stats().frames << " frames and " << out.stats().gaps
            << " gaps from " << inputs.size() << " inputs to " << out_dir << "\n";
  return offline::LossExitCode(log.issues);
}

}  // namespace evtape::cli
