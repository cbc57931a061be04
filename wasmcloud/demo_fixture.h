// The lattice fixture that `evtape demo` replays: the build's fixture recording
// <dir of the evtape binary>/fixtures/app-deploy when it exists (built from
// fixtures/app-deploy.jsonl), otherwise a small built-in wasmCloud lattice sequence written to
// `fallback_dir` (host start, component and provider scaling, heartbeats, one message with a
// raw NATS header block), so the demo works on any build.
#pragma once

#include <string>

#include "format/status.h"

namespace evtape::wasmcloud {

// The fixture's path. Errors: the fallback cannot be written.
Result<std::string> FindOrBuildDemoFixture(const std::string& fallback_dir);

// Writes the built-in sequence as a one-segment recording in `dir` (created).
Status WriteBuiltinLatticeFixture(const std::string& dir);

}  // namespace evtape::wasmcloud
