#include "wasmcloud/event_stats.h"

#include <algorithm>

namespace evtape::wasmcloud {
namespace {

constexpr int kStatsVersion = 1;

int64_t SecondOf(int64_t ns) { return ns >= 0 ? ns / 1000000000 : (ns - 999999999) / 1000000000; }

uint64_t U64(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_unsigned() ? it->get<uint64_t>() : 0;
}

}  // namespace

double KeyRate::Avg() const {
  if (count == 0) return 0;
  return static_cast<double>(count) / static_cast<double>(last_s - first_s + 1);
}

void KeyRate::Merge(const KeyRate& o) {
  if (o.count == 0) return;
  if (count == 0) {
    *this = o;
    return;
  }
  // Disjoint spans with a whole second between them: that second had no message.
  bool apart = o.first_s > last_s + 1 || first_s > o.last_s + 1;
  count += o.count;
  min = apart ? 0 : std::min(min, o.min);
  max = std::max(max, o.max);
  first_s = std::min(first_s, o.first_s);
  last_s = std::max(last_s, o.last_s);
}

nlohmann::json KeyRate::ToJson() const {
  return {{"count", count}, {"min", min}, {"max", max}, {"first_s", first_s}, {"last_s", last_s}};
}

bool KeyRate::FromJson(const nlohmann::json& j, KeyRate* out) {
  if (!j.is_object()) return false;
  for (const char* k : {"count", "min", "max"}) {
    auto it = j.find(k);
    if (it == j.end() || !it->is_number_unsigned()) return false;
  }
  for (const char* k : {"first_s", "last_s"}) {
    auto it = j.find(k);
    if (it == j.end() || !it->is_number_integer()) return false;
  }
  KeyRate r;
  r.count = j["count"].get<uint64_t>();
  r.min = j["min"].get<uint64_t>();
  r.max = j["max"].get<uint64_t>();
  r.first_s = j["first_s"].get<int64_t>();
  r.last_s = j["last_s"].get<int64_t>();
  if (r.last_s < r.first_s || r.min > r.max || r.max > r.count) return false;
  *out = r;
  return true;
}

void EventStats::Live::Close(uint64_t n) {
  rate.min = closed_any ? std::min(rate.min, n) : n;
  rate.max = std::max(rate.max, n);
  closed_any = true;
}

void EventStats::Live::Tick(int64_t s) {
  rate.count++;
  if (!started) {
    started = true;
    cur_s = rate.first_s = rate.last_s = s;
    cur_n = 1;
    return;
  }
  if (s <= cur_s) {  // same second, or time went backwards: count it in the open second
    cur_n++;
    return;
  }
  Close(cur_n);
  if (s > cur_s + 1) Close(0);  // the seconds skipped in between had no message
  cur_s = rate.last_s = s;
  cur_n = 1;
}

KeyRate EventStats::Live::Final() const {
  Live copy = *this;
  if (copy.started) copy.Close(cur_n);
  return copy.rate;
}

void EventStats::Count(LiveMap* map, LastKey* last, uint64_t* overflow, std::string_view key,
                        int64_t s) {
  if (last->live != nullptr && last->key == key) {
    last->live->Tick(s);
    return;
  }
  auto it = map->find(key);
  if (it == map->end()) {
    if (map->size() >= max_keys_) {
      ++*overflow;
      return;
    }
    it = map->emplace(std::string(key), Live()).first;
  }
  it->second.Tick(s);
  last->live = &it->second;
  last->key.assign(key);
}

void EventStats::Add(const format::FrameView& frame) {
  frames_++;
  int64_t s = SecondOf(frame.time_ns);
  total_.Tick(s);
  Count(&live_subjects_, &last_subject_, &subjects_overflow_, frame.subject, s);
  if (!PeekCloudEvent(frame.payload, &peek_, kCeType | kCeSource) || !peek_.has_type) {
    non_cloudevent_++;
    return;
  }
  Count(&live_types_, &last_type_, &types_overflow_, peek_.type, s);
  if (peek_.has_source) Count(&live_sources_, &last_source_, &sources_overflow_, peek_.source, s);
}

KeyRate EventStats::total() const {
  KeyRate r = merged_total_;
  r.Merge(total_.Final());
  return r;
}

EventStats::Table EventStats::Combined(const Table& merged, const LiveMap& live,
                                         uint64_t overflow) {
  Table t = merged;
  t.overflow += overflow;
  for (const auto& [key, l] : live) t.keys[key].Merge(l.Final());
  return t;
}

nlohmann::json EventStats::TableJson(const Table& t) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [key, rate] : t.keys) j[key] = rate.ToJson();
  return j;
}

nlohmann::json EventStats::ToJson() const {
  nlohmann::json j = nlohmann::json::object();
  j["stats_version"] = kStatsVersion;
  j["frames"] = frames();
  j["non_cloudevent"] = non_cloudevent_;
  j["rate"] = total().ToJson();
  Table t = types(), so = sources(), su = subjects();
  j["types"] = TableJson(t);
  j["types_overflow"] = t.overflow;
  j["sources"] = TableJson(so);
  j["sources_overflow"] = so.overflow;
  j["subjects"] = TableJson(su);
  j["subjects_overflow"] = su.overflow;
  return j;
}

void EventStats::MergeTable(const nlohmann::json& j, Table* into) {
  if (!j.is_object()) return;
  for (auto it = j.begin(); it != j.end(); ++it) {
    KeyRate r;
    if (KeyRate::FromJson(it.value(), &r)) into->keys[it.key()].Merge(r);
  }
}

Status EventStats::MergeJson(const nlohmann::json& extra) {
  if (!extra.is_object()) return Status::InvalidArgument("footer extra is not an object");
  auto v = extra.find("stats_version");
  if (v == extra.end() || !v->is_number_integer() || v->get<int64_t>() != kStatsVersion) {
    return Status::InvalidArgument("footer extra holds no evtape statistics");
  }
  KeyRate total;
  auto rate = extra.find("rate");
  if (rate != extra.end() && KeyRate::FromJson(*rate, &total)) {
    merged_total_.Merge(total);
  }
  non_cloudevent_ += U64(extra, "non_cloudevent");
  auto table = [&](const char* name, const char* overflow, Table* into) {
    auto it = extra.find(name);
    if (it != extra.end()) MergeTable(*it, into);
    into->overflow += U64(extra, overflow);
  };
  table("types", "types_overflow", &types_);
  table("sources", "sources_overflow", &sources_);
  table("subjects", "subjects_overflow", &subjects_);
  return Status::Ok();
}

format::SegmentStatsFactory EventStatsFactory() {
  return [] { return std::make_unique<EventStats>(); };
}

}  // namespace evtape::wasmcloud
