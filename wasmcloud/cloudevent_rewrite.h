// Opt-in CloudEvent rewrites for replay (JSON CloudEvents only; any other payload passes
// untouched, byte for byte):
//  --fresh-ids   a new `id` per event, shaped like the wasmCloud host's (a ULID written as a
//                lowercase UUID) and, when the original id is canonical ULID text, in that form
//                instead; its embedded millisecond time equals the event's (possibly shifted)
//                `time`.
//  --shift-time  `time` moves by one constant per pass so that the pass's first event is at
//                the anchor ("now" by default), preserving every offset; the original number of
//                fractional digits is kept.
// Both are deterministic: ids come from an ids::IdRng seeded with --seed, and a pinned anchor
// makes the output identical across runs. An event is re-serialised (nlohmann::ordered_json,
// compact, key order kept) only when something in it changes.
//
// Not thread-safe: one replay thread owns a rewriter.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "wasmcloud/ids.h"
#include "wasmcloud/cloudevent_peek.h"
#include "util/payload_rewriter.h"

namespace evtape::wasmcloud {

struct RewriteOptions {
  bool fresh_ids = false;
  bool shift_time = false;
  uint64_t seed = 0;
};

class CloudEventRewriter : public PayloadRewriter {
 public:
  explicit CloudEventRewriter(const RewriteOptions& options)
      : options_(options), rng_(options.seed) {}
  bool active() const { return options_.fresh_ids || options_.shift_time; }
  // Starts a pass whose first event's `time` moves to anchor_unix_ns (used by --shift-time).
  void BeginPass(int64_t anchor_unix_ns) override;
  // True and *out set when `payload` is a JSON CloudEvent that was changed; false otherwise
  // (the caller then publishes the original bytes). receive_time_ns stands in for a missing
  // or unparsable `time` when an id needs a timestamp.
  bool Rewrite(std::string_view payload, int64_t receive_time_ns, std::string* out) override;
  uint64_t rewritten() const { return rewritten_; }

 private:
  RewriteOptions options_;
  ids::IdRng rng_;
  int64_t anchor_ns_ = 0;
  std::optional<int64_t> delta_ns_;  // set by the pass's first timed event
  CloudEventPeek peek_;
  std::string scratch_;
  uint64_t rewritten_ = 0;
};

// The factory replay's hook takes: a fresh rewriter (same seed, same ids) for every run.
RewriterFactory MakeRewriterFactory(const RewriteOptions& options);

// RFC 3339 UTC with `digits` (0..9) fractional digits and a Z suffix.
std::string FormatRfc3339Digits(int64_t unix_ns, int digits);
// The number of fractional-second digits in an RFC 3339 text (0 when none).
int FractionDigits(std::string_view rfc3339);

}  // namespace evtape::wasmcloud
