// An embedded default nats-server for `evtape demo` (and `evtape test`): started as a child on a
// free loopback port (`nats-server -a 127.0.0.1 -p -1 --ports_file_dir DIR`), ready once its
// ports file appears, stopped with SIGINT on destruction.
//
// The child never outlives evtape: it gets PR_SET_PDEATHSIG(SIGKILL) (dies with the parent even
// after `kill -9`), and InstallStopOnSignal() makes SIGINT/SIGTERM of evtape stop every live
// server before the default action runs.
//
// Threads: Start/Stop on one thread; the signal path only reads an array of pids.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "format/status.h"

namespace evtape::nats {

class NatsServerProcess {
 public:
  struct Options {
    std::string binary = "nats-server";  // looked up in $PATH
    bool jetstream = false;
    std::vector<std::string> extra_args;
    int64_t start_timeout_ns = 10'000'000'000;
  };
  // Errors: NotFound "nats-server is not installed (apt-get install nats-server)" when the
  // binary is missing; Unavailable when it exits or times out before it is ready (with the
  // last lines of its log).
  static Result<std::unique_ptr<NatsServerProcess>> Start(const Options& options);
  static Result<std::unique_ptr<NatsServerProcess>> Start() { return Start(Options{}); }
  ~NatsServerProcess();
  NatsServerProcess(const NatsServerProcess&) = delete;
  NatsServerProcess& operator=(const NatsServerProcess&) = delete;

  const std::string& url() const { return url_; }
  pid_t pid() const { return pid_; }
  // SIGINT and wait (SIGKILL after 5 s). Idempotent.
  void Stop();

  // Makes SIGINT and SIGTERM of this process stop every running NatsServerProcess and then
  // re-raise the signal with its default action. Safe to call more than once.
  static void InstallStopOnSignal();

 private:
  NatsServerProcess() = default;
  pid_t pid_ = -1;
  std::string dir_, url_;
};

// True when `name` is an executable in $PATH (or a path to one).
bool FindExecutable(const std::string& name, std::string* path);

}  // namespace evtape::nats
