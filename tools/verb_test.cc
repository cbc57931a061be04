// evtape test: deterministic integration tests for event consumers. Each scenario file names
// fixtures, a consumer command, observed subjects, responders, normalisation and a golden file
// (docs/test.md); the runner is in tools/harness_*.
#include <stdlib.h>

#include <filesystem>
#include <iostream>

#include "nats/server_process.h"
#include "util/units.h"
#include "harness/golden.h"
#include "harness/report.h"
#include "harness/run.h"
#include "harness/scenario.h"
#include "tools/flags.h"
#include "tools/verbs.h"

namespace evtape::cli {
namespace {

namespace fs = std::filesystem;
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

struct Settings {
  bool update = false;
  uint64_t repeat = 1;
  std::string server;
};

std::string Indent(const std::string& text, const std::string& prefix) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    out += prefix + text.substr(start, nl - start) + "\n";
    start = nl + 1;
  }
  return out;
}

std::string RerunCommand(const Scenario& s, const Settings& st) {
  std::string cmd = "evtape test";
  if (!st.server.empty()) cmd += " --server " + harness::ShellQuote(st.server);
  if (st.repeat > 1) cmd += " --repeat " + std::to_string(st.repeat);
  return cmd + " " + harness::ShellQuote(s.path);
}

std::string MakeWorkDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/evtape-test-XXXXXX";
  if (mkdtemp(templ.data()) == nullptr) return "";
  return templ;
}

// Runs one scenario (all its repeats) and says how it went.
ScenarioOutcome RunOne(const Scenario& s, const Settings& st) {
  ScenarioOutcome o;
  o.name = s.name;
  o.path = s.path;
  auto fail = [&](std::string reason, std::string detail) {
    o.reason = std::move(reason);
    o.detail = std::move(detail) + "  re-run: " + RerunCommand(s, st) + "\n";
    return o;
  };
  auto frames = harness::LoadFrames(s.fixtures);
  if (!frames.ok()) return fail("cannot read the fixtures: " + frames.status().message(), "");
  std::vector<std::string> golden;
  if (!st.update) {
    auto g = harness::ReadGolden(s.golden, s.order);
    if (!g.ok()) {
      std::string hint = g.status().code() == Status::Code::kNotFound
                             ? " (run with --update to create it, review it, and commit it)"
                             : "";
      return fail(g.status().message() + hint, "");
    }
    golden = std::move(*g);
  }
  harness::NormalizeOptions norm{"",         s.ignore,     s.ph_ids, s.ph_nkeys,
                                 s.ph_times, s.ph_inboxes, s.order};
  std::vector<std::string> first;
  for (uint64_t run = 1; run <= st.repeat; ++run) {
    harness::RunSettings rs;
    rs.server_url = st.server;
    if (!st.update) rs.expected_counts = harness::CountPerEvent(golden, frames->size());
    rs.work_dir = MakeWorkDir();
    if (rs.work_dir.empty()) return fail("cannot create a temporary directory", "");
    harness::RunResult r = harness::RunScenarioOnce(s, *frames, rs);
    std::error_code ec;
    fs::remove_all(rs.work_dir, ec);
    o.duration_ns += r.duration_ns;
    std::string consumer_out = r.stderr_tail.empty() ? "  consumer stderr: (empty)\n"
                                                     : "  consumer stderr (last lines):\n" +
                                                           Indent(r.stderr_tail, "    | ");
    std::string run_label = st.repeat > 1 ? " (run " + std::to_string(run) + ")" : "";
    if (!r.failure.empty()) return fail(r.failure + run_label, consumer_out);
    norm.lattice = r.lattice;
    std::vector<std::string> lines = harness::NormalizeReactions(r.reactions, r.events, norm);
    if (!st.update) {
      std::string diff =
          harness::DiffReactions(golden, lines, r.events, r.lattice, "expected", "actual");
      if (!diff.empty())
        return fail("reactions differ from the golden file " + s.golden + run_label,
                    "  diff (expected = golden, actual = this run), by triggering event:\n" + diff +
                        consumer_out);
    }
    if (run == 1) {
      first = std::move(lines);
    } else if (lines != first) {
      std::string diff = harness::DiffReactions(first, lines, r.events, r.lattice, "in run 1",
                                                ("in run " + std::to_string(run)).c_str());
      return fail("run " + std::to_string(run) + " differs from run 1",
                  "  diff (run 1 vs run " + std::to_string(run) + "), by triggering event:\n" +
                      diff + consumer_out);
    }
  }
  if (st.update) {
    std::string what;
    Status ws = harness::WriteGolden(s.golden, first, &what);
    if (!ws.ok()) return fail(ws.message(), "");
    std::cout << "golden " << s.golden << ": " << what << " (" << first.size() << " reactions)\n";
  }
  o.passed = true;
  o.reason = std::to_string(frames->size()) + " events, " +
             std::to_string(st.update ? first.size() : golden.size()) + " reactions";
  return o;
}

}  // namespace

int RunTest(const Args& args) {
  po::options_description options = Options();
  po::positional_options_description pos;
  pos.add("scenario", -1);
  po::variables_map vm;
  if (auto code = ParseArgs(kHelp, options, pos, args, &vm)) return *code;
  if (!vm.count("scenario")) return UsageError(kHelp, "no scenario file given (SCENARIO.json...)");
  Settings st;
  st.update = vm["update"].as<bool>();
  if (vm.count("repeat")) {
    const std::string& t = vm["repeat"].as<std::string>();
    char* end = nullptr;
    unsigned long long n = std::strtoull(t.c_str(), &end, 10);
    if (t.empty() || *end != '\0' || n < 1 || n > 1000 || t[0] == '-')
      return UsageError(kHelp, "--repeat: expected a whole number from 1 to 1000, got '" + t + "'");
    st.repeat = n;
  }
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
    ScenarioOutcome o = RunOne(s, st);
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
