// evtape record against a real nats-server: byte-identical capture, order, rotation, sealing,
// appending, count, and no secrets in the recording.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "format/recording.h"
#include "tests/record/record_test_util.h"

namespace evtape::record_test {
namespace {

using testutil::NatsServer;
using testutil::TempDir;

std::unique_ptr<NatsServer> BigPayloadServer(const TempDir& tmp) {
  testutil::WriteFile(tmp / "big.conf", "max_payload: 8MB\nmax_pending: 64MB\n");
  NatsServer::Options o;
  o.extra_args = {"-c", tmp / "big.conf"};
  return NatsServer::Start(o);
}

TEST_CASE("headers and replies and empty and 1 MiB payloads come back byte-identical", "[nats]") {
  TempDir tmp;
  auto server = BigPayloadServer(tmp);
  REQUIRE(server);
  std::string dir = tmp / "rec";
  auto rec = StartRecorder({"-s", server->url(), "--subject", "t.>", "-o", dir});
  Publisher pub(server->url());

  struct Msg { std::string subject, reply, headers, payload; };
  std::vector<Msg> sent = {
      {"t.hdr", "", "NATS/1.0\r\nX-Dup: 1\r\nx-dup:  two  \r\nX-Dup: 3\r\nCase-Key:v\r\n\r\n", "{\"a\":1}"},
      {"t.reply", "inbox.42", "", "ping"},
      {"t.empty", "", "", ""},
      {"t.empty.hdr", "r.1", "NATS/1.0\r\nK: v\r\n\r\n", ""},
      {"t.big", "", "NATS/1.0\r\nBig: yes\r\n\r\n", MakePayload("big", 1 << 20)},
      {"t.bin", "", "", std::string("\0\x01\xff\r\n", 5)},
  };
  for (const auto& m : sent) REQUIRE(pub.Publish(m.subject, m.payload, m.headers, m.reply));
  REQUIRE(pub.Flush());
  REQUIRE(testutil::WaitUntil([&] { return ReadRecording(dir).frames.size() >= sent.size(); },
                              std::chrono::seconds(20)));
  testutil::ProcResult r = StopRecorder(rec.get());
  INFO(r.err);
  CHECK(r.exit_code == 0);
  Readback rb = ReadRecording(dir);
  REQUIRE(rb.error.empty());
  REQUIRE(rb.frames.size() == sent.size());
  for (size_t i = 0; i < sent.size(); ++i) {
    CHECK(rb.frames[i].subject == sent[i].subject);
    CHECK(rb.frames[i].reply == sent[i].reply);
    CHECK(rb.frames[i].headers == sent[i].headers);
    CHECK(rb.frames[i].payload == sent[i].payload);
    CHECK(rb.frames[i].seq == i + 1);
    CHECK(rb.frames[i].time_ns > 0);
    CHECK(rb.frames[i].mono_ns > 0);
  }
  CHECK(rb.gaps.empty());
  CHECK(rb.all_sealed);
  CHECK(r.err.find("6 messages") != std::string::npos);
}

TEST_CASE("thousands of messages across subjects keep their order and SIGINT seals", "[nats]") {
  // Both ways of writing: the default around the page cache, and through it.
  const std::string io = GENERATE(std::string("direct"), std::string("buffered"));
  TempDir tmp;
  auto server = NatsServer::Start();
  REQUIRE(server);
  std::string dir = tmp / "rec";
  auto rec = StartRecorder({"-s", server->url(), "--lattice", "a", "--lattice", "b",
                            "--subject", "other.*", "--io", io, "-o", dir});
  Publisher pub(server->url());
  const char* subjects[] = {"wasmbus.evt.a.host_heartbeat", "wasmbus.evt.b.component_scaled",
                            "other.x", "unrecorded.y"};
  const int n = 6000;
  for (int i = 0; i < n; ++i) {
    REQUIRE(pub.Publish(subjects[i % 4], "{\"i\":" + std::to_string(i) + "}"));
  }
  REQUIRE(pub.Flush());
  REQUIRE(testutil::WaitUntil([&] { return ReadRecording(dir).frames.size() >= n * 3 / 4; },
                              std::chrono::seconds(30)));
  testutil::ProcResult r = StopRecorder(rec.get());
  CHECK(r.exit_code == 0);
  Readback rb = ReadRecording(dir);
  REQUIRE(rb.frames.size() == static_cast<size_t>(n * 3 / 4));
  int expected = 0;
  for (const auto& f : rb.frames) {
    if (expected % 4 == 3) ++expected;
    REQUIRE(f.payload == "{\"i\":" + std::to_string(expected) + "}");
    REQUIRE(f.subject == subjects[expected % 4]);
    ++expected;
  }
  CHECK(rb.all_sealed);
  for (const auto& s : rb.segments) CHECK(s.find(".open") == std::string::npos);
  REQUIRE(rb.metadata.size() == 1);
  CHECK(rb.metadata[0].subscriptions ==
        std::vector<std::string>{"wasmbus.evt.a.>", "wasmbus.evt.b.>", "other.*"});
  CHECK(rb.metadata[0].segment_index == 1);
  CHECK(rb.metadata[0].recording_id.size() == 32);
}

TEST_CASE("segments rotate by size and by duration", "[nats]") {
  TempDir tmp;
  auto server = NatsServer::Start();
  REQUIRE(server);
  Publisher pub(server->url());
  SECTION("size") {
    std::string dir = tmp / "size";
    auto rec = StartRecorder({"-s", server->url(), "--subject", "s.>", "-o", dir,
                              "--max-segment-size", "64KiB", "--flush-interval", "50ms"});
    for (int i = 0; i < 400; ++i) REQUIRE(pub.Publish("s.x", MakePayload(std::to_string(i) + ":", 1024)));
    REQUIRE(pub.Flush());
    REQUIRE(testutil::WaitUntil([&] { return ReadRecording(dir).frames.size() >= 400; },
                                std::chrono::seconds(30)));
    testutil::ProcResult r = StopRecorder(rec.get());
    CHECK(r.exit_code == 0);
    Readback rb = ReadRecording(dir);
    CHECK(rb.frames.size() == 400);
    CHECK(rb.segments.size() >= 4);
    for (const auto& s : rb.segments) {
      CHECK(s.find(".open") == std::string::npos);
      CHECK(std::filesystem::file_size(s) < 96 * 1024);
    }
    for (size_t i = 0; i < rb.frames.size(); ++i) CHECK(rb.frames[i].seq == i + 1);
  }
  SECTION("duration") {
    std::string dir = tmp / "dur";
    auto rec = StartRecorder({"-s", server->url(), "--subject", "d.>", "-o", dir,
                              "--max-segment-duration", "200ms", "--flush-interval", "20ms"});
    int sent = 0;
    // Publish until the recording holds three segments (each needs 200 ms of receive time).
    bool rotated = testutil::WaitUntil(
        [&] {
          pub.Publish("d.x", "tick " + std::to_string(sent++));
          pub.Flush();
          return ReadRecording(dir).segments.size() >= 3;
        },
        std::chrono::seconds(30));
    CHECK(rotated);
    testutil::ProcResult r = StopRecorder(rec.get());
    CHECK(r.exit_code == 0);
    Readback rb = ReadRecording(dir);
    CHECK(rb.frames.size() == static_cast<size_t>(sent));
    CHECK(rb.segments.size() >= 3);
    CHECK(rb.error.empty());
  }
}

TEST_CASE("count stops after exactly N and a second run appends after the last segment", "[nats]") {
  TempDir tmp;
  auto server = NatsServer::Start();
  REQUIRE(server);
  std::string dir = tmp / "rec";
  Publisher pub(server->url());
  auto rec = StartRecorder({"-s", server->url(), "--subject", "c.>", "-o", dir, "--count", "100"});
  for (int i = 0; i < 150; ++i) REQUIRE(pub.Publish("c.x", std::to_string(i)));
  REQUIRE(pub.Flush());
  testutil::ProcResult r = rec->Wait(std::chrono::seconds(30));
  CHECK(r.exit_code == 0);
  Readback first = ReadRecording(dir);
  REQUIRE(first.frames.size() == 100);
  CHECK(first.frames.back().payload == "99");

  auto again = StartRecorder({"-s", server->url(), "--subject", "c.>", "-o", dir, "--count", "10"});
  for (int i = 0; i < 10; ++i) REQUIRE(pub.Publish("c.x", "second " + std::to_string(i)));
  REQUIRE(pub.Flush());
  r = again->Wait(std::chrono::seconds(30));
  CHECK(r.exit_code == 0);
  Readback both = ReadRecording(dir);
  REQUIRE(both.segments.size() == 2);
  REQUIRE(both.frames.size() == 110);
  CHECK(both.frames[100].seq == 101);
  CHECK(both.frames[100].payload == "second 0");
  CHECK(both.gaps.empty());
  REQUIRE(both.metadata.size() == 2);
  CHECK(both.metadata[1].segment_index == 2);
  CHECK(both.metadata[1].first_seq == 101);
  CHECK(both.metadata[1].recording_id == both.metadata[0].recording_id);
}

TEST_CASE("credentials never reach the recording or the output", "[nats]") {
  TempDir tmp;
  NatsServer::Options o;
  o.extra_args = {"--user", "alice", "--pass", "s3cr3t-pw"};
  auto server = NatsServer::Start(o);
  REQUIRE(server);
  std::string url = "nats://alice:s3cr3t-pw@127.0.0.1:" + std::to_string(server->port());
  std::string dir = tmp / "rec";
  auto rec = StartRecorder({"-s", url, "--subject", "p.>", "-o", dir});
  Publisher pub(url);
  REQUIRE(pub.Publish("p.x", "hello"));
  REQUIRE(pub.Flush());
  REQUIRE(testutil::WaitUntil([&] { return ReadRecording(dir).frames.size() == 1; },
                              std::chrono::seconds(20)));
  testutil::ProcResult r = StopRecorder(rec.get());
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("s3cr3t") == std::string::npos);
  Readback rb = ReadRecording(dir);
  REQUIRE(rb.metadata.size() == 1);
  CHECK(rb.metadata[0].source == "nats://127.0.0.1:" + std::to_string(server->port()));
  for (const auto& s : rb.segments) CHECK(testutil::ReadFile(s).find("s3cr3t") == std::string::npos);

  // Wrong password: a runtime failure naming the redacted URL, without the secret.
  testutil::ProcResult bad = testutil::RunEvtape(
      {"record", "-s", "nats://alice:wrong-pw@127.0.0.1:" + std::to_string(server->port()),
       "-o", tmp / "bad", "--connect-timeout", "2s"});
  CHECK(bad.exit_code == 1);
  CHECK(bad.err.find("wrong-pw") == std::string::npos);
  CHECK(bad.err.find("127.0.0.1") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(tmp / "bad"));
}

}  // namespace
}  // namespace evtape::record_test
