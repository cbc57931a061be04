// The recorder compacts what it seals: a trickle recorded with a flush per message ends as one
// segment of big compressed chunks, every message kept byte-identical; --no-compact leaves the
// flush-sized chunks; a later run compacts what an earlier one left.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "format/recording.h"
#include "format/segment_reader.h"
#include "tests/record/record_test_util.h"

namespace evtape::record_test {
namespace {

using testutil::NatsServer;
using testutil::TempDir;

// Publishes n lattice-like messages, flushing each (one chunk per flush at the recorder), and
// waits until the recording holds them.
void Trickle(Publisher* pub, const std::string& dir, int n) {
  for (int i = 0; i < n; ++i) {
    const std::string payload = R"({"specversion":"1.0","type":"com.wasmcloud.lattice.host_heartbeat","n":)" +
                                std::to_string(i % 13) + R"(,"labels":{"a":"b"}})";
    REQUIRE(pub->Publish("c.heartbeat", payload));
    REQUIRE(pub->Flush());
  }
  REQUIRE(testutil::WaitUntil([&] { return ReadRecording(dir).frames.size() >= static_cast<size_t>(n); },
                              std::chrono::seconds(20)));
}

format::Footer LastFooter(const std::string& dir) {
  auto segs = format::ListSegments(FileSystem::Default(), dir);
  REQUIRE(segs.ok());
  auto f = format::ReadFooter(FileSystem::Default(), segs->back());
  REQUIRE(f.ok());
  REQUIRE(f->has_value());
  return **f;
}

}  // namespace

TEST_CASE("a recorder compacts its sealed segment when it stops", "[nats]") {
  TempDir tmp;
  auto server = NatsServer::Start();
  REQUIRE(server);
  const std::string dir = tmp / "rec";
  auto rec = StartRecorder({"-s", server->url(), "--subject", "c.>", "-o", dir,
                            "--flush-interval", "1ms"});
  Publisher pub(server->url());
  Trickle(&pub, dir, 400);
  testutil::ProcResult r = StopRecorder(rec.get());
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("1 sealed segment(s) compacted") != std::string::npos);
  format::Footer f = LastFooter(dir);
  CHECK(f.frames == 400);
  CHECK(f.chunks.size() == 1);
  Readback rb = ReadRecording(dir);
  REQUIRE(rb.frames.size() == 400);
  CHECK(rb.frames[7].payload.find("\"n\":7") != std::string::npos);
  CHECK(rb.all_sealed);
}

TEST_CASE("a recorder run with --no-compact keeps flush-sized chunks; the next run compacts them",
          "[nats]") {
  TempDir tmp;
  auto server = NatsServer::Start();
  REQUIRE(server);
  const std::string dir = tmp / "rec";
  {
    auto rec = StartRecorder({"-s", server->url(), "--subject", "c.>", "-o", dir,
                              "--flush-interval", "1ms", "--no-compact"});
    Publisher pub(server->url());
    Trickle(&pub, dir, 200);
    CHECK(StopRecorder(rec.get()).exit_code == 0);
  }
  CHECK(LastFooter(dir).chunks.size() > 3);  // flush-sized: several messages per millisecond
  const auto first = format::SegmentPath(dir, 1);
  const auto size_before = std::filesystem::file_size(first);
  auto again = StartRecorder({"-s", server->url(), "--subject", "c.>", "-o", dir});
  REQUIRE(testutil::WaitUntil([&] { return std::filesystem::file_size(first) < size_before; },
                              std::chrono::seconds(30)));
  CHECK(StopRecorder(again.get()).exit_code == 0);
  auto f = format::ReadFooter(FileSystem::Default(), first);
  REQUIRE(f.ok());
  REQUIRE(f->has_value());
  CHECK((**f).frames == 200);
  CHECK((**f).chunks.size() == 1);
  CHECK(ReadRecording(dir).frames.size() == 200);
}

}  // namespace evtape::record_test
