#include "format/read_ahead.h"

#include <system_error>
#include <utility>

namespace evtape::format {

// One step of the stream: what one RecordingReader::NextBatch call produced.
struct ReadAheadReader::Slot {
  EntryBatch batch;
  std::vector<ReadIssue> issues;  // reported while producing it, in order
  ReadStats stats;                // RecordingReader::stats() right after producing it
  Status status;                  // the error that ends the stream here, if any
  bool end = false;               // the stream ends here (after these entries: none)
};

// The producer's Reporter: keeps issues in the slot being filled, so that they reach the
// user's reporter on the caller's thread, in stream order.
class ReadAheadReader::Collector : public Reporter {
 public:
  void set_target(std::vector<ReadIssue>* target) { target_ = target; }
  void OnIssue(const ReadIssue& issue) override {
    if (target_ != nullptr) target_->push_back(issue);
  }

 private:
  std::vector<ReadIssue>* target_ = nullptr;
};

Result<std::unique_ptr<ReadAheadReader>> ReadAheadReader::Open(
    FileSystem* fs, const std::vector<std::string>& inputs, const ReaderOptions& options,
    size_t depth) {
  if (depth == 0) return Status::InvalidArgument("read-ahead depth must be at least 1");
  auto collector = std::make_unique<Collector>();
  ReaderOptions ro = options;
  ro.reporter = collector.get();
  EVTAPE_ASSIGN_OR_RETURN(auto reader, RecordingReader::Open(fs, inputs, ro));
  std::unique_ptr<ReadAheadReader> r(
      new ReadAheadReader(std::move(reader), std::move(collector), options.reporter, depth));
  try {
    r->thread_ = std::thread([p = r.get()] { p->Produce(); });
  } catch (const std::system_error& e) {
    return Status::IOError(std::string("cannot start the read-ahead thread: ") + e.what());
  }
  return r;
}

ReadAheadReader::ReadAheadReader(std::unique_ptr<RecordingReader> reader,
                                 std::unique_ptr<Collector> collector, Reporter* user, size_t depth)
    : reader_(std::move(reader)),
      collector_(std::move(collector)),
      ring_(depth + 1),
      name_(reader_->name()),
      user_reporter_(user) {}

ReadAheadReader::~ReadAheadReader() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  freed_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ReadAheadReader::Produce() {
  for (;;) {
    Slot* slot = nullptr;
    {
      std::unique_lock lock(mu_);
      freed_cv_.wait(lock, [this] { return stop_ || produced_ - consumed_ < ring_.size(); });
      if (stop_) return;
      slot = &ring_[produced_ % ring_.size()];
    }
    // The slot is the producer's alone until produced_ moves past it: fill it unlocked.
    const bool more = FillSlot(slot);
    {
      std::lock_guard lock(mu_);
      ++produced_;
    }
    filled_cv_.notify_one();
    if (!more) return;
  }
}

bool ReadAheadReader::FillSlot(Slot* slot) {
  slot->batch.Clear();  // the caller moved past it: its views are dead
  slot->issues.clear();
  collector_->set_target(&slot->issues);
  Result<bool> more = reader_->NextBatch(&slot->batch);
  collector_->set_target(nullptr);
  slot->stats = reader_->stats();
  slot->status = more.status();
  slot->end = more.ok() && !*more;
  return more.ok() && *more;
}

// Releases the slot the caller has finished and waits for the next one. The producer always
// produces again (or has ended the stream in the last slot taken), so this wait ends.
void ReadAheadReader::TakeNextSlot() {
  if (current_ != nullptr) {
    {
      std::lock_guard lock(mu_);
      ++consumed_;
    }
    current_ = nullptr;
    // Notified unlocked: a producer woken while we hold mu_ would only block on it again.
    freed_cv_.notify_one();
  }
  {
    std::unique_lock lock(mu_);
    filled_cv_.wait(lock, [this] { return produced_ > consumed_; });
    current_ = &ring_[consumed_ % ring_.size()];
  }
  next_entry_ = 0;
  stats_ = current_->stats;
  if (user_reporter_ != nullptr) {
    for (const ReadIssue& issue : current_->issues) user_reporter_->OnIssue(issue);
  }
  if (!current_->status.ok()) {
    error_ = current_->status;
  } else if (current_->end) {
    finished_ = true;
  }
}

Result<bool> ReadAheadReader::Next(Entry* entry) {
  while (true) {
    if (!error_.ok()) return error_;
    if (finished_) return false;
    if (current_ != nullptr && next_entry_ < current_->batch.entries.size()) {
      *entry = std::move(current_->batch.entries[next_entry_++]);
      return true;
    }
    TakeNextSlot();
  }
}

}  // namespace evtape::format
