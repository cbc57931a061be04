// The one conversion of a received NATS message into an evtape frame, used by every receiver
// (the recorder, the test harness's observer): subject, reply, the raw header block exactly as
// received (nats/raw_msg.h) and the payload, with the caller's receive stamps.
//
// Thread-safe (pure); the views point into `msg` and `*scratch`.
#pragma once

#include <nats/nats.h>

#include <cstdint>
#include <string>

#include "format/types.h"

namespace evtape::nats {

// The frame of `msg` (seq 0: the writer numbers frames). Must run before any natsMsgHeader_*
// call on `msg`. *exact_headers is cleared when the header block had to be rebuilt through
// nats.c's public API (unknown nats.c layout: key order and spacing may differ from the wire).
format::FrameView MessageToFrame(natsMsg* msg, int64_t time_ns, int64_t mono_ns,
                                 std::string* scratch, bool* exact_headers);

// The memory a received message holds (nats.c's block plus the message struct and allocator
// overhead), for queues bounded in bytes.
uint64_t MessageMemory(natsMsg* msg);

}  // namespace evtape::nats
