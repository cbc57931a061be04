// `evtape synth`'s writer (synth.h).
#include "offline/synth.h"

#include "util/version.h"
#include "wasmcloud/ids.h"

namespace evtape::offline {
namespace {

format::Metadata SynthMetadata(const wasmcloud::synth::SynthOptions& o) {
  format::Metadata m;
  wasmcloud::ids::IdRng rng(o.seed);
  m.recording_id = wasmcloud::ids::FormatCrockford(wasmcloud::ids::NewUlid(o.start_ns / 1000000, rng));
  m.tool = std::string(kToolName);
  m.source = "synth";
  m.subscriptions = {"wasmbus.evt." + o.lattice + ".>"};
  m.created_ns = o.start_ns;  // pinned: same options, same bytes
  m.extra = nlohmann::json{{"created_by", "synth"},
                           {"synth",
                            {{"hosts", o.hosts},
                             {"components", o.components},
                             {"providers", o.providers},
                             {"duration_ns", o.duration_ns},
                             {"churn_per_min", o.churn_per_min},
                             {"seed", o.seed},
                             {"lattice", o.lattice}}}};
  return m;
}

}  // namespace

Result<SynthSummary> WriteSynthRecording(const wasmcloud::synth::SynthOptions& options,
                                         const std::string& out_dir, int zstd_level) {
  EVTAPE_ASSIGN_OR_RETURN(auto out, OpenOutput(out_dir, SynthMetadata(options), zstd_level));
  uint64_t seq = 0;
  auto sink = [&](int64_t recv_ns, std::string_view subject, std::string_view payload) {
    format::FrameView f;
    f.seq = ++seq;
    f.time_ns = recv_ns;
    f.mono_ns = recv_ns;
    f.subject = subject;
    f.payload = payload;
    return out->Add(f);
  };
  auto stats = wasmcloud::synth::RunSynth(options, sink);
  Status s = stats.ok() ? out->Close() : stats.status();
  if (!s.ok()) {
    out->Abort();
    return s;  // the message names the file
  }
  return SynthSummary{stats->events, stats->heartbeats, out->stats().segments};
}

}  // namespace evtape::offline
