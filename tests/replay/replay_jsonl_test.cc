// `evtape replay` of JSON lines files (what `evtape cat` printed from a recording): the same
// schedule and the same bytes on the wire as the recording, merged with recordings, from stdin,
// and a malformed line (exit 1, one stderr line naming the file and the line).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "format/recording.h"
#include "format/segment_writer.h"
#include "tests/replay/replay_helpers.h"
#include "tests/testutil/testutil.h"

using namespace evtape;
using namespace evtape::replaytest;
using evtape::testutil::RunEvtape;
using evtape::testutil::TempDir;

namespace {

constexpr int64_t kMs = 1'000'000;

size_t Lines(const std::string& s) {
  return static_cast<size_t>(std::count(s.begin(), s.end(), '\n'));
}

// `evtape cat rec` written to path.
void CatTo(const std::string& rec, const std::string& path) {
  auto cat = RunEvtape({"cat", rec});
  REQUIRE(cat.exit_code == 0);
  testutil::WriteFile(path, cat.out);
}

}  // namespace

TEST_CASE("replay of JSON lines schedules what replay of the recording does", "[cli][jsonl]") {
  TempDir tmp;
  auto a = LatticeFrames(40, 3 * kMs, "a");
  auto b = LatticeFrames(40, 3 * kMs, "b", a[0].time_ns + 1 * kMs);
  WriteRecording(tmp / "a", a);
  WriteRecording(tmp / "b", b);
  CatTo(tmp / "a", tmp / "a.jsonl");
  CatTo(tmp / "b", tmp / "b.jsonl");
  auto dry = [&](std::vector<std::string> inputs, const std::string& stdin_data = "") {
    std::vector<std::string> args = {"replay"};
    args.insert(args.end(), inputs.begin(), inputs.end());
    for (const char* o :
         {"--dry-run", "--speed", "2", "--from", "30ms", "--fresh-ids", "--seed", "4"})
      args.push_back(o);
    auto r = RunEvtape(args, std::chrono::seconds(60), {}, stdin_data);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    return r.out;
  };
  const std::string want = dry({tmp / "a", tmp / "b"});
  CHECK(Lines(want) == 60);  // from 30 ms on: 30 of a, 30 of b
  CHECK(dry({tmp / "a.jsonl", tmp / "b.jsonl"}) == want);
  CHECK(dry({tmp / "a", tmp / "b.jsonl"}) == want);
  CHECK(dry({"-", tmp / "b"}, testutil::ReadFile(tmp / "a.jsonl")) == want);

  // stdin is read once: not twice, not with --loop.
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"replay", "-", "--dry-run", "--loop", "2"},
        {"replay", "-", "-", "--dry-run"}}) {
    auto r = RunEvtape(args, std::chrono::seconds(60), {}, testutil::ReadFile(tmp / "a.jsonl"));
    CHECK(r.exit_code == 2);
    CHECK(Lines(r.err) == 1);
    CHECK(r.err.find("standard input") != std::string::npos);
  }
}

TEST_CASE("replay of JSON lines reports gaps and stops at a malformed line", "[cli][jsonl]") {
  TempDir tmp;
  FileSystem* fs = FileSystem::Default();
  REQUIRE(fs->CreateDir(tmp / "rec").ok());
  auto frames = LatticeFrames(4, 1 * kMs);
  {
    auto w = format::SegmentWriter::Create(fs, format::SegmentPath(tmp / "rec", 1), {}, {});
    REQUIRE(w.ok());
    REQUIRE((*w)->Add(frames[0].view()).ok());
    format::Gap g;
    g.reason = format::GapReason::kDisconnect;
    g.start_ns = frames[0].time_ns;
    g.end_ns = frames[1].time_ns;
    g.count = 7;
    g.after_seq = 1;
    REQUIRE((*w)->AddGap(g).ok());
    for (size_t i = 1; i < frames.size(); ++i) REQUIRE((*w)->Add(frames[i].view()).ok());
    REQUIRE((*w)->Seal().ok());
  }
  CatTo(tmp / "rec", tmp / "rec.jsonl");
  auto r = RunEvtape({"replay", tmp / "rec.jsonl", "--dry-run", "--fail-on-gap"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("gap in " + tmp / "rec.jsonl" + ": disconnect") != std::string::npos);
  CHECK(r.err.find("7 messages lost") != std::string::npos);

  std::string text = testutil::ReadFile(tmp / "rec.jsonl");
  // The first frame, a blank line, then a bad one (instead of the gap: one stderr line).
  testutil::WriteFile(tmp / "bad.jsonl",
                      text.substr(0, text.find('\n') + 1) + "\n{\"seq\":\"x\"}\n");
  auto bad = RunEvtape({"replay", tmp / "bad.jsonl", "--dry-run"});
  INFO(bad.err);
  CHECK(bad.exit_code == 1);
  CHECK(Lines(bad.err) == 1);
  CHECK(bad.err.rfind("evtape replay: " + tmp / "bad.jsonl" + ": line 3: field 'seq'", 0) == 0);
  CHECK(Lines(bad.out) == 1);                                  // the frame before it was scheduled
  CHECK(bad.err.find("--skip-corrupt") == std::string::npos);  // not damage: nothing to skip
}

TEST_CASE("replay of JSON lines publishes the recorded bytes", "[nats][jsonl]") {
  TempDir tmp;
  auto frames = LatticeFrames(100, 1 * kMs);
  frames[3].headers = "NATS/1.0\r\nX-Key: 1\r\nx-key: 2\r\nX-Key:   three  \r\nA: b\r\n\r\n";
  frames[4].reply = "_INBOX.reply.4";
  frames[5].payload.clear();
  frames[6].payload = std::string("\x00\xff binary\n", 10);
  frames[7].payload = "{ \"spaced\": true }";
  WriteRecording(tmp / "rec", frames);
  CatTo(tmp / "rec", tmp / "rec.jsonl");
  auto server = testutil::NatsServer::Start();
  Verifier v(server->url(), ">");
  auto r = RunEvtape({"replay", tmp / "rec.jsonl", "-s", server->url(), "--speed", "max"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(v.WaitFor(frames.size()));
  auto got = v.Take();
  REQUIRE(got.size() == frames.size());
  for (size_t i = 0; i < got.size(); ++i) {
    INFO("message " << i);
    CHECK(got[i].frame.subject == frames[i].subject);
    CHECK(got[i].frame.reply == frames[i].reply);
    CHECK(got[i].frame.headers == frames[i].headers);
    CHECK(got[i].frame.payload == frames[i].payload);
  }
}
