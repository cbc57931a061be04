// The payload rewrite hook of replay (next to Selection's PayloadFilter: both hooks live here, in
// the vocabulary every layer shares). Replay itself is payload-agnostic; a layer that
// understands payloads (wasmcloud's CloudEvent rewrites: --fresh-ids, --shift-time) supplies a
// factory, and the replayer makes one rewriter per run, so that every run starts from the
// same state (deterministic output for the same options).
//
// Threads: a rewriter is used by the one replay thread that made it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace evtape {

class PayloadRewriter {
 public:
  virtual ~PayloadRewriter() = default;
  // A pass (loop iteration) starts; anchor_unix_ns is where its first message's time goes
  // (the wall clock at the start of the run, or a pinned --shift-time anchor, plus the pass's
  // schedule offset).
  virtual void BeginPass(int64_t anchor_unix_ns) = 0;
  // True with *out set when the payload was changed; false: publish the original bytes.
  virtual bool Rewrite(std::string_view payload, int64_t receive_time_ns, std::string* out) = 0;
};

using RewriterFactory = std::function<std::unique_ptr<PayloadRewriter>()>;

}  // namespace evtape
