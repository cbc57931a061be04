// The consumer under test as a supervised child process: started in its own process group
// (so that everything it forks is stopped with it) with stdout and stderr captured to files,
// PR_SET_PDEATHSIG(SIGKILL) so that it dies if evtape is killed, and stopped with SIGTERM to the
// group, then SIGKILL to the group after a grace period. Nothing outlives Stop() or the
// destructor: the group is always sent a final SIGKILL so stray grandchildren do not linger.
//
// Threads: one thread owns a ConsumerProcess.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "format/status.h"

namespace evtape::harness {

class ConsumerProcess {
 public:
  // argv[0] is looked up in $PATH when it has no '/'. `env` is added to (overrides) the
  // current environment; `cwd` is the working directory; output files go to `log_dir`.
  // Errors: IOError when the log files cannot be created or fork fails. A command that cannot
  // be executed shows up as an exit with status 127 and a line on its stderr.
  static Result<std::unique_ptr<ConsumerProcess>> Start(
      const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
      const std::string& cwd, const std::string& log_dir);
  ~ConsumerProcess();
  ConsumerProcess(const ConsumerProcess&) = delete;
  ConsumerProcess& operator=(const ConsumerProcess&) = delete;

  pid_t pid() const { return pid_; }
  // Non-blocking: true once the process has exited (reaps it).
  bool Exited();
  // "exited with status 3" / "was killed by signal 11 (Segmentation fault)"; valid after exit.
  std::string ExitDescription() const;
  bool exited_cleanly() const;  // exit status 0 or killed by our SIGTERM

  struct StopResult {
    bool needed_kill = false;  // did not exit within the grace period after SIGTERM
  };
  // SIGTERM to the group, wait up to grace_ns, then SIGKILL to the group. Idempotent.
  StopResult Stop(int64_t grace_ns);

  // The last `lines` lines of the captured stderr / stdout.
  std::string StderrTail(int lines) const;
  std::string StdoutTail(int lines) const;

 private:
  ConsumerProcess() = default;
  pid_t pid_ = -1;
  bool reaped_ = false;
  bool terminated_by_us_ = false;
  bool stopped_ = false;
  int status_ = 0;
  std::string out_path_, err_path_;
};

}  // namespace evtape::harness
