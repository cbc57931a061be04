// The ring (`record --ring`): by time and by size it holds its window within 10% while the
// recording stays readable and nothing is reported lost; `info` shows what the ring deleted;
// an explicit segment limit larger than the ring is a usage error.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <thread>

#include "format/recording.h"
#include "tests/record/record_test_util.h"

namespace evtape::record_test {
namespace {

using testutil::NatsServer;
using testutil::TempDir;

uint64_t DiskBytes(const std::string& dir) {
  uint64_t sum = 0;
  auto segs = format::ListSegments(FileSystem::Default(), dir);
  if (!segs.ok()) return 0;
  for (const auto& p : *segs) {
    std::error_code ec;
    const auto n = std::filesystem::file_size(p, ec);
    sum += ec ? 0 : n;
  }
  return sum;
}

// Publishes a paced stream (one message every `every`) for `total`, calling `check` after each
// tenth message.
void PacedStream(Publisher* pub, std::chrono::milliseconds every, std::chrono::milliseconds total,
                 size_t payload_bytes, const std::function<void()>& check) {
  const auto end = std::chrono::steady_clock::now() + total;
  auto next = std::chrono::steady_clock::now();
  for (int i = 0; std::chrono::steady_clock::now() < end; ++i) {
    REQUIRE(pub->Publish("r.x", MakePayload(std::to_string(i), payload_bytes)));
    if (i % 10 == 9) {
      REQUIRE(pub->Flush());
      check();
    }
    next += every;
    std::this_thread::sleep_until(next);  // pacing the publisher, not synchronisation
  }
  REQUIRE(pub->Flush());
}

}  // namespace

TEST_CASE("a time ring holds its window within 10% and reports nothing lost", "[nats]") {
  TempDir tmp;
  auto server = NatsServer::Start();
  REQUIRE(server);
  const std::string dir = tmp / "ring";
  const int64_t window = 1'000'000'000;
  auto rec = StartRecorder({"-s", server->url(), "--subject", "r.>", "-o", dir, "--ring", "1s",
                            "--flush-interval", "10ms"});
  Publisher pub(server->url());
  const int64_t start = NowNs();
  int checked = 0;
  PacedStream(&pub, std::chrono::milliseconds(5), std::chrono::milliseconds(3500), 200, [&] {
    Readback rb = ReadRecording(dir);
    INFO(rb.error);
    REQUIRE(rb.error.empty());
    CHECK_FALSE(rb.corruption);
    CHECK(rb.gaps.empty());
    if (rb.frames.empty() || NowNs() - start < 2 * window) return;
    const int64_t span = rb.frames.back().time_ns - rb.frames.front().time_ns;
    CHECK(span >= window * 95 / 100);  // one publish interval below the window at most
    CHECK(span <= window * 110 / 100);
    ++checked;
  });
  testutil::ProcResult r = StopRecorder(rec.get());
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(checked > 20);
  CHECK(r.err.find("(the window, not a loss)") != std::string::npos);
  testutil::ProcResult info = testutil::RunEvtape({"info", dir});
  INFO(info.out);
  CHECK(info.exit_code == 0);
  CHECK(info.out.find("Ring:       keeps the last 1.00 s; deleted ") != std::string::npos);
  CHECK(testutil::RunEvtape({"verify", dir}).exit_code == 0);
  testutil::ProcResult js = testutil::RunEvtape({"info", "--json", dir});
  auto j = nlohmann::json::parse(js.out);
  CHECK(j["ring"]["deleted_segments"].get<uint64_t>() > 10);
  CHECK(j["gaps"].empty());
}

TEST_CASE("a size ring keeps between its size and 10% more on disk", "[nats]") {
  TempDir tmp;
  auto server = NatsServer::Start();
  REQUIRE(server);
  const std::string dir = tmp / "ring";
  const uint64_t window = 256 << 10;
  // Without compaction the sizes on disk are what the ring counted (compaction only shrinks).
  auto rec = StartRecorder({"-s", server->url(), "--subject", "r.>", "-o", dir, "--ring",
                            "256KiB", "--no-compact", "--flush-interval", "10ms"});
  Publisher pub(server->url());
  uint64_t peak = 0;
  int full = 0;
  PacedStream(&pub, std::chrono::milliseconds(2), std::chrono::milliseconds(3000), 1000, [&] {
    const uint64_t bytes = DiskBytes(dir);
    peak = std::max(peak, bytes);
    CHECK(bytes <= window * 110 / 100);
    if (bytes >= window) ++full;
  });
  testutil::ProcResult r = StopRecorder(rec.get());
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(full > 10);  // it did fill up and stay full
  CHECK(DiskBytes(dir) >= window);
  CHECK(DiskBytes(dir) <= window * 110 / 100);
  Readback rb = ReadRecording(dir);
  CHECK(rb.gaps.empty());
  CHECK(rb.all_sealed);
  testutil::ProcResult info = testutil::RunEvtape({"info", dir});
  CHECK(info.out.find("Ring:       keeps 256.0 KiB; deleted ") != std::string::npos);
}

TEST_CASE("ring usage errors name the argument") {
  auto run = [](std::vector<std::string> args) {
    args.insert(args.begin(), "record");
    return testutil::RunEvtape(args);
  };
  testutil::ProcResult r = run({"--ring", "5s", "--max-segment-duration", "10s"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--max-segment-duration") != std::string::npos);
  r = run({"--ring", "1MiB", "--max-segment-size", "2MiB"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--max-segment-size") != std::string::npos);
  r = run({"--ring", "30M"});  // minutes or MiB? refused
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--ring") != std::string::npos);
  r = run({"--ring", "5s", "--ring", "6s"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--ring") != std::string::npos);
}

}  // namespace evtape::record_test
