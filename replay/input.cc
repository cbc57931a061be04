#include "replay/input.h"

#include <cstdlib>
#include <cstring>
#include <limits>
#include <thread>

namespace evtape::replay {

namespace {

// Chunks decoded ahead per input on a background thread, so that the publishing thread does
// not also decompress, checksum and parse. One chunk ahead (double buffering) is enough to
// overlap the two. Only with cores to spare: on 2 vCPUs shared with a local nats-server the
// decode thread has no idle core to run on, and the publisher then reads every frame cold
// from another core's cache; measured there (bench/replay.sh, interleaved rounds), decoding
// on the publishing thread was faster: 87% vs 84% of a bare publisher at 1.5 KiB, 98% vs 84%
// at 300 B.
constexpr size_t kReadAheadChunks = 1;
constexpr unsigned kReadAheadMinCores = 4;

// EVTAPE_REPLAY_READ_AHEAD=1|0 overrides the choice, so that bench/replay.sh can measure both
// on one machine.
bool UseReadAhead() {
  if (const char* v = std::getenv("EVTAPE_REPLAY_READ_AHEAD"); v != nullptr && *v != '\0') {
    return std::strcmp(v, "0") != 0;
  }
  return std::thread::hardware_concurrency() >= kReadAheadMinCores;
}

// Forwards reader issues to the sink. One per source so that each knows its input.
class ForwardingReporter : public format::Reporter {
 public:
  explicit ForwardingReporter(InputSink* sink) : sink_(sink) {}
  void OnIssue(const format::ReadIssue& issue) override {
    if (sink_ != nullptr) sink_->OnReadIssue(issue);
  }

 private:
  InputSink* sink_;
};

}  // namespace

struct MergedInput::Source {
  std::string input;
  std::unique_ptr<ForwardingReporter> reporter;
  // Exactly one is set; both have the same Next() contract.
  std::unique_ptr<format::ReadAheadReader> ahead;
  std::unique_ptr<format::RecordingReader> reader;
  format::Entry head;
  bool has_head = false;
};

MergedInput::MergedInput(std::vector<std::string> inputs, bool skip_corrupt, InputSink* sink)
    : inputs_(std::move(inputs)), skip_corrupt_(skip_corrupt), sink_(sink) {}

MergedInput::~MergedInput() = default;

Result<std::unique_ptr<MergedInput>> MergedInput::Open(const std::vector<std::string>& inputs,
                                                       bool skip_corrupt, InputSink* sink) {
  std::unique_ptr<MergedInput> m(new MergedInput(inputs, skip_corrupt, sink));
  EVTAPE_RETURN_IF_ERROR(m->OpenAll());
  return m;
}

Status MergedInput::OpenAll() {
  sources_.clear();
  last_ = nullptr;
  FileSystem* fs = FileSystem::Default();
  int64_t first = std::numeric_limits<int64_t>::max();
  for (const std::string& input : inputs_) {
    auto src = std::make_unique<Source>();
    src->input = input;
    src->reporter = std::make_unique<ForwardingReporter>(sink_);
    format::ReaderOptions ro;
    ro.recovery = skip_corrupt_ ? format::Recovery::kSkipDamage : format::Recovery::kStrict;
    // Every record's stored bytes are still checked (damage on disk); the second pass over
    // each zstd chunk's decompressed content measured 12% of a max-speed replay at 1.5 KiB.
    ro.verify_zstd_content = false;
    ro.reporter = src->reporter.get();
    if (UseReadAhead()) {
      EVTAPE_ASSIGN_OR_RETURN(src->ahead,
                              format::ReadAheadReader::Open(fs, {input}, ro, kReadAheadChunks));
    } else {
      EVTAPE_ASSIGN_OR_RETURN(src->reader, format::RecordingReader::Open(fs, {input}, ro));
    }
    EVTAPE_RETURN_IF_ERROR(Advance(src.get()));
    if (src->has_head) {
      any_frame_ = true;
      first = std::min(first, src->head.frame.time_ns);
    }
    sources_.push_back(std::move(src));
  }
  first_time_ns_ = any_frame_ ? first : 0;
  return Status::Ok();
}

// Reads the source's next frame into its head, passing gap records to the sink.
Status MergedInput::Advance(Source* s) {
  for (;;) {
    auto more = s->ahead ? s->ahead->Next(&s->head) : s->reader->Next(&s->head);
    if (!more.ok()) return more.status();
    if (!*more) {
      s->has_head = false;
      return Status::Ok();
    }
    if (s->head.kind == format::Entry::Kind::kFrame) {
      s->has_head = true;
      return Status::Ok();
    }
    if (sink_ != nullptr) sink_->OnGap(s->input, s->head.gap);
  }
}

Result<bool> MergedInput::Next(format::FrameView* frame) {
  if (last_ != nullptr) {
    EVTAPE_RETURN_IF_ERROR(Advance(last_));
    last_ = nullptr;
  }
  Source* best = nullptr;
  for (auto& s : sources_) {
    if (!s->has_head) continue;
    // Strictly earlier only: on a tie the input named first wins.
    if (best == nullptr || s->head.frame.time_ns < best->head.frame.time_ns) best = s.get();
  }
  if (best == nullptr) return false;
  *frame = best->head.frame;
  last_ = best;
  return true;
}

Status MergedInput::Rewind() { return OpenAll(); }

}  // namespace evtape::replay
