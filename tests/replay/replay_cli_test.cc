// `evtape replay` and `evtape demo` against real nats-servers, checked by an independent
// subscriber.
#include <signal.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/replay/replay_helpers.h"
#include "format/recording.h"
#include "format/segment_writer.h"
#include "tests/testutil/testutil.h"

using namespace evtape;
using namespace evtape::replaytest;
using evtape::testutil::RunEvtape;
using evtape::testutil::TempDir;

namespace {

constexpr int64_t kMs = 1'000'000;

int Lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

std::vector<format::Frame> MixedFrames() {
  auto frames = LatticeFrames(300, 1 * kMs);
  frames[3].headers = "NATS/1.0\r\nX-Key: 1\r\nx-key: 2\r\nX-Key:   three  \r\nA: b\r\n\r\n";
  frames[4].reply = "_INBOX.reply.4";
  frames[5].payload.clear();
  frames[6].headers = "NATS/1.0\r\nTraceparent: 00-abc-def-01\r\n\r\n";
  frames[6].reply = "reply.6";
  frames[7].payload = std::string(200000, 'x');
  return frames;
}

}  // namespace

TEST_CASE("replay is byte-identical and in order, headers included", "[nats]") {
  TempDir tmp;
  auto frames = MixedFrames();
  WriteRecording(tmp / "rec", frames);
  auto server = testutil::NatsServer::Start();
  Verifier v(server->url(), ">");
  for (const char* speed : {"max", "100"}) {
    auto r = RunEvtape({"replay", tmp / "rec", "-s", server->url(), "--speed", speed});
    INFO(r.err << " signal " << r.signal);
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.find("300 messages") != std::string::npos);
  }
  REQUIRE(v.WaitFor(600));
  auto got = v.Take();
  REQUIRE(got.size() == 600);
  for (size_t i = 0; i < got.size(); ++i) {
    const auto& want = frames[i % 300];
    INFO("message " << i);
    REQUIRE(got[i].frame.subject == want.subject);
    REQUIRE(got[i].frame.reply == want.reply);
    REQUIRE(got[i].frame.headers == want.headers);
    REQUIRE(got[i].frame.payload == want.payload);
  }
}

TEST_CASE("speed, max-gap and rate follow the arithmetic", "[nats]") {
  TempDir tmp;
  WriteRecording(tmp / "rec", LatticeFrames(51, 100 * kMs));  // 5 s
  auto server = testutil::NatsServer::Start();
  Verifier v(server->url(), ">");
  auto timed = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"replay", tmp / "rec", "-s", server->url(),
                                     "--report", tmp / "r.json"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = RunEvtape(args);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto j = nlohmann::json::parse(testutil::ReadFile(tmp / "r.json"));
    CHECK(j["messages_sent"] == 51);
    return j["duration_s"].get<double>();
  };
  const double s10 = timed({"--speed", "10"});
  CHECK(s10 >= 0.49);
  CHECK(s10 < 1.5);
  const double gap = timed({"--speed", "10", "--max-gap", "20ms"});  // 50 gaps x 20 ms / 10
  CHECK(gap >= 0.099);
  CHECK(gap < 0.9);
  const double rate = timed({"--rate", "200"});  // 50 intervals of 5 ms
  CHECK(rate >= 0.249);
  CHECK(rate < 1.2);
  auto j = nlohmann::json::parse(testutil::ReadFile(tmp / "r.json"));
  CHECK(j.contains("lateness_ns"));
  CHECK(j["failed"] == 0);
}

TEST_CASE("map, lattice, filters, time window, count and loop", "[nats]") {
  TempDir tmp;
  WriteRecording(tmp / "rec", LatticeFrames(20, 1 * kMs));
  auto server = testutil::NatsServer::Start();
  Verifier v(server->url(), ">");
  auto run = [&](std::vector<std::string> extra, size_t expect) {
    const size_t before = v.count();
    std::vector<std::string> args = {"replay", tmp / "rec", "-s", server->url(), "--speed", "max"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = RunEvtape(args);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    REQUIRE(v.WaitFor(before + expect));
    auto all = v.Take();
    REQUIRE(all.size() == before + expect);
    return std::vector<Received>(all.begin() + static_cast<long>(before), all.end());
  };
  auto got = run({"--lattice", "default=ci-1"}, 20);
  CHECK(got[0].frame.subject == "wasmbus.evt.ci-1.host_heartbeat");
  got = run({"--map", "wasmbus.evt.*.component_scaled=x.*.scaled"}, 20);
  CHECK(got[0].frame.subject == "wasmbus.evt.default.host_heartbeat");
  CHECK(got[1].frame.subject == "x.default.scaled");
  got = run({"--subject", "wasmbus.evt.*.host_heartbeat"}, 10);
  CHECK(got.back().frame.subject == "wasmbus.evt.default.host_heartbeat");
  got = run({"--type", "com.wasmcloud.lattice.component_scaled", "--count", "3"}, 3);
  CHECK(got[2].frame.subject == "wasmbus.evt.default.component_scaled");
  got = run({"--from", "5ms", "--to", "8ms"}, 3);  // frames at 5, 6, 7 ms
  CHECK(got[0].frame.payload.find(R"("n":5)") != std::string::npos);
  got = run({"--loop", "3", "--loop-delay", "10ms"}, 60);
  CHECK(got[20].frame.payload == got[0].frame.payload);
}

TEST_CASE("several inputs merge in time order, ties in argument order", "[nats]") {
  TempDir tmp;
  auto a = LatticeFrames(5, 2 * kMs, "a");
  auto b = LatticeFrames(5, 2 * kMs, "b", a[0].time_ns + 1 * kMs);
  auto c = LatticeFrames(1, 1, "c", a[0].time_ns);  // ties with a's first frame
  WriteRecording(tmp / "a", a);
  WriteRecording(tmp / "b", b);
  WriteRecording(tmp / "c", c);
  auto r = RunEvtape({"replay", tmp / "c", tmp / "b", tmp / "a", "--speed", "max", "--dry-run"});
  REQUIRE(r.exit_code == 0);
  std::vector<std::string> subj;
  std::istringstream in(r.out);
  for (std::string off, s, size; in >> off >> s >> size;) subj.push_back(s.substr(12, 1));
  CHECK(subj == std::vector<std::string>{"c", "a", "b", "a", "b", "a", "b", "a", "b", "a", "b"});
}

TEST_CASE("dry run is identical across runs and needs no server", "[cli]") {
  TempDir tmp;
  WriteRecording(tmp / "rec", LatticeFrames(50, 3 * kMs));
  std::vector<std::string> args = {"replay", tmp / "rec", "--dry-run", "--speed", "2",
                                   "--fresh-ids", "--seed", "9", "-s", "nats://127.0.0.1:1"};
  auto r1 = RunEvtape(args);
  auto r2 = RunEvtape(args);
  REQUIRE(r1.exit_code == 0);
  CHECK(r1.out == r2.out);
  CHECK(Lines(r1.out) == 50);
  CHECK(r1.out.rfind("0.000000 wasmbus.evt.default.host_heartbeat ", 0) == 0);
  CHECK(r1.out.find("\n0.003000 wasmbus.evt.default.component_scaled ") == std::string::npos);
  CHECK(r1.out.find("\n0.001500 wasmbus.evt.default.component_scaled ") != std::string::npos);
}

TEST_CASE("rewrites are identical for the same seed and differ for another", "[nats]") {
  TempDir tmp;
  WriteRecording(tmp / "rec", LatticeFrames(10, 1 * kMs));
  auto server = testutil::NatsServer::Start();
  Verifier v(server->url(), ">");
  for (const char* seed : {"1", "1", "2"}) {
    auto r = RunEvtape({"replay", tmp / "rec", "-s", server->url(), "--speed", "max",
                        "--fresh-ids", "--shift-time=2030-01-01T00:00:00Z", "--seed", seed});
    REQUIRE(r.exit_code == 0);
  }
  REQUIRE(v.WaitFor(30));
  auto got = v.Take();
  for (int i = 0; i < 10; ++i) {
    CHECK(got[static_cast<size_t>(i)].frame.payload == got[static_cast<size_t>(i + 10)].frame.payload);
    CHECK(got[static_cast<size_t>(i)].frame.payload != got[static_cast<size_t>(i + 20)].frame.payload);
  }
  auto j = nlohmann::json::parse(got[0].frame.payload);
  CHECK(j["time"] == "2030-01-01T00:00:00.000000000Z");  // the first event is at the anchor
  CHECK(nlohmann::json::parse(got[1].frame.payload)["time"] == "2030-01-01T00:00:01.000000000Z");
  CHECK(j["id"].get<std::string>().rfind("01", 0) == 0);
}

TEST_CASE("server stopped mid-replay: exact count of messages not sent, exit 1", "[nats]") {
  TempDir tmp;
  WriteRecording(tmp / "rec", LatticeFrames(400, 5 * kMs));  // 2 s
  auto server = testutil::NatsServer::Start();
  Verifier v(server->url(), ">");
  auto proc = testutil::Process::Start({testutil::EvtapeBinary(), "replay", tmp / "rec", "-s",
                                        server->url(), "--reconnect-timeout", "500ms",
                                        "--report", tmp / "r.json"});
  REQUIRE(v.WaitFor(50));
  server->Stop();
  auto r = proc->Wait(std::chrono::seconds(30));
  INFO(r.err);
  REQUIRE(r.exit_code == 1);
  CHECK(r.err.find("messages were not sent") != std::string::npos);
  auto j = nlohmann::json::parse(testutil::ReadFile(tmp / "r.json"));
  const uint64_t sent = j["messages_sent"], not_sent = j["not_sent"];
  CHECK(sent + not_sent == 400);
  CHECK(not_sent > 0);
  CHECK(v.count() <= sent);
  CHECK(r.err.find(std::to_string(not_sent) + " messages were not sent") != std::string::npos);
}

TEST_CASE("server restarted mid-replay: everything sent after reconnect", "[nats]") {
  TempDir tmp;
  WriteRecording(tmp / "rec", LatticeFrames(300, 5 * kMs));  // 1.5 s
  auto server = testutil::NatsServer::Start();
  Verifier v(server->url(), ">");
  auto proc = testutil::Process::Start({testutil::EvtapeBinary(), "replay", tmp / "rec", "-s",
                                        server->url(), "--report", tmp / "r.json"});
  REQUIRE(v.WaitFor(30));
  server->Stop();
  REQUIRE(server->Restart());
  auto r = proc->Wait(std::chrono::seconds(60));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(testutil::ReadFile(tmp / "r.json"));
  CHECK(j["messages_sent"] == 300);
  CHECK(j["not_sent"] == 0);
}

TEST_CASE("bad input: one clear line and the right exit code", "[cli]") {
  TempDir tmp;
  WriteRecording(tmp / "rec", LatticeFrames(10, 1 * kMs));
  struct Case {
    std::vector<std::string> args;
    int code;
    const char* needle;
  };
  const std::vector<Case> cases = {
      {{"replay", tmp / "missing", "--dry-run"}, 1, "missing"},
      {{"replay", tmp / "rec", "--speed", "0", "--dry-run"}, 2, "--speed"},
      {{"replay", tmp / "rec", "--speed", "fast", "--dry-run"}, 2, "--speed"},
      {{"replay", tmp / "rec", "--speed", "-2", "--dry-run"}, 2, "--speed"},
      {{"replay", tmp / "rec", "--rate", "-5", "--dry-run"}, 2, "--rate"},
      {{"replay", tmp / "rec", "--count", "-1", "--dry-run"}, 2, "--count"},
      {{"replay", tmp / "rec", "--loop", "x", "--dry-run"}, 2, "--loop"},
      {{"replay", tmp / "rec", "--max-gap", "soon", "--dry-run"}, 2, "--max-gap"},
      {{"replay", tmp / "rec", "--speed", "2", "--rate", "5"}, 2, "--rate"},
      {{"replay", tmp / "rec", "--map", "a.*=b"}, 2, "--map"},
      {{"replay"}, 2, "RECORDING"},
      {{"replay", tmp / "rec", "-s", "nats://127.0.0.1:1", "--connect-timeout", "500ms"}, 1,
       "127.0.0.1:1"},
  };
  for (const auto& c : cases) {
    auto r = RunEvtape(c.args);
    INFO(c.args[c.args.size() > 2 ? 2 : 0] << " " << r.err);
    CHECK(r.exit_code == c.code);
    CHECK(Lines(r.err) == 1);
    CHECK(r.err.find(c.needle) != std::string::npos);
  }
}

TEST_CASE("mid-file corruption is refused unless --skip-corrupt and a torn tail is fine", "[cli]") {
  TempDir tmp;
  format::WriterOptions small;
  auto frames = LatticeFrames(3000, 1 * kMs);
  WriteRecording(tmp / "rec", frames);
  const std::string seg = tmp / "rec/000001.seg";
  std::string bytes = testutil::ReadFile(seg);
  REQUIRE(bytes.size() > 2000);
  // Damage the middle of the file (inside the chunk data).
  std::string damaged = bytes;
  damaged[damaged.size() / 2] ^= 0x5a;
  testutil::WriteFile(seg, damaged);
  auto r = RunEvtape({"replay", tmp / "rec", "--dry-run"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("--skip-corrupt") != std::string::npos);
  auto s = RunEvtape({"replay", tmp / "rec", "--dry-run", "--skip-corrupt"});
  INFO(s.err);
  CHECK(s.exit_code == 0);
  CHECK(s.err.find("skipped:") != std::string::npos);
  // A torn tail replays what is complete, exit 0.
  testutil::WriteFile(seg, bytes.substr(0, bytes.size() - 7));
  auto t = RunEvtape({"replay", tmp / "rec", "--dry-run"});
  INFO(t.err);
  CHECK(t.exit_code == 0);
}

TEST_CASE("gaps are reported and --fail-on-gap exits 3", "[cli]") {
  TempDir tmp;
  FileSystem* fs = FileSystem::Default();
  REQUIRE(fs->CreateDir(tmp / "rec").ok());
  auto frames = LatticeFrames(4, 1 * kMs);
  {
    format::Metadata md;
    auto w = format::SegmentWriter::Create(fs, format::SegmentPath(tmp / "rec", 1), md, {});
    REQUIRE(w.ok());
    REQUIRE((*w)->Add(frames[0].view()).ok());
    format::Gap g;
    g.reason = format::GapReason::kDisconnect;
    g.start_ns = frames[0].time_ns;
    g.end_ns = frames[1].time_ns;
    g.count = 7;
    g.after_seq = 1;
    REQUIRE((*w)->AddGap(g).ok());
    REQUIRE((*w)->Add(frames[1].view()).ok());
    REQUIRE((*w)->Seal().ok());
  }
  auto r = RunEvtape({"replay", tmp / "rec", "--dry-run"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("7 messages lost") != std::string::npos);
  auto f = RunEvtape({"replay", tmp / "rec", "--dry-run", "--fail-on-gap"});
  CHECK(f.exit_code == 3);
}

TEST_CASE("demo runs end to end on an embedded server", "[nats]") {
  TempDir tmp;
  auto r = RunEvtape({"demo", "-o", tmp / "out"}, std::chrono::seconds(60));
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("captured byte-identical") != std::string::npos);
  CHECK(r.out.find("evtape replay") != std::string::npos);
}
