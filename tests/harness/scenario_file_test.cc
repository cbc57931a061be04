// Bad scenario files and bad arguments: exit 2 with one line that names the file, the field and
// what was expected, before any server or consumer starts.
#include <catch2/catch.hpp>

#include "tests/harness/harness_test_util.h"

namespace evtape::harness_test {
namespace {

using testutil::RunEvtape;
using testutil::TempDir;

struct BadCase {
  const char* what;
  std::function<void(nlohmann::json*)> edit;
  const char* field;     // expected in the message
  const char* expected;  // expected in the message
};

TEST_CASE("bad scenario files name the file, the field and what was expected", "[harness]") {
  const std::vector<BadCase> cases = {
      {"missing command", [](nlohmann::json* j) { (*j)["consumer"].erase("command"); },
       "field 'consumer.command'", "expected an array of strings"},
      {"command not a list", [](nlohmann::json* j) { (*j)["consumer"]["command"] = 5; },
       "field 'consumer.command'", "expected a non-empty array of strings"},
      {"empty observe", [](nlohmann::json* j) { (*j)["observe"] = nlohmann::json::array(); },
       "field 'observe'", "expected a non-empty array of strings"},
      {"bad subject", [](nlohmann::json* j) { (*j)["observe"] = {"a..b"}; }, "field 'observe[0]'",
       "expected a NATS subject filter"},
      {"bad pacing", [](nlohmann::json* j) { (*j)["replay"]["pacing"] = "fast"; },
       "field 'replay.pacing'", "expected \"quiescent\", \"realtime\" or \"scaled\""},
      {"bad duration", [](nlohmann::json* j) { (*j)["replay"]["quiet"] = "soon"; },
       "field 'replay.quiet'", "expected a positive duration string"},
      {"two ready kinds", [](nlohmann::json* j) { (*j)["consumer"]["ready"]["delay"] = "1s"; },
       "field 'consumer.ready'", "expected exactly one of \"subject\" or \"delay\""},
      {"bad pointer",
       [](nlohmann::json* j) {
         (*j)["normalize"] = {{"ignore", {"no-slash"}}};
       },
       "field 'normalize.ignore[0]'", "expected a JSON pointer"},
      {"bad placeholder",
       [](nlohmann::json* j) {
         (*j)["normalize"] = {{"placeholders", {"uuids"}}};
       },
       "field 'normalize.placeholders[0]'", "expected one of \"ids\""},
      {"typo", [](nlohmann::json* j) { (*j)["golde"] = "x"; }, "field 'golde'",
       "unknown field; expected one of"},
      {"missing fixture", [](nlohmann::json* j) { (*j)["fixtures"] = {"nope.jsonl"}; },
       "field 'fixtures[0]'", "expected an existing recording or .jsonl file"},
      {"bad order", [](nlohmann::json* j) { (*j)["order"] = "random"; }, "field 'order'",
       "expected \"strict\", \"per-subject\" or \"set\""},
      {"responder without reply",
       [](nlohmann::json* j) {
         (*j)["responders"] = {{{"subject", "a.b"}}};
       },
       "field 'responders[0]'", "expected exactly one of \"reply\""},
      {"unset variable",
       [](nlohmann::json* j) { (*j)["consumer"]["command"] = {"${EVTAPE_SURELY_UNSET_VAR}"}; },
       "field 'consumer.command[0]'", "variable ${EVTAPE_SURELY_UNSET_VAR} is not set"},
  };
  TempDir dir;
  for (const auto& c : cases) {
    SECTION(c.what) {
      nlohmann::json j = AppDeployScenario();
      c.edit(&j);
      std::string path = WriteScenario(dir, "bad.json", j);
      auto r = RunEvtape({"test", path});
      INFO(r.err);
      CHECK(r.exit_code == 2);
      CHECK(r.out.empty());
      CHECK(r.err.find(path + ": " + c.field) != std::string::npos);
      CHECK(r.err.find(c.expected) != std::string::npos);
      CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    }
  }
}

TEST_CASE("a scenario that is not JSON names the file and the line", "[harness]") {
  TempDir dir;
  std::string path = WriteScenario(dir, "broken.json", nlohmann::json("{\n  \"fixtures\": [\n}"));
  auto r = RunEvtape({"test", path});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find(path + ": line 3: expected a JSON object") != std::string::npos);
}

TEST_CASE("usage errors exit 2 with one line", "[harness]") {
  auto none = RunEvtape({"test"});
  CHECK(none.exit_code == 2);
  CHECK(none.err.find("no scenario file given") != std::string::npos);
  auto repeat = RunEvtape({"test", "--repeat", "0", ScenarioDir() + "/app-deploy.json"});
  CHECK(repeat.exit_code == 2);
  CHECK(repeat.err.find("--repeat") != std::string::npos);
  auto missing = RunEvtape({"test", "/nonexistent/scenario.json"});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("/nonexistent/scenario.json: cannot open scenario file") !=
        std::string::npos);
  auto help = RunEvtape({"test", "--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("evtape test fixtures/scenarios/*.json") != std::string::npos);
}

}  // namespace
}  // namespace evtape::harness_test
