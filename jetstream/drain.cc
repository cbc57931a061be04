#include "jetstream/drain.h"

#include <chrono>
#include <memory>
#include <string_view>

#include "format/recording_writer.h"
#include "jetstream/capture.h"
#include "jetstream/drain_resume.h"
#include "nats/frame.h"

namespace evtape::jetstream {
namespace {

constexpr std::string_view kSourceHeader = "Nats-Stream-Source:";
constexpr std::string_view kEmptyHeaders = "NATS/1.0\r\n\r\n";

int64_t MonoNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch()).count();
}

// The header block without the line a sourcing stream appends last; empty when nothing else
// was there (the original had no headers).
std::string_view StripSourceLine(std::string_view h) {
  if (h.size() < 4 || h.substr(h.size() - 4) != "\r\n\r\n") return h;
  size_t body_end = h.size() - 2;                    // the final empty line starts here
  size_t line_start = h.rfind("\r\n", body_end - 3);  // end of the line before the last
  if (line_start == std::string_view::npos) return h;
  line_start += 2;
  if (h.substr(line_start, kSourceHeader.size()) != kSourceHeader) return h;
  if (line_start == std::string_view("NATS/1.0\r\n").size()) return {};
  // Keep everything up to the stripped line; the final CRLF follows in the caller's copy.
  return h.substr(0, line_start);
}

struct MetaDeleter {
  void operator()(jsMsgMetaData* m) const { jsMsgMetaData_Destroy(m); }
};

class DrainRun {
 public:
  DrainRun(const Session& s, const DrainOptions& o, std::atomic<bool>* stop)
      : s_(s), o_(o), stop_(stop) {}
  Result<DrainSummary> Run();

 private:
  Status Prepare();
  Status Subscribe();
  Status Loop();
  // Handles one delivered message; sets done_ when the target is reached.
  Status Handle(natsMsg* m);
  Status Gap(uint64_t count, int64_t end_ns);
  // No message for a while: decides whether everything up to the target is accounted for.
  Status Idle();

  const Session& s_;
  const DrainOptions& o_;
  std::atomic<bool>* stop_;
  DrainSummary sum_;
  StreamStatus info_;
  std::unique_ptr<format::RecordingWriter> writer_;
  nats::SubscriptionPtr sub_;
  uint64_t expected_ = 0;  // next stream seq to account for; 0: set by the first message
  uint64_t target_ = 0;    // without follow: stop once this seq is accounted for
  uint64_t consumer_seen_ = 0;  // consumer seq of the last message delivered
  int64_t last_time_ = 0;  // stream time of the last frame written
  int64_t last_flush_ = 0;
  bool strip_source_ = false, done_ = false;
  std::string scratch_, headers_;
};

Status DrainRun::Prepare() {
  FileSystem* fs = FileSystem::Default();
  EVTAPE_ASSIGN_OR_RETURN(DrainResume resume, InspectDrainOutput(fs, o_.output_dir, o_.stream));
  EVTAPE_ASSIGN_OR_RETURN(info_, GetStreamStatus(s_, o_.stream));
  if (resume.existing && resume.stream_created_ns != 0 && resume.stream_created_ns != info_.created_ns) {
    return Status::IOError(s_.url() + ": stream " + o_.stream + " was recreated since " + o_.output_dir +
                           " was drained from it: drain into a new directory");
  }
  strip_source_ = !info_.sources.empty();
  sum_.output_dir = o_.output_dir;
  if (resume.last_stream_seq > 0) {
    expected_ = resume.last_stream_seq + 1;
    sum_.resumed_after = resume.last_stream_seq;
  } else if (o_.from == DrainOptions::From::kSeq) {
    expected_ = std::max<uint64_t>(o_.start_seq, 1);
  } else if (o_.from == DrainOptions::From::kAll) {
    expected_ = info_.first_seq;
  }
  target_ = info_.last_seq;
  format::RecordingWriterOptions wo;
  wo.dir = o_.output_dir;
  wo.base.recording_id = resume.recording_id.empty() ? format::NewRecordingId() : resume.recording_id;
  wo.base.tool = o_.tool;
  wo.base.source = s_.url();
  wo.base.subscriptions = {"stream:" + o_.stream};
  wo.base.extra = DrainMetadata(o_.stream, info_.created_ns);
  wo.base.created_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                           std::chrono::system_clock::now().time_since_epoch()).count();
  wo.first_index = resume.next_index;
  wo.first_seq = std::max<uint64_t>(expected_, 1);
  wo.assign_seqs = false;
  wo.max_segment_bytes = o_.max_segment_bytes;
  wo.writer.zstd_level = o_.zstd_level;
  wo.stats = o_.segment_stats;
  EVTAPE_ASSIGN_OR_RETURN(writer_, format::RecordingWriter::Create(fs, std::move(wo)));
  return writer_->Open();
}

Status DrainRun::Subscribe() {
  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = o_.stream.c_str();
  so.Ordered = true;
  if (expected_ > 0) {
    so.Config.DeliverPolicy = js_DeliverByStartSequence;
    so.Config.OptStartSeq = expected_;
  } else {
    // nats.c 3.4.1 mis-encodes start times with a fraction under 0.1 s: start at the whole
    // second before and skip the earlier messages here.
    so.Config.DeliverPolicy = js_DeliverByStartTime;
    so.Config.OptStartTime = o_.since_ns - o_.since_ns % 1'000'000'000;
  }
  // Right after a leader change the consumer create can time out: retry for a while.
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (true) {
    natsSubscription* raw = nullptr;
    jsErrCode ec = static_cast<jsErrCode>(0);
    natsStatus st = js_SubscribeSync(&raw, s_.js(), ">", nullptr, &so, &ec);
    if (st == NATS_OK) {
      sub_.reset(raw);
      return nats::FromNats(natsSubscription_SetPendingLimits(raw, -1, -1), "pending limits");
    }
    if (st != NATS_TIMEOUT || std::chrono::steady_clock::now() > until || stop_->load()) {
      return s_.FromJs(st, ec, "consumer on stream " + o_.stream);
    }
  }
}

Status DrainRun::Gap(uint64_t count, int64_t end_ns) {
  format::Gap g;
  g.reason = format::GapReason::kRetention;
  g.start_ns = last_time_ > 0 ? last_time_ : end_ns;
  g.end_ns = end_ns;
  g.count = count;
  g.after_seq = expected_ - 1;
  g.detail = "stream " + o_.stream + " no longer holds seq " + std::to_string(expected_) + ".." +
             std::to_string(expected_ + count - 1) + " (expired, purged or deleted)";
  sum_.gaps++;
  sum_.lost += count;
  if (sum_.first_seq == 0) sum_.first_seq = expected_;
  sum_.last_seq = expected_ + count - 1;
  expected_ += count;
  return writer_->AddGap(std::move(g));
}

Status DrainRun::Handle(natsMsg* m) {
  bool exact = true;
  format::FrameView v = nats::MessageToFrame(m, 0, MonoNs(), &scratch_, &exact);
  jsMsgMetaData* raw = nullptr;
  EVTAPE_RETURN_IF_ERROR(nats::FromNats(natsMsg_GetMetaData(&raw, m), "message metadata"));
  std::unique_ptr<jsMsgMetaData, MetaDeleter> md(raw);
  const uint64_t seq = md->Sequence.Stream;
  consumer_seen_ = md->Sequence.Consumer;
  if (expected_ == 0) {
    if (md->Timestamp < o_.since_ns) return Status::Ok();  // before --since (whole-second start)
    expected_ = seq;
  }
  if (seq < expected_) return Status::Ok();  // delivered again after a consumer reset
  if (seq > expected_) EVTAPE_RETURN_IF_ERROR(Gap(seq - expected_, md->Timestamp));
  v.seq = seq;
  v.time_ns = md->Timestamp;
  v.reply = {};  // the ack subject, not the message's
  if (strip_source_) {
    std::string_view h = StripSourceLine(v.headers);
    if (h.size() != v.headers.size() && !h.empty()) {
      headers_.assign(h).append("\r\n");
      h = headers_;
    }
    v.headers = h;
  }
  EVTAPE_RETURN_IF_ERROR(writer_->Add(v));
  sum_.frames++;
  if (sum_.first_seq == 0) sum_.first_seq = seq;
  sum_.last_seq = seq;
  expected_ = seq + 1;
  last_time_ = md->Timestamp;
  if (!o_.follow && seq >= target_) done_ = true;
  return Status::Ok();
}

Status DrainRun::Idle() {
  if (o_.follow) return Status::Ok();
  if (expected_ > target_) {
    done_ = true;
    return Status::Ok();
  }
  jsConsumerInfo* ci = nullptr;
  jsErrCode ec = static_cast<jsErrCode>(0);
  natsStatus st = natsSubscription_GetConsumerInfo(&ci, sub_.get(), nullptr, &ec);
  if (st != NATS_OK) return s_.FromJs(st, ec, "consumer on stream " + o_.stream);
  // Nothing left for us on the server and nothing on its way that we have not seen: whatever
  // is not accounted for up to the target is gone.
  const bool nothing_left = ci->NumPending == 0 && ci->Delivered.Consumer <= consumer_seen_;
  jsConsumerInfo_Destroy(ci);
  if (!nothing_left) return Status::Ok();
  done_ = true;
  if (expected_ == 0) return Status::Ok();  // --since: nothing stored after it
  return Gap(target_ - expected_ + 1, info_.last_ns);
}

Status DrainRun::Loop() {
  while (!done_ && !stop_->load()) {
    natsMsg* raw = nullptr;
    natsStatus st = natsSubscription_NextMsg(&raw, sub_.get(), 200);
    if (st == NATS_OK) {
      nats::MsgPtr m(raw);
      EVTAPE_RETURN_IF_ERROR(Handle(m.get()));
    } else if (st == NATS_TIMEOUT) {
      EVTAPE_RETURN_IF_ERROR(Idle());
    } else {
      return s_.FromJs(st, static_cast<jsErrCode>(0), "reading stream " + o_.stream);
    }
    const int64_t now = MonoNs();
    if (now - last_flush_ >= o_.flush_interval_ns) {
      EVTAPE_RETURN_IF_ERROR(writer_->Flush());
      last_flush_ = now;
    }
  }
  int64_t dropped = 0;
  natsSubscription_GetDropped(sub_.get(), &dropped);
  if (dropped > 0) {
    return Status::IOError("stream " + o_.stream + ": the client dropped " + std::to_string(dropped) +
                           " messages; the recording is incomplete");
  }
  return Status::Ok();
}

Result<DrainSummary> DrainRun::Run() {
  EVTAPE_RETURN_IF_ERROR(Prepare());
  Status s = Status::Ok();
  if (o_.follow || expected_ == 0 || expected_ <= target_) {
    s = Subscribe();
    if (s.ok()) s = Loop();
  }
  sub_.reset();
  Status closed = writer_->Close();
  if (!s.ok()) return s;
  if (!closed.ok()) return closed;
  sum_.stopped = stop_->load();
  return sum_;
}

}  // namespace

Result<DrainSummary> Drainer::Run() { return DrainRun(s_, o_, &stop_).Run(); }

std::string FormatDrainSummary(const std::string& stream, const DrainSummary& d) {
  std::string out = "drained " + std::to_string(d.frames) + " messages from stream " + stream;
  if (d.first_seq > 0) out += " (seq " + std::to_string(d.first_seq) + ".." + std::to_string(d.last_seq) + ")";
  out += " into " + d.output_dir;
  if (d.resumed_after > 0) out += ", resumed after seq " + std::to_string(d.resumed_after);
  out += "; " + std::to_string(d.gaps) + " retention gap(s)";
  if (d.gaps > 0) out += " (" + std::to_string(d.lost) + " messages the stream no longer held)";
  if (d.stopped) out += "; stopped before catching up";
  return out + "\n";
}

}  // namespace evtape::jetstream
