// EventStats: the statistics every writer of a recording puts in each segment footer's `extra`
// (SegmentWriter::Seal(extra)), so that `info` on a sealed recording reports CloudEvent types,
// sources and per-second rates without decompressing anything.
//
// Writers feed every frame (Add) and call ToJson() at Seal. Readers rebuild an EventStats from
// each segment's extra (MergeJson) and sum them; `info`'s scan fallback feeds Add directly, so
// both paths give the same figures.
//
// Rates are messages per whole second of receive time (floor(time_ns / 1e9)). For each key:
// count, the busiest second (max), the quietest second between its first and last message
// (min, 0 when a second in between had none) and the active span (first_s..last_s), from which
// avg = count / (last_s - first_s + 1). Frames whose time goes backwards count in the current
// second. Across segments the figures are merged per key (sum, min, max, union of spans; a
// second split by a segment boundary counts as two partial seconds).
//
// At most max_keys distinct keys are tracked per table (types, sources, subjects); frames of
// further keys are counted in the table's overflow. Not thread-safe: one owner.
//
// extra JSON (stats_version 1):
//   {"stats_version":1, "frames":N, "non_cloudevent":N,
//    "rate":{"count":N,"min":N,"max":N,"first_s":S,"last_s":S},
//    "types":{"<type>":{rate}...}, "types_overflow":N,
//    "sources":{"<source>":{rate}...}, "sources_overflow":N,
//    "subjects":{"<subject>":{rate}...}, "subjects_overflow":N}
// A format::SegmentStats: SegmentStatsFactory() makes one per segment for a writer.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "wasmcloud/cloudevent_peek.h"
#include "format/status.h"
#include "format/segment_stats.h"
#include "format/types.h"

namespace evtape::wasmcloud {

struct KeyRate {
  uint64_t count = 0;
  uint64_t min = 0, max = 0;  // messages per second over the key's active span
  int64_t first_s = 0, last_s = 0;
  double Avg() const;
  // Folds another segment's figures for the same key into this one.
  void Merge(const KeyRate& other);
  nlohmann::json ToJson() const;
  static bool FromJson(const nlohmann::json& j, KeyRate* out);
};

class EventStats : public format::SegmentStats {
 public:
  static constexpr size_t kDefaultMaxKeys = 10000;
  explicit EventStats(size_t max_keys = kDefaultMaxKeys) : max_keys_(max_keys) {}

  void Add(const format::FrameView& frame) override;
  nlohmann::json ToJson() const override;
  // Adds the figures of one footer's extra. InvalidArgument (stats left unchanged) when `extra`
  // holds no stats of a known version; a partial/garbled table is skipped key by key.
  Status MergeJson(const nlohmann::json& extra);

  struct Table {
    std::map<std::string, KeyRate, std::less<>> keys;
    uint64_t overflow = 0;
  };
  uint64_t frames() const { return frames_ + merged_total_.count; }
  uint64_t non_cloudevent() const { return non_cloudevent_; }
  KeyRate total() const;
  // Merged footers plus frames added (computed on each call).
  Table types() const { return Combined(types_, live_types_, types_overflow_); }
  Table sources() const { return Combined(sources_, live_sources_, sources_overflow_); }
  Table subjects() const { return Combined(subjects_, live_subjects_, subjects_overflow_); }

 private:
  // The open second of a key: folded into its KeyRate when the second changes.
  struct Live {
    KeyRate rate;
    int64_t cur_s = 0;
    uint64_t cur_n = 0;
    bool started = false, closed_any = false;
    void Tick(int64_t s);
    void Close(uint64_t n);
    KeyRate Final() const;
  };
  using LiveMap = std::map<std::string, Live, std::less<>>;
  // The last key counted in a table: consecutive frames mostly repeat it, and comparing one
  // string costs less than a map lookup (the recorder's writer does this for every frame).
  // Copies and moves start empty on both sides, so that neither points into the other's map
  // (a moved map's nodes belong to the destination).
  struct LastKey {
    Live* live = nullptr;
    std::string key;
    LastKey() = default;
    LastKey(const LastKey&) {}
    LastKey(LastKey&& o) noexcept { o.live = nullptr; }
    LastKey& operator=(const LastKey&) {
      live = nullptr;
      return *this;
    }
    LastKey& operator=(LastKey&& o) noexcept {
      live = o.live = nullptr;
      return *this;
    }
  };
  void Count(LiveMap* map, LastKey* last, uint64_t* overflow, std::string_view key, int64_t s);
  static Table Combined(const Table& merged, const LiveMap& live, uint64_t overflow);
  static nlohmann::json TableJson(const Table& t);
  static void MergeTable(const nlohmann::json& j, Table* into);

  size_t max_keys_;
  uint64_t frames_ = 0, non_cloudevent_ = 0;
  Live total_;
  LiveMap live_types_, live_sources_, live_subjects_;
  LastKey last_type_, last_source_, last_subject_;
  uint64_t types_overflow_ = 0, sources_overflow_ = 0, subjects_overflow_ = 0;
  // Figures merged from footers (MergeJson); accessors combine them with the live ones.
  KeyRate merged_total_;
  Table types_, sources_, subjects_;
  CloudEventPeek peek_;
};

// The factory writers take (format::RecordingWriter, the recorder): one EventStats per segment.
format::SegmentStatsFactory EventStatsFactory();

}  // namespace evtape::wasmcloud
