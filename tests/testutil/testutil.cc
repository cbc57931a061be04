#include "tests/testutil/testutil.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace evtape::testutil {

namespace fs = std::filesystem;

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base ? base : "/tmp") + "/evtape-test-XXXXXX";
  char* p = ::mkdtemp(tmpl.data());
  path_ = p ? p : "";
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!path_.empty()) fs::remove_all(path_, ec);
}

bool WaitUntil(const std::function<bool()>& cond, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (cond()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return cond();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
}

std::unique_ptr<Process> Process::Start(const std::vector<std::string>& argv,
                                        const std::map<std::string, std::string>& env,
                                        const std::string& stdin_data) {
  std::unique_ptr<Process> p(new Process());
  p->dir_ = std::make_unique<TempDir>();
  std::string in_path = *p->dir_ / "stdin", out_path = *p->dir_ / "stdout",
              err_path = *p->dir_ / "stderr";
  WriteFile(in_path, stdin_data);
  std::vector<std::string> envs;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    if (eq != std::string::npos && env.count(kv.substr(0, eq)) != 0) continue;
    envs.push_back(kv);
  }
  for (const auto& [k, v] : env) envs.push_back(k + "=" + v);
  std::vector<char*> cargv, cenv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  for (const auto& e : envs) cenv.push_back(const_cast<char*>(e.c_str()));
  cenv.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);  // own process group: a test can kill the whole tree
    int in = ::open(in_path.c_str(), O_RDONLY);
    int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    ::execvpe(cargv[0], cargv.data(), cenv.data());
    std::fprintf(stderr, "exec %s: %s\n", cargv[0], std::strerror(errno));
    ::_exit(127);
  }
  p->pid_ = pid;
  return p;
}

Process::~Process() {
  if (pid_ > 0 && !reaped_) {
    ::kill(-pid_, SIGKILL);
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status_, 0);
  }
}

void Process::Signal(int sig) {
  if (pid_ > 0 && !reaped_) ::kill(pid_, sig);
}

bool Process::Exited() {
  if (reaped_) return true;
  pid_t r = ::waitpid(pid_, &status_, WNOHANG);
  if (r == pid_) reaped_ = true;
  return reaped_;
}

ProcResult Process::Wait(std::chrono::milliseconds timeout) {
  ProcResult res;
  if (!WaitUntil([&] { return Exited(); }, timeout)) {
    res.timed_out = true;
    ::kill(-pid_, SIGKILL);
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status_, 0);
    reaped_ = true;
  }
  if (WIFEXITED(status_)) res.exit_code = WEXITSTATUS(status_);
  if (WIFSIGNALED(status_)) res.signal = WTERMSIG(status_);
  if (res.timed_out) res.exit_code = -1;
  res.out = Stdout();
  res.err = Stderr();
  return res;
}

std::string Process::Stdout() const { return ReadFile(*dir_ / "stdout"); }
std::string Process::Stderr() const { return ReadFile(*dir_ / "stderr"); }

ProcResult Run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
               const std::map<std::string, std::string>& env, const std::string& stdin_data) {
  return Process::Start(argv, env, stdin_data)->Wait(timeout);
}

std::string EvtapeBinary() {
#ifdef EVTAPE_BINARY
  return EVTAPE_BINARY;
#else
  return "evtape";
#endif
}

ProcResult RunEvtape(const std::vector<std::string>& args, std::chrono::milliseconds timeout,
                     const std::map<std::string, std::string>& env,
                     const std::string& stdin_data) {
  std::vector<std::string> argv{EvtapeBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return Run(argv, timeout, env, stdin_data);
}

std::unique_ptr<NatsServer> NatsServer::Start(const Options& options) {
  std::unique_ptr<NatsServer> s(new NatsServer());
  s->options_ = options;
  s->dir_ = std::make_unique<TempDir>();
  if (!s->Launch(options.port)) return nullptr;
  return s;
}

bool NatsServer::Launch(int port) {
  std::vector<std::string> argv{"nats-server", "-a", "127.0.0.1", "-p", std::to_string(port),
                                "--ports_file_dir", dir_->path()};
  if (options_.jetstream) {
    argv.insert(argv.end(), {"-js", "-sd", *dir_ / "js"});
  }
  argv.insert(argv.end(), options_.extra_args.begin(), options_.extra_args.end());
  proc_ = Process::Start(argv);
  std::string ports = *dir_ / ("nats-server_" + std::to_string(proc_->pid()) + ".ports");
  bool ok = WaitUntil([&] { return fs::exists(ports) && fs::file_size(ports) > 0; },
                      std::chrono::seconds(10));
  if (!ok) {
    proc_.reset();
    return false;
  }
  std::string text = ReadFile(ports);  // {"nats":["nats://127.0.0.1:38745"]}
  auto start = text.find("nats://");
  auto end = text.find('"', start);
  url_ = text.substr(start, end - start);
  port_ = std::stoi(url_.substr(url_.rfind(':') + 1));
  return true;
}

NatsServer::~NatsServer() { Stop(); }

void NatsServer::Stop() {
  if (!proc_) return;
  proc_->Signal(SIGINT);
  proc_->Wait(std::chrono::seconds(10));
  proc_.reset();
}

bool NatsServer::Restart() {
  Stop();
  // The port may linger briefly in the kernel; retry until the server comes up.
  return WaitUntil([&] { return Launch(port_); }, std::chrono::seconds(10));
}

void NatsServer::Kill() {
  if (!proc_) return;
  proc_->Signal(SIGKILL);
  proc_->Wait(std::chrono::seconds(10));
  proc_.reset();
}

}  // namespace evtape::testutil
