#include "offline/report.h"

#include <algorithm>
#include <unordered_map>

#include "jsonl/input.h"
#include "util/units.h"
#include "wasmcloud/cloudevent_peek.h"

namespace evtape::offline {
namespace {

format::Frame Kept(const format::FrameView& f) {
  format::Frame kept = format::Frame::From(f);
  if (kept.payload.size() > kReportPayloadBytes) kept.payload.resize(kReportPayloadBytes);
  return kept;
}

// The snapshot trigger a recording's metadata may carry: extra {"trigger": {"time", "reason"}}.
void ReadTrigger(const RecordingInfo& info, Report* r) {
  if (!info.metadata) return;
  const nlohmann::json& extra = info.metadata->extra;
  auto it = extra.find("trigger");
  if (it == extra.end() || !it->is_object()) return;
  if (auto t = it->find("time"); t != it->end() && t->is_string()) {
    r->trigger_ns = ParseRfc3339(t->get<std::string>());
  }
  if (auto why = it->find("reason"); why != it->end() && why->is_string()) {
    r->trigger_reason = why->get<std::string>();
  }
}

class Aggregator {
 public:
  Aggregator(Report* r, const ReportOptions& o) : r_(r), o_(o) {
    r_->totals.assign(o_.buckets, 0);
  }
  void Add(const format::FrameView& f) {
    r_->frames++;
    std::string key = "(not a CloudEvent)";
    if (wasmcloud::PeekCloudEvent(f.payload, &peek_, wasmcloud::kCeType | wasmcloud::kCeSource) &&
        peek_.has_type) {
      key = peek_.type;
      if (o_.per_host) key += " @ " + (peek_.has_source ? peek_.source : std::string("?"));
    }
    auto [it, added] = index_.try_emplace(key, r_->lanes.size());
    if (added) {
      r_->lanes.push_back(ReportLane{key, 0, std::vector<uint64_t>(o_.buckets, 0), Kept(f), {}});
    }
    ReportLane& lane = r_->lanes[it->second];
    size_t b = Bucket(f.time_ns);
    lane.counts[b]++;
    r_->totals[b]++;
    lane.total++;
    lane.last = Kept(f);
  }

 private:
  size_t Bucket(int64_t t) const {
    const int64_t span = std::max<int64_t>(1, r_->end_ns - r_->start_ns + 1);
    const int64_t off = std::clamp<int64_t>(t - r_->start_ns, 0, span - 1);
    auto b = static_cast<size_t>(static_cast<long double>(off) * o_.buckets / span);
    return std::min(b, o_.buckets - 1);
  }
  Report* r_;
  const ReportOptions& o_;
  wasmcloud::CloudEventPeek peek_;
  std::unordered_map<std::string, size_t> index_;
};

}  // namespace

Result<Report> BuildReport(const std::vector<std::string>& inputs, const ReportOptions& options) {
  Report r;
  r.inputs = inputs;
  EVTAPE_ASSIGN_OR_RETURN(r.info, CollectInfo(inputs, /*force_scan=*/false));
  if (r.info.frames == 0 || !r.info.first_time_ns || !r.info.last_time_ns) {
    return Status::InvalidArgument("no messages to report");
  }
  r.start_ns = *r.info.first_time_ns;
  r.end_ns = *r.info.last_time_ns;
  ReadTrigger(r.info, &r);
  ReportOptions o = options;
  o.buckets = std::clamp<size_t>(o.buckets, 10, 2000);
  Aggregator agg(&r, o);
  EVTAPE_ASSIGN_OR_RETURN(auto source,
                          jsonl::OpenInputs(inputs, jsonl::Combine::kMerge, jsonl::InputOptions{}));
  format::Entry e;
  while (true) {
    EVTAPE_ASSIGN_OR_RETURN(bool more, source->Next(&e));
    if (!more) break;
    if (e.kind == format::Entry::Kind::kGap) {
      r.gaps.push_back(e.gap);
    } else {
      agg.Add(e.frame);
    }
  }
  return r;
}

}  // namespace evtape::offline
