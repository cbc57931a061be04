#include "replay/replayer.h"

#include <time.h>

#include <cstdio>
#include <limits>

#include "util/units.h"
#include "replay/input.h"
#include "replay/progress.h"

namespace evtape::replay {
namespace {

int64_t RealtimeNs() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// Prints and counts what the input reports (its read issues) and the gaps it holds. Only the
// first pass reports (loops re-read the same damage and gaps).
class DiagSink : public format::Reporter {
 public:
  DiagSink(std::ostream& diag, ReplayStats* st) : diag_(diag), st_(st) {}
  void set_pass(uint64_t pass) { pass_ = pass; }
  void OnIssue(const format::ReadIssue& i) override {
    if (pass_ != 0) return;
    using K = format::ReadIssue::Kind;
    if (i.kind == K::kUnsealed) return;  // a recording still being written, or crashed cleanly
    if (i.kind == K::kTornTail) {
      ++st_->torn_tails;
      diag_ << "evtape replay: note: " << i.file << ": torn tail at offset " << i.offset << " ("
            << i.bytes_dropped << " bytes of an unfinished write ignored)\n";
      return;
    }
    // Corruption or unsupported records. In strict mode the read fails right after this and
    // the caller reports the error; in skip mode this is what --skip-corrupt skipped.
    if (!skipping_) return;
    ++st_->corrupt_issues;
    if (i.frames_lost) st_->skipped_frames += *i.frames_lost;
    else st_->skipped_unknown = true;
    diag_ << "evtape replay: skipped: " << i.file << " offset " << i.offset << ": " << i.reason
          << ", " << i.bytes_dropped << " bytes, "
          << (i.frames_lost ? std::to_string(*i.frames_lost) : std::string("unknown number of"))
          << " messages\n";
  }
  void OnGap(const std::string& input, const format::Gap& g) {
    if (pass_ != 0) return;
    ++st_->gaps;
    if (g.count) {
      if (!unknown_gap_) st_->gap_messages = st_->gap_messages.value_or(0) + *g.count;
    } else {
      unknown_gap_ = true;
      st_->gap_messages.reset();
    }
    diag_ << "evtape replay: gap in " << input << ": " << format::GapReasonName(g.reason)
          << " from " << FormatRfc3339Nanos(g.start_ns) << " to " << FormatRfc3339Nanos(g.end_ns)
          << ", " << (g.count ? std::to_string(*g.count) + " messages lost" : "count unknown")
          << "\n";
  }
  void set_skipping(bool s) { skipping_ = s; }

 private:
  std::ostream& diag_;
  ReplayStats* st_;
  uint64_t pass_ = 0;
  bool skipping_ = false;
  bool unknown_gap_ = false;
};

struct Run {
  const ReplayOptions& o;
  Publisher* pub;
  Clock* clock;
  const std::atomic<bool>* stop;
  std::ostream& out;
  std::ostream& diag;
  ReplayStats st;
  uint64_t remaining = std::numeric_limits<uint64_t>::max();
  std::string payload_buf;
  uint64_t errors_printed = 0;

  Run(const ReplayOptions& opts, Publisher* p, Clock* c, const std::atomic<bool>* s,
      std::ostream& o_out, std::ostream& o_diag)
      : o(opts), pub(p), clock(c), stop(s), out(o_out), diag(o_diag) {}

  bool Stopped() const { return stop != nullptr && stop->load(std::memory_order_relaxed); }
  // One message: returns false when the run must end (stop request or outage).
  bool Send(const format::FrameView& f, int64_t offset, Pacer* pacer, PayloadRewriter* rw);
};

bool Run::Send(const format::FrameView& f, int64_t offset, Pacer* pacer,
               PayloadRewriter* rw) {
  std::optional<std::string> mapped = o.map.Apply(f.subject);
  OutMessage m{mapped ? std::string_view(*mapped) : f.subject, f.reply, f.headers, f.payload};
  if (rw != nullptr && rw->Rewrite(f.payload, f.time_ns, &payload_buf)) {
    m.payload = payload_buf;
    ++st.rewritten;
  }
  const uint64_t size = m.subject.size() + m.reply.size() + m.headers.size() + m.payload.size();
  if (o.dry_run) {
    char line[64];
    std::snprintf(line, sizeof line, "%.6f ", static_cast<double>(offset) / 1e9);
    out << line << m.subject << ' ' << (m.headers.size() + m.payload.size()) << '\n';
    ++st.messages;
    st.bytes += size;
    return true;
  }
  if (o.pace.paced()) {
    int64_t late = 0;
    if (!pacer->WaitFor(offset, &late)) return false;
    st.lateness.Add(late);
    st.drift_ns = late;
  }
  Status s = pub->Publish(m);
  if (s.ok()) {
    ++st.messages;
    st.bytes += size;
    return true;
  }
  ++st.failed;
  if (s.code() == Status::Code::kUnavailable) {
    st.outage = true;
    st.outage_message = s.message();
    return false;
  }
  if (errors_printed++ < 5) diag << "evtape replay: not sent: " << s.message() << "\n";
  return true;
}

}  // namespace

Result<ReplayStats> RunReplay(const ReplayOptions& o, Publisher* publisher, Clock* clock,
                              const std::atomic<bool>* stop, std::ostream& out,
                              std::ostream& diag) {
  Run r{o, publisher, clock, stop, out, diag};
  if (o.count) r.remaining = *o.count;
  DiagSink sink(diag, &r.st);
  sink.set_skipping(o.skip_corrupt);
  auto opened = OpenReplayInput(o.inputs, o.skip_corrupt, &sink);
  if (!opened.ok()) return opened.status();
  // Read up to the first frame: relative --from/--to and the progress bar count from it.
  auto peeked = format::PeekedSource::Open(std::move(opened).value());
  if (!peeked.ok()) return peeked.status();
  const int64_t first_time_ns = (*peeked)->first_time_ns().value_or(0);
  std::unique_ptr<format::FrameSource> in = std::move(peeked).value();
  Selection sel = o.selection;
  if (!sel.resolved()) sel.Resolve(first_time_ns);

  Timeline tl(o.pace);
  Pacer pacer(clock);
  std::unique_ptr<PayloadRewriter> rw = o.rewriter ? o.rewriter() : nullptr;
  const int64_t shift_anchor = o.shift_anchor_ns.value_or(RealtimeNs());
  Progress progress(o.progress, o.inputs, first_time_ns, o.loops, diag);
  pacer.Start();
  int64_t pass_start = 0;  // schedule offset of the current pass (paced modes)
  bool ending = false;     // stop publishing; only count what was abandoned
  for (uint64_t pass = 0; (o.loops == 0 || pass < o.loops) && r.remaining > 0; ++pass) {
    if (pass > 0) {
      if (ending && o.loops == 0) break;
      sink.set_pass(pass);
      in.reset();  // before reopening: a read-ahead thread per input stops first
      auto again = OpenReplayInput(o.inputs, o.skip_corrupt, &sink);
      if (!again.ok()) return again.status();
      in = std::move(again).value();
      if (!ending && !o.dry_run) {
        if (o.pace.paced()) {
          pass_start += tl.last_offset() + o.loop_delay_ns;
        } else if (o.loop_delay_ns > 0 && !clock->SleepUntil(clock->NowNs() + o.loop_delay_ns)) {
          r.st.interrupted = true;
          break;
        }
      } else if (o.dry_run) {
        pass_start += tl.last_offset() + o.loop_delay_ns;
      }
    }
    r.st.recorded_ns += tl.recorded_ns();
    tl.Reset();
    if (rw) rw->BeginPass(shift_anchor + pass_start);
    ++r.st.passes;
    format::Entry e;
    for (;;) {
      auto more = in->Next(&e);
      if (!more.ok()) return more.status();
      if (!*more) break;
      if (e.kind == format::Entry::Kind::kGap) {
        sink.OnGap(in->name(), e.gap);
        continue;
      }
      if (r.remaining == 0) break;
      const format::FrameView& f = e.frame;
      if (!sel.Matches(f)) {
        ++r.st.filtered;
        continue;
      }
      --r.remaining;
      if (ending) {
        ++r.st.abandoned;
        continue;
      }
      const int64_t offset = pass_start + tl.Next(f.time_ns);
      if (tl.overflow()) {
        return Status::InvalidArgument(
            "the schedule would run past 100 years at " + o.pace.Describe() +
            "; choose a faster --speed or --rate, or cap silences with --max-gap");
      }
      if (!r.Send(f, offset, &pacer, rw.get())) {
        if (!r.st.outage) {
          r.st.interrupted = true;
          break;
        }
        ending = true;  // count the rest of this run as not sent
      }
      if (r.Stopped()) {
        r.st.interrupted = true;
        break;
      }
      progress.Update(f.time_ns, pass, r.st.messages);
    }
    if (r.st.interrupted) break;
  }
  r.st.recorded_ns += tl.recorded_ns();
  r.st.schedule_ns = pass_start + tl.last_offset();
  if (publisher != nullptr && !o.dry_run) {
    uint64_t unsent = 0;
    Status fs = publisher->Finish(o.flush_timeout_ns, &unsent);
    r.st.unsent_buffered = unsent;
    if (!fs.ok() && !r.st.outage) {
      r.st.outage = true;
      r.st.outage_message = fs.message();
    }
  }
  r.st.duration_ns = pacer.ElapsedNs();
  progress.Done();
  return r.st;
}

}  // namespace evtape::replay
