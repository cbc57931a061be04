#include "tools/signals.h"

#include <pthread.h>
#include <signal.h>

namespace evtape::cli {
namespace {

// A real-time signal nobody else uses wakes the watcher for shutdown: sigwaitinfo then needs
// no timeout, so an idle process does not wake up to poll.
int WakeSignal() { return SIGRTMIN + 3; }

sigset_t WatchedSet() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, WakeSignal());
  return set;
}

}  // namespace

StopSignals::StopSignals(std::function<void(int)> on_signal) : on_signal_(std::move(on_signal)) {
  sigset_t set = WatchedSet();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  thread_ = std::thread([this] { Loop(); });
}

StopSignals::~StopSignals() {
  done_ = true;
  pthread_kill(thread_.native_handle(), WakeSignal());
  thread_.join();
  sigset_t set = WatchedSet();
  sigdelset(&set, WakeSignal());  // a stray wake-up stays blocked rather than killing us
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

void StopSignals::Loop() {
  const sigset_t set = WatchedSet();
  while (!done_) {
    siginfo_t info{};
    const int signo = sigwaitinfo(&set, &info);
    if (signo <= 0 || signo == WakeSignal()) continue;
    received_ = signo;
    if (on_signal_) on_signal_(signo);
  }
}

}  // namespace evtape::cli
