// Replay benchmark helper (driven by bench/replay.sh). Subcommands:
//   gen DIR N SIZE [irregular]  write a recording of N CloudEvent-like frames of SIZE bytes on
//                               bench.replay.<k>; "irregular": gaps uniform in log space
//                               between 0.1 ms and 50 ms (seeded), else 1 us apart
//   pub URL DIR                 bare nats.c publisher: loads DIR into memory, then publishes
//                               every message (buffered natsConnection_Publish) and flushes;
//                               prints msgs/s
//   sub URL DIR READY_FILE      core subscriber on bench.replay.>; touches READY_FILE when
//                               subscribed, receives every message of DIR and prints lateness
//                               (receive offset minus recorded offset) p50/p99/max and drift
//   jssub URL DIR               JetStream: a stream REPLAYBENCH on bench.replay.> must hold the
//                               messages; an ordered consumer with ReplayOriginal replays them
//                               and the same lateness is measured against the stored times
// Figures only; no assertions.
#include <nats/nats.h>
#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "wasmcloud/ids.h"
#include "format/recording.h"
#include "format/segment_writer.h"

namespace {

using evtape::FileSystem;
namespace format = evtape::format;

int64_t Mono() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

std::vector<format::Frame> Load(const std::string& dir) {
  std::vector<format::Frame> out;
  auto r = format::RecordingReader::Open(FileSystem::Default(), {dir}, {});
  if (!r.ok()) {
    std::fprintf(stderr, "%s\n", r.status().message().c_str());
    std::exit(1);
  }
  format::Entry e;
  for (;;) {
    auto more = (*r)->Next(&e);
    if (!more.ok() || !*more) break;
    if (e.kind == format::Entry::Kind::kFrame) out.push_back(format::Frame::From(e.frame));
  }
  return out;
}

int Gen(const std::string& dir, int n, int size, bool irregular) {
  FileSystem* fs = FileSystem::Default();
  if (!fs->CreateDir(dir).ok()) return 1;
  format::Metadata md;
  md.recording_id = "bench";
  auto w = format::SegmentWriter::Create(fs, format::SegmentPath(dir, 1), md, {});
  if (!w.ok()) return 1;
  evtape::wasmcloud::ids::IdRng rng(7);
  int64_t t = 1'785'420'000'000'000'000;
  std::string payload;
  for (int i = 0; i < n; ++i) {
    if (irregular) {
      const double u = static_cast<double>(rng.Below(1'000'000)) / 1e6;
      t += static_cast<int64_t>(1e5 * std::pow(500.0, u));  // 0.1 ms .. 50 ms
    } else {
      t += 1000;
    }
    payload = R"({"specversion":"1.0","id":")" + evtape::wasmcloud::ids::NewEventId(t, rng) +
              R"(","type":"com.wasmcloud.lattice.host_heartbeat","source":"NBENCH","time":"x","data":{"pad":")";
    const size_t want = static_cast<size_t>(size);
    payload.append(want > payload.size() + 3 ? want - payload.size() - 3 : 0, 'a');
    payload += "\"}}";
    const std::string subject = "bench.replay." + std::to_string(i % 8);
    format::FrameView f;
    f.seq = static_cast<uint64_t>(i + 1);
    f.time_ns = t;
    f.mono_ns = t;
    f.subject = subject;
    f.payload = payload;
    if (!(*w)->Add(f).ok()) return 1;
  }
  return (*w)->Seal().ok() ? 0 : 1;
}

natsConnection* Connect(const std::string& url) {
  natsConnection* nc = nullptr;
  if (natsConnection_ConnectTo(&nc, url.c_str()) != NATS_OK) {
    std::fprintf(stderr, "cannot connect to %s\n", url.c_str());
    std::exit(1);
  }
  return nc;
}

int Pub(const std::string& url, const std::string& dir) {
  auto frames = Load(dir);
  std::vector<std::string> subjects;
  for (auto& f : frames) subjects.push_back(f.subject);
  natsConnection* nc = Connect(url);
  const int64_t start = Mono();
  for (size_t i = 0; i < frames.size(); ++i) {
    natsConnection_Publish(nc, subjects[i].c_str(), frames[i].payload.data(),
                           static_cast<int>(frames[i].payload.size()));
  }
  natsConnection_FlushTimeout(nc, 60000);
  const double secs = static_cast<double>(Mono() - start) / 1e9;
  std::printf("%.0f\n", static_cast<double>(frames.size()) / secs);
  natsConnection_Destroy(nc);
  return 0;
}

struct Timing {
  std::mutex mu;
  std::vector<int64_t> recv;
  std::vector<int64_t> stored;  // jssub: the server's store time of each message
};

void Report(const char* who, const std::vector<int64_t>& recv, const std::vector<int64_t>& ref) {
  if (recv.empty()) {
    std::printf("%s: no messages\n", who);
    return;
  }
  std::vector<int64_t> late;
  for (size_t i = 0; i < recv.size(); ++i) {
    late.push_back((recv[i] - recv[0]) - (ref[i] - ref[0]));
  }
  const int64_t drift = late.back();
  for (auto& l : late) l = std::llabs(l);
  std::vector<int64_t> sorted = late;
  std::sort(sorted.begin(), sorted.end());
  auto q = [&](double p) { return sorted[std::min(sorted.size() - 1, static_cast<size_t>(p * static_cast<double>(sorted.size())))]; };
  std::printf("%-28s msgs %6zu  lateness p50 %8.1f us  p99 %8.1f us  max %8.1f us  drift at end %+8.1f us\n",
              who, recv.size(), static_cast<double>(q(0.5)) / 1e3, static_cast<double>(q(0.99)) / 1e3,
              static_cast<double>(sorted.back()) / 1e3, static_cast<double>(drift) / 1e3);
}

void OnMsg(natsConnection*, natsSubscription*, natsMsg* m, void* c) {
  const int64_t now = Mono();
  auto* t = static_cast<Timing*>(c);
  int64_t stored = 0;
  jsMsgMetaData* meta = nullptr;
  if (natsMsg_GetMetaData(&meta, m) == NATS_OK) {
    stored = meta->Timestamp;
    jsMsgMetaData_Destroy(meta);
  }
  std::lock_guard lock(t->mu);
  t->recv.push_back(now);
  t->stored.push_back(stored);
  natsMsg_Destroy(m);
}

bool WaitCount(Timing& t, size_t n, int64_t timeout_ns) {
  const int64_t end = Mono() + timeout_ns;
  while (Mono() < end) {
    {
      std::lock_guard lock(t.mu);
      if (t.recv.size() >= n) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

int Sub(const std::string& url, const std::string& dir, const std::string& ready) {
  auto frames = Load(dir);
  natsConnection* nc = Connect(url);
  Timing t;
  natsSubscription* sub = nullptr;
  natsConnection_Subscribe(&sub, nc, "bench.replay.>", OnMsg, &t);
  natsSubscription_SetPendingLimits(sub, -1, -1);
  natsConnection_Flush(nc);
  std::ofstream(ready) << "ready\n";
  WaitCount(t, frames.size(), 600'000'000'000);
  std::vector<int64_t> ref;
  for (size_t i = 0; i < t.recv.size(); ++i) ref.push_back(frames[i].time_ns);
  Report("evtape replay --speed 1", t.recv, ref);
  natsSubscription_Destroy(sub);
  natsConnection_Destroy(nc);
  return 0;
}

int JsSub(const std::string& url, const std::string& dir) {
  const size_t n = Load(dir).size();
  natsConnection* nc = Connect(url);
  jsCtx* js = nullptr;
  natsConnection_JetStream(&js, nc, nullptr);
  Timing t;
  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Ordered = true;
  so.Config.ReplayPolicy = js_ReplayOriginal;
  so.Config.DeliverPolicy = js_DeliverAll;
  so.Stream = "REPLAYBENCH";
  natsSubscription* sub = nullptr;
  jsErrCode ec = static_cast<jsErrCode>(0);
  natsStatus s = js_Subscribe(&sub, js, "bench.replay.>", OnMsg, &t, nullptr, &so, &ec);
  if (s != NATS_OK) {
    std::fprintf(stderr, "js_Subscribe: %s\n", natsStatus_GetText(s));
    return 1;
  }
  natsSubscription_SetPendingLimits(sub, -1, -1);
  WaitCount(t, n, 600'000'000'000);
  Report("JetStream ReplayOriginal", t.recv, t.stored);
  natsSubscription_Destroy(sub);
  jsCtx_Destroy(js);
  natsConnection_Destroy(nc);
  return 0;
}

int AddStream(const std::string& url) {
  natsConnection* nc = Connect(url);
  jsCtx* js = nullptr;
  natsConnection_JetStream(&js, nc, nullptr);
  jsStreamConfig cfg;
  jsStreamConfig_Init(&cfg);
  cfg.Name = "REPLAYBENCH";
  const char* subjects[] = {"bench.replay.>"};
  cfg.Subjects = subjects;
  cfg.SubjectsLen = 1;
  cfg.Storage = js_MemoryStorage;
  jsStreamInfo* si = nullptr;
  jsErrCode ec = static_cast<jsErrCode>(0);
  natsStatus s = js_AddStream(&si, js, &cfg, nullptr, &ec);
  if (si != nullptr) jsStreamInfo_Destroy(si);
  jsCtx_Destroy(js);
  natsConnection_Destroy(nc);
  return s == NATS_OK ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> a(argv + 1, argv + argc);
  if (a.size() >= 4 && a[0] == "gen") return Gen(a[1], std::atoi(a[2].c_str()), std::atoi(a[3].c_str()), a.size() > 4);
  if (a.size() == 3 && a[0] == "pub") return Pub(a[1], a[2]);
  if (a.size() == 4 && a[0] == "sub") return Sub(a[1], a[2], a[3]);
  if (a.size() == 3 && a[0] == "jssub") return JsSub(a[1], a[2]);
  if (a.size() == 2 && a[0] == "stream") return AddStream(a[1]);
  std::fprintf(stderr, "usage: replay_bench gen|pub|sub|jssub|stream ...\n");
  return 2;
}
