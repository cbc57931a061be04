#include "nats/server_process.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace evtape::nats {
namespace {

// Live server pids, read by the signal handler (lock-free slots).
constexpr int kMaxServers = 8;
std::atomic<pid_t> g_pids[kMaxServers];

void Register(pid_t pid) {
  for (auto& slot : g_pids) {
    pid_t expected = 0;
    if (slot.compare_exchange_strong(expected, pid)) return;
  }
}

void Unregister(pid_t pid) {
  for (auto& slot : g_pids) {
    pid_t expected = pid;
    if (slot.compare_exchange_strong(expected, 0)) return;
  }
}

extern "C" void StopServersAndReraise(int sig) {
  for (auto& slot : g_pids) {
    const pid_t pid = slot.load();
    if (pid > 0) {
      ::kill(pid, SIGINT);
      int status = 0;
      // Give it a moment to shut down cleanly (waitpid is async-signal-safe).
      for (int i = 0; i < 200 && ::waitpid(pid, &status, WNOHANG) == 0; ++i) ::usleep(10000);
      ::kill(pid, SIGKILL);
    }
  }
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

std::string Tail(const std::string& path) {
  std::ifstream f(path);
  std::string line, last;
  while (std::getline(f, line)) {
    if (!line.empty()) last = line;
  }
  return last;
}

}  // namespace

bool FindExecutable(const std::string& name, std::string* path) {
  auto ok = [](const std::string& p) { return ::access(p.c_str(), X_OK) == 0; };
  if (name.find('/') != std::string::npos) {
    if (!ok(name)) return false;
    *path = name;
    return true;
  }
  const char* env = std::getenv("PATH");
  std::stringstream ss(env != nullptr ? env : "/usr/local/bin:/usr/bin:/bin");
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    if (dir.empty()) continue;
    std::string candidate = dir + "/" + name;
    if (ok(candidate)) {
      *path = candidate;
      return true;
    }
  }
  return false;
}

void NatsServerProcess::InstallStopOnSignal() {
  struct sigaction sa {};
  sa.sa_handler = StopServersAndReraise;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND;
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
}

Result<std::unique_ptr<NatsServerProcess>> NatsServerProcess::Start(const Options& o) {
  std::string binary;
  if (!FindExecutable(o.binary, &binary)) {
    return Status::NotFound(o.binary + " is not installed or not in PATH (Debian: apt-get install nats-server)");
  }
  std::unique_ptr<NatsServerProcess> p(new NatsServerProcess());
  char tmpl[] = "/tmp/evtape-nats-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return Status::FromErrno("creating a temporary directory", errno);
  p->dir_ = tmpl;
  const std::string log = p->dir_ + "/server.log";
  std::vector<std::string> args = {binary, "-a", "127.0.0.1", "-p", "-1", "--ports_file_dir",
                                   p->dir_, "-l", log};
  if (o.jetstream) {
    args.insert(args.end(), {"-js", "-sd", p->dir_ + "/js"});
  }
  args.insert(args.end(), o.extra_args.begin(), o.extra_args.end());
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) return Status::FromErrno("fork", errno);
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent died before prctl
    ::setpgid(0, 0);  // Ctrl-C in the terminal reaches evtape, which stops the server cleanly
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  p->pid_ = pid;
  Register(pid);
  const std::string ports = p->dir_ + "/" + std::filesystem::path(binary).filename().string() +
                            "_" + std::to_string(pid) + ".ports";
  const auto end = std::chrono::steady_clock::now() + std::chrono::nanoseconds(o.start_timeout_ns);
  while (std::chrono::steady_clock::now() < end) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      Unregister(pid);
      p->pid_ = -1;
      return Status::Unavailable("nats-server exited at start: " + Tail(log));
    }
    std::ifstream f(ports);
    std::string content((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    const size_t at = content.find("nats://");
    if (at != std::string::npos) {
      const size_t q = content.find('"', at);
      if (q != std::string::npos) {
        p->url_ = content.substr(at, q - at);
        return p;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return Status::Unavailable("nats-server did not become ready in time: " + Tail(log));
}

void NatsServerProcess::Stop() {
  if (pid_ > 0) {
    ::kill(pid_, SIGINT);
    int status = 0;
    bool done = false;
    for (int i = 0; i < 500 && !done; ++i) {
      done = ::waitpid(pid_, &status, WNOHANG) == pid_;
      if (!done) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (!done) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
    Unregister(pid_);
    pid_ = -1;
  }
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    dir_.clear();
  }
}

NatsServerProcess::~NatsServerProcess() { Stop(); }

}  // namespace evtape::nats
