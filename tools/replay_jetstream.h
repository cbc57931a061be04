// `evtape replay --jetstream`: the flags it adds to the replay verb and its run
// (tools/verb_replay_jetstream.cc), so that verb_replay.cc only dispatches.
#pragma once

#include <atomic>

#include "replay/replayer.h"
#include "tools/flags.h"
#include "util/clock.h"

namespace evtape::cli {

// Adds --jetstream, --msg-id, --strip-js-headers and --ack-window as a "JetStream" group.
po::options_description JetStreamReplayOptions();
// Replays `o` through JetStream publishes with acks; returns the exit code (3 when any message
// was not stored).
int RunReplayJetStream(const VerbHelp& help, const po::variables_map& vm,
                       const replay::ReplayOptions& o, const nats::ConnectionOptions& conn,
                       Clock* clock, std::atomic<bool>* stop);

}  // namespace evtape::cli
