// Recorder: the Run() life cycle and the writer thread (recorder.cc holds the callbacks).
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "nats/raw_msg.h"
#include "record/handoff_queue.h"
#include "record/recorder.h"
#include "record/resume.h"

namespace evtape::record {
namespace {

int64_t Now(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::string HostName() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof(buf) - 1) != 0) return "";
  return buf;
}

// The memory a queued message was charged (mirrors Recorder::HandleMessage).
uint64_t ChargedBytes(natsMsg* m) {
  const char* subject = natsMsg_GetSubject(m);
  const char* data = natsMsg_GetData(m);
  uint64_t bytes = static_cast<uint64_t>(natsMsg_GetDataLength(m)) + 192;
  if (data > subject) bytes += static_cast<uint64_t>(data - subject);
  return bytes;
}

// Half the cores, 1..4: compression runs at the lowest priority, so more threads only use
// CPU that would otherwise idle.
int DefaultCompressionThreads() {
  const unsigned cores = std::thread::hardware_concurrency();
  return static_cast<int>(std::clamp(cores / 2, 1u, 4u));
}

// Messages found queued at once below which the writer counts as keeping up (a few ms of a
// fast stream).
constexpr size_t kKeepingUpBatch = 2048;
// Buffer fill levels that switch storing-when-behind on and off, and how long it stays on.
constexpr double kPressureOn = 1.0 / 16, kPressureOff = 1.0 / 64;
constexpr int64_t kPressureHoldNs = 2'000'000'000;

}  // namespace

void Recorder::WriterLoop(SegmentSink* sink) {
  std::vector<QueueItem> batch;
  std::string scratch;
  Status failure;
  int64_t next_flush = Now(CLOCK_MONOTONIC) + options_.flush_interval_ns;
  int64_t pressure_until = 0;
  bool pressure = false;
  bool more = true;
  while (more) {
    int64_t wait_ms = std::max<int64_t>(1, (next_flush - Now(CLOCK_MONOTONIC)) / 1'000'000);
    more = queue_->PopAll(&batch, wait_ms);
    // A small batch means the writer keeps up: it may compress on its own thread. A large one
    // leaves compression to the idle-priority workers (or to storing, if they lag too).
    sink->SetKeepingUp(batch.size() < kKeepingUpBatch);
    // Storing chunks uncompressed is the last resort before dropping: from 1/16 of the buffer
    // on, until it is nearly empty again and has stayed calm for 2 s (a long burst is
    // stored rather than half-compressed at the stream's expense; a short one is compressed).
    const double fill = queue_->fill();
    const int64_t now = Now(CLOCK_MONOTONIC);
    if (fill > kPressureOn) {
      pressure = true;
      pressure_until = now + kPressureHoldNs;
    }
    if (pressure && fill < kPressureOff && now >= pressure_until) pressure = false;
    sink->SetUnderPressure(pressure);
    uint64_t released_msgs = 0, released_bytes = 0;
    for (QueueItem& item : batch) {
      if (!item.msg) {
        if (failure.ok()) failure = sink->AddGap(item.gap);
        continue;
      }
      ++released_msgs;
      released_bytes += ChargedBytes(item.msg.get());
      if (!failure.ok()) continue;  // freed with the batch
      natsMsg* m = item.msg.get();
      Result<nats::RawHeaderResult> hdr = nats::RawHeaders(m, &scratch);
      format::FrameView f;
      f.time_ns = item.time_ns;
      f.mono_ns = item.mono_ns;
      f.subject = natsMsg_GetSubject(m);
      const char* reply = natsMsg_GetReply(m);
      if (reply != nullptr) f.reply = reply;
      if (hdr.ok()) {
        f.headers = hdr->block;
        if (!hdr->exact) exact_headers_ = false;
      } else {
        exact_headers_ = false;
      }
      f.payload = std::string_view(natsMsg_GetData(m), static_cast<size_t>(natsMsg_GetDataLength(m)));
      Status s = sink->AddFrame(f);
      if (!s.ok() && s.code() == Status::Code::kInvalidArgument) {
        // Refused alone (e.g. an oversized field): the writer stays usable; count it as lost.
        format::Gap g{format::GapReason::kOther, f.time_ns, f.time_ns, 1, 0,
                      "message refused by the segment writer: " + s.message()};
        s = sink->AddGap(g);
      }
      if (!s.ok()) failure = s;
    }
    batch.clear();  // frees the messages
    queue_->Release(released_msgs, released_bytes);
    if (failure.ok()) failure = sink->Poll();  // chunks the compression workers finished
    if (failure.ok() && Now(CLOCK_MONOTONIC) >= next_flush) {
      failure = sink->Tick();
      next_flush = Now(CLOCK_MONOTONIC) + options_.flush_interval_ns;
    }
    if (!failure.ok() && !writer_done_) {
      std::lock_guard<std::mutex> lock(mu_);
      writer_status_ = failure;
      writer_done_ = true;  // Run() stops; we keep draining so that producers are not held
      cv_.notify_all();
    }
  }
  if (failure.ok()) failure = sink->Close();
  std::lock_guard<std::mutex> lock(mu_);
  writer_status_ = failure;
  writer_done_ = true;
  cv_.notify_all();
}

void Recorder::WaitForStop(const std::function<void(const LiveStats&)>& on_tick) {
  const int64_t start = Now(CLOCK_MONOTONIC);
  const int64_t deadline =
      options_.duration_ns > 0 ? start + options_.duration_ns : INT64_MAX;
  int64_t next_tick = start + 1'000'000'000;
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_requested_ && !writer_done_ && !count_reached_) {
    int64_t now = Now(CLOCK_MONOTONIC);
    if (now >= deadline) break;
    int64_t wait = std::min({deadline - now, next_tick - now, int64_t{250'000'000}});
    cv_.wait_for(lock, std::chrono::nanoseconds(std::max<int64_t>(wait, 1'000'000)));
    bool reconnect = reconnect_pending_;
    reconnect_pending_ = false;
    lock.unlock();
    if (reconnect) FinishReconnect();
    PollDropped();
    now = Now(CLOCK_MONOTONIC);
    if (now >= next_tick) {
      if (on_tick) on_tick(live());
      next_tick = now + 1'000'000'000;
    }
    lock.lock();
  }
}

void Recorder::Shutdown() {
  const bool drain = !count_reached_ && !writer_done_ && connected_.load();
  if (drain) {
    // Unsubscribe at the server, then let nats.c deliver what it already holds.
    for (auto& sub : subs_) natsSubscription_Drain(sub.get());
    for (auto& sub : subs_) {
      natsSubscription_WaitForDrainCompletion(sub.get(), options_.drain_timeout_ms);
    }
  }
  PollDropped();
  closing_ = true;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (in_outage_) {
      format::Gap g;
      g.reason = format::GapReason::kDisconnect;
      g.start_ns = outage_start_ns_;
      g.end_ns = std::max(Now(CLOCK_REALTIME), g.start_ns);
      g.detail = "recording stopped while disconnected from " +
                 nats::RedactUrl(options_.connection.server);
      in_outage_ = false;
      ++outages_;
      queue_->PushGap(g);
    }
  }
  subs_.clear();
  conn_.reset();
  queue_->Close(Now(CLOCK_REALTIME));
}

Result<RecorderSummary> Recorder::Run(const std::function<void(const LiveStats&)>& on_tick) {
  EVTAPE_RETURN_IF_ERROR(Validate());
  const int64_t started = Now(CLOCK_MONOTONIC);
  EVTAPE_ASSIGN_OR_RETURN(ResumeInfo resume,
                          InspectOutput(fs_, options_.output_dir, Now(CLOCK_REALTIME)));
  nats::ConnectSettings settings;
  settings.listener = this;
  settings.single_delivery_thread = true;
  settings.cancelled = [this] {
    std::lock_guard<std::mutex> lock(mu_);
    return stop_requested_;
  };
  // Nothing is created on disk before a server answered.
  EVTAPE_ASSIGN_OR_RETURN(conn_, nats::Connect(options_.connection, settings));
  EVTAPE_RETURN_IF_ERROR(fs_->CreateDir(options_.output_dir));

  SinkOptions so;
  so.dir = options_.output_dir;
  so.base.recording_id = resume.recording_id.empty() ? NewRecordingId() : resume.recording_id;
  so.base.tool = options_.tool;
  so.base.source = nats::RedactUrl(options_.connection.server);
  so.base.subscriptions = options_.subjects;
  so.base.host = HostName();
  so.base.extra = {{"raw_headers", nats::RawMessagesSupported() ? "exact" : "rebuilt"}};
  so.first_index = resume.next_index;
  so.first_seq = resume.next_seq;
  so.max_segment_bytes = options_.max_segment_bytes;
  so.max_segment_duration_ns = options_.max_segment_duration_ns;
  so.fsync = options_.fsync;
  so.zstd_level = options_.zstd_level;
  so.direct_io = options_.direct_io;
  so.compression_threads = options_.compression_threads >= 0 ? options_.compression_threads
                                                             : DefaultCompressionThreads();
  so.flush_interval_ns = options_.flush_interval_ns;
  so.segment_stats = options_.segment_stats;
  SegmentSink sink(fs_, so, &counters_);
  EVTAPE_RETURN_IF_ERROR(sink.Open());
  if (resume.restart_gap) EVTAPE_RETURN_IF_ERROR(sink.AddGap(*resume.restart_gap));

  queue_ = std::make_unique<HandoffQueue>(options_.queue_max_messages, options_.queue_max_bytes);
  std::thread writer([this, &sink] { WriterLoop(&sink); });
  Status sub_status = Subscribe();
  if (sub_status.ok()) {
    std::string subjects;
    for (const auto& s : options_.subjects) subjects += (subjects.empty() ? "" : ", ") + s;
    Log("recording " + subjects + " from " + so.base.source + " to " + sink.current_path() +
        (resume.restart_gap ? " (after an unclean stop: restart gap recorded)" : ""));
    WaitForStop(on_tick);
  }
  Shutdown();
  writer.join();
  if (!sub_status.ok()) return sub_status;

  RecorderSummary sum;
  sum.status = writer_status_;
  sum.dir = options_.output_dir;
  sum.messages = counters_.frames.load();
  sum.raw_bytes = counters_.raw_bytes.load();
  sum.stored_bytes = counters_.stored_bytes.load();
  sum.segments = counters_.segments.load();
  sum.chunks = counters_.chunks.load();
  sum.chunks_stored_behind = counters_.chunks_stored_behind.load();
  sum.gaps = counters_.gaps.load();
  QueueStats qs = queue_->stats();
  sum.dropped_by_queue = qs.dropped;
  sum.peak_queue_messages = qs.peak_messages;
  sum.peak_queue_bytes = qs.peak_bytes;
  sum.dropped_by_client = dropped_by_client_;
  sum.outages = outages_;
  sum.restart_gap = resume.restart_gap.has_value();
  sum.elapsed_ns = Now(CLOCK_MONOTONIC) - started;
  sum.exact_headers = exact_headers_.load();
  sum.duplicates_skipped = duplicates_.load();
  return sum;
}

}  // namespace evtape::record
