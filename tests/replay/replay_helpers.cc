#include "tests/replay/replay_helpers.h"

#include <time.h>

#include <catch2/catch.hpp>

#include "nats/raw_msg.h"
#include "format/recording.h"
#include "format/segment_writer.h"
#include "tests/testutil/testutil.h"

namespace evtape::replaytest {

int64_t MonoNowNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

void WriteRecording(const std::string& dir, const std::vector<format::Frame>& frames) {
  FileSystem* fs = FileSystem::Default();
  REQUIRE(fs->CreateDir(dir).ok());
  format::Metadata md;
  md.recording_id = "test";
  md.tool = "replay_tests";
  auto w = format::SegmentWriter::Create(fs, format::SegmentPath(dir, 1), md, {});
  REQUIRE(w.ok());
  for (const auto& f : frames) REQUIRE((*w)->Add(f.view()).ok());
  REQUIRE((*w)->Seal().ok());
}

std::vector<format::Frame> LatticeFrames(int n, int64_t gap_ns, const std::string& lattice, int64_t t0) {
  std::vector<format::Frame> out;
  for (int i = 0; i < n; ++i) {
    format::Frame f;
    f.seq = static_cast<uint64_t>(i + 1);
    f.time_ns = t0 + i * gap_ns;
    f.mono_ns = f.time_ns;
    const std::string name = i % 2 == 0 ? "host_heartbeat" : "component_scaled";
    f.subject = "wasmbus.evt." + lattice + "." + name;
    char id[48];
    std::snprintf(id, sizeof id, "019fb353-%04x-7000-8000-%012x", i, i);
    f.payload = std::string(R"({"specversion":"1.0","id":")") + id +
                R"(","type":"com.wasmcloud.lattice.)" + name +
                R"(","source":"NHOST","time":"2026-07-30T14:00:0)" + std::to_string(i % 10) +
                R"(.123456789Z","data":{"n":)" + std::to_string(i) + "}}";
    out.push_back(std::move(f));
  }
  return out;
}

Verifier::Verifier(const std::string& url, const std::string& subject) {
  nats::ConnectionOptions o;
  o.server = url;
  nats::ConnectSettings cs;
  auto c = nats::Connect(o, cs);
  REQUIRE(c.ok());
  conn_ = std::move(c).value();
  natsSubscription* sub = nullptr;
  REQUIRE(natsConnection_Subscribe(&sub, conn_.get(), subject.c_str(), OnMsg, this) == NATS_OK);
  sub_.reset(sub);
  natsSubscription_SetPendingLimits(sub, -1, -1);
  REQUIRE(natsConnection_Flush(conn_.get()) == NATS_OK);
}

Verifier::~Verifier() {
  sub_.reset();
  conn_.reset();
}

void Verifier::OnMsg(natsConnection*, natsSubscription*, natsMsg* msg, void* self) {
  auto* v = static_cast<Verifier*>(self);
  const int64_t now = MonoNowNs();
  std::string scratch;
  auto hdr = nats::RawHeaders(msg, &scratch);
  Received r;
  r.frame.time_ns = now;
  r.frame.subject = natsMsg_GetSubject(msg);
  const char* reply = natsMsg_GetReply(msg);
  if (reply != nullptr) r.frame.reply = reply;
  if (hdr.ok()) r.frame.headers = std::string(hdr->block);
  else r.frame.headers = "<bad header layout>";
  r.frame.payload.assign(natsMsg_GetData(msg), static_cast<size_t>(natsMsg_GetDataLength(msg)));
  natsMsg_Destroy(msg);
  std::lock_guard lock(v->mu_);
  v->got_.push_back(std::move(r));
}

size_t Verifier::count() {
  std::lock_guard lock(mu_);
  return got_.size();
}

std::vector<Received> Verifier::Take() {
  std::lock_guard lock(mu_);
  return got_;
}

bool Verifier::WaitFor(size_t n, int ms) {
  return testutil::WaitUntil([&] { return count() >= n; }, std::chrono::milliseconds(ms));
}

}  // namespace evtape::replaytest
