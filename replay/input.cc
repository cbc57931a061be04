#include "replay/input.h"

#include <cstdlib>
#include <cstring>
#include <thread>

#include "jsonl/input.h"

namespace evtape::replay {
namespace {

// Chunks decoded ahead per input on a background thread, so that the publishing thread does
// not also decompress, checksum and parse. One chunk ahead (double buffering) is enough to
// overlap the two. Only with cores to spare: on 2 vCPUs shared with a local nats-server the
// decode thread has no idle core to run on, and the publisher then reads every frame cold
// from another core's cache; measured there (bench/replay.sh, interleaved rounds), decoding
// on the publishing thread was faster: 87% vs 84% of a bare publisher at 1.5 KiB, 98% vs 84%
// at 300 B.
constexpr size_t kReadAheadChunks = 1;
constexpr unsigned kReadAheadMinCores = 4;

// EVTAPE_REPLAY_READ_AHEAD=1|0 overrides the choice, so that bench/replay.sh can measure both
// on one machine.
bool UseReadAhead() {
  if (const char* v = std::getenv("EVTAPE_REPLAY_READ_AHEAD"); v != nullptr && *v != '\0') {
    return std::strcmp(v, "0") != 0;
  }
  return std::thread::hardware_concurrency() >= kReadAheadMinCores;
}

}  // namespace

Result<std::unique_ptr<format::FrameSource>> OpenReplayInput(const std::vector<std::string>& inputs,
                                                             bool skip_corrupt,
                                                             format::Reporter* reporter) {
  jsonl::InputOptions o;
  o.recovery = skip_corrupt ? format::Recovery::kSkipDamage : format::Recovery::kStrict;
  // Every record's stored bytes are still checked (damage on disk); the second pass over
  // each zstd chunk's decompressed content measured 12% of a max-speed replay at 1.5 KiB.
  o.verify_zstd_content = false;
  o.read_ahead_chunks = UseReadAhead() ? kReadAheadChunks : 0;
  o.reporter = reporter;
  return jsonl::OpenInputs(inputs, jsonl::Combine::kMerge, o);
}

}  // namespace evtape::replay
