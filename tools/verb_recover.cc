// evtape recover: a clean, sealed copy of a damaged recording.
#include <iostream>

#include "util/units.h"
#include "offline/common.h"
#include "tools/flags.h"
#include "tools/verbs.h"

namespace evtape::cli {
namespace {

const VerbHelp kHelp = {
    "recover",
    "evtape recover REC... -o OUT",
    "write a clean, sealed copy of a damaged recording",
    "Reads every segment past damage (resynchronising on the next valid record) and writes\n"
    "every readable frame and every gap it had to OUT, sealed, with the original sequence\n"
    "numbers and times. Where frames were lost it adds a gap record (reason 'corruption',\n"
    "count exact when the surrounding records tell, else null). The input is never modified.\n"
    "-o must be a new or empty directory outside the input.\n"
    "Exit codes: 0 nothing lost, 3 something lost (gaps added), 1 nothing recoverable or a\n"
    "failure, 2 usage error.",
    "  evtape recover crashed-rec/ -o fixed-rec\n"
    "  evtape recover rec/000004.seg.open -o rec4-fixed && evtape verify rec4-fixed",
};

po::options_description Options() {
  po::options_description d("Options");
  d.add_options()("output,o", po::value<std::string>()->value_name("OUT"),
                  "recording directory to write")(
      "input", po::value<std::vector<std::string>>()->value_name("REC"),
      "recording directory or segment file (also positional)");
  return d;
}

// Turns the issues reported since the last entry into gap records placed before `next_ns`.
class GapMaker {
 public:
  GapMaker(offline::IssueLog* log, format::RecordingWriter* out) : log_(log), out_(out) {}

  Status Flush(int64_t next_ns) {
    for (; done_ < log_->issues.size(); ++done_) {
      const format::ReadIssue& i = log_->issues[done_];
      if (!offline::LostFrames(i)) continue;
      format::Gap g;
      g.reason = format::GapReason::kCorruption;
      g.start_ns = have_last_ ? last_ns_ : next_ns;
      g.end_ns = std::max(g.start_ns, next_ns);
      g.count = i.frames_lost;
      g.after_seq = out_->stats().last_seq;
      g.detail = "recover: " + i.reason + " in " + BaseName(i.file) + " at offset " +
                 std::to_string(i.offset) + ", " + std::to_string(i.bytes_dropped) +
                 " bytes dropped";
      EVTAPE_RETURN_IF_ERROR(out_->AddGap(g));
      added_++;
    }
    return Status::Ok();
  }
  void Saw(int64_t ns) {
    last_ns_ = ns;
    have_last_ = true;
  }
  int64_t last_ns() const { return have_last_ ? last_ns_ : 0; }
  uint64_t added() const { return added_; }

 private:
  offline::IssueLog* log_;
  format::RecordingWriter* out_;
  size_t done_ = 0;
  int64_t last_ns_ = 0;
  bool have_last_ = false;
  uint64_t added_ = 0;
};

}  // namespace

int RunRecover(const Args& args) {
  po::options_description options = Options();
  po::variables_map vm;
  std::vector<std::string> inputs;
  std::string out_dir;
  if (auto code = ParseRecordingArgs(kHelp, options, args, &vm, &inputs, &out_dir)) {
    return *code;
  }
  auto segments = offline::InputSegments(inputs);
  if (!segments.ok()) return RuntimeError(kHelp, segments.status());

  offline::IssueLog log;
  offline::ScanTotals totals;
  auto output = offline::OpenOutput(out_dir, offline::DerivedMetadata(segments.value(), "recover"));
  if (!output.ok()) return RuntimeError(kHelp, output.status());
  format::RecordingWriter& out = **output;
  GapMaker gaps(&log, &out);
  Status s = offline::ScanSegments(
      segments.value(), &log,
      [&](const format::Entry& e) -> Status {
        bool frame = e.kind == format::Entry::Kind::kFrame;
        int64_t t = frame ? e.frame.time_ns : e.gap.start_ns;
        EVTAPE_RETURN_IF_ERROR(gaps.Flush(t));
        if (frame && e.frame.seq <= out.stats().last_seq) {
          // Sequence numbers must grow; a frame that repeats or goes back (segments given out
          // of order, or duplicated) cannot be kept in a valid recording.
          log.OnIssue({format::ReadIssue::Kind::kCorruption, "(input order)", 0, 0, 1,
                       "frame seq " + std::to_string(e.frame.seq) + " not after " +
                           std::to_string(out.stats().last_seq)});
          return Status::Ok();
        }
        gaps.Saw(t);
        return frame ? out.Add(e.frame) : out.AddGap(e.gap);
      },
      &totals);
  if (s.ok()) s = gaps.Flush(gaps.last_ns());
  bool lost = offline::LossExitCode(log.issues) != kExitOk;
  if (s.ok() && out.stats().frames == 0 && lost) {
    out.Abort();
    return RuntimeError(kHelp, "nothing recoverable: no intact frame in " + inputs.front() + " (" +
                                   std::to_string(log.issues.size()) + " issues)");
  }
  if (s.ok()) s = out.Close();
  if (!s.ok()) {
    out.Abort();
    return RuntimeError(kHelp, s);
  }
  for (const auto& i : log.issues) {
    if (offline::LostFrames(i)) Warn(kHelp, offline::DescribeIssue(i));
  }
  std::cerr << "evtape recover: wrote " << out.stats().frames << " frames and " << out.stats().gaps << " gaps ("
            << gaps.added() << " added for lost data) to " << out_dir << "\n";
  return lost ? kExitLoss : kExitOk;
}

}  // namespace evtape::cli
