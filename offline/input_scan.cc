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
    EVTAPE_RETURN_IF_ERROR(ScanSegments(segments, log, on_entry, totals));
  }
  return Status::Ok();
}

}  // namespace evtape::offline
