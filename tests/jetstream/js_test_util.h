// Helpers for the jetstream tests: JetStream sessions and streams made directly with nats.c,
// acknowledged publishing with retries, and a three-node JetStream cluster on loopback ports
// (each node with its own store dir under the test's temp dir).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "jetstream/client.h"
#include "tests/testutil/testutil.h"

namespace evtape::js_test {

// prefix followed by the decimal n (GCC 12 warns falsely on "literal" + std::to_string(n)).
std::string Tag(const char* prefix, long long n);

// A single nats-server with JetStream (store dir in its temp dir); null if it did not start.
std::unique_ptr<testutil::NatsServer> StartJsServer();

// A session on url; REQUIREs success.
std::unique_ptr<jetstream::Session> Open(const std::string& url);

struct StreamSpec {
  std::string name;
  std::vector<std::string> subjects;
  int64_t max_age_ns = 0;
  int64_t max_msgs = -1;
  int replicas = 1;
};
// Creates the stream; REQUIREs success.
void AddStream(const jetstream::Session& s, const StreamSpec& spec);
// The stream's message count and last sequence (0 on any error).
uint64_t StreamMsgs(const jetstream::Session& s, const std::string& name);
uint64_t StreamLastSeq(const jetstream::Session& s, const std::string& name);

// The header block of test message i: spacing and key case kept byte for byte by the format.
std::string TestHeaders(int i);

// Publishes through JetStream until acknowledged (retrying for up to 30 s across leader
// elections), with Nats-Msg-Id "<subject>-<i>" so that a retry is never stored twice.
// Returns false if it was never acknowledged.
bool PublishAcked(const jetstream::Session& s, const std::string& subject, int i,
                  const std::string& payload);

// Three nats-server nodes with JetStream, clustered over loopback routes.
class Cluster {
 public:
  Cluster();
  ~Cluster();
  // All three client URLs, comma-separated.
  const std::string& urls() const { return urls_; }
  std::string url(int i) const;
  // The index of the node called `name` ("n1".."n3"), -1 if none.
  static int IndexOf(const std::string& name);
  void Kill(int i);
  // The nodes' stderr (their logs), for failure messages.
  std::string Logs() const;

 private:
  testutil::TempDir dir_;
  std::vector<int> ports_;
  std::vector<std::unique_ptr<testutil::Process>> nodes_;
  std::string urls_;
};

}  // namespace evtape::js_test
