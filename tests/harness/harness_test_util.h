// Helpers shared by the harness tests: paths of the shipped scenarios and the example consumer,
// scenario files written into a temp dir, and checks that no process or server was left behind.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <nlohmann/json.hpp>
#include <string>

#include "tests/testutil/testutil.h"

namespace evtape::harness_test {

inline std::string SourceDir() { return EVTAPE_SOURCE_DIR; }
inline std::string ScenarioDir() { return SourceDir() + "/fixtures/scenarios"; }
inline std::string Inventory() { return LATTICE_INVENTORY; }

// A scenario over fixtures/app-deploy.jsonl with the example consumer (extra args appended),
// compared with the shipped golden unless `golden` is given.
nlohmann::json AppDeployScenario(const std::vector<std::string>& extra_args = {},
                                 const std::string& golden = "");

// Writes `j` (or raw text) to dir/name and returns the path.
std::string WriteScenario(const testutil::TempDir& dir, const std::string& name,
                          const nlohmann::json& j);

// True when `pid` no longer runs (gone, or a zombie waiting for init).
bool ProcessGone(pid_t pid);
// True when nothing accepts TCP connections at the host:port of a nats:// URL.
bool ServerGone(const std::string& url);
// The pid written in a file by a test consumer (0 if none).
pid_t ReadPid(const std::string& path);

}  // namespace evtape::harness_test
