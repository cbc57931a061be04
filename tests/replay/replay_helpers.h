// Test helpers for replay: recordings written with format::SegmentWriter (no recorder needed)
// and a verifying subscriber that keeps raw header bytes and receive times.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include "nats/connection.h"
#include "format/types.h"

namespace evtape::replaytest {

// Writes frames as one sealed segment in dir (created).
void WriteRecording(const std::string& dir, const std::vector<format::Frame>& frames);

// n CloudEvent frames on wasmbus.evt.<lattice>.<name>, `gap_ns` apart, starting at t0.
std::vector<format::Frame> LatticeFrames(int n, int64_t gap_ns, const std::string& lattice = "default",
                                         int64_t t0 = 1'785'420'000'000'000'000);

struct Received {
  format::Frame frame;  // time_ns = CLOCK_MONOTONIC receive time
};

class Verifier {
 public:
  Verifier(const std::string& url, const std::string& subject);
  ~Verifier();
  size_t count();
  std::vector<Received> Take();
  bool WaitFor(size_t n, int ms = 20000);

 private:
  static void OnMsg(natsConnection*, natsSubscription*, natsMsg* msg, void* self);
  std::mutex mu_;
  std::vector<Received> got_;
  nats::ConnectionPtr conn_;
  nats::SubscriptionPtr sub_;
};

int64_t MonoNowNs();

}  // namespace evtape::replaytest
