// evtape bundle, run as the real binary on the fixture recordings: what a bundle holds, that
// every reading verb reads it in place, its size, --extract, and bad input (truncated, not a
// bundle, an existing output).
#include <catch2/catch.hpp>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "format/bundle.h"
#include "tests/testutil/testutil.h"

namespace evtape {
namespace {

namespace fs = std::filesystem;
using testutil::RunEvtape;
using testutil::TempDir;

const std::string kFixture = std::string(EVTAPE_FIXTURES_DIR) + "/multi-host-rolling";

uint64_t DirBytes(const std::string& dir) {
  uint64_t n = 0;
  for (const auto& e : fs::directory_iterator(dir)) n += e.file_size();
  return n;
}

nlohmann::json Manifest(const std::string& bundle) {
  auto entries = format::ReadBundleIndex(bundle, true);
  REQUIRE(entries.ok());
  REQUIRE(entries->front().name == "manifest.json");
  auto text = format::ReadBundleEntry(bundle, entries->front());
  REQUIRE(text.ok());
  return nlohmann::json::parse(*text);
}

TEST_CASE("a redacted bundle reads like the redacted recording, in every reading verb",
          "[bundle]") {
  TempDir tmp;
  const std::string bundle = tmp / "repro.evtape";
  auto made = RunEvtape({"bundle", kFixture, "-o", bundle, "--seed", "7"});
  REQUIRE(made.exit_code == 0);
  CHECK(made.err.find("identifiers redacted") != std::string::npos);
  REQUIRE(RunEvtape({"redact", kFixture, "-o", tmp / "redacted", "--seed", "7"}).exit_code == 0);

  auto from_bundle = RunEvtape({"cat", bundle});
  auto from_redacted = RunEvtape({"cat", tmp / "redacted"});
  REQUIRE(from_bundle.exit_code == 0);
  CHECK(from_bundle.out == from_redacted.out);
  CHECK(from_bundle.out != RunEvtape({"cat", kFixture}).out);  // identifiers were replaced

  auto info = RunEvtape({"info", bundle, "--json"});
  REQUIRE(info.exit_code == 0);
  auto original = nlohmann::json::parse(RunEvtape({"info", kFixture, "--json"}).out);
  CHECK(nlohmann::json::parse(info.out)["messages"] == original["messages"]);
  CHECK(RunEvtape({"verify", bundle}).exit_code == 0);
  CHECK(RunEvtape({"slice", bundle, "-o", tmp / "sliced", "--limit", "5"}).exit_code == 0);
  CHECK(RunEvtape({"lint", bundle}).exit_code == RunEvtape({"lint", kFixture}).exit_code);

  nlohmann::json m = Manifest(bundle);
  CHECK(m["redacted"] == true);
  CHECK(m["bundle_version"] == 1);
  CHECK(m["evtape_version"].get<std::string>().starts_with("evtape "));
  CHECK(m["replay"] == "evtape replay repro.evtape -s nats://127.0.0.1:4222");
  CHECK(m["info"]["frames"] == original["messages"]);
  CHECK(!m["subjects"].empty());
  // Nothing of the original identifiers in the manifest: every host key was replaced.
  for (const auto& [source, _] : original["sources"].items()) {
    CHECK(m.dump().find(source) == std::string::npos);
  }
}

TEST_CASE("replay publishes a bundle into a real nats-server", "[bundle][nats]") {
  TempDir tmp;
  REQUIRE(RunEvtape({"bundle", kFixture, "-o", tmp / "repro.evtape"}).exit_code == 0);
  auto server = testutil::NatsServer::Start();
  REQUIRE(server);
  const auto frames = std::to_string(
      nlohmann::json::parse(RunEvtape({"info", kFixture, "--json"}).out)["messages"].get<int>());
  auto r = RunEvtape({"replay", tmp / "repro.evtape", "-s", server->url(), "--speed", "max"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("replay: " + frames + " messages") != std::string::npos);
  CHECK(r.err.find("0 failed, 0 not sent") != std::string::npos);
}

TEST_CASE("a bundle is at most the compressed recording plus a few KiB", "[bundle]") {
  TempDir tmp;
  REQUIRE(RunEvtape({"bundle", kFixture, "-o", tmp / "plain.evtape", "--no-redact"}).exit_code ==
          0);
  REQUIRE(RunEvtape({"bundle", kFixture, "-o", tmp / "redacted.evtape"}).exit_code == 0);
  const uint64_t recording = DirBytes(kFixture);
  INFO("recording " << recording << " bytes");
  CHECK(fs::file_size(tmp / "plain.evtape") <= recording + 4096);
  CHECK(fs::file_size(tmp / "redacted.evtape") <= recording + 4096);
}

TEST_CASE("a bundle made with --no-redact keeps the recording byte for byte and warns loudly", "[bundle]") {
  TempDir tmp;
  auto made = RunEvtape({"bundle", kFixture, "-o", tmp / "b.evtape", "--no-redact"});
  REQUIRE(made.exit_code == 0);
  CHECK(made.err.find("WARNING: --no-redact") != std::string::npos);
  CHECK(Manifest(tmp / "b.evtape")["redacted"] == false);
  CHECK(RunEvtape({"cat", tmp / "b.evtape"}).out == RunEvtape({"cat", kFixture}).out);

  auto x = RunEvtape({"bundle", "--extract", tmp / "b.evtape", "-o", tmp / "x"});
  REQUIRE(x.exit_code == 0);
  CHECK(testutil::ReadFile(tmp / "x/recording/000001.seg") ==
        testutil::ReadFile(kFixture + "/000001.seg"));
  CHECK(fs::exists(tmp / "x/manifest.json"));
  CHECK(testutil::ReadFile(tmp / "x/README.txt").find("NOT REDACTED") != std::string::npos);
}

TEST_CASE("bad bundles and outputs get one line and the documented exit code", "[bundle]") {
  TempDir tmp;
  const std::string bundle = tmp / "b.evtape";
  REQUIRE(RunEvtape({"bundle", kFixture, "-o", bundle}).exit_code == 0);
  const std::string bytes = testutil::ReadFile(bundle);

  SECTION("the output exists: refused unless --force") {
    auto again = RunEvtape({"bundle", kFixture, "-o", bundle});
    CHECK(again.exit_code == 2);
    CHECK(again.err.find("exists (--force replaces it)") != std::string::npos);
    CHECK(testutil::ReadFile(bundle) == bytes);
    CHECK(RunEvtape({"bundle", kFixture, "-o", bundle, "--force"}).exit_code == 0);
  }
  SECTION("truncated anywhere: every reader fails naming the bundle, extract writes nothing") {
    for (size_t keep : {bytes.size() - 1, bytes.size() / 2, size_t{12}}) {
      testutil::WriteFile(tmp / "cut.evtape", bytes.substr(0, keep));
      for (const char* verb : {"cat", "info", "verify"}) {
        auto r = RunEvtape({verb, tmp / "cut.evtape"});
        INFO(verb << " on " << keep << " bytes: " << r.err);
        CHECK(r.exit_code == 1);
        CHECK(r.err.find("truncated evtape bundle") != std::string::npos);
      }
      auto x = RunEvtape({"bundle", "--extract", tmp / "cut.evtape", "-o", tmp / "x"});
      CHECK(x.exit_code == 1);
      CHECK(!fs::exists(tmp / "x"));
    }
  }
  SECTION("a damaged byte: --extract refuses before writing") {
    std::string damaged = bytes;
    damaged[damaged.size() - 200] ^= 0x40;
    testutil::WriteFile(tmp / "bad.evtape", damaged);
    auto x = RunEvtape({"bundle", "--extract", tmp / "bad.evtape", "-o", tmp / "x"});
    CHECK(x.exit_code == 1);
    CHECK(x.err.find("fails its checksum") != std::string::npos);
    CHECK(!fs::exists(tmp / "x"));
  }
  SECTION("not a bundle") {
    testutil::WriteFile(tmp / "notes.txt", "hello, this is not a bundle\n");
    auto x = RunEvtape({"bundle", "--extract", tmp / "notes.txt", "-o", tmp / "x"});
    CHECK(x.exit_code == 1);
    CHECK(x.err.find("not an evtape bundle") != std::string::npos);
  }
  SECTION("usage errors") {
    CHECK(RunEvtape({"bundle", kFixture}).exit_code == 2);
    CHECK(RunEvtape({"bundle", "-o", tmp / "y.evtape"}).exit_code == 2);
    CHECK(RunEvtape({"bundle", kFixture, "-o", tmp / "y.evtape", "--no-redact", "--seed", "3"})
              .exit_code == 2);
    CHECK(RunEvtape({"bundle", kFixture, "-o", tmp.path()}).exit_code == 2);  // a directory
  }
}

}  // namespace
}  // namespace evtape
