// A recorder restarted under a steady stream loses messages only inside its restart gap: the
// gap's window ends when the new run's subscription is confirmed live, not when the process
// started (which left the connect-and-subscribe interval uncovered: silent loss).
#include <catch2/catch.hpp>

#include <signal.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <filesystem>

#include "format/records.h"

#include "tests/record/record_test_util.h"

namespace evtape::record_test {
namespace {

using testutil::NatsServer;
using testutil::TempDir;

// Publishes "<seq> <publish realtime ns>" about every 400 us until stopped.
class SteadyPublisher {
 public:
  explicit SteadyPublisher(const std::string& url) : pub_(url), thread_([this] { Run(); }) {}
  ~SteadyPublisher() { Stop(); }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  std::vector<int64_t> sent() {
    std::lock_guard lock(mu_);
    return sent_;
  }

 private:
  void Run() {
    while (!stop_) {
      int64_t now = NowNs();
      size_t seq;
      {
        std::lock_guard lock(mu_);
        seq = sent_.size();
        sent_.push_back(now);
      }
      pub_.Publish("s.x", std::to_string(seq) + " " + std::to_string(now));
      if (seq % 20 == 0) pub_.Flush();
      std::this_thread::sleep_for(std::chrono::microseconds(400));  // pacing, not a wait
    }
    pub_.Flush();
  }
  Publisher pub_;
  std::mutex mu_;
  std::vector<int64_t> sent_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace

TEST_CASE("every message missed across a kill -9 and restart lies inside the restart gap",
          "[nats]") {
  TempDir tmp;
  auto server = NatsServer::Start();
  REQUIRE(server);
  const std::string dir = tmp / "rec";
  SteadyPublisher pub(server->url());
  int64_t first_live_ns = 0;  // what was published before the first recorder was live is not ours
  for (int round = 0; round < 3; ++round) {
    auto rec = StartRecorder({"-s", server->url(), "--subject", "s.>", "-o", dir,
                              "--flush-interval", "20ms"});
    if (round == 0) first_live_ns = NowNs();
    const size_t before = ReadRecording(dir).frames.size();
    REQUIRE(testutil::WaitUntil([&] { return ReadRecording(dir).frames.size() > before + 200; },
                                std::chrono::seconds(20)));
    rec->Signal(SIGKILL);
    CHECK(rec->Wait(std::chrono::seconds(10)).signal == SIGKILL);
  }
  auto last = StartRecorder({"-s", server->url(), "--subject", "s.>", "-o", dir});
  const size_t before = ReadRecording(dir).frames.size();
  REQUIRE(testutil::WaitUntil([&] { return ReadRecording(dir).frames.size() > before + 200; },
                              std::chrono::seconds(20)));
  pub.Stop();
  const std::vector<int64_t> sent = pub.sent();
  REQUIRE(testutil::WaitUntil(
      [&] {
        Readback rb = ReadRecording(dir);
        return !rb.frames.empty() &&
               std::stoul(rb.frames.back().payload) + 1 == sent.size();
      },
      std::chrono::seconds(20)));
  testutil::ProcResult r = StopRecorder(last.get());
  CHECK(r.exit_code == 3);  // gaps recorded
  Readback rb = ReadRecording(dir);
  std::vector<bool> got(sent.size(), false);
  for (const auto& f : rb.frames) got[std::stoul(f.payload)] = true;
  size_t missing = 0;
  for (size_t seq = 0; seq < sent.size(); ++seq) {
    if (got[seq] || sent[seq] < first_live_ns) continue;
    ++missing;
    bool covered = false;
    for (const auto& g : rb.gaps) {
      // Publish time precedes receive time: a message lost in the killed run's last flush
      // window may have been published just before the gap's start (its last frame).
      if (g.reason == format::GapReason::kRestart && sent[seq] >= g.start_ns - 100'000'000 &&
          sent[seq] <= g.end_ns) {
        covered = true;
      }
    }
    INFO("seq " << seq << " published at " << sent[seq] << " missing outside any restart gap");
    CHECK(covered);
  }
  CHECK(rb.gaps.size() == 3);
  UNSCOPED_INFO("missing " << missing << " of " << sent.size());
}

TEST_CASE("a second recorder on the same directory is refused, naming the holder", "[nats]") {
  TempDir tmp;
  auto server = NatsServer::Start();
  REQUIRE(server);
  const std::string dir = tmp / "rec";
  auto first = StartRecorder({"-s", server->url(), "--subject", "d.>", "-o", dir});
  auto second = testutil::RunEvtape({"record", "-s", server->url(), "--subject", "d.>", "-o", dir},
                                    std::chrono::seconds(30));
  INFO(second.err);
  CHECK(second.exit_code == 1);
  CHECK(second.err.find("already being recorded by process " + std::to_string(first->pid())) !=
        std::string::npos);
  // The first goes on undisturbed: one segment, no restart gap.
  Publisher pub(server->url());
  REQUIRE(pub.Publish("d.x", "after"));
  REQUIRE(pub.Flush());
  REQUIRE(testutil::WaitUntil([&] { return ReadRecording(dir).frames.size() == 1; },
                              std::chrono::seconds(20)));
  CHECK(StopRecorder(first.get()).exit_code == 0);
  Readback rb = ReadRecording(dir);
  CHECK(rb.segments.size() == 1);
  CHECK(rb.gaps.empty());
  // Once it is gone, the directory can be recorded again (the lock died with its holder).
  auto third = StartRecorder({"-s", server->url(), "--subject", "d.>", "-o", dir});
  CHECK(StopRecorder(third.get()).exit_code == 0);
}

TEST_CASE("a crash right after a segment was created gives a restart gap of real times",
          "[nats]") {
  TempDir tmp;
  auto server = NatsServer::Start();
  REQUIRE(server);
  const std::string dir = tmp / "rec";
  std::filesystem::create_directories(dir);
  // All the crashed run left: the file header, no metadata, no frame.
  testutil::WriteFile(dir + "/000001.seg.open", format::EncodeFileHeader());
  const int64_t before = NowNs();
  auto rec = StartRecorder({"-s", server->url(), "--subject", "z.>", "-o", dir});
  CHECK(StopRecorder(rec.get()).exit_code == 3);
  Readback rb = ReadRecording(dir);
  REQUIRE(rb.gaps.size() == 1);
  CHECK(rb.gaps[0].reason == format::GapReason::kRestart);
  // Not 1970: the window starts when the crashed run last wrote (the file's mtime).
  CHECK(rb.gaps[0].start_ns > before - 60'000'000'000);
  CHECK(rb.gaps[0].end_ns >= rb.gaps[0].start_ns);
}

}  // namespace evtape::record_test
