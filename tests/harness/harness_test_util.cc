#include "tests/harness/harness_test_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>

namespace evtape::harness_test {

nlohmann::json AppDeployScenario(const std::vector<std::string>& extra_args,
                                 const std::string& golden) {
  nlohmann::json cmd = nlohmann::json::array({Inventory()});
  for (const auto& a : extra_args) cmd.push_back(a);
  return {
      {"name", "app-deploy-copy"},
      {"fixtures", {SourceDir() + "/fixtures/app-deploy.jsonl"}},
      {"replay", {{"quiet", "100ms"}, {"max_wait", "2s"}}},
      {"consumer", {{"command", cmd}, {"ready", {{"subject", "inventory.${LATTICE}.ready"}}}}},
      {"observe", {"inventory.${LATTICE}.state"}},
      {"golden", golden.empty() ? ScenarioDir() + "/app-deploy.golden.jsonl" : golden},
  };
}

std::string WriteScenario(const testutil::TempDir& dir, const std::string& name,
                          const nlohmann::json& j) {
  std::string path = dir / name;
  testutil::WriteFile(path, j.is_string() ? j.get<std::string>() : j.dump(2));
  return path;
}

bool ProcessGone(pid_t pid) {
  if (pid <= 0) return false;
  if (kill(pid, 0) != 0 && errno == ESRCH) return true;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  size_t close = text.rfind(')');
  return close == std::string::npos || (close + 2 < text.size() && text[close + 2] == 'Z');
}

bool ServerGone(const std::string& url) {
  size_t colon = url.rfind(':');
  if (colon == std::string::npos) return false;
  int port = std::stoi(url.substr(colon + 1));
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  bool connected = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return !connected;
}

pid_t ReadPid(const std::string& path) {
  std::ifstream in(path);
  long pid = 0;
  in >> pid;
  return static_cast<pid_t>(pid);
}

}  // namespace evtape::harness_test
