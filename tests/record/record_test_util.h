// Helpers for the record tests: a nats.c publisher (raw header blocks via MakeRawMsg), the
// recorder as a subprocess, and reading a recording back through format::RecordingReader.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "nats/connection.h"
#include "format/segment_reader.h"
#include "format/types.h"
#include "tests/testutil/testutil.h"

namespace evtape::record_test {

class Publisher {
 public:
  // Connects to url (reconnecting forever with a large reconnect buffer); REQUIREs success.
  explicit Publisher(const std::string& url);
  // Publishes one message; returns false if nats.c refused it (e.g. while reconnecting and
  // the buffer is full).
  bool Publish(const std::string& subject, const std::string& payload,
               const std::string& headers = "", const std::string& reply = "");
  bool Flush();
  natsConnection* conn() { return conn_.get(); }

 private:
  nats::ConnectionPtr conn_;
};

// Starts `evtape record args...` and waits until it reports that it is recording (the
// subscriptions are confirmed by the server at that point). REQUIREs it.
std::unique_ptr<testutil::Process> StartRecorder(const std::vector<std::string>& args);
// SIGINT and wait.
testutil::ProcResult StopRecorder(testutil::Process* p);

struct Readback {
  std::vector<format::Frame> frames;
  std::vector<format::Gap> gaps;
  std::vector<std::string> segments;
  std::vector<format::Metadata> metadata;  // per segment
  format::ReadStats stats;
  bool all_sealed = false;  // every segment has a valid footer
  bool corruption = false;
  std::string error;
};
// Reads a whole recording in strict mode (a torn tail is not an error).
Readback ReadRecording(const std::string& dir);

int64_t NowNs();
// A payload of n bytes with varied content, starting with the given tag.
std::string MakePayload(const std::string& tag, size_t n);

}  // namespace evtape::record_test
