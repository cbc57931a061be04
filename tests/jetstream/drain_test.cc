// evtape record --stream: the drain of a stream into a recording on a single JetStream server:
// byte-exact frames with the stream's times and sequences, --since and --start-seq, resume
// without duplicates or holes (also after kill -9), and retention holes as exact gaps.
#include <signal.h>

#include <catch2/catch.hpp>
#include <set>

#include "tests/jetstream/js_test_util.h"
#include "tests/record/record_test_util.h"
#include "util/units.h"

namespace evtape {
namespace {

using testutil::RunEvtape;

struct JsFixture {
  std::unique_ptr<testutil::NatsServer> server = js_test::StartJsServer();
  std::unique_ptr<jetstream::Session> s;
  std::unique_ptr<record_test::Publisher> pub;
  testutil::TempDir tmp;
  int published = 0;

  explicit JsFixture(js_test::StreamSpec spec) {
    REQUIRE(server);
    s = js_test::Open(server->url());
    js_test::AddStream(*s, spec);
    pub = std::make_unique<record_test::Publisher>(server->url());
  }
  // Publishes n messages on evt.<i % 4> and waits until the stream stored them.
  void Publish(int n, const std::string& stream = "EVT") {
    uint64_t before = js_test::StreamLastSeq(*s, stream);
    for (int k = 0; k < n; ++k, ++published) {
      REQUIRE(pub->Publish(js_test::Tag("evt.", published % 4), Payload(published),
                           js_test::TestHeaders(published)));
    }
    REQUIRE(pub->Flush());
    REQUIRE(testutil::WaitUntil([&] { return js_test::StreamLastSeq(*s, stream) == before + n; },
                                std::chrono::seconds(10)));
  }
  static std::string Payload(int i) { return record_test::MakePayload(js_test::Tag("m", i), 30 + i % 50); }
  testutil::ProcResult Drain(const std::string& out, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"record", "--stream", "EVT", "-o", tmp / out, "-s", server->url()};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunEvtape(args);
  }
};

// Every frame i (stream seq i) is message i - 1 as published.
void CheckFrames(const std::vector<format::Frame>& frames, uint64_t first_seq) {
  uint64_t seq = first_seq;
  int64_t last_time = 0;
  for (const format::Frame& f : frames) {
    INFO("frame seq " << f.seq);
    REQUIRE(f.seq == seq);
    const int i = static_cast<int>(seq - 1);
    CHECK(f.subject == js_test::Tag("evt.", i % 4));
    CHECK(f.headers == js_test::TestHeaders(i));
    CHECK(f.payload == JsFixture::Payload(i));
    CHECK(f.time_ns >= last_time);
    last_time = f.time_ns;
    ++seq;
  }
}

TEST_CASE("drain: everything, then resume with no duplicate and no hole", "[nats]") {
  JsFixture fx({.name = "EVT", .subjects = {"evt.>"}});
  const int64_t before = record_test::NowNs();
  fx.Publish(300);
  testutil::ProcResult r = fx.Drain("rec");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("drained 300 messages from stream EVT (seq 1..300)") != std::string::npos);
  record_test::Readback rb = record_test::ReadRecording(fx.tmp / "rec");
  REQUIRE(rb.frames.size() == 300);
  CHECK(rb.all_sealed);
  CheckFrames(rb.frames, 1);
  // Times are the stream's store times, not the drain's.
  CHECK(rb.frames.front().time_ns >= before);
  CHECK(rb.frames.back().time_ns <= record_test::NowNs());

  r = fx.Drain("rec");  // nothing new
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("drained 0 messages") != std::string::npos);
  fx.Publish(120);
  r = fx.Drain("rec");
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("resumed after seq 300") != std::string::npos);
  rb = record_test::ReadRecording(fx.tmp / "rec");
  REQUIRE(rb.frames.size() == 420);
  CheckFrames(rb.frames, 1);
  CHECK(rb.gaps.empty());

  // Another stream's drain is refused in this directory (exit 2 names --output).
  js_test::AddStream(*fx.s, {.name = "OTHER", .subjects = {"other.>"}});
  r = RunEvtape({"record", "--stream", "OTHER", "-o", fx.tmp / "rec", "-s", fx.server->url()});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("drain of stream EVT") != std::string::npos);
}

TEST_CASE("drain: --start-seq and --since", "[nats]") {
  JsFixture fx({.name = "EVT", .subjects = {"evt.>"}});
  fx.Publish(50);
  const int64_t middle = record_test::NowNs();
  fx.Publish(30);
  testutil::ProcResult r = fx.Drain("seq", {"--start-seq", "41"});
  REQUIRE(r.exit_code == 0);
  record_test::Readback rb = record_test::ReadRecording(fx.tmp / "seq");
  REQUIRE(rb.frames.size() == 40);
  CheckFrames(rb.frames, 41);

  r = fx.Drain("since", {"--since", FormatRfc3339Nanos(middle)});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  rb = record_test::ReadRecording(fx.tmp / "since");
  REQUIRE(rb.frames.size() == 30);
  CheckFrames(rb.frames, 51);
  CHECK(rb.frames.front().time_ns >= middle);

  r = fx.Drain("recent", {"--since", "1h"});
  REQUIRE(r.exit_code == 0);
  CHECK(record_test::ReadRecording(fx.tmp / "recent").frames.size() == 80);
  CHECK(fx.Drain("x", {"--since", "1h", "--start-seq", "3"}).exit_code == 2);
  CHECK(fx.Drain("x", {"--start-seq", "0"}).exit_code == 2);
  testutil::ProcResult bad = fx.Drain("x", {"--duration", "10s"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("--duration does not apply to --stream") != std::string::npos);
}

TEST_CASE("drain: messages the stream no longer holds become exact retention gaps", "[nats]") {
  JsFixture fx({.name = "EVT", .subjects = {"evt.>"}, .max_msgs = 40});
  fx.Publish(30);
  REQUIRE(fx.Drain("rec").exit_code == 0);
  // 70 more: the stream keeps the last 40 (seq 61..100), so 31..60 expired before the resume.
  fx.Publish(70);
  jsErrCode ec = static_cast<jsErrCode>(0);
  REQUIRE(js_DeleteMsg(fx.s->js(), "EVT", 80, nullptr, &ec) == NATS_OK);
  REQUIRE(js_DeleteMsg(fx.s->js(), "EVT", 81, nullptr, &ec) == NATS_OK);
  REQUIRE(js_DeleteMsg(fx.s->js(), "EVT", 100, nullptr, &ec) == NATS_OK);
  testutil::ProcResult r = fx.Drain("rec");
  INFO(r.err);
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("3 retention gap(s) (33 messages") != std::string::npos);
  record_test::Readback rb = record_test::ReadRecording(fx.tmp / "rec");
  REQUIRE(rb.gaps.size() == 3);
  CHECK(rb.gaps[0].reason == format::GapReason::kRetention);
  CHECK(rb.gaps[0].count == 30u);
  CHECK(rb.gaps[0].after_seq == 30u);
  CHECK(rb.gaps[1].count == 2u);
  CHECK(rb.gaps[1].after_seq == 79u);
  CHECK(rb.gaps[2].count == 1u);  // the last seq itself, found missing at the end
  CHECK(rb.gaps[2].after_seq == 99u);
  std::set<uint64_t> seqs;
  for (const auto& f : rb.frames) seqs.insert(f.seq);
  CHECK(seqs.size() == rb.frames.size());
  CHECK(rb.frames.size() == 30 + 40 - 3);
  // Frames plus gap counts account for every stream sequence exactly once.
  uint64_t lost = 0;
  for (const auto& g : rb.gaps) lost += *g.count;
  CHECK(rb.frames.size() + lost == 100);
  CHECK(fx.Drain("rec").exit_code == 0);  // resumes after the trailing gap: nothing new
  CHECK(record_test::ReadRecording(fx.tmp / "rec").gaps.size() == 3);
}

TEST_CASE("drain: max_age expiry of everything after the resume point is one exact gap", "[nats]") {
  JsFixture fx({.name = "EVT", .subjects = {"evt.>"}, .max_age_ns = 1'000'000'000});
  fx.Publish(10);
  REQUIRE(fx.Drain("rec").exit_code == 0);
  fx.Publish(25);
  REQUIRE(testutil::WaitUntil([&] { return js_test::StreamMsgs(*fx.s, "EVT") == 0; },
                              std::chrono::seconds(20)));
  testutil::ProcResult r = fx.Drain("rec");
  INFO(r.err);
  CHECK(r.exit_code == 3);
  record_test::Readback rb = record_test::ReadRecording(fx.tmp / "rec");
  CHECK(rb.frames.size() == 10);
  REQUIRE(rb.gaps.size() == 1);
  CHECK(rb.gaps[0].count == 25u);
  CHECK(rb.gaps[0].after_seq == 10u);
  CHECK(format::GapReasonName(rb.gaps[0].reason) == std::string("retention"));
}

TEST_CASE("drain: --follow killed with -9 resumes without duplicates or holes", "[nats]") {
  JsFixture fx({.name = "EVT", .subjects = {"evt.>"}});
  fx.Publish(500);
  auto p = testutil::Process::Start({testutil::EvtapeBinary(), "record", "--stream", "EVT", "--follow",
                                     "--flush-interval", "20ms", "-o", fx.tmp / "rec", "-s",
                                     fx.server->url()});
  // Wait until some frames reached the open segment, then publish more and kill it.
  REQUIRE(testutil::WaitUntil([&] { return record_test::ReadRecording(fx.tmp / "rec").frames.size() >= 500; },
                              std::chrono::seconds(20)));
  fx.Publish(200);
  p->Signal(SIGKILL);
  p->Wait(std::chrono::seconds(10));
  fx.Publish(100);
  testutil::ProcResult r = fx.Drain("rec");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  record_test::Readback rb = record_test::ReadRecording(fx.tmp / "rec");
  REQUIRE(rb.frames.size() == 800);
  CheckFrames(rb.frames, 1);
  CHECK(rb.gaps.empty());

  // --follow stopped by SIGINT seals and exits 0.
  auto f = testutil::Process::Start({testutil::EvtapeBinary(), "record", "--stream", "EVT", "--follow",
                                     "-o", fx.tmp / "rec", "-s", fx.server->url()});
  fx.Publish(10);
  REQUIRE(testutil::WaitUntil([&] { return record_test::ReadRecording(fx.tmp / "rec").frames.size() == 810; },
                              std::chrono::seconds(20)));
  f->Signal(SIGINT);
  testutil::ProcResult fr = f->Wait(std::chrono::seconds(20));
  CHECK(fr.exit_code == 0);
  rb = record_test::ReadRecording(fx.tmp / "rec");
  // The segment the kill left open stays as a crash left it; the last one is sealed.
  REQUIRE(!rb.segments.empty());
  CHECK(rb.segments.back().find(".open") == std::string::npos);
  CheckFrames(rb.frames, 1);
}

}  // namespace
}  // namespace evtape
