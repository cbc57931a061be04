// evtape report, run as the real binary: the snapshot trigger from the metadata, a page whose
// size follows lanes and buckets rather than events, and bad input (empty recording, existing
// output). The page in a real browser: report_browser_test.sh.
#include <catch2/catch.hpp>

#include <filesystem>

#include "offline/common.h"
#include "tests/testutil/testutil.h"
#include "util/units.h"

namespace evtape {
namespace {

namespace fs = std::filesystem;
using testutil::RunEvtape;
using testutil::TempDir;

constexpr int64_t kT0 = 1'795'000'000'000'000'000;

// A recording of `n` host heartbeats, one a second, with the metadata's extra as given.
void WriteRecording(const std::string& dir, int n, nlohmann::json extra) {
  format::Metadata m;
  m.created_ns = kT0;
  m.extra = std::move(extra);
  auto out = offline::OpenOutput(dir, m);
  REQUIRE(out.ok());
  for (int i = 0; i < n; ++i) {
    format::Frame f;
    f.seq = static_cast<uint64_t>(i + 1);
    f.time_ns = kT0 + i * 1'000'000'000LL;
    f.subject = "wasmbus.evt.default.host_heartbeat";
    f.payload = R"({"specversion":"1.0","type":"com.wasmcloud.lattice.host_heartbeat","source":"N1","id":")" +
                std::to_string(i) + R"(","data":{}})";
    REQUIRE((*out)->Add(f.view()).ok());
  }
  REQUIRE((*out)->Close().ok());
}

TEST_CASE("report marks the snapshot trigger the metadata names", "[report]") {
  TempDir tmp;
  WriteRecording(tmp / "rec", 60,
                 {{"trigger", {{"time", FormatRfc3339Nanos(kT0 + 30'000'000'000LL)},
                               {"reason", "consumer crashed"}}}});
  auto r = RunEvtape({"report", tmp / "rec", "-o", tmp / "r.html"});
  REQUIRE(r.exit_code == 0);
  std::string html = testutil::ReadFile(tmp / "r.html");
  CHECK(html.find("<line id='trigger'") != std::string::npos);
  CHECK(html.find("consumer crashed") != std::string::npos);
  CHECK(html.find("com.wasmcloud.lattice.host_heartbeat (60)") != std::string::npos);

  WriteRecording(tmp / "plain", 60, nlohmann::json::object());
  REQUIRE(RunEvtape({"report", tmp / "plain", "-o", tmp / "p.html"}).exit_code == 0);
  CHECK(testutil::ReadFile(tmp / "p.html").find("id='trigger'") == std::string::npos);
}

TEST_CASE("the page's size follows lanes and buckets, not events", "[report]") {
  TempDir tmp;
  WriteRecording(tmp / "small", 2000, nlohmann::json::object());  // fills every bucket
  WriteRecording(tmp / "large", 20000, nlohmann::json::object());
  REQUIRE(RunEvtape({"report", tmp / "small", "-o", tmp / "s.html"}).exit_code == 0);
  REQUIRE(RunEvtape({"report", tmp / "large", "-o", tmp / "l.html"}).exit_code == 0);
  INFO(fs::file_size(tmp / "s.html") << " vs " << fs::file_size(tmp / "l.html"));
  CHECK(fs::file_size(tmp / "l.html") < fs::file_size(tmp / "s.html") * 11 / 10);  // 10x events
}

TEST_CASE("beyond --lanes the quietest lanes are summed into one", "[report]") {
  TempDir tmp;
  const std::string fixture = std::string(EVTAPE_FIXTURES_DIR) + "/failures";  // 12 types
  REQUIRE(RunEvtape({"report", fixture, "-o", tmp / "r.html", "--lanes", "4"}).exit_code == 0);
  std::string html = testutil::ReadFile(tmp / "r.html");
  size_t lanes = 0;
  for (size_t at = 0; (at = html.find("<g class='lane'", at)) != std::string::npos; ++at) lanes++;
  CHECK(lanes == 4);
  CHECK(html.find("(9 other lanes)") != std::string::npos);
}

TEST_CASE("report: bad input gets one line and the documented exit code", "[report]") {
  TempDir tmp;
  WriteRecording(tmp / "empty", 0, nlohmann::json::object());
  auto empty = RunEvtape({"report", tmp / "empty", "-o", tmp / "e.html"});
  CHECK(empty.exit_code == 1);
  CHECK(empty.err == "evtape report: no messages to report\n");
  CHECK(!fs::exists(tmp / "e.html"));

  WriteRecording(tmp / "rec", 5, nlohmann::json::object());
  testutil::WriteFile(tmp / "old.html", "keep me");
  auto exists = RunEvtape({"report", tmp / "rec", "-o", tmp / "old.html"});
  CHECK(exists.exit_code == 2);
  CHECK(exists.err.find("exists (--force replaces it)") != std::string::npos);
  CHECK(testutil::ReadFile(tmp / "old.html") == "keep me");
  CHECK(RunEvtape({"report", tmp / "rec", "-o", tmp / "old.html", "--force"}).exit_code == 0);
  CHECK(RunEvtape({"report", tmp / "rec", "-o", tmp / "b.html", "--buckets", "5"}).exit_code == 2);
  CHECK(RunEvtape({"report", tmp / "rec"}).exit_code == 2);
  CHECK(RunEvtape({"report", tmp / "missing", "-o", tmp / "m.html"}).exit_code == 1);
}

}  // namespace
}  // namespace evtape
