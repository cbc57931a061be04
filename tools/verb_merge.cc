// evtape merge: recordings in time order, sequence numbers renumbered.
#include <iostream>

#include "offline/common.h"
#include "tools/flags.h"
#include "tools/verbs.h"

namespace evtape::cli {
namespace {

const VerbHelp kHelp = {
    "merge",
    "evtape merge REC REC... -o OUT",
    "merge recordings in time order",
    "Each REC is a recording directory or a segment file. Frames and gaps are merged by receive\n"
    "time (a gap by its start); ties keep argument order, and each input keeps its own order\n"
    "(a merge, not a sort). Sequence numbers are renumbered from 1 and each gap's after_seq\n"
    "points at the frame written before it. Damaged data stops the merge (exit 1, nothing\n"
    "written) unless --skip-corrupt.\n"
    "-o must be a new or empty directory outside every input. Segments rotate at 256 MiB.\n"
    "Exit codes: 0 ok, 1 failure, 2 usage error, 3 frames lost in an input.",
    "  evtape merge host-a/ host-b/ -o both\n"
    "  evtape merge rec/000001.seg other/000007.seg -o combined",
};

po::options_description Options() {
  po::options_description d("Options");
  d.add_options()("output,o", po::value<std::string>()->value_name("OUT"),
                  "recording directory to write")(
      "skip-corrupt", "read past damaged data (issues on stderr, exit 3) instead of stopping")(
      "input", po::value<std::vector<std::string>>()->value_name("REC"),
      "recordings to merge (also positional)");
  return d;
}

struct Source {
  std::unique_ptr<format::RecordingReader> reader;
  format::Entry entry;
  bool has = false;
  int64_t Key() const {
    return entry.kind == format::Entry::Kind::kFrame ? entry.frame.time_ns : entry.gap.start_ns;
  }
};

Status Advance(Source* s) {
  EVTAPE_ASSIGN_OR_RETURN(s->has, s->reader->Next(&s->entry));
  return Status::Ok();
}

// The k-way merge itself; `out` gets frames renumbered from 1.
Status MergeInto(std::vector<Source>* sources, format::RecordingWriter* out) {
  for (auto& s : *sources) EVTAPE_RETURN_IF_ERROR(Advance(&s));
  uint64_t seq = 0;
  while (true) {
    Source* best = nullptr;
    for (auto& s : *sources) {
      if (s.has && (best == nullptr || s.Key() < best->Key())) best = &s;  // first wins ties
    }
    if (best == nullptr) return Status::Ok();
    if (best->entry.kind == format::Entry::Kind::kFrame) {
      format::FrameView f = best->entry.frame;
      f.seq = ++seq;
      EVTAPE_RETURN_IF_ERROR(out->Add(f));
    } else {
      format::Gap g = best->entry.gap;
      g.after_seq = seq;
      EVTAPE_RETURN_IF_ERROR(out->AddGap(g));
    }
    EVTAPE_RETURN_IF_ERROR(Advance(best));
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
  auto segments = offline::InputSegments(inputs);
  if (!segments.ok()) return RuntimeError(kHelp, segments.status());

  offline::IssueLog log;
  format::ReaderOptions ro;
  ro.recovery =
      vm.count("skip-corrupt") != 0 ? format::Recovery::kSkipDamage : format::Recovery::kStrict;
  ro.reporter = &log;
  std::vector<Source> sources(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    auto r = format::RecordingReader::Open(FileSystem::Default(), {inputs[i]}, ro);
    if (!r.ok()) return RuntimeError(kHelp, r.status());
    sources[i].reader = std::move(r).value();
  }
  auto opened = offline::OpenOutput(out_dir, offline::DerivedMetadata(segments.value(), "merge"));
  if (!opened.ok()) return RuntimeError(kHelp, opened.status());
  format::RecordingWriter& out = **opened;
  Status s = MergeInto(&sources, &out);
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
