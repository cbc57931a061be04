// `evtape test` scenario files (docs/test.md): JSON documents that name the fixture(s) to
// replay, the consumer under test, what to observe, responders, noise normalisation and the
// golden expectation. LoadScenario validates everything before anything runs: each error is one
// line naming the file, the field (dotted path, e.g. `consumer.ready.timeout`) and what was
// expected, so `evtape test` can exit 2 on a bad file without starting a server.
//
// Variables: `${NAME}` in fixtures, golden, responders' recording, consumer.command,
// consumer.env, consumer.cwd, observe and responder subjects is replaced by, in order,
// SCENARIO_DIR (directory of the file), EVTAPE_DIR (directory of the evtape binary), or the
// environment variable NAME (unset: an error). `${LATTICE}` and `${NATS_URL}` are kept and
// filled in per run (the run's lattice id and server URL): ExpandRunVars().
//
// Pure functions; thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "format/status.h"

namespace evtape::harness {

enum class OrderMode { kStrict, kPerSubject, kSet };
enum class PacingMode { kQuiescent, kScaled };

struct Responder {
  std::string subject;    // subject filter the responder listens on (may hold ${LATTICE})
  std::string reply;      // canned reply body (bytes); used when recording is empty
  std::string recording;  // a recording (or .jsonl) of real request/reply pairs
  std::string field;      // "responders[2]", for messages
};

struct Scenario {
  std::string path;  // as given on the command line
  std::string dir;   // directory of the file (absolute)
  std::string name;  // "name" or the file name without .json

  // What to replay.
  std::vector<std::string> fixtures;  // recordings (dir or segment) or .jsonl files, absolute
  std::string lattice = "default";    // the lattice id inside the fixtures
  std::vector<std::string> maps;      // extra FROM=TO subject maps (replay --map)
  bool fresh_ids = false;
  bool shift_time = false;
  uint64_t seed = 0;
  PacingMode pacing = PacingMode::kQuiescent;
  double speed = 1.0;                    // kScaled
  int64_t quiet_ns = 250'000'000;        // silence that ends a quiescent wait
  int64_t max_wait_ns = 10'000'000'000;  // longest wait for one event's reactions
  bool advance_on_expected = true;       // go on once the golden's reactions arrived

  // The consumer under test.
  std::vector<std::string> command;
  std::map<std::string, std::string> env;
  std::string cwd;            // default: dir
  std::string ready_subject;  // empty: ready after ready_delay_ns
  int64_t ready_delay_ns = 0;
  int64_t ready_timeout_ns = 10'000'000'000;
  int64_t grace_ns = 3'000'000'000;  // SIGTERM -> SIGKILL

  std::vector<std::string> observe;  // subject filters (may hold ${LATTICE})
  std::vector<Responder> responders;

  // Normalisation.
  std::vector<std::string> ignore;  // JSON pointers removed from payloads
  bool ph_ids = true, ph_nkeys = true, ph_times = true, ph_inboxes = true;

  // Expectation.
  std::string golden;  // absolute path
  OrderMode order = OrderMode::kStrict;
  int64_t timeout_ns = 60'000'000'000;  // whole run, consumer start to stop
};

// Reads and validates `path`. InvalidArgument "PATH: field 'F': expected ..." on any problem
// (NotFound / IOError naming the file when it cannot be read).
Result<Scenario> LoadScenario(const std::string& path);

// Replaces ${LATTICE} and ${NATS_URL} in `text`.
std::string ExpandRunVars(const std::string& text, const std::string& lattice,
                          const std::string& url);

const char* OrderModeName(OrderMode m);

}  // namespace evtape::harness
