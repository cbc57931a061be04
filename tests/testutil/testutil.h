// Test helpers shared by every test executable: temporary directories, subprocesses (the
// evtape binary, nats-server), condition waits with timeouts. No fixed sleeps: WaitUntil polls
// a condition until it holds or the timeout passes.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace evtape::testutil {

// A fresh directory under $TMPDIR, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Polls `cond` every millisecond or so until it returns true (true) or `timeout` passes (false).
bool WaitUntil(const std::function<bool()>& cond, std::chrono::milliseconds timeout);

std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& data);

struct ProcResult {
  int exit_code = -1;  // -1 if killed by a signal or timed out
  int signal = 0;
  bool timed_out = false;
  std::string out, err;
};

// A child process with stdout/stderr captured to files. Killed (SIGKILL) on destruction if
// still running.
class Process {
 public:
  // `env` entries are added to (or override) the current environment.
  static std::unique_ptr<Process> Start(const std::vector<std::string>& argv,
                                        const std::map<std::string, std::string>& env = {},
                                        const std::string& stdin_data = "");
  ~Process();
  pid_t pid() const { return pid_; }
  void Signal(int sig);
  // Waits for exit; on timeout sends SIGKILL, reaps, and sets timed_out.
  ProcResult Wait(std::chrono::milliseconds timeout);
  bool Exited();  // non-blocking
  std::string Stdout() const;
  std::string Stderr() const;

 private:
  Process() = default;
  pid_t pid_ = -1;
  bool reaped_ = false;
  int status_ = 0;
  std::unique_ptr<TempDir> dir_;
};

// Runs argv to completion (default timeout 60 s).
ProcResult Run(const std::vector<std::string>& argv,
               std::chrono::milliseconds timeout = std::chrono::seconds(60),
               const std::map<std::string, std::string>& env = {},
               const std::string& stdin_data = "");

// The evtape binary under test (build/evtape).
std::string EvtapeBinary();
// Runs `evtape args...`.
ProcResult RunEvtape(const std::vector<std::string>& args,
                     std::chrono::milliseconds timeout = std::chrono::seconds(60),
                     const std::map<std::string, std::string>& env = {},
                     const std::string& stdin_data = "");

// A real nats-server on a random loopback port (-a 127.0.0.1 -p -1 --ports_file_dir DIR),
// ready when Start returns (the ports file is written after all listeners are up).
class NatsServer {
 public:
  struct Options {
    bool jetstream = false;
    int port = -1;  // -1: random
    std::vector<std::string> extra_args;
  };
  static std::unique_ptr<NatsServer> Start(const Options& options);
  static std::unique_ptr<NatsServer> Start() { return Start(Options{}); }
  ~NatsServer();
  const std::string& url() const { return url_; }
  int port() const { return port_; }
  // SIGINT and wait for exit.
  void Stop();
  // Starts again on the same port (after Stop).
  bool Restart();
  void Kill();
  bool running() const { return proc_ != nullptr; }

 private:
  NatsServer() = default;
  bool Launch(int port);
  Options options_;
  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<Process> proc_;
  std::string url_;
  int port_ = 0;
};

}  // namespace evtape::testutil
