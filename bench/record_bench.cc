// Companion programs of bench/record.sh (one binary, three modes):
//   record_bench sub URL SUBJECT N      bare nats.c async subscriber: counts N messages (pending
//                                       limits off, like the recorder), prints
//                                       "msgs=N rate=R drops=D" (rate over first..last receive)
//   record_bench pub URL SUBJECT N SIZE publishes N CloudEvent-like JSON messages of SIZE bytes
//   record_bench rate DIR               reads a recording's footers: "msgs=N rate=R gaps=G lost=L"
// The rates of `sub` and `rate` are measured the same way (receive times of first and last
// message), so their ratio compares the bare client with the recorder in one run.
#include <nats/nats.h>
#include <time.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "format/recording.h"
#include "format/segment_reader.h"

namespace {

int64_t NowNs() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::atomic<int64_t> g_count{0};
std::atomic<int64_t> g_first{0}, g_last{0};

void OnMsg(natsConnection*, natsSubscription*, natsMsg* m, void*) {
  int64_t now = NowNs();
  if (g_count.fetch_add(1) == 0) g_first = now;
  g_last = now;
  natsMsg_Destroy(m);
}

int Sub(const char* url, const char* subject, int64_t n) {
  natsConnection* nc = nullptr;
  natsSubscription* sub = nullptr;
  if (natsConnection_ConnectTo(&nc, url) != NATS_OK) return 1;
  if (natsConnection_Subscribe(&sub, nc, subject, OnMsg, nullptr) != NATS_OK) return 1;
  natsSubscription_SetPendingLimits(sub, -1, -1);
  natsConnection_Flush(nc);
  std::printf("ready\n");
  std::fflush(stdout);
  // Until N arrived, or 10 s without progress.
  int64_t seen = -1, idle_since = NowNs();
  while (g_count.load() < n) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    int64_t c = g_count.load();
    if (c != seen) {
      seen = c;
      idle_since = NowNs();
    } else if (NowNs() - idle_since > 10'000'000'000) {
      break;
    }
  }
  int64_t dropped = 0;
  natsSubscription_GetDropped(sub, &dropped);
  double secs = static_cast<double>(g_last - g_first) / 1e9;
  std::printf("msgs=%lld rate=%.0f drops=%lld\n", static_cast<long long>(g_count.load()),
              secs > 0 ? static_cast<double>(g_count.load()) / secs : 0.0,
              static_cast<long long>(dropped));
  natsSubscription_Destroy(sub);
  natsConnection_Destroy(nc);
  return 0;
}

std::string CloudEvent(size_t size, int64_t i) {
  std::string e =
      "{\"specversion\":\"1.0\",\"id\":\"01JD0000000000000000" + std::to_string(i % 1000000) +
      "\",\"source\":\"NBRMDGNWJ6QUTL4JCOT3C2VIHR6A4YRLOEV6UIGKKX4RCQCH6AXAOJ7P\","
      "\"type\":\"com.wasmcloud.lattice.host_heartbeat\",\"datacontenttype\":\"application/json\","
      "\"time\":\"2026-11-23T19:38:00.123456789Z\",\"data\":{\"uptime_seconds\":" +
      std::to_string(i) + ",\"labels\":{\"hostcore.os\":\"linux\"},\"padding\":\"";
  // Words rather than noise: compresses like real JSON text, not like a repeated constant.
  static const char* kWords[] = {"component", "provider", "link", "lattice", "host", "wasm",
                                 "ready", "scaled", "instance", "config", "label", "version",
                                 "nats", "event", "actor", "started"};
  uint32_t x = static_cast<uint32_t>(i) * 2654435761u + 1;
  while (e.size() + 3 < size) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    e += kWords[x % 16];
    e += (x >> 8) % 3 == 0 ? '-' : ' ';
  }
  e += "\"}}";
  e.resize(size, ' ');
  return e;
}

int Pub(const char* url, const char* subject, int64_t n, size_t size) {
  natsConnection* nc = nullptr;
  if (natsConnection_ConnectTo(&nc, url) != NATS_OK) return 1;
  // 4096 distinct bodies, so the payloads are not trivially identical.
  static std::string bodies[4096];
  for (int i = 0; i < 4096; ++i) bodies[i] = CloudEvent(size, i);
  int64_t start = NowNs();
  for (int64_t i = 0; i < n; ++i) {
    const std::string& b = bodies[i % 4096];
    natsConnection_Publish(nc, subject, b.data(), static_cast<int>(b.size()));
  }
  natsConnection_FlushTimeout(nc, 120000);
  double secs = static_cast<double>(NowNs() - start) / 1e9;
  std::printf("published=%lld rate=%.0f\n", static_cast<long long>(n), static_cast<double>(n) / secs);
  natsConnection_Destroy(nc);
  return 0;
}

int Rate(const char* dir) {
  evtape::FileSystem* fs = evtape::FileSystem::Default();
  auto segs = evtape::format::ListSegments(fs, dir);
  if (!segs.ok()) return 1;
  uint64_t frames = 0, gaps = 0, lost = 0, raw = 0, stored = 0;
  int64_t first = 0, last = 0;
  for (const auto& s : *segs) {
    auto footer = evtape::format::ReadFooter(fs, s);
    if (!footer.ok() || !footer->has_value()) continue;
    const auto& f = **footer;
    if (f.frames > 0) {
      if (first == 0 || f.first_time_ns < first) first = f.first_time_ns;
      last = std::max(last, f.last_time_ns);
    }
    frames += f.frames;
    raw += f.raw_bytes;
    gaps += f.gaps.size();
    for (const auto& g : f.gaps) lost += g.count.value_or(0);
    for (const auto& c : f.chunks) stored += c.stored_bytes;
  }
  double secs = static_cast<double>(last - first) / 1e9;
  std::printf("msgs=%llu rate=%.0f gaps=%llu lost=%llu ratio=%.1f\n",
              static_cast<unsigned long long>(frames),
              secs > 0 ? static_cast<double>(frames) / secs : 0.0,
              static_cast<unsigned long long>(gaps), static_cast<unsigned long long>(lost),
              stored > 0 ? static_cast<double>(raw) / static_cast<double>(stored) : 0.0);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 5 && std::strcmp(argv[1], "sub") == 0) return Sub(argv[2], argv[3], std::atoll(argv[4]));
  if (argc >= 6 && std::strcmp(argv[1], "pub") == 0) {
    return Pub(argv[2], argv[3], std::atoll(argv[4]), static_cast<size_t>(std::atoll(argv[5])));
  }
  if (argc >= 3 && std::strcmp(argv[1], "rate") == 0) return Rate(argv[2]);
  std::fprintf(stderr, "usage: record_bench sub URL SUBJ N | pub URL SUBJ N SIZE | rate DIR\n");
  return 2;
}
