#include "offline/input_scan.h"

#include "jsonl/input.h"
#include "jsonl/jsonl_source.h"

namespace evtape::offline {
namespace {

Status ScanJsonl(const std::string& path,
                 const std::function<Status(const format::Entry&)>& on_entry, ScanTotals* totals,
                 JsonlTotals* jsonl) {
  EVTAPE_ASSIGN_OR_RETURN(auto source, jsonl::JsonlSource::Open(path));
  format::Entry e;
  while (true) {
    EVTAPE_ASSIGN_OR_RETURN(bool more, source->Next(&e));
    if (!more) break;
    if (e.kind == format::Entry::Kind::kFrame) {
      totals->frames++;
      totals->raw_bytes += e.frame.RawSize();
    } else {
      totals->gaps++;
    }
    EVTAPE_RETURN_IF_ERROR(on_entry(e));
  }
  jsonl->files++;
  jsonl->lines += source->lines();
  return Status::Ok();
}

// Within one recording, frame seqs grow across all its segments. Two writers in one directory,
// or segments of two recordings put together, break that, and nothing else would notice: the
// frames themselves are intact. One issue per recording, with the first place it happened.
class SeqOrder {
 public:
  void Saw(const format::Entry& e) {
    if (e.kind != format::Entry::Kind::kFrame) return;
    if (e.frame.seq > last_) {
      last_ = e.frame.seq;
      return;
    }
    if (backwards_++ == 0) {
      first_ = "seq " + std::to_string(e.frame.seq) + " after " + std::to_string(last_);
    }
  }
  void Report(const std::string& input, IssueLog* log) const {
    if (backwards_ == 0) return;
    log->OnIssue({format::ReadIssue::Kind::kCorruption, input, 0, 0, 0,
                  "sequence numbers go back " + std::to_string(backwards_) + " time(s), first " +
                      first_ + ": two writers in one directory, or segments of different "
                      "recordings"});
  }

 private:
  uint64_t last_ = 0, backwards_ = 0;
  std::string first_;
};

}  // namespace

Status ScanInputs(const std::vector<std::string>& inputs, IssueLog* log,
                  const std::function<Status(const format::Entry&)>& on_entry, ScanTotals* totals,
                  JsonlTotals* jsonl) {
  for (const std::string& input : inputs) {
    if (jsonl::IsJsonlInput(input)) {
      EVTAPE_RETURN_IF_ERROR(ScanJsonl(input, on_entry, totals, jsonl));
      continue;
    }
    EVTAPE_ASSIGN_OR_RETURN(auto segments, format::ListSegments(FileSystem::Default(), input));
    SeqOrder order;
    auto checked = [&](const format::Entry& e) {
      order.Saw(e);
      return on_entry(e);
    };
    EVTAPE_RETURN_IF_ERROR(ScanSegments(segments, log, checked, totals));
    order.Report(input, log);
  }
  return Status::Ok();
}

}  // namespace evtape::offline
