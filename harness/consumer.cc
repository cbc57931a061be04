#include "harness/consumer.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

#include "util/clock.h"

extern char** environ;

namespace evtape::harness {
namespace {

std::string Tail(const std::string& path, int lines) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::string> all;
  for (std::string line; std::getline(in, line);) all.push_back(line);
  size_t from =
      all.size() > static_cast<size_t>(lines) ? all.size() - static_cast<size_t>(lines) : 0;
  std::string out;
  for (size_t i = from; i < all.size(); ++i) out += all[i] + "\n";
  return out;
}

}  // namespace

Result<std::unique_ptr<ConsumerProcess>> ConsumerProcess::Start(
    const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
    const std::string& cwd, const std::string& log_dir) {
  std::unique_ptr<ConsumerProcess> p(new ConsumerProcess());
  p->out_path_ = log_dir + "/consumer.stdout";
  p->err_path_ = log_dir + "/consumer.stderr";
  int out_fd = open(p->out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int err_fd = open(p->err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out_fd < 0 || err_fd < 0) {
    int e = errno;
    if (out_fd >= 0) close(out_fd);
    if (err_fd >= 0) close(err_fd);
    return Status::FromErrno("cannot create consumer log files in " + log_dir, e);
  }
  // Everything the child needs is prepared before fork (no allocation after it).
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv(*e);
    std::string key = kv.substr(0, kv.find('='));
    if (env.count(key) == 0) env_strings.push_back(kv);
  }
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp, args;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  for (auto& s : argv_copy) args.push_back(s.data());
  args.push_back(nullptr);
  pid_t parent = getpid();

  pid_t pid = fork();
  if (pid < 0) {
    int e = errno;
    close(out_fd);
    close(err_fd);
    return Status::FromErrno("cannot start the consumer (fork)", e);
  }
  if (pid == 0) {
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    if (chdir(cwd.c_str()) != 0) {
      const char msg[] = "evtape test: cannot change to the consumer's working directory\n";
      (void)!write(2, msg, sizeof(msg) - 1);
      _exit(127);
    }
    execvpe(args[0], args.data(), envp.data());
    const char msg[] = "evtape test: cannot execute the consumer command: ";
    (void)!write(2, msg, sizeof(msg) - 1);
    const char* why = strerror(errno);
    (void)!write(2, why, strlen(why));
    (void)!write(2, "\n", 1);
    _exit(127);
  }
  setpgid(pid, pid);  // also in the parent, so the group exists before we ever signal it
  close(out_fd);
  close(err_fd);
  p->pid_ = pid;
  return p;
}

ConsumerProcess::~ConsumerProcess() { Stop(0); }

bool ConsumerProcess::Exited() {
  if (reaped_ || pid_ < 0) return true;
  int st = 0;
  pid_t r = waitpid(pid_, &st, WNOHANG);
  if (r == pid_) {
    reaped_ = true;
    status_ = st;
  }
  return reaped_;
}

std::string ConsumerProcess::ExitDescription() const {
  if (!reaped_) return "is still running";
  if (WIFEXITED(status_)) return "exited with status " + std::to_string(WEXITSTATUS(status_));
  if (WIFSIGNALED(status_)) {
    int sig = WTERMSIG(status_);
    return "was killed by signal " + std::to_string(sig) + " (" + strsignal(sig) + ")";
  }
  return "ended";
}

bool ConsumerProcess::exited_cleanly() const {
  if (!reaped_) return false;
  if (WIFEXITED(status_)) return WEXITSTATUS(status_) == 0;
  return terminated_by_us_ && WIFSIGNALED(status_) && WTERMSIG(status_) == SIGTERM;
}

ConsumerProcess::StopResult ConsumerProcess::Stop(int64_t grace_ns) {
  StopResult result;
  if (pid_ < 0 || stopped_) return result;
  if (!Exited()) {
    terminated_by_us_ = true;
    kill(-pid_, SIGTERM);
    int64_t deadline = MonotonicNs() + grace_ns;
    while (!Exited() && MonotonicNs() < deadline) {
      timespec ts{0, 5'000'000};
      nanosleep(&ts, nullptr);
    }
    if (!Exited()) {
      result.needed_kill = true;
      kill(-pid_, SIGKILL);
      int st = 0;
      if (waitpid(pid_, &st, 0) == pid_) {
        reaped_ = true;
        status_ = st;
      }
    }
  }
  // Whatever the consumer forked and left behind in its group goes too.
  kill(-pid_, SIGKILL);
  stopped_ = true;
  return result;
}

std::string ConsumerProcess::StderrTail(int lines) const { return Tail(err_path_, lines); }
std::string ConsumerProcess::StdoutTail(int lines) const { return Tail(out_path_, lines); }

}  // namespace evtape::harness
