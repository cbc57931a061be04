// The drain: `evtape record --stream NAME` copies a stream into a recording, losslessly and
// resumably (docs/jetstream.md, "Draining a stream").
//
// Each frame keeps the message's subject, raw header block and payload (a sourcing stream's
// appended `Nats-Stream-Source` line removed); its time is the stream's timestamp (when the
// server stored it) and its seq is the stream sequence. Stream sequences the stream no longer
// holds (expired, purged, deleted) become kRetention gaps with exact counts, whose after_seq is
// the stream sequence just before the hole. Re-running into the same directory continues after
// the last stream sequence it accounts for.
//
// Reads with an ordered push consumer bound to the stream, pending limits off (a client-side
// drop would otherwise look like a hole). Without `follow` it stops once it has accounted for
// everything up to the stream's last sequence at start.
//
// Threads: Run on one thread; RequestStop from any (e.g. the signal watcher).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "format/segment_stats.h"
#include "format/status.h"
#include "jetstream/client.h"

namespace evtape::jetstream {

struct DrainOptions {
  std::string stream;
  enum class From { kAll, kSeq, kTime } from = From::kAll;  // a resumed drain ignores it
  uint64_t start_seq = 1;  // From::kSeq
  int64_t since_ns = 0;    // From::kTime: realtime ns
  bool follow = false;     // keep following after catching up, until RequestStop
  std::string output_dir;
  std::string tool;  // "evtape 0.1.0"
  int zstd_level = 1;
  uint64_t max_segment_bytes = 256ull << 20;
  int64_t flush_interval_ns = 200'000'000;  // the most a kill -9 loses (then re-drained)
  format::SegmentStatsFactory segment_stats;  // may be empty
};

struct DrainSummary {
  std::string output_dir;
  uint64_t frames = 0;          // written this run
  uint64_t gaps = 0, lost = 0;  // retention gaps this run and the messages in them (exact)
  uint64_t first_seq = 0, last_seq = 0;  // stream seqs accounted for this run (0: none)
  uint64_t resumed_after = 0;   // the stream seq the run continued after (0: a new drain)
  bool stopped = false;         // RequestStop ended it
};

class Drainer {
 public:
  Drainer(const Session& session, DrainOptions options) : s_(session), o_(std::move(options)) {}
  // Errors: NotFound for a missing stream, InvalidArgument "--output: ..." for an output that
  // holds something else, Unavailable/IOError for server and disk failures (naming the stream,
  // URL or file). A stream recreated since DIR was drained is refused (IOError): resuming
  // would skip what the new stream holds.
  Result<DrainSummary> Run();
  void RequestStop() { stop_.store(true); }

 private:
  const Session& s_;
  DrainOptions o_;
  std::atomic<bool> stop_{false};
};

// "drained N messages from stream S (seq A..B) into DIR; K retention gaps (M messages)".
std::string FormatDrainSummary(const std::string& stream, const DrainSummary& d);

}  // namespace evtape::jetstream
