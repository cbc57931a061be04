#include "record/recorder.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "nats/raw_msg.h"
#include "format/recording.h"
#include "record/dir_lock.h"
#include "record/handoff_queue.h"
#include "record/resume.h"
#include "record/subscriber.h"
#include "util/clock.h"
#include "util/units.h"

namespace evtape::record {
namespace {

std::string HostName() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof(buf) - 1) != 0) return "";
  return buf;
}

// Half the cores, 1..4: compression runs at the lowest priority, so more threads only use
// CPU that would otherwise idle.
int DefaultCompressionThreads() {
  const unsigned cores = std::thread::hardware_concurrency();
  return static_cast<int>(std::clamp(cores / 2, 1u, 4u));
}

}  // namespace

Recorder::Recorder(RecorderOptions options, FileSystem* fs)
    : options_(std::move(options)), fs_(fs) {}

Recorder::~Recorder() = default;

void Recorder::Log(const std::string& message) const {
  if (options_.log) options_.log(message);
}

Status Recorder::Validate() const {
  if (options_.subjects.empty()) return Status::InvalidArgument("--subject: no subjects");
  for (const auto& s : options_.subjects) {
    if (!ValidSubject(s, true)) return Status::InvalidArgument("--subject: invalid subject '" + s + "'");
  }
  if (options_.output_dir.empty()) return Status::InvalidArgument("--output: empty path");
  if (options_.duration_ns < 0) return Status::InvalidArgument("--duration: must not be negative");
  if (options_.flush_interval_ns <= 0) return Status::InvalidArgument("--flush-interval: must be > 0");
  if (options_.max_segment_duration_ns <= 0) {
    return Status::InvalidArgument("--max-segment-duration: must be > 0");
  }
  if (options_.max_segment_bytes < 4096) {
    return Status::InvalidArgument("--max-segment-size: must be at least 4KiB");
  }
  if (options_.queue_max_messages == 0 || options_.queue_max_bytes < (1u << 20)) {
    return Status::InvalidArgument("queue bound: at least 1 message and 1MiB");
  }
  if (options_.zstd_level < -7 || options_.zstd_level > 19) {
    return Status::InvalidArgument("--zstd-level: must be between -7 and 19");
  }
  if (options_.compression_threads < -1 || options_.compression_threads > 64) {
    return Status::InvalidArgument("--compress-threads: must be between 0 and 64");
  }
  return Status::Ok();
}

void Recorder::RequestStop() {
  std::lock_guard<std::mutex> lock(mu_);
  if (stop_requested_ && writer_) writer_->CancelCompaction();
  stop_requested_ = true;
  cv_.notify_all();
}

void Recorder::Wake() {
  std::lock_guard<std::mutex> lock(mu_);
  wake_ = true;
  cv_.notify_all();
}

RecorderStats Recorder::live() const {
  RecorderStats s;
  if (writer_) writer_->Contribute(&s);
  if (subscriber_) subscriber_->Contribute(&s);
  if (queue_) {
    QueueStats q = queue_->stats();
    s.dropped_by_queue = q.dropped;
    s.peak_queue_messages = q.peak_messages;
    s.peak_queue_bytes = q.peak_bytes;
    const uint64_t done = s.messages + s.not_written;
    s.queued = q.pushed > done ? q.pushed - done : 0;
  }
  s.restart_gap = restart_gap_;
  {
    std::lock_guard<std::mutex> lock(mu_);
    s.segments_compacted = compaction_.compacted;
    s.segments_left_uncompacted = compaction_.left;
  }
  s.elapsed_ns = started_mono_ > 0 ? MonotonicNs() - started_mono_ : 0;
  return s;
}

// Connects, opens the recording and subscribes; the restart gap (if any) ends when the
// subscriptions are confirmed live and goes first in the queue.
Status Recorder::Start(HandoffQueue* queue) {
  SubscriberOptions so{options_.subjects, options_.count, options_.connection, options_.log,
                       [this] { Wake(); }};
  subscriber_ = std::make_unique<Subscriber>(std::move(so), queue);
  EVTAPE_RETURN_IF_ERROR(subscriber_->Connect([this] {
    std::lock_guard<std::mutex> lock(mu_);
    return stop_requested_;
  }));
  // Nothing is created on disk before a server answered. Then one recorder per directory:
  // what it finds there (where to resume) is only read once it holds the lock.
  Result<format::DirState> state = format::InspectDir(fs_, options_.output_dir);
  const bool existed = !state.ok() || *state != format::DirState::kMissing;
  EVTAPE_RETURN_IF_ERROR(fs_->CreateDir(options_.output_dir));
  auto lock = DirLock::Acquire(options_.output_dir);
  if (!lock.ok()) {
    if (!existed) (void)fs_->RemoveDir(options_.output_dir);
    return lock.status();
  }
  lock_ = std::move(lock).value();
  EVTAPE_ASSIGN_OR_RETURN(ResumeInfo resume, InspectOutput(fs_, options_.output_dir, RealtimeNs()));
  CaptureWriterOptions wo;
  format::RecordingWriterOptions& ro = wo.recording;
  ro.dir = options_.output_dir;
  ro.base.recording_id = resume.recording_id;  // empty: a new one
  ro.base.tool = options_.tool;
  ro.base.source = nats::RedactUrl(options_.connection.server);
  ro.base.subscriptions = options_.subjects;
  ro.base.host = HostName();
  ro.base.extra = {{"raw_headers", nats::RawMessagesSupported() ? "exact" : "rebuilt"}};
  ro.first_index = resume.next_index;
  ro.first_seq = resume.next_seq;
  ro.max_segment_bytes = options_.max_segment_bytes;
  ro.max_segment_duration_ns = options_.max_segment_duration_ns;
  ro.writer.direct_io = options_.direct_io;
  ro.stats = options_.segment_stats;
  ro.created_clock = [] { return RealtimeNs(); };
  wo.compression.threads = options_.compression_threads >= 0 ? options_.compression_threads
                                                             : DefaultCompressionThreads();
  wo.compression.zstd_level = options_.zstd_level;
  // A flush waits this long at most for a chunk in flight: a worker that got CPU finishes a
  // chunk in a few ms; one starved at idle priority would not finish anyway.
  wo.compression.flush_wait_ns = std::min<int64_t>(5'000'000, options_.flush_interval_ns / 4);
  wo.flush_interval_ns = options_.flush_interval_ns;
  wo.fsync = options_.fsync;
  wo.compact = options_.compact;
  wo.ring = options_.ring;
  if (options_.ring.enabled()) {
    ro.base.extra["ring"] = {{"window_ns", options_.ring.window_ns},
                             {"window_bytes", options_.ring.window_bytes}};
  }
  EVTAPE_ASSIGN_OR_RETURN(writer_, CaptureWriter::Open(fs_, std::move(wo)));
  EVTAPE_ASSIGN_OR_RETURN(int64_t live_ns, subscriber_->Subscribe());
  if (resume.restart_gap) {
    format::Gap g = *resume.restart_gap;
    g.end_ns = std::max(live_ns, g.start_ns);
    queue->PushGapFront(g);
    restart_gap_ = true;
  }
  return Status::Ok();
}

void Recorder::WaitForStop(const std::function<void(const RecorderStats&)>& on_tick) {
  const int64_t start = MonotonicNs();
  const int64_t deadline = options_.duration_ns > 0 ? start + options_.duration_ns : INT64_MAX;
  int64_t next_tick = start + 1'000'000'000;
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_requested_ && !writer_failed_ && !subscriber_->count_reached()) {
    int64_t now = MonotonicNs();
    if (now >= deadline) break;
    // Idle, this thread wakes once a second (the status tick); the subscriber wakes it for a
    // reconnect to confirm or the count reached.
    const int64_t wait = std::min(deadline - now, next_tick - now);
    cv_.wait_for(lock, std::chrono::nanoseconds(std::max<int64_t>(wait, 1'000'000)),
                 [this] { return wake_ || stop_requested_ || writer_failed_; });
    wake_ = false;
    lock.unlock();
    subscriber_->Service();
    now = MonotonicNs();
    if (now >= next_tick) {
      if (on_tick) on_tick(live());
      next_tick = now + 1'000'000'000;
    }
    lock.lock();
  }
}

Result<RecorderSummary> Recorder::Run(const std::function<void(const RecorderStats&)>& on_tick) {
  EVTAPE_RETURN_IF_ERROR(Validate());
  started_mono_ = MonotonicNs();
  queue_ = std::make_unique<HandoffQueue>(options_.queue_max_messages, options_.queue_max_bytes);
  Status start = Start(queue_.get());
  if (!writer_) {  // not connected, or the directory could not be taken: nothing was recorded
    if (subscriber_) subscriber_->Stop(/*drain=*/false, 0);
    return start;
  }
  Status writer_status;
  std::thread thread([this, &writer_status] {
    writer_status = writer_->Run(queue_.get(), [this](const Status&) {
      std::lock_guard<std::mutex> lock(mu_);
      writer_failed_ = true;
      cv_.notify_all();
    });
  });
  if (start.ok()) {
    std::string subjects;
    for (const auto& s : options_.subjects) subjects += (subjects.empty() ? "" : ", ") + s;
    Log("recording " + subjects + " from " + nats::RedactUrl(options_.connection.server) +
        " to " + writer_->current_path() +
        (restart_gap_ ? " (after an unclean stop: restart gap recorded)" : ""));
    if (options_.on_ready) options_.on_ready();
    WaitForStop(on_tick);
  }
  bool drain = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    drain = start.ok() && !writer_failed_;
  }
  subscriber_->Stop(drain, options_.drain_timeout_ms);
  queue_->Close(RealtimeNs());
  thread.join();
  if (!start.ok()) return start;
  CompactorStats compaction = writer_->FinishCompaction(options_.compact_wait_bytes);
  if (!compaction.last_error.ok()) Log("compaction failed: " + compaction.last_error.message());
  if (Status r = writer_->ring_error(); !r.ok()) Log("ring: " + r.message());
  {
    std::lock_guard<std::mutex> lock(mu_);
    compaction_ = compaction;
  }
  RecorderSummary sum;
  static_cast<RecorderStats&>(sum) = live();
  sum.status = writer_status;
  sum.dir = options_.output_dir;
  return sum;
}

}  // namespace evtape::record
