// evtape test: deterministic integration tests for event consumers. Each scenario file names
// fixtures, a consumer command, observed subjects, responders, normalisation and a golden file
// (docs/test.md); the runner is harness/ (suite.h runs one scenario).
#include <iostream>

#include "nats/server_process.h"
#include "util/units.h"
#include "harness/suite.h"
#include "tools/flags.h"
#include "tools/verbs.h"

namespace evtape::cli {
namespace {

using harness::Scenario;
using harness::ScenarioOutcome;

const VerbHelp kHelp = {
    "test",
    "evtape test SCENARIO.json... [--update] [--repeat N] [--server URL] [--junit FILE]",
    "replay fixtures into a consumer and compare its reactions with golden files",
    "For each scenario (a JSON file, format in docs/test.md) evtape starts an embedded\n"
    "nats-server on a free loopback port (or uses --server, under a fresh lattice id per run),\n"
    "starts the consumer with NATS_URL, EVTAPE_LATTICE and WASMCLOUD_LATTICE in its environment,\n"
    "waits until it is ready, publishes the fixture's events one at a time (quiescent pacing:\n"
    "the next event goes out once the consumer has produced the golden's reactions to this one,\n"
    "or has been quiet for `quiet`), attributes every observed message to the event before it,\n"
    "normalises noise (ids, nkeys, times, inboxes, ignored JSON pointers) and compares the\n"
    "result with the golden JSONL file. The consumer is stopped with SIGTERM, then SIGKILL.\n"
    "\n"
    "On failure: a diff grouped by triggering event with the differing fields, the consumer's\n"
    "stderr tail, and the command that re-runs just that scenario. --update writes the golden\n"
    "files instead (and says which were created or updated); a missing golden fails otherwise.\n"
    "\n"
    "Scenario fields (defaults in docs/test.md): fixtures (required: recordings or .jsonl),\n"
    "replay {lattice, map, fresh_ids, shift_time, seed, pacing quiescent|realtime|scaled,\n"
    "speed, quiet, max_wait, advance_on_expected}, consumer {command (required), env, cwd,\n"
    "ready {subject | delay, timeout}, grace}, observe (required: subject filters),\n"
    "responders [{subject, reply | reply_text | recording}], normalize {ignore: JSON pointers,\n"
    "placeholders: ids nkeys times inboxes}, golden (required), order strict|per-subject|set,\n"
    "timeout. ${LATTICE} and ${NATS_URL} are filled in per run; ${EVTAPE_DIR} is this binary's\n"
    "directory; other ${NAME} come from the environment.\n"
    "\n"
    "Exit codes: 0 all scenarios passed, 1 any failed, 2 usage error or bad scenario file\n"
    "(one line naming the file, the field and what was expected).",
    "  evtape test fixtures/scenarios/*.json\n"
    "  evtape test my-consumer.json --update        # create or refresh the golden file\n"
    "  evtape test my-consumer.json --repeat 5      # fails if any run differs\n"
    "  evtape test --server nats://127.0.0.1:4222 --junit results.xml tests/*.json",
};

po::options_description Options() {
  po::options_description d("Options");
  d.add_options()("update", po::bool_switch(), "write or rewrite the golden files")(
      "repeat", po::value<std::string>()->value_name("N"),
      "run each scenario N times (default 1); fails showing the difference if runs differ")(
      "server", po::value<std::string>()->value_name("URL"),
      "use this nats-server for every run (a fresh lattice id per run) instead of embedded ones")(
      "junit", po::value<std::string>()->value_name("FILE"), "also write JUnit XML to FILE")(
      "scenario", po::value<std::vector<std::string>>()->value_name("FILE"),
      "scenario file (also positional)");
  return d;
}

}  // namespace

int RunTest(const Args& args) {
  po::options_description options = Options();
  po::positional_options_description pos;
  pos.add("scenario", -1);
  po::variables_map vm;
  if (auto code = ParseArgs(kHelp, options, pos, args, &vm)) return *code;
  if (!vm.count("scenario")) return UsageError(kHelp, "no scenario file given (SCENARIO.json...)");
  harness::SuiteSettings st;
  st.update = vm["update"].as<bool>();
  FlagReader f(vm);
  f.Count("repeat", &st.repeat).Check(st.repeat > 1000, "repeat", "at most 1000 runs");
  if (!f.ok()) return UsageError(kHelp, f.status().message());
  if (vm.count("server")) {
    st.server = vm["server"].as<std::string>();
    if (st.server.empty()) return UsageError(kHelp, "--server: expected a URL");
  } else {
    std::string path;
    if (!nats::FindExecutable("nats-server", &path))
      return RuntimeError(kHelp,
                          "nats-server is not installed (apt-get install nats-server), "
                          "or use --server URL");
  }
  std::vector<Scenario> scenarios;
  int bad = 0;
  for (const auto& path : vm["scenario"].as<std::vector<std::string>>()) {
    auto s = harness::LoadScenario(path);
    if (!s.ok()) {
      std::cerr << "evtape test: " << s.status().message() << "\n";
      ++bad;
      continue;
    }
    scenarios.push_back(std::move(*s));
  }
  if (bad > 0) return kExitUsage;
  nats::NatsServerProcess::InstallStopOnSignal();

  std::vector<ScenarioOutcome> outcomes;
  size_t failed = 0;
  for (const auto& s : scenarios) {
    ScenarioOutcome o = harness::RunScenario(s, st, std::cout);
    std::cout << (o.passed ? "PASS " : "FAIL ") << o.name << " (" << s.path << ", "
              << FormatDuration(o.duration_ns) << "): " << o.reason << "\n";
    if (!o.passed) {
      std::cout << o.detail;
      ++failed;
    }
    std::cout.flush();
    outcomes.push_back(std::move(o));
  }
  std::cout << outcomes.size() - failed << " passed, " << failed << " failed\n";
  if (vm.count("junit")) {
    Status js = harness::WriteJunit(vm["junit"].as<std::string>(), outcomes);
    if (!js.ok()) return RuntimeError(kHelp, js);
  }
  return failed > 0 ? kExitFailure : kExitOk;
}

}  // namespace evtape::cli
