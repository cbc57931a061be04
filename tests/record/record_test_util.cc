#include "tests/record/record_test_util.h"

#include <signal.h>
#include <time.h>

#include <catch2/catch.hpp>
#include <functional>

#include "nats/raw_msg.h"
#include "format/recording.h"

namespace evtape::record_test {

Publisher::Publisher(const std::string& url) {
  nats::ConnectionOptions o;
  o.server = url;
  nats::ConnectSettings s;
  s.reconnect_buffer_bytes = 64 << 20;
  s.reconnect_wait_ms = 50;
  Result<nats::ConnectionPtr> c = nats::Connect(o, s);
  REQUIRE(c.ok());
  conn_ = std::move(c).value();
}

bool Publisher::Publish(const std::string& subject, const std::string& payload,
                        const std::string& headers, const std::string& reply) {
  const int len = static_cast<int>(payload.size());
  if (headers.empty() && reply.empty()) {
    return natsConnection_Publish(conn_.get(), subject.c_str(), payload.data(), len) == NATS_OK;
  }
  if (headers.empty()) {  // PublishRequest refuses an empty reply
    return natsConnection_PublishRequest(conn_.get(), subject.c_str(), reply.c_str(),
                                         payload.data(), len) == NATS_OK;
  }
  Result<nats::MsgPtr> m = nats::MakeRawMsg(subject, reply, headers, payload);
  if (!m.ok()) return false;
  return natsConnection_PublishMsg(conn_.get(), m->get()) == NATS_OK;
}

bool Publisher::Flush() { return natsConnection_FlushTimeout(conn_.get(), 10000) == NATS_OK; }

std::unique_ptr<testutil::Process> StartRecorder(const std::vector<std::string>& args) {
  std::vector<std::string> argv{testutil::EvtapeBinary(), "record"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto p = testutil::Process::Start(argv);
  bool ready = testutil::WaitUntil(
      [&] { return p->Stderr().find("evtape record: recording") != std::string::npos || p->Exited(); },
      std::chrono::seconds(30));
  INFO("recorder stderr: " << p->Stderr());
  REQUIRE(ready);
  REQUIRE(p->Stderr().find("evtape record: recording") != std::string::npos);
  return p;
}

testutil::ProcResult StopRecorder(testutil::Process* p) {
  p->Signal(SIGINT);
  return p->Wait(std::chrono::seconds(60));
}

Readback ReadRecording(const std::string& dir) {
  Readback rb;
  FileSystem* fs = FileSystem::Default();
  Result<std::vector<std::string>> segs = format::ListSegments(fs, dir);
  if (!segs.ok()) {
    rb.error = segs.status().message();
    return rb;
  }
  rb.segments = *segs;
  rb.all_sealed = true;
  for (const auto& s : rb.segments) {
    Result<format::Metadata> md = format::ReadMetadata(fs, s);
    if (md.ok()) rb.metadata.push_back(*md);
    Result<std::optional<format::Footer>> footer = format::ReadFooter(fs, s);
    if (!footer.ok() || !footer->has_value()) rb.all_sealed = false;
  }
  auto reader = format::RecordingReader::Open(fs, {dir}, format::ReaderOptions{});
  if (!reader.ok()) {
    rb.error = reader.status().message();
    return rb;
  }
  format::Entry e;
  while (true) {
    Result<bool> more = (*reader)->Next(&e);
    if (!more.ok()) {
      rb.error = more.status().message();
      rb.corruption = true;
      break;
    }
    if (!*more) break;
    if (e.kind == format::Entry::Kind::kFrame) {
      rb.frames.push_back(format::Frame::From(e.frame));
    } else {
      rb.gaps.push_back(e.gap);
    }
  }
  rb.stats = (*reader)->stats();
  return rb;
}

int64_t NowNs() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::string MakePayload(const std::string& tag, size_t n) {
  std::string p = tag;
  uint32_t x = 2463534242u ^ static_cast<uint32_t>(std::hash<std::string>()(tag) | 1);
  while (p.size() < n) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    p.push_back(static_cast<char>('!' + x % 90));
  }
  p.resize(n);
  return p;
}

}  // namespace evtape::record_test
