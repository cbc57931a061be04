#include "record/capture_writer.h"

#include <algorithm>

#include "format/compact.h"
#include "format/recording.h"
#include "nats/frame.h"
#include "util/clock.h"

namespace evtape::record {
namespace {

// Messages found queued at once below which the writer counts as keeping up (a few ms of a
// fast stream): it may then compress on its own thread.
constexpr size_t kKeepingUpBatch = 2048;
// Buffer fill levels that switch storing-when-behind on and off, and how long it stays on: a
// long burst is stored rather than half-compressed at the stream's expense; a short one is
// compressed.
constexpr double kPressureOn = 1.0 / 16, kPressureOff = 1.0 / 64;
constexpr int64_t kPressureHoldNs = 2'000'000'000;

}  // namespace

CaptureWriter::CaptureWriter(CaptureWriterOptions options) : options_(std::move(options)) {}

CaptureWriter::~CaptureWriter() = default;

Result<std::unique_ptr<CaptureWriter>> CaptureWriter::Open(FileSystem* fs,
                                                           CaptureWriterOptions options) {
  std::unique_ptr<CaptureWriter> w(new CaptureWriter(std::move(options)));
  w->compression_ = std::make_shared<PressureCompression>(w->options_.compression);
  format::RecordingWriterOptions ro = w->options_.recording;
  ro.compression = w->compression_;
  if (w->options_.compact) {
    w->compactor_ = std::make_unique<Compactor>(fs, w->options_.compact_options);
    Compactor* c = w->compactor_.get();
    ro.on_sealed = [c](const std::string& path) { c->Enqueue(path, true); };
  }
  if (w->options_.ring.enabled()) {  // after compaction is queued, so that it can withdraw
    ro.on_sealed = [w = w.get(), compact = std::move(ro.on_sealed)](const std::string& path) {
      if (compact) compact(path);
      if (w->ring_) (void)w->ring_->OnSealed(path);  // a failure is kept in last_error()
    };
  }
  EVTAPE_ASSIGN_OR_RETURN(w->recording_, format::RecordingWriter::Create(fs, std::move(ro)));
  EVTAPE_RETURN_IF_ERROR(w->recording_->Open());
  if (w->compactor_) {
    const std::string& dir = w->recording_->dir();
    EVTAPE_RETURN_IF_ERROR(format::RemoveCompactionLeftovers(fs, dir));
    // Segments an earlier run sealed (and perhaps never compacted, if it was killed).
    if (auto old = format::ListSegments(fs, dir); old.ok()) {
      for (const auto& path : *old) {
        if (path.ends_with(format::kSegmentSuffix)) w->compactor_->Enqueue(path, false);
      }
    }
  }
  if (w->options_.ring.enabled()) {
    EVTAPE_ASSIGN_OR_RETURN(w->ring_, Ring::Open(fs, w->recording_->dir(), w->options_.ring,
                                                 w->compactor_.get(), w->current_path(),
                                                 [] { return RealtimeNs(); }));
  }
  w->Publish();
  return w;
}

Status CaptureWriter::WriteGap(const format::Gap& gap) {
  Status s = recording_->AddGap(gap);
  Publish();
  return s;
}

void CaptureWriter::UpdatePressure(size_t batch_size, double fill, int64_t now) {
  compression_->SetKeepingUp(batch_size < kKeepingUpBatch);
  // Storing chunks uncompressed is the last resort before dropping: from 1/16 of the buffer
  // on, until it is nearly empty again and has stayed calm for 2 s.
  if (fill > kPressureOn) {
    pressure_ = true;
    pressure_until_ = now + kPressureHoldNs;
  }
  if (pressure_ && fill < kPressureOff && now >= pressure_until_) pressure_ = false;
  compression_->SetUnderPressure(pressure_);
}

Status CaptureWriter::WriteMessage(const QueueItem& item) {
  format::FrameView f = nats::MessageToFrame(item.msg.get(), item.time_ns, item.mono_ns,
                                             &scratch_, &exact_headers_);
  Status s = recording_->Add(f);
  if (!s.ok() && s.code() == Status::Code::kInvalidArgument) {
    // Refused alone (e.g. an oversized field): the writer stays usable; count it as lost.
    format::Gap g{format::GapReason::kOther, f.time_ns, f.time_ns, 1, 0,
                  "message refused by the segment writer: " + s.message()};
    s = recording_->AddGap(g);
  }
  return s;
}

void CaptureWriter::WriteBatch(std::vector<QueueItem>* batch, HandoffQueue* queue,
                               Status* failure) {
  uint64_t released_msgs = 0, released_bytes = 0;
  for (QueueItem& item : *batch) {
    if (!item.msg) {
      if (failure->ok()) *failure = recording_->AddGap(item.gap);
      continue;
    }
    ++released_msgs;
    released_bytes += nats::MessageMemory(item.msg.get());
    if (failure->ok()) {
      *failure = WriteMessage(item);
    } else {
      std::lock_guard<std::mutex> lock(mu_);
      ++discarded_;  // the recording stopped: counted, never silently dropped
    }
  }
  batch->clear();  // frees the messages
  queue->Release(released_msgs, released_bytes);
}

Status CaptureWriter::Run(HandoffQueue* queue, const std::function<void(const Status&)>& on_failure) {
  bool reported = false;
  std::vector<QueueItem> batch;
  Status failure;
  int64_t flush_due = -1;  // monotonic deadline of the next flush; -1: nothing to flush
  for (bool more = true; more;) {
    const int64_t wait = flush_due < 0 ? -1 : std::max<int64_t>(0, flush_due - MonotonicNs());
    more = queue->PopAll(&batch, wait, /*wake_on_first=*/flush_due < 0);
    const int64_t now = MonotonicNs();
    if (!batch.empty() && flush_due < 0) flush_due = now + options_.flush_interval_ns;
    UpdatePressure(batch.size(), queue->fill(), now);
    WriteBatch(&batch, queue, &failure);
    if (failure.ok()) failure = recording_->Poll();  // chunks the compression workers finished
    if (flush_due >= 0 && MonotonicNs() >= flush_due) {
      if (failure.ok()) {
        failure = options_.fsync == FsyncPolicy::kInterval ? recording_->Sync()
                                                           : recording_->Flush();
      }
      flush_due = -1;
    }
    Publish(!failure.ok());
    if (!failure.ok() && !reported && on_failure) {
      on_failure(failure);  // the run stops; we keep draining so that producers are not held
      reported = true;
    }
  }
  if (failure.ok()) failure = recording_->Close();
  Publish(!failure.ok());
  return failure;
}

void CaptureWriter::Publish(bool failed) {
  std::lock_guard<std::mutex> lock(mu_);
  published_ = recording_->stats();
  published_failed_ = failed;
  published_exact_headers_ = exact_headers_;
}

CompactorStats CaptureWriter::FinishCompaction(uint64_t max_raw_bytes) {
  if (!compactor_) return CompactorStats{};
  compactor_->Finish(max_raw_bytes);
  CompactorStats st = compactor_->stats();
  std::lock_guard<std::mutex> lock(mu_);
  compacted_savings_ = st.bytes_before - st.bytes_after;
  return st;
}

void CaptureWriter::CancelCompaction() {
  if (compactor_) compactor_->Cancel();
}

void CaptureWriter::Contribute(RecorderStats* s) const {
  std::lock_guard<std::mutex> lock(mu_);
  // While writing, messages in the open chunk count (they reach the file at the next flush);
  // once a write failed, only what reached the file does, and the rest is stated as lost.
  s->messages = published_failed_ ? published_.frames_written : published_.frames;
  s->not_written = discarded_ + (published_failed_ ? published_.frames - published_.frames_written : 0);
  s->raw_bytes = published_.raw_bytes;
  // What is on disk: compaction shrank sealed segments (earlier runs' included, at most).
  s->stored_bytes = published_.file_bytes - std::min(published_.file_bytes, compacted_savings_);
  s->segments = published_.segments;
  s->gaps = published_.gaps;
  s->chunks = published_.chunks;
  s->chunks_stored_behind = published_.chunks_stored_behind;
  s->exact_headers = published_exact_headers_;
  if (ring_) {
    const format::RingState r = ring_->state();
    s->ring = true;
    s->ring_deleted_segments = r.deleted_segments;
    s->ring_deleted_messages = r.deleted_frames;
    s->ring_kept_from_ns = ring_->kept_from_ns();
  }
}

}  // namespace evtape::record
