// evtape capture start|status|stop: a JetStream stream that keeps the last WINDOW of a lattice
// (jetstream/capture.h does the work; this file parses flags and maps results to exit codes).
#include <iostream>

#include "jetstream/capture.h"
#include "jetstream/client.h"
#include "util/units.h"
#include "tools/flags.h"
#include "tools/verbs.h"

namespace evtape::cli {
namespace {

const VerbHelp kHelp = {
    "capture",
    "evtape capture start|status|stop [--lattice NAME]... [--subject SUBJ]... [--name STREAM] [options]",
    "keep the last WINDOW of a lattice in a JetStream stream, to drain when an incident is noticed",
    "start creates the stream (limits retention, max age = --window), or updates it when it\n"
    "exists. A subject another stream already holds (wadm's wasmbus_events holds\n"
    "wasmbus.evt.*.>) is sourced from that stream instead, and start says so.\n"
    "status prints window, messages, bytes, first and last time, replicas and the cluster\n"
    "leader (--json: one object). stop --yes deletes the stream and everything in it.\n"
    "The stream is --name, else evtape_<lattice> for one --lattice, else evtape_capture.\n"
    "Drain it with 'evtape record --stream NAME'.\n"
    "Exit codes: 0 ok, 1 failure (no JetStream, stream missing, refused by the server),\n"
    "2 usage error.",
    "  evtape capture start --lattice default --window 24h --max-bytes 10GiB\n"
    "  evtape capture start --lattice prod --window 2h --replicas 3 -s nats://n1:4222,nats://n2:4222\n"
    "  evtape capture status --lattice prod\n"
    "  evtape capture stop --lattice prod --yes",
};

po::options_description Options() {
  po::options_description d("Capture options");
  AddSubjectOptions(&d, "capture");
  d.add_options()
      ("action", po::value<std::string>()->value_name("ACTION"), "start, status or stop (positional)")
      ("name", po::value<std::string>()->value_name("STREAM"), "stream name (default: see below)")
      ("window", po::value<std::string>()->value_name("DURATION"), "start: how long messages are kept (default 24h)")
      ("max-bytes", po::value<std::string>()->value_name("SIZE"), "start: the stream's size limit; oldest dropped first (default: none)")
      ("replicas", po::value<std::string>()->value_name("N"), "start: copies on a cluster, 1-5 (default 1)")
      ("storage", po::value<std::string>()->value_name("KIND"), "start: file (default) or memory")
      ("json", po::bool_switch(), "status: print one JSON object")
      ("yes", po::bool_switch(), "stop: confirm deleting the stream");
  d.add(ConnectionOptionsDescription());
  return d;
}

int Start(const jetstream::Session& s, jetstream::CaptureConfig c) {
  Result<jetstream::CaptureStarted> r = jetstream::StartCapture(s, c);
  if (!r.ok()) {
    if (r.status().code() == Status::Code::kInvalidArgument) return UsageError(kHelp, r.status().message());
    return RuntimeError(kHelp, r.status());
  }
  std::cout << (r->created ? "created" : "updated") << " stream " << c.name << " on " << s.url() << "\n";
  for (const auto& src : r->status.sources) {
    std::cout << "sourcing " << src.filter << " from stream " << src.name
              << " (it already holds these subjects; copies carry the copy time)\n";
  }
  std::cout << jetstream::FormatStreamStatus(r->status);
  return kExitOk;
}

}  // namespace

int RunCapture(const Args& args) {
  po::options_description options = Options();
  po::positional_options_description pos;
  pos.add("action", 1);
  po::variables_map vm;
  if (auto code = ParseArgs(kHelp, options, pos, args, &vm)) return *code;
  FlagReader f(vm);
  int action = 0, storage = 0;
  if (!f.Has("action")) return UsageError(kHelp, "missing ACTION (start, status or stop)");
  jetstream::CaptureConfig c;
  c.window_ns = 24 * 3600 * 1'000'000'000LL;
  uint64_t max_bytes = 0;
  f.Choice("action", {"start", "status", "stop"}, &action)
      .Duration("window", &c.window_ns)
      .Size("max-bytes", &max_bytes)
      .Int("replicas", &c.replicas, 1, 5)
      .Choice("storage", {"file", "memory"}, &storage);
  if (!f.ok()) return UsageError(kHelp, f.status().message());
  if (action == 2 && !f.Switch("yes")) {
    return UsageError(kHelp, "--yes: stop deletes the stream and the messages it holds; add --yes");
  }
  Result<std::vector<std::string>> subjects = ReadSubjects(vm, "wasmbus.evt.default.>");
  if (!subjects.ok()) return UsageError(kHelp, subjects.status().message());
  c.subjects = *subjects;
  c.name = f.Has("name") ? *f.String("name") : jetstream::DefaultCaptureName(c.subjects);
  if (c.name.find_first_of(".*> \t") != std::string::npos) {
    return UsageError(kHelp, "--name: a stream name cannot hold '.', '*', '>' or spaces: '" + c.name + "'");
  }
  if (max_bytes > 0) c.max_bytes = static_cast<int64_t>(max_bytes);
  c.memory = storage == 1;
  Result<nats::ConnectionOptions> conn = ReadConnectionOptions(vm);
  if (!conn.ok()) return UsageError(kHelp, conn.status().message());
  conn->client_name = "evtape capture";
  Result<std::unique_ptr<jetstream::Session>> s = jetstream::Session::Open(*conn);
  if (!s.ok()) return RuntimeError(kHelp, s.status());
  if (action == 0) return Start(**s, c);
  if (action == 2) {
    if (Status st = jetstream::StopCapture(**s, c.name); !st.ok()) return RuntimeError(kHelp, st);
    std::cout << "deleted stream " << c.name << " on " << (*s)->url() << "\n";
    return kExitOk;
  }
  Result<jetstream::StreamStatus> st = jetstream::GetStreamStatus(**s, c.name);
  if (!st.ok()) return RuntimeError(kHelp, st.status());
  std::cout << (f.Switch("json") ? jetstream::StreamStatusJson(*st) : jetstream::FormatStreamStatus(*st));
  return kExitOk;
}

}  // namespace evtape::cli
