// evtape test's per-scenario run (suite.h).
#include "harness/suite.h"

#include <stdlib.h>

#include <filesystem>
#include <vector>

#include "harness/golden.h"
#include "harness/run.h"

namespace evtape::harness {
namespace {

namespace fs = std::filesystem;

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

std::string RerunCommand(const Scenario& s, const SuiteSettings& st) {
  std::string cmd = "evtape test";
  if (!st.server.empty()) cmd += " --server " + ShellQuote(st.server);
  if (st.repeat > 1) cmd += " --repeat " + std::to_string(st.repeat);
  return cmd + " " + ShellQuote(s.path);
}

std::string MakeWorkDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/evtape-test-XXXXXX";
  if (mkdtemp(templ.data()) == nullptr) return "";
  return templ;
}

// Why a golden file could not be read, with the way out when it does not exist yet.
std::string GoldenProblem(const Status& s) {
  std::string hint = s.code() == Status::Code::kNotFound
                         ? " (run with --update to create it, review it, and commit it)"
                         : "";
  return s.message() + hint;
}

std::string ConsumerOutput(const std::string& stderr_tail) {
  return stderr_tail.empty() ? "  consumer stderr: (empty)\n"
                             : "  consumer stderr (last lines):\n" + Indent(stderr_tail, "    | ");
}

}  // namespace

ScenarioOutcome RunScenario(const Scenario& s, const SuiteSettings& st, std::ostream& out) {
  ScenarioOutcome o;
  o.name = s.name;
  o.path = s.path;
  auto fail = [&](std::string reason, std::string detail) {
    o.reason = std::move(reason);
    o.detail = std::move(detail) + "  re-run: " + RerunCommand(s, st) + "\n";
    return o;
  };
  auto frames = LoadFrames(s.fixtures);
  if (!frames.ok()) return fail("cannot read the fixtures: " + frames.status().message(), "");
  std::vector<std::string> golden;
  if (!st.update) {
    auto g = ReadGolden(s.golden, s.order);
    if (!g.ok()) return fail(GoldenProblem(g.status()), "");
    golden = std::move(*g);
  }
  NormalizeOptions norm{"",         s.ignore,     s.ph_ids, s.ph_nkeys,
                                 s.ph_times, s.ph_inboxes, s.order};
  std::vector<std::string> first;
  for (uint64_t run = 1; run <= st.repeat; ++run) {
    RunSettings rs;
    rs.server_url = st.server;
    if (!st.update) rs.expected_counts = CountPerEvent(golden, frames->size());
    rs.work_dir = MakeWorkDir();
    if (rs.work_dir.empty()) return fail("cannot create a temporary directory", "");
    RunResult r = RunScenarioOnce(s, *frames, rs);
    std::error_code ec;
    fs::remove_all(rs.work_dir, ec);
    o.duration_ns += r.duration_ns;
    std::string consumer_out = ConsumerOutput(r.stderr_tail);
    std::string run_label = st.repeat > 1 ? " (run " + std::to_string(run) + ")" : "";
    if (!r.failure.empty()) return fail(r.failure + run_label, consumer_out);
    norm.lattice = r.lattice;
    std::vector<std::string> lines = NormalizeReactions(r.reactions, r.events, norm);
    if (!st.update) {
      std::string diff =
          DiffReactions(golden, lines, r.events, r.lattice, "expected", "actual");
      if (!diff.empty())
        return fail("reactions differ from the golden file " + s.golden + run_label,
                    "  diff (expected = golden, actual = this run), by triggering event:\n" + diff +
                        consumer_out);
    }
    if (run == 1) {
      first = std::move(lines);
    } else if (lines != first) {
      std::string diff = DiffReactions(first, lines, r.events, r.lattice, "in run 1",
                                                ("in run " + std::to_string(run)).c_str());
      return fail("run " + std::to_string(run) + " differs from run 1",
                  "  diff (run 1 vs run " + std::to_string(run) + "), by triggering event:\n" +
                      diff + consumer_out);
    }
  }
  if (st.update) {
    std::string what;
    Status ws = WriteGolden(s.golden, first, &what);
    if (!ws.ok()) return fail(ws.message(), "");
    out << "golden " << s.golden << ": " << what << " (" << first.size() << " reactions)\n";
  }
  o.passed = true;
  o.reason = std::to_string(frames->size()) + " events, " +
             std::to_string(st.update ? first.size() : golden.size()) + " reactions";
  return o;
}


}  // namespace evtape::harness
