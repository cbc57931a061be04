// Stop signals for the whole CLI, handled in one place. SIGINT and SIGTERM are blocked in the
// process (every thread started afterwards inherits the mask) and a watcher thread waits for
// them with sigwaitinfo and calls the verb's callback on that thread, so the callback may do
// anything (take locks, ask a recorder to stop) that a signal handler may not.
//
// Threads: construct on the main thread before any other thread starts (nats.c's included);
// on_signal runs on the watcher thread. Not reentrant: one StopSignals per process at a time.
#pragma once

#include <atomic>
#include <functional>
#include <thread>

namespace evtape::cli {

class StopSignals {
 public:
  explicit StopSignals(std::function<void(int signo)> on_signal);
  // Stops the watcher and restores the signal mask. A signal that arrived meanwhile was
  // already handed to on_signal.
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // The last signal received (0: none).
  int received() const { return received_.load(); }

 private:
  void Loop();
  std::function<void(int)> on_signal_;
  std::atomic<int> received_{0};
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace evtape::cli
