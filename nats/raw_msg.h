// Byte-exact NATS header blocks with nats.c 3.4 (docs/architecture.md, "nats.c facts").
//
// nats.c has no public accessor for the raw header block of a received message and no public
// way to publish one verbatim: natsMsgHeader_* parses into a hash (order lost, values trimmed)
// and re-serialises in hash order. Two private facts of nats.c 3.4.x make byte-exact capture
// and replay possible:
//  * a received message is one block [subject\0][reply\0][headers\0][payload\0], so the header
//    block is the gap between the reply (or subject) and the payload, readable with public
//    getters as long as no natsMsgHeader_* call has run on the message;
//  * the exported but undeclared natsMsg_create() builds a message from raw header bytes and
//    marks it so that natsConnection_PublishMsg() sends those bytes unchanged.
//
// Guard: RawMessagesSupported() is true only for nats.c 3.4.x (nats_GetVersionNumber) AND when
// a start-up self-test (create a message with a known header block, read it back through the
// extraction path) passes. Otherwise both directions fall back to the public header API:
// extraction rebuilds "NATS/1.0\r\nKey: Value\r\n...\r\n" from natsMsgHeader_Keys/Values
// (order of keys and exact spacing may differ; `exact` is false) and creation parses the block
// and uses natsMsgHeader_Add (the wire order is then nats.c's hash order).
//
// Thread-safe. The self-test runs once, on first use.
#pragma once

#include <string>
#include <string_view>

#include "nats/connection.h"
#include "format/status.h"

namespace evtape::nats {

// True when the private fast path is usable (see above). Cached after the first call.
bool RawMessagesSupported();

struct RawHeaderResult {
  std::string_view block;  // empty: the message has no headers
  bool exact = true;       // false: rebuilt through the public API (fallback)
};

// The raw header block of a received message. Must run before any natsMsgHeader_* call on
// `msg`. The view points into `msg` (fast path) or into `*scratch` (fallback), so it is valid
// while both live. Corruption if the layout is not what nats.c 3.4 produces.
Result<RawHeaderResult> RawHeaders(natsMsg* msg, std::string* scratch);

// A publishable message with exactly these bytes: subject, reply (empty = none), the raw
// header block (empty = none; otherwise must start with "NATS/1.0" and end with "\r\n\r\n")
// and payload. InvalidArgument for a malformed header block or an empty subject.
// With the fallback the header *content* is kept but not its byte layout.
Result<MsgPtr> MakeRawMsg(std::string_view subject, std::string_view reply,
                          std::string_view headers, std::string_view payload);

}  // namespace evtape::nats
