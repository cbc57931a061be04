// The offline verbs run as the real binary on recordings written in the test: sealed, unsealed
// (torn), bit-flipped and truncated.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "format/file.h"
#include "tests/offline/offline_test_util.h"

namespace evtape::offline_test {
namespace {

using nlohmann::json;
using testutil::TempDir;

json Json(const std::string& s) {
  auto j = json::parse(s, nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  return j;
}

format::Gap MakeGap(int64_t at, uint64_t after) {
  format::Gap g;
  g.reason = format::GapReason::kDisconnect;
  g.start_ns = at;
  g.end_ns = at + 5'000'000;
  g.count = 3;
  g.after_seq = after;
  g.detail = "server restarted";
  return g;
}

TEST_CASE("cat | import | cat is byte-identical", "[cat][import]") {
  TempDir tmp;
  auto frames = MakeFrames(300);
  WriteSpec spec;
  spec.gaps = {{10, MakeGap(kT0 + 105'000'000, 11)}};
  WriteRecording(tmp / "rec", frames, spec);
  auto first = Evtape({"cat", tmp / "rec"});
  REQUIRE(first.exit_code == 0);
  CHECK(first.err.empty());
  CHECK(CountLines(first.out) == 301);
  CHECK(first.out.find(R"("headers":[["X-Key","1"],["x-key","2"],["X-Key","three"]])") !=
        std::string::npos);
  CHECK(first.out.find(R"("payload_b64":)") != std::string::npos);
  CHECK(first.out.find(R"({"gap":{"reason":"disconnect")") != std::string::npos);
  auto imp = Evtape({"import", "-", "-o", tmp / "back"}, first.out);
  REQUIRE(imp.exit_code == 0);
  auto second = Evtape({"cat", tmp / "back"});
  REQUIRE(second.exit_code == 0);
  CHECK(second.out == first.out);
  // And every frame is reproduced exactly, not only its printed form.
  auto verify = Evtape({"verify", tmp / "back", "--json"});
  CHECK(verify.exit_code == 0);
  CHECK(Json(verify.out)["frames"] == 300);
}

TEST_CASE("cat selection, limit and payload-only", "[cat]") {
  TempDir tmp;
  WriteRecording(tmp / "rec", MakeFrames(300));
  auto r = Evtape({"cat", tmp / "rec", "--type", "com.wasmcloud.lattice.component_scaled",
                   "--subject", "wasmbus.evt.*.other"});
  REQUIRE(r.exit_code == 0);
  // Odd indices with i % 3 == 1, minus binary (i % 7 == 3) and empty (i % 11 == 5) payloads.
  size_t expected = 0;
  for (size_t i = 0; i < 300; ++i) {
    expected += i % 2 == 1 && i % 3 == 1 && i % 7 != 3 && i % 11 != 5;
  }
  CHECK(CountLines(r.out) == expected);
  auto window = Evtape({"cat", tmp / "rec", "--from", "1s", "--to", "1500ms"});
  REQUIRE(window.exit_code == 0);
  CHECK(CountLines(window.out) == 50);
  CHECK(window.out.rfind(R"({"seq":101,)", 0) == 0);
  auto limited = Evtape({"cat", tmp / "rec", "--limit", "7", "--payload-only"});
  REQUIRE(limited.exit_code == 0);
  CHECK(limited.out.rfind(R"({"specversion":"1.0","id":"01J0",)", 0) == 0);
  CHECK(CountLines(limited.out) >= 7);  // binary payloads may hold newlines of their own
}

TEST_CASE("info reads only footers when sealed and scans otherwise", "[info]") {
  TempDir tmp;
  WriteSpec spec;
  spec.frames_per_segment = 250;
  auto segs = WriteRecording(tmp / "rec", MakeFrames(600), spec);
  REQUIRE(segs.size() == 3);
  // Damage a chunk in the middle of a sealed segment: a footer-only info cannot notice.
  FlipByte(segs[1], FileSize(segs[1]) / 2);
  auto r = Evtape({"info", tmp / "rec", "--json"});
  REQUIRE(r.exit_code == 0);
  json j = Json(r.out);
  CHECK(j["messages"] == 600);
  CHECK(j["issues"].empty());
  CHECK(j["segments"].size() == 3);
  size_t beats = 0;  // i % 3 == 0, minus binary (i % 7 == 3) and empty (i % 11 == 5) payloads
  for (size_t i = 0; i < 600; ++i) beats += i % 3 == 0 && i % 7 != 3 && i % 11 != 5;
  CHECK(j["types"]["com.wasmcloud.lattice.host_heartbeat"]["count"] == beats);
  CHECK(j["subjects"]["wasmbus.evt.default.other"]["count"] == 300);
  CHECK(j["sources"]["NAHOSTONE"].get<uint64_t>() > 0);
  CHECK(j["rate"]["max_per_s"] == 100);
  CHECK(j["chunks"]["count"].get<uint64_t>() > 3);
  CHECK(j["start"] == "2026-11-18T11:06:40.000000000Z");
  auto text = Evtape({"info", tmp / "rec"});
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find("Messages:   600") != std::string::npos);
  CHECK(text.out.find("com.wasmcloud.lattice.component_scaled") != std::string::npos);
  // A forced scan does read the chunks and reports the damage.
  auto scan = Evtape({"info", tmp / "rec", "--json", "--scan"});
  CHECK(scan.exit_code == 3);
  CHECK_FALSE(Json(scan.out)["issues"].empty());
}

TEST_CASE("info and cat on an unsealed recording", "[info][cat]") {
  TempDir tmp;
  WriteSpec spec;
  spec.seal_last = false;
  auto segs = WriteRecording(tmp / "rec", MakeFrames(200), spec);
  // Every frame reads back, but what came after the last record is unknown: all three verbs
  // say so and exit 3 alike (completed, possibly with loss), never "0 lost".
  auto info = Evtape({"info", tmp / "rec", "--json"});
  REQUIRE(info.exit_code == 3);
  json j = Json(info.out);
  CHECK(j["messages"] == 200);
  CHECK(j["segments"][0]["scanned"] == true);
  CHECK(j["types"]["com.wasmcloud.lattice.host_heartbeat"]["count"].get<int>() > 0);
  REQUIRE(j["issues"].size() == 1);
  CHECK(j["issues"][0].get<std::string>().find("frames lost unknown") != std::string::npos);
  auto cat = Evtape({"cat", tmp / "rec"});
  CHECK(cat.exit_code == 3);
  CHECK(CountLines(cat.out) == 200);
  CHECK(cat.err.find("unsealed") != std::string::npos);
  auto verify = Evtape({"verify", tmp / "rec"});
  CHECK(verify.exit_code == 3);
  CHECK(verify.out.find("unsealed") != std::string::npos);
  CHECK(verify.out.find("at least 0 frames lost (some counts unknown)") != std::string::npos);
}

TEST_CASE("a torn tail's loss is a lower bound, never an exact 0, and recover says so",
          "[verify][recover]") {
  TempDir tmp;
  auto segs = WriteRecording(tmp / "rec", MakeFrames(29));
  // Cut inside the first record after the metadata: the file held 29 frames, none survive.
  auto probe = Evtape({"verify", tmp / "rec", "--json"});
  REQUIRE(probe.exit_code == 0);
  TruncateTo(segs[0], 217);
  auto verify = Evtape({"verify", tmp / "rec", "--json"});
  CHECK(verify.exit_code == 3);
  json v = Json(verify.out);
  CHECK(v["frames_lost_unknown"] == true);
  REQUIRE_FALSE(v["issues"].empty());
  CHECK(v["issues"][0]["frames_lost"].is_null());
  auto rec = Evtape({"recover", tmp / "rec", "-o", tmp / "fixed"});
  CHECK(rec.exit_code != 0);
  CHECK(rec.err.find("nothing recoverable") != std::string::npos);
}

TEST_CASE("an exact count of earlier damage does not hide an unsealed end", "[verify]") {
  TempDir tmp;
  WriteSpec spec;
  spec.seal_last = false;
  auto segs = WriteRecording(tmp / "rec", MakeFrames(400), spec);
  std::string b = testutil::ReadFile(segs[0]);
  b[b.size() / 2] ^= 0x40;  // inside a chunk in the middle
  testutil::WriteFile(segs[0], b);
  auto verify = Evtape({"verify", tmp / "rec", "--json"});
  json v = Json(verify.out);
  CHECK(v["frames_lost_unknown"] == true);
  bool unsealed = false;
  for (const auto& i : v["issues"]) unsealed |= i["kind"] == "unsealed";
  CHECK(unsealed);
}

TEST_CASE("verify, cat and recover on a truncated recording", "[verify][recover]") {
  TempDir tmp;
  auto segs = WriteRecording(tmp / "rec", MakeFrames(400));
  TruncateTo(segs[0], FileSize(segs[0]) * 2 / 3);
  auto verify = Evtape({"verify", tmp / "rec", "--json"});
  CHECK(verify.exit_code == 3);
  json v = Json(verify.out);
  REQUIRE_FALSE(v["issues"].empty());
  CHECK(v["issues"][0]["kind"] == "torn_tail");
  uint64_t read = v["frames"];
  CHECK(read < 400);
  auto cat = Evtape({"cat", tmp / "rec"});
  CHECK(cat.exit_code == 3);
  CHECK(CountLines(cat.out) == read);
  CHECK(cat.err.find("torn_tail") != std::string::npos);
  std::string before = testutil::ReadFile(segs[0]);
  auto rec = Evtape({"recover", tmp / "rec", "-o", tmp / "fixed"});
  CHECK(rec.exit_code == 3);
  CHECK(testutil::ReadFile(segs[0]) == before);  // the input is never modified
  auto fixed = Evtape({"verify", tmp / "fixed", "--json"});
  CHECK(fixed.exit_code == 0);
  CHECK(Json(fixed.out)["frames"] == read);
  auto gaps = Evtape({"cat", tmp / "fixed"});
  CHECK(gaps.out.find(R"("reason":"corruption")") != std::string::npos);
}

TEST_CASE("verify, cat, recover and slice on a bit-flipped recording", "[verify][recover]") {
  TempDir tmp;
  auto segs = WriteRecording(tmp / "rec", MakeFrames(400));
  FlipByte(segs[0], FileSize(segs[0]) / 2);
  auto verify = Evtape({"verify", tmp / "rec", "--json"});
  CHECK(verify.exit_code == 1);
  json v = Json(verify.out);
  REQUIRE(v["issues"].size() == 1);
  CHECK(v["issues"][0]["kind"] == "corruption");
  uint64_t lost = v["issues"][0]["frames_lost"];
  CHECK(lost > 0);
  CHECK(v["frames"].get<uint64_t>() + lost == 400);

  auto strict = Evtape({"cat", tmp / "rec"});
  CHECK(strict.exit_code == 1);
  CHECK(CountLines(strict.err) == 1);
  CHECK(strict.err.find("--skip-corrupt") != std::string::npos);
  auto skip = Evtape({"cat", tmp / "rec", "--skip-corrupt"});
  CHECK(skip.exit_code == 3);
  CHECK(CountLines(skip.out) == 400 - lost);

  auto rec = Evtape({"recover", tmp / "rec", "-o", tmp / "fixed"});
  CHECK(rec.exit_code == 3);
  auto cat = Evtape({"cat", tmp / "fixed"});
  REQUIRE(cat.exit_code == 0);
  CHECK(cat.out.find(R"("reason":"corruption",)") != std::string::npos);
  CHECK(cat.out.find(R"("count":)" + std::to_string(lost) + ",") != std::string::npos);
  CHECK(CountLines(cat.out) == 400 - lost + 1);

  auto slice = Evtape({"slice", tmp / "rec", "-o", tmp / "s"});
  CHECK(slice.exit_code == 1);
  CHECK(CountLines(slice.err) == 1);
  CHECK(::access((tmp / "s").c_str(), F_OK) != 0);  // nothing written
}

TEST_CASE("recover of a clean recording is lossless; of garbage, nothing", "[recover]") {
  TempDir tmp;
  WriteRecording(tmp / "rec", MakeFrames(50));
  auto rec = Evtape({"recover", tmp / "rec", "-o", tmp / "copy"});
  CHECK(rec.exit_code == 0);
  CHECK(Evtape({"cat", tmp / "copy"}).out == Evtape({"cat", tmp / "rec"}).out);
  REQUIRE(FileSystem::Default()->CreateDir(tmp / "junk").ok());
  std::string garbage = "EVTAPE\x00\x01";
  garbage += std::string(5000, 'x');
  testutil::WriteFile(tmp / "junk/000001.seg", garbage);
  auto bad = Evtape({"recover", tmp / "junk", "-o", tmp / "out"});
  CHECK(bad.exit_code == 1);
  CHECK(CountLines(bad.err) == 1);
}

TEST_CASE("slice keeps seqs, merge interleaves and renumbers", "[slice][merge]") {
  TempDir tmp;
  auto a = MakeFrames(100);
  auto b = MakeFrames(100);
  for (auto& f : b) f.time_ns += 5'000'000;  // interleaved, 5 ms after each frame of a
  WriteSpec spec;
  spec.gaps = {{49, MakeGap(kT0 + 495'000'000, 50)}};
  WriteRecording(tmp / "a", a, spec);
  WriteRecording(tmp / "b", b);
  auto slice = Evtape({"slice", tmp / "a", "-o", tmp / "s", "--type",
                       "com.wasmcloud.lattice.host_heartbeat", "--limit", "10"});
  REQUIRE(slice.exit_code == 0);
  auto s = Evtape({"cat", tmp / "s"});
  CHECK(CountLines(s.out) == 10);
  CHECK(s.out.rfind(R"({"seq":1,)", 0) == 0);
  CHECK(s.out.find(R"({"seq":7,)") != std::string::npos);  // seq kept, not renumbered

  auto merge = Evtape({"merge", tmp / "a", tmp / "b", "-o", tmp / "m"});
  REQUIRE(merge.exit_code == 0);
  auto m = Evtape({"cat", tmp / "m"});
  REQUIRE(m.exit_code == 0);
  CHECK(CountLines(m.out) == 201);
  CHECK(m.out.find(R"({"seq":200,)") != std::string::npos);
  CHECK(m.out.find(R"("after_seq":99,)") != std::string::npos);  // 50 of a + 49 of b before
  std::vector<std::string> times;
  size_t pos = 0;
  while ((pos = m.out.find(R"("time":")", pos)) != std::string::npos) {
    times.push_back(m.out.substr(pos + 8, 30));
    pos += 8;
  }
  CHECK(std::is_sorted(times.begin(), times.end()));
  CHECK(Evtape({"verify", tmp / "m"}).exit_code == 0);
}

}  // namespace
}  // namespace evtape::offline_test
