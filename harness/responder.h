// Responders for `evtape test`: answer the consumer's requests so that a consumer that sends
// control requests can be tested with no hosts.
//  * canned: every request on the subject filter gets the same reply body;
//  * recorded: replies come from a recording (or .jsonl) of real request/reply pairs, as
//    `evtape record --subject '>'` captures them (a request is a frame with a reply subject; its
//    reply is the first later frame on that reply subject). A request is answered with the reply
//    to the recorded request with the same subject and payload; else with the next unused reply
//    to a request on the same subject (the last one again when all were used). Subjects are
//    compared with the run's lattice id read as the fixture's lattice id. Unmatched requests get
//    no reply (the consumer sees a timeout, as it would against a silent lattice).
//
// Threads: callbacks run on nats.c threads; the pair tables are guarded by a mutex.
#pragma once

#include <nats/nats.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "nats/connection.h"
#include "format/status.h"
#include "format/types.h"
#include "harness/scenario.h"

namespace evtape::harness {

class Responders {
 public:
  // Loads recordings (errors name the scenario field and the file).
  static Result<std::unique_ptr<Responders>> Create(const Scenario& s);
  ~Responders();
  // Subscribes on `conn` (not owned; must outlive this object's subscriptions, i.e. call
  // Stop() or destroy this first). run_lattice/fixture_lattice as described above.
  Status Start(natsConnection* conn, const std::string& run_lattice, const std::string& url);
  bool empty() const { return entries_.empty(); }
  // Unsubscribes; no callback runs after it returns.
  void Stop();
  uint64_t answered() const { return answered_.load(); }
  uint64_t unanswered() const { return unanswered_.load(); }

 private:
  struct Pair {
    std::string subject, payload, reply_payload, reply_headers;
    bool used = false;
  };
  struct Entry {
    Responders* owner = nullptr;
    std::string filter;
    std::string canned;
    bool recorded = false;
    std::vector<Pair> pairs;
  };
  Responders() = default;
  static void OnMsg(natsConnection* nc, natsSubscription* sub, natsMsg* msg, void* closure);
  void Answer(natsConnection* nc, Entry* e, natsMsg* msg);

  std::string fixture_lattice_, run_lattice_;
  std::vector<std::unique_ptr<Entry>> entries_;
  std::vector<nats::SubscriptionPtr> subs_;
  std::mutex mu_;
  std::atomic<uint64_t> answered_{0}, unanswered_{0};
};

}  // namespace evtape::harness
