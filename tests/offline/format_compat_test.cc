// Version 1 recordings (tests/data/v1, written by evtape 0.1.0) stay readable by every verb:
// the same frames byte for byte, clean verification, a torn copy read up to its damage, and
// rewrites into version 2 that keep every frame.
#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/offline/offline_test_util.h"

using namespace evtape;
using namespace evtape::offline_test;

namespace {

std::string V1(const std::string& name) { return std::string(EVTAPE_SOURCE_DIR) + "/tests/data/v1/" + name; }

}  // namespace

TEST_CASE("version 1 recordings read back byte-identical in every reading verb", "[compat]") {
  for (const char* name : {"gapped", "synth"}) {
    INFO(name);
    const std::string rec = V1(name);
    const std::string expected = testutil::ReadFile(rec + ".jsonl");
    auto cat = Evtape({"cat", rec});
    CHECK(cat.exit_code == 0);
    CHECK(cat.out == expected);
    CHECK(Evtape({"verify", rec}).exit_code == 0);
    auto info = Evtape({"info", rec});
    CHECK(info.exit_code == 0);
    CHECK(info.out.find("Messages:") != std::string::npos);
    auto dry = Evtape({"replay", rec, "--dry-run", "--speed", "max"});
    CHECK(dry.exit_code == 0);
    CHECK(CountLines(dry.out) == CountLines(expected) - (std::string(name) == "gapped" ? 1 : 0));
  }
}

TEST_CASE("version 1 recordings rewrite into version 2 with every frame kept", "[compat]") {
  testutil::TempDir tmp;
  for (const char* verb : {"slice", "merge", "recover"}) {
    INFO(verb);
    const std::string out = tmp / verb;
    auto r = Evtape({verb, V1("gapped"), "-o", out});
    REQUIRE(r.exit_code == 0);
    CHECK(Evtape({"cat", out}).out == testutil::ReadFile(V1("gapped") + ".jsonl"));
    // The output is version 2.
    const std::string seg = testutil::ReadFile(out + "/000001.seg");
    REQUIRE(seg.size() > 12);
    CHECK(seg[8] == 2);
  }
}

TEST_CASE("a torn version 1 segment reads up to its damage", "[compat]") {
  testutil::TempDir tmp;
  std::filesystem::create_directories(tmp / "torn");
  const std::string seg = tmp / "torn/000001.seg.open";
  std::filesystem::copy_file(V1("gapped") + "/000001.seg", seg);
  TruncateTo(seg, FileSize(seg) / 2);  // inside its second chunk
  auto cat = Evtape({"cat", tmp / "torn"});
  CHECK(cat.exit_code == 3);
  const std::string full = testutil::ReadFile(V1("gapped") + ".jsonl");
  REQUIRE(CountLines(cat.out) > 0);
  CHECK(full.compare(0, cat.out.size(), cat.out) == 0);  // a prefix of the whole
  CHECK(Evtape({"verify", tmp / "torn"}).exit_code == 3);
}
