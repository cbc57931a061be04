#include "offline/report.h"

#include <algorithm>
#include <cstdio>
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

// Keeps the `max` busiest lanes (in their order) and sums the others into one last lane.
void CapLanes(size_t max, Report* r) {
  if (max == 0 || r->lanes.size() <= max) return;
  std::vector<size_t> order(r->lanes.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return r->lanes[a].total > r->lanes[b].total; });
  std::vector<bool> keep(r->lanes.size(), false);
  for (size_t i = 0; i + 1 < max; ++i) keep[order[i]] = true;
  std::vector<ReportLane> kept;
  char name[48];  // snprintf: g++ 12 warns falsely (-Wrestrict) on "(" + std::to_string(n)
  std::snprintf(name, sizeof(name), "(%zu other lanes)", r->lanes.size() - (max - 1));
  ReportLane rest{name, 0, std::vector<uint64_t>(r->totals.size(), 0), {}, {}};
  size_t merged = 0;
  for (size_t i = 0; i < r->lanes.size(); ++i) {
    ReportLane& l = r->lanes[i];
    if (keep[i]) {
      kept.push_back(std::move(l));
      continue;
    }
    if (merged++ == 0 || l.first.time_ns < rest.first.time_ns) rest.first = std::move(l.first);
    if (merged == 1 || l.last.time_ns >= rest.last.time_ns) rest.last = std::move(l.last);
    rest.total += l.total;
    for (size_t b = 0; b < l.counts.size(); ++b) rest.counts[b] += l.counts[b];
  }
  kept.push_back(std::move(rest));
  r->lanes = std::move(kept);
}

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
  CapLanes(o.max_lanes, &r);
  return r;
}

}  // namespace evtape::offline
