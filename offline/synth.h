// `evtape synth` without its command line: a generated lattice (wasmcloud/synth_lattice.h)
// written as a recording with the offline verbs' writer, its metadata pinned to the options so
// that the same options and seed give the same bytes. Not thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "format/status.h"
#include "offline/common.h"
#include "wasmcloud/synth_lattice.h"

namespace evtape::offline {

struct SynthSummary {
  uint64_t events = 0, heartbeats = 0;
  uint64_t segments = 0;  // written
};

// Writes the lattice `options` describes to the new recording `out_dir` (offline output rules:
// nothing is left on failure) at `zstd_level`. Errors: I/O naming the file.
Result<SynthSummary> WriteSynthRecording(const wasmcloud::synth::SynthOptions& options,
                                         const std::string& out_dir,
                                         int zstd_level = kOfflineZstdLevel);

}  // namespace evtape::offline
