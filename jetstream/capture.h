// Capture streams: JetStream keeps the last `window` of a lattice (or any subjects) so that the
// events are there when an incident is noticed (docs/jetstream.md, "Capture").
//
// StartCapture creates the stream, or updates it when it exists (limits retention, max age =
// window). A subject that an existing stream already holds (wadm's `wasmbus_events` holds
// `wasmbus.evt.*.>`) cannot be listed by a second stream; the capture stream then *sources*
// from that stream with the subject as filter, and says so in the result. Sourced copies carry
// the copy time and one appended `Nats-Stream-Source` header line (the drain removes it).
//
// Errors: those of Session::FromJs (naming the URL and the stream), InvalidArgument for a
// subject that overlaps another stream without being inside its subjects. Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "format/status.h"
#include "jetstream/client.h"

namespace evtape::jetstream {

struct CaptureConfig {
  std::string name;  // stream name
  std::vector<std::string> subjects;
  int64_t window_ns = 0;  // > 0
  int64_t max_bytes = -1;  // -1: unlimited
  int replicas = 1;
  bool memory = false;  // memory storage instead of file
};

// "evtape_<lattice>" for the single subject wasmbus.evt.<lattice>.>, else "evtape_capture".
std::string DefaultCaptureName(const std::vector<std::string>& subjects);

// True when every subject `inner` matches is also matched by `outer` (both may hold wildcards).
bool SubjectCovers(const std::string& outer, const std::string& inner);

struct SourceStatus {
  std::string name, filter;
  uint64_t lag = 0;
  int64_t active_ns = -1;  // since the last contact with the origin; -1: origin missing
};

struct PeerStatus {
  std::string name;
  bool current = false, offline = false;
  uint64_t lag = 0;
};

struct StreamStatus {
  std::string name, description;
  std::vector<std::string> subjects;
  std::vector<SourceStatus> sources;
  int64_t window_ns = 0, max_bytes = -1;
  int64_t replicas = 1;
  bool memory = false;
  int64_t created_ns = 0;
  uint64_t messages = 0, bytes = 0, first_seq = 0, last_seq = 0, deleted = 0;
  int64_t first_ns = 0, last_ns = 0;
  std::string cluster, leader;  // empty on a server without clustering
  std::vector<PeerStatus> peers;  // the other replicas
};

struct CaptureStarted {
  bool created = false;  // false: an existing stream was updated
  StreamStatus status;
};

Result<CaptureStarted> StartCapture(const Session& s, const CaptureConfig& config);
// NotFound (naming the stream and URL) when it does not exist.
Result<StreamStatus> GetStreamStatus(const Session& s, const std::string& name);
Status StopCapture(const Session& s, const std::string& name);

// Human text for `capture status` (one "key: value" per line) and its JSON form.
std::string FormatStreamStatus(const StreamStatus& st);
std::string StreamStatusJson(const StreamStatus& st);

}  // namespace evtape::jetstream
