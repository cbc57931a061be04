#include "tests/jetstream/js_test_util.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <thread>

#include "nats/raw_msg.h"

namespace evtape::js_test {

std::string Tag(const char* prefix, long long n) {
  std::string s(prefix);
  s += std::to_string(n);
  return s;
}

std::unique_ptr<testutil::NatsServer> StartJsServer() {
  testutil::NatsServer::Options o;
  o.jetstream = true;
  return testutil::NatsServer::Start(o);
}

std::unique_ptr<jetstream::Session> Open(const std::string& url) {
  nats::ConnectionOptions o;
  o.server = url;
  Result<std::unique_ptr<jetstream::Session>> s = jetstream::Session::Open(o);
  INFO(s.status().message());
  REQUIRE(s.ok());
  return std::move(s).value();
}

void AddStream(const jetstream::Session& s, const StreamSpec& spec) {
  std::vector<const char*> subjects;
  for (const auto& sub : spec.subjects) subjects.push_back(sub.c_str());
  jsStreamConfig cfg;
  jsStreamConfig_Init(&cfg);
  cfg.Name = spec.name.c_str();
  cfg.Subjects = subjects.data();
  cfg.SubjectsLen = static_cast<int>(subjects.size());
  cfg.MaxAge = spec.max_age_ns;
  cfg.MaxMsgs = spec.max_msgs;
  cfg.Replicas = spec.replicas;
  jsStreamInfo* si = nullptr;
  jsErrCode ec = static_cast<jsErrCode>(0);
  natsStatus st = js_AddStream(&si, s.js(), &cfg, nullptr, &ec);
  INFO(s.FromJs(st, ec, spec.name).message());
  REQUIRE(st == NATS_OK);
  jsStreamInfo_Destroy(si);
}

namespace {
jsStreamInfo* Info(const jetstream::Session& s, const std::string& name) {
  jsStreamInfo* si = nullptr;
  jsErrCode ec = static_cast<jsErrCode>(0);
  if (js_GetStreamInfo(&si, s.js(), name.c_str(), nullptr, &ec) != NATS_OK) return nullptr;
  return si;
}
}  // namespace

uint64_t StreamMsgs(const jetstream::Session& s, const std::string& name) {
  jsStreamInfo* si = Info(s, name);
  uint64_t n = si != nullptr ? si->State.Msgs : 0;
  jsStreamInfo_Destroy(si);
  return n;
}

uint64_t StreamLastSeq(const jetstream::Session& s, const std::string& name) {
  jsStreamInfo* si = Info(s, name);
  uint64_t n = si != nullptr ? si->State.LastSeq : 0;
  jsStreamInfo_Destroy(si);
  return n;
}

std::string TestHeaders(int i) {
  return Tag("NATS/1.0\r\nce-id: id-", i) + "\r\nX-Spacing:  two\r\nce-id: second\r\n\r\n";
}

bool PublishAcked(const jetstream::Session& s, const std::string& subject, int i,
                  const std::string& payload) {
  std::string headers = "NATS/1.0\r\nNats-Msg-Id: " + subject + Tag("-", i) + "\r\n\r\n";
  Result<nats::MsgPtr> m = nats::MakeRawMsg(subject, "", headers, payload);
  if (!m.ok()) return false;
  jsPubOptions po;
  jsPubOptions_Init(&po);
  po.MaxWait = 1000;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < until) {
    jsPubAck* pa = nullptr;
    jsErrCode ec = static_cast<jsErrCode>(0);
    if (js_PublishMsg(&pa, s.js(), m->get(), &po, &ec) == NATS_OK) {
      jsPubAck_Destroy(pa);
      return true;
    }
    // Back off: during an election every publish fails at once with no responders.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

namespace {
int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0);
  socklen_t len = sizeof(a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}
}  // namespace

Cluster::Cluster() {
  std::vector<int> routes;
  for (int i = 0; i < 3; ++i) {
    ports_.push_back(FreePort());
    routes.push_back(FreePort());
  }
  for (int i = 0; i < 3; ++i) {
    std::string d = dir_ / (Tag("n", i + 1));
    std::filesystem::create_directories(d);
    std::string conf = Tag("server_name: n", i + 1) + "\nlisten: 127.0.0.1:" +
                       std::to_string(ports_[i]) + "\njetstream { store_dir: \"" + d +
                       "/store\" }\ncluster {\n  name: c1\n  listen: 127.0.0.1:" +
                       std::to_string(routes[i]) + "\n  routes: [";
    for (int j = 0; j < 3; ++j) {
      if (j > 0) conf += ", ";
      conf += Tag("nats://127.0.0.1:", routes[j]);
    }
    conf += "]\n}\n";
    testutil::WriteFile(d + "/n.conf", conf);
    nodes_.push_back(testutil::Process::Start({"nats-server", "-c", d + "/n.conf"}));
    if (i > 0) urls_ += ",";
    urls_ += url(i);
  }
}

Cluster::~Cluster() {
  for (auto& n : nodes_) {
    if (n) n->Signal(SIGKILL);
  }
}

std::string Cluster::url(int i) const { return Tag("nats://127.0.0.1:", ports_[i]); }

int Cluster::IndexOf(const std::string& name) {
  if (name.size() == 2 && name[0] == 'n' && name[1] >= '1' && name[1] <= '3') return name[1] - '1';
  return -1;
}

std::string Cluster::Logs() const {
  std::string out;
  for (const auto& n : nodes_) {
    if (n) out += n->Stderr().substr(n->Stderr().size() > 1500 ? n->Stderr().size() - 1500 : 0);
  }
  return out;
}

void Cluster::Kill(int i) {
  nodes_[i]->Signal(SIGKILL);
  nodes_[i]->Wait(std::chrono::seconds(10));
  nodes_[i].reset();
}

}  // namespace evtape::js_test
