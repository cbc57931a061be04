#include "nats/raw_msg.h"

#include <cstdlib>
#include <cstring>
#include <utility>
#include <vector>

// Exported by libnats.so 3.4.x (nm -D) but not declared in nats.h. `buf` is the raw header
// block followed by the payload; `hdrLen` the length of the header part.
extern "C" natsStatus natsMsg_create(natsMsg** newMsg, const char* subject, int subjLen,
                                     const char* reply, int replyLen, const char* buf,
                                     int bufLen, int hdrLen);

namespace evtape::nats {
namespace {

constexpr std::string_view kHeaderPrefix = "NATS/1.0";
constexpr std::string_view kSelfTestHeaders =
    "NATS/1.0\r\nB-Key: 1\r\nb-key:  two \r\nA: x\r\nB-Key: 3\r\n\r\n";
constexpr std::string_view kSelfTestPayload("payload\0bytes", 13);

// The header block of a message laid out by nats.c 3.4, or -1 if the layout is unexpected.
int FastHeaderLength(natsMsg* m, const char** out) {
  const char* s = natsMsg_GetSubject(m);
  const char* r = natsMsg_GetReply(m);
  const char* d = natsMsg_GetData(m);
  *out = nullptr;
  if (s == nullptr || d == nullptr) return -1;
  const char* p = (r != nullptr ? r + std::strlen(r) : s + std::strlen(s)) + 1;
  if (d <= p) return 0;
  // The library puts a NUL after the header block.
  long len = d - p - 1;
  if (len < static_cast<long>(kHeaderPrefix.size()) + 2 ||
      std::memcmp(p, kHeaderPrefix.data(), kHeaderPrefix.size()) != 0 || p[len] != '\0') {
    return -1;
  }
  *out = p;
  return static_cast<int>(len);
}

// Parses "NATS/1.0...\r\nK: V\r\n...\r\n\r\n" into (key, value) pairs for the fallback.
bool ParseBlock(std::string_view block, std::vector<std::pair<std::string, std::string>>* kv) {
  if (block.substr(0, kHeaderPrefix.size()) != kHeaderPrefix) return false;
  if (block.size() < 4 || block.substr(block.size() - 4) != "\r\n\r\n") return false;
  size_t pos = block.find("\r\n");
  while (pos + 2 < block.size() - 2) {
    size_t start = pos + 2;
    size_t end = block.find("\r\n", start);
    std::string_view line = block.substr(start, end - start);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    kv->emplace_back(std::string(line.substr(0, colon)), std::string(value));
    pos = end;
  }
  return true;
}

Result<MsgPtr> CreateFast(std::string_view subject, std::string_view reply,
                          std::string_view headers, std::string_view payload) {
  std::string buf;
  buf.reserve(headers.size() + payload.size());
  buf.append(headers).append(payload);
  natsMsg* m = nullptr;
  natsStatus s = natsMsg_create(&m, subject.data(), static_cast<int>(subject.size()),
                                reply.empty() ? nullptr : reply.data(),
                                static_cast<int>(reply.size()), buf.data(),
                                static_cast<int>(buf.size()), static_cast<int>(headers.size()));
  EVTAPE_RETURN_IF_ERROR(FromNats(s, "creating a message"));
  return MsgPtr(m);
}

Result<MsgPtr> CreateFallback(std::string_view subject, std::string_view reply,
                              std::string_view headers, std::string_view payload) {
  std::vector<std::pair<std::string, std::string>> kv;
  if (!headers.empty() && !ParseBlock(headers, &kv)) {
    return Status::InvalidArgument("malformed NATS header block");
  }
  std::string subj(subject), rep(reply);
  natsMsg* m = nullptr;
  EVTAPE_RETURN_IF_ERROR(FromNats(
      natsMsg_Create(&m, subj.c_str(), rep.empty() ? nullptr : rep.c_str(), payload.data(),
                     static_cast<int>(payload.size())),
      "creating a message"));
  MsgPtr msg(m);
  for (const auto& [k, v] : kv) {
    EVTAPE_RETURN_IF_ERROR(
        FromNats(natsMsgHeader_Add(msg.get(), k.c_str(), v.c_str()), "adding header " + k));
  }
  return msg;
}

bool SelfTest() {
  unsigned v = static_cast<unsigned>(nats_GetVersionNumber());
  if ((v >> 8) != 0x0304) return false;  // only the layout of 3.4.x is known
  // natsMsg_create needs the library initialised (public calls do this implicitly).
  if (nats_Open(-1) != NATS_OK) return false;
  Result<MsgPtr> m = CreateFast("self.test", "reply.to", kSelfTestHeaders, kSelfTestPayload);
  if (!m.ok()) return false;
  const char* p = nullptr;
  int len = FastHeaderLength(m->get(), &p);
  if (len != static_cast<int>(kSelfTestHeaders.size())) return false;
  if (std::string_view(p, static_cast<size_t>(len)) != kSelfTestHeaders) return false;
  if (natsMsg_GetDataLength(m->get()) != static_cast<int>(kSelfTestPayload.size())) return false;
  if (std::memcmp(natsMsg_GetData(m->get()), kSelfTestPayload.data(), kSelfTestPayload.size()) !=
      0) {
    return false;
  }
  // The library itself must parse the block the same way (last, as parsing mutates state).
  const char* value = nullptr;
  return natsMsgHeader_Get(m->get(), "A", &value) == NATS_OK && value != nullptr &&
         std::string_view(value) == "x";
}

}  // namespace

bool RawMessagesSupported() {
  static const bool supported = SelfTest();
  return supported;
}

Result<RawHeaderResult> RawHeaders(natsMsg* msg, std::string* scratch) {
  if (RawMessagesSupported()) {
    const char* p = nullptr;
    int len = FastHeaderLength(msg, &p);
    if (len < 0) return Status::Corruption("unexpected nats.c message layout");
    if (len == 0) return RawHeaderResult{};
    return RawHeaderResult{std::string_view(p, static_cast<size_t>(len)), true};
  }
  const char** keys = nullptr;
  int count = 0;
  natsStatus s = natsMsgHeader_Keys(msg, &keys, &count);
  if (s == NATS_NOT_FOUND || count == 0) {
    std::free(static_cast<void*>(keys));
    return RawHeaderResult{};
  }
  EVTAPE_RETURN_IF_ERROR(FromNats(s, "reading headers"));
  scratch->assign("NATS/1.0\r\n");
  for (int i = 0; i < count; ++i) {
    const char** values = nullptr;
    int n = 0;
    if (natsMsgHeader_Values(msg, keys[i], &values, &n) == NATS_OK) {
      for (int j = 0; j < n; ++j) scratch->append(keys[i]).append(": ").append(values[j]).append("\r\n");
    }
    std::free(static_cast<void*>(values));
  }
  std::free(static_cast<void*>(keys));
  scratch->append("\r\n");
  return RawHeaderResult{*scratch, false};
}

Result<MsgPtr> MakeRawMsg(std::string_view subject, std::string_view reply,
                          std::string_view headers, std::string_view payload) {
  if (subject.empty()) return Status::InvalidArgument("empty subject");
  if (!headers.empty() &&
      (headers.substr(0, kHeaderPrefix.size()) != kHeaderPrefix || headers.size() < 12 ||
       headers.substr(headers.size() - 4) != "\r\n\r\n")) {
    return Status::InvalidArgument("malformed NATS header block");
  }
  if (RawMessagesSupported()) return CreateFast(subject, reply, headers, payload);
  return CreateFallback(subject, reply, headers, payload);
}

}  // namespace evtape::nats
