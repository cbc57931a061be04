// evtape record --stream NAME: the drain of a JetStream stream into a recording, the part of
// the record verb that reads a stream instead of subscribing (jetstream/drain.h does the work).
#include <atomic>
#include <chrono>
#include <cstdio>

#include "format/recording.h"
#include "jetstream/drain.h"
#include "util/units.h"
#include "util/version.h"
#include "tools/flags.h"
#include "tools/signals.h"
#include "tools/record_stream.h"
#include "tools/verbs.h"
#include "wasmcloud/event_stats.h"

namespace evtape::cli {
namespace {

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

// The drain's options from the command line; a usage message on a bad value.
std::optional<std::string> ReadDrainOptions(const po::variables_map& vm, jetstream::DrainOptions* o) {
  FlagReader f(vm);
  o->stream = *f.String("stream");
  if (o->stream.empty() || o->stream.find_first_of(".*> \t") != std::string::npos) {
    return "--stream: not a stream name: '" + o->stream + "'";
  }
  if (vm.count("lattice") != 0 || vm.count("subject") != 0) {
    return "--stream drains the whole stream; --lattice and --subject do not apply";
  }
  for (const char* live_only : {"duration", "count", "buffer", "compress-threads", "io", "fsync"}) {
    if (f.Has(live_only)) return std::string("--") + live_only + " does not apply to --stream";
  }
  if (f.Has("since") && f.Has("start-seq")) return "--since and --start-seq cannot be combined";
  if (const std::string* since = f.String("since")) {
    std::optional<TimeSpec> t = ParseTimeSpec(*since);
    if (!t || t->ns < 0) return "--since: not a duration or RFC 3339 time: '" + *since + "'";
    o->from = jetstream::DrainOptions::From::kTime;
    o->since_ns = t->absolute ? t->ns : NowNs() - t->ns;
  }
  if (f.Has("start-seq")) o->from = jetstream::DrainOptions::From::kSeq;
  f.Count("start-seq", &o->start_seq)
      .Size("max-segment-size", &o->max_segment_bytes)
      .Int("zstd-level", &o->zstd_level, -7, 19)
      .Duration("flush-interval", &o->flush_interval_ns);
  if (!f.ok()) return f.status().message();
  o->follow = f.Switch("follow");
  const std::string* out = f.String("output");
  o->output_dir = out != nullptr ? *out : DefaultOutputDir(o->stream);
  o->tool = std::string("evtape ") + kVersion;
  o->segment_stats = wasmcloud::EventStatsFactory();
  return std::nullopt;
}

}  // namespace

void AddStreamDrainOptions(po::options_description* d) {
  d->add_options()
      ("stream", po::value<std::string>()->value_name("NAME"),
       "drain this JetStream stream instead of subscribing (frames keep the stream's times and "
       "sequences; re-running into the same -o resumes)")
      ("since", po::value<std::string>()->value_name("DURATION|TIME"),
       "with --stream: start at messages stored since then (2h ago, or an RFC 3339 time)")
      ("start-seq", po::value<std::string>()->value_name("N"), "with --stream: start at stream sequence N")
      ("follow", po::bool_switch(), "with --stream: keep following new messages after catching up");
}

int RunRecordStream(const VerbHelp& help, const po::variables_map& vm) {
  jetstream::DrainOptions o;
  if (auto err = ReadDrainOptions(vm, &o)) return UsageError(help, *err);
  if (Status s = CheckWritableDir(o.output_dir); !s.ok()) return OutputDirError(help, s);
  Result<nats::ConnectionOptions> conn = ReadConnectionOptions(vm);
  if (!conn.ok()) return UsageError(help, conn.status().message());
  conn->client_name = "evtape record --stream";
  // A signal may come before the drainer exists: it is then stopped as soon as it does.
  std::atomic<jetstream::Drainer*> live{nullptr};
  std::atomic<bool> stop{false};
  StopSignals signals([&](int) {
    stop.store(true);
    if (jetstream::Drainer* d = live.load()) d->RequestStop();
  });
  Result<std::unique_ptr<jetstream::Session>> s = jetstream::Session::Open(*conn);
  if (!s.ok()) return RuntimeError(help, s.status());
  jetstream::Drainer drainer(**s, o);
  live.store(&drainer);
  if (stop.load()) drainer.RequestStop();
  Result<jetstream::DrainSummary> r = drainer.Run();
  live.store(nullptr);
  if (!r.ok()) {
    if (r.status().code() == Status::Code::kInvalidArgument) return UsageError(help, r.status().message());
    return RuntimeError(help, r.status());
  }
  std::fputs(("evtape record: " + jetstream::FormatDrainSummary(o.stream, *r)).c_str(), stderr);
  return r->gaps > 0 ? kExitLoss : kExitOk;
}

}  // namespace evtape::cli
