// Fixtures of `evtape test` read like every other input: a recording gives what its JSON lines
// source gives, and a malformed line fails the scenario naming the file and the line, before
// anything runs and without writing a golden file.
#include <unistd.h>

#include <catch2/catch.hpp>

#include "tests/harness/harness_test_util.h"

namespace evtape::harness_test {
namespace {

using testutil::RunEvtape;
using testutil::TempDir;

TEST_CASE("a fixture line that does not decode fails the scenario, naming file and line",
          "[harness]") {
  TempDir dir;
  std::string text = testutil::ReadFile(SourceDir() + "/fixtures/app-deploy.jsonl");
  size_t at = 0;
  for (int i = 0; i < 4; ++i) at = text.find('\n', at) + 1;  // line 5 starts here
  testutil::WriteFile(dir / "bad.jsonl", text.substr(0, at) + "{\"subject\":\"x\"}\n" +
                                             text.substr(text.find('\n', at) + 1));
  nlohmann::json j = AppDeployScenario({}, dir / "g.jsonl");
  j["fixtures"] = {dir / "bad.jsonl"};
  const std::string path = WriteScenario(dir, "s.json", j);
  for (bool update : {true, false}) {
    auto r = update ? RunEvtape({"test", "--update", path}) : RunEvtape({"test", path});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("cannot read the fixtures: " + dir / "bad.jsonl" +
                     ": line 5: field 'time': missing") != std::string::npos);
    CHECK(::access((dir / "g.jsonl").c_str(), F_OK) != 0);  // no golden written
  }
}

TEST_CASE("a recording fixture gives the reactions its JSON lines source gives",
          "[harness][nats]") {
  TempDir dir;
  // The shipped golden was made from fixtures/app-deploy.jsonl; the build imports that file
  // into ${EVTAPE_DIR}/fixtures/app-deploy.
  nlohmann::json j = AppDeployScenario();
  j["fixtures"] = {"${EVTAPE_DIR}/fixtures/app-deploy"};
  auto r = RunEvtape({"test", WriteScenario(dir, "rec.json", j)}, std::chrono::seconds(60));
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("1 passed, 0 failed") != std::string::npos);
}

}  // namespace
}  // namespace evtape::harness_test
