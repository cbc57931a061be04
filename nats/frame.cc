#include "nats/frame.h"

#include "nats/raw_msg.h"

namespace evtape::nats {
namespace {

// Per-message memory beyond the nats.c block: the natsMsg struct, malloc and queue bookkeeping.
constexpr uint64_t kMessageOverhead = 192;

}  // namespace

format::FrameView MessageToFrame(natsMsg* msg, int64_t time_ns, int64_t mono_ns,
                                 std::string* scratch, bool* exact_headers) {
  format::FrameView f;
  f.time_ns = time_ns;
  f.mono_ns = mono_ns;
  f.subject = natsMsg_GetSubject(msg);
  if (const char* reply = natsMsg_GetReply(msg); reply != nullptr) f.reply = reply;
  Result<RawHeaderResult> hdr = RawHeaders(msg, scratch);
  if (hdr.ok()) {
    f.headers = hdr->block;
    if (!hdr->exact) *exact_headers = false;
  } else {
    *exact_headers = false;
  }
  f.payload = std::string_view(natsMsg_GetData(msg), static_cast<size_t>(natsMsg_GetDataLength(msg)));
  return f;
}

uint64_t MessageMemory(natsMsg* msg) {
  const char* subject = natsMsg_GetSubject(msg);
  const char* data = natsMsg_GetData(msg);
  uint64_t bytes = static_cast<uint64_t>(natsMsg_GetDataLength(msg)) + kMessageOverhead;
  // nats.c 3.4 puts subject, reply, headers and payload in one block after the struct.
  if (data > subject) bytes += static_cast<uint64_t>(data - subject);
  return bytes;
}

}  // namespace evtape::nats
