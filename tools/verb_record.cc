// evtape record: option parsing, signals, status line and summary around record::Recorder.
#include <cstdio>
#include <iostream>

#include "nats/connection.h"
#include "util/units.h"
#include "format/recording.h"
#include "record/recorder.h"
#include "record/ring.h"
#include "record/summary.h"
#include "tools/signals.h"
#include "wasmcloud/event_stats.h"
#include "tools/flags.h"
#include "tools/record_stream.h"
#include "tools/verbs.h"

namespace evtape::cli {
namespace {

const VerbHelp kHelp = {
    "record",
    "evtape record [--lattice NAME]... [--subject SUBJ]... [-o DIR] [options]",
    "capture NATS messages (subject, reply, raw headers, payload, receive time) into a recording",
    "What: --lattice NAME records wasmbus.evt.NAME.> (default: the lattice 'default');\n"
    "--subject adds any subject or wildcard instead of that default. A recorder sees every\n"
    "message: there is no queue-group option.\n"
    "Where: -o DIR; an existing evtape recording gets new segments after its last one; a\n"
    "non-empty directory that is not a recording is refused.\n"
    "Stops on --duration, --count, SIGINT or SIGTERM; every stop seals the open segment.\n"
    "Every message that could not be captured becomes a gap record (slow consumer, outage,\n"
    "restart after a crash). A summary is printed to stderr at the end.\n"
    "Ring (flight recorder): --ring 30m keeps the last 30 minutes, --ring 2GiB the last 2 GiB\n"
    "on disk, both: whichever bound is reached first. The oldest sealed segments beyond the\n"
    "window are deleted (shown by `info`, never reported as a loss); segments are sized at a\n"
    "25th of the window so the ring holds it within about 10%.\n"
    "Exit codes: 0 nothing lost, 3 gaps recorded, 1 failure (cannot connect, disk full),\n"
    "2 usage error.",
    "  evtape record                                  # lattice 'default', ./recording-<time>\n"
    "  evtape record --lattice prod -o incident-42 --duration 10m\n"
    "  evtape record --subject 'orders.>' --subject 'audit.*' --count 100000\n"
    "  evtape record -s nats://nats.internal:4222 --creds user.creds --retry-connect\n"
    "  evtape record --fsync interval --flush-interval 50ms -o /data/rec\n"
    "  evtape record --ring 30m --ring 2GiB -o /var/lib/evtape/ring",
};

po::options_description RecordOptions() {
  po::options_description d("Record options");
  AddSubjectOptions(&d, "record");
  d.add_options()
      ("output,o", po::value<std::string>()->value_name("DIR"),
       "recording directory (default: ./recording-YYYYMMDD-HHMMSS)")
      ("duration", po::value<std::string>()->value_name("DURATION"), "stop after this long, e.g. 10m")
      ("count", po::value<std::string>()->value_name("N"), "stop after N messages")
      ("max-segment-size", po::value<std::string>()->value_name("SIZE"),
       "start a new segment at this size (default 256MiB)")
      ("max-segment-duration", po::value<std::string>()->value_name("DURATION"),
       "start a new segment after this long (default 1h)")
      ("flush-interval", po::value<std::string>()->value_name("DURATION"),
       "hand buffered data to the OS this often: the most kill -9 can lose (default 200ms)")
      ("fsync", po::value<std::string>()->value_name("POLICY"),
       "never | segment (fsync each sealed segment, default) | interval (also every flush)")
      ("buffer", po::value<std::string>()->value_name("SIZE"),
       "memory for received, not yet written messages; beyond it messages are dropped and "
       "recorded as a gap (default 512MiB)")
      ("zstd-level", po::value<std::string>()->value_name("N"), "compression level -7..19 (default 1)")
      ("compress-threads", po::value<std::string>()->value_name("N"),
       "threads compressing at the lowest CPU priority (default: half the cores, 1-4; 0 = "
       "compress on the writer thread); when the buffer starts filling, chunks are stored "
       "uncompressed instead of messages being dropped")
      ("no-compact", po::bool_switch(),
       "do not rewrite sealed segments in big, strongly compressed chunks (by default done in "
       "the background at the lowest CPU priority, and for the last segment when stopping)")
      ("ring", po::value<std::vector<std::string>>()->value_name("WINDOW"),
       "keep only the most recent WINDOW: a duration (30m) or a size ending in B (2GiB); "
       "give it twice for both; older sealed segments are deleted")
      ("io", po::value<std::string>()->value_name("MODE"),
       "direct (default: write segments around the page cache where the file system allows it, "
       "far less CPU per byte) | buffered (ordinary writes through the page cache)");
  AddStreamDrainOptions(&d);
  d.add(ConnectionOptionsDescription());
  return d;
}

std::optional<std::string> ParseOptions(const po::variables_map& vm, record::RecorderOptions* o) {
  Result<std::vector<std::string>> subjects = ReadSubjects(vm, "wasmbus.evt.default.>");
  if (!subjects.ok()) return subjects.status().message();
  o->subjects = std::move(subjects).value();
  int io = 0, fsync = static_cast<int>(o->fsync);
  FlagReader f(vm);
  f.Duration("duration", &o->duration_ns)
      .Duration("max-segment-duration", &o->max_segment_duration_ns)
      .Duration("flush-interval", &o->flush_interval_ns)
      .Size("max-segment-size", &o->max_segment_bytes)
      .Size("buffer", &o->queue_max_bytes)
      .Count("count", &o->count)
      .Int("zstd-level", &o->zstd_level, -7, 19)
      .Int("compress-threads", &o->compression_threads, 0, 64)
      .Choice("io", {"direct", "buffered"}, &io)
      .Choice("fsync", {"never", "segment", "interval"}, &fsync);
  if (!f.ok()) return f.status().message();
  if (vm.count("ring")) {
    for (const auto& w : vm["ring"].as<std::vector<std::string>>()) {
      if (!record::AddRingWindow(w, &o->ring)) {
        return "--ring: '" + w + "' is not a duration (30m) or a size ending in B (2GiB), or "
               "repeats a kind";
      }
    }
    Status s = record::SegmentLimitsForRing(o->ring, f.Has("max-segment-size"),
                                            f.Has("max-segment-duration"), &o->max_segment_bytes,
                                            &o->max_segment_duration_ns);
    if (!s.ok()) return s.message();
  }
  o->direct_io = io == 0;
  o->compact = !f.Switch("no-compact");
  o->fsync = static_cast<record::FsyncPolicy>(fsync);
  Result<nats::ConnectionOptions> conn = ReadConnectionOptions(vm);
  if (!conn.ok()) return conn.status().message();
  o->connection = std::move(conn).value();
  o->connection.client_name = "evtape record";
  const std::string* out = f.String("output");
  o->output_dir = out != nullptr ? *out : DefaultOutputDir("recording");
  Result<format::DirState> state = format::InspectDir(FileSystem::Default(), o->output_dir);
  if (state.ok() && *state == format::DirState::kOther) {
    return "--output: " + o->output_dir + " is not empty and not an evtape recording";
  }
  o->segment_stats = wasmcloud::EventStatsFactory();
  o->log = [](const std::string& m) {
    std::fprintf(stderr, "%sevtape record: %s\n", StderrIsTty() ? "\r\033[K" : "", m.c_str());
  };
  return std::nullopt;
}

}  // namespace

int RunRecord(const Args& args) {
  po::options_description options = RecordOptions();
  po::variables_map vm;
  if (auto code = ParseArgs(kHelp, options, po::positional_options_description(), args, &vm)) {
    return *code;
  }
  if (vm.count("stream") != 0) return RunRecordStream(kHelp, vm);
  record::RecorderOptions ro;
  if (auto err = ParseOptions(vm, &ro)) return UsageError(kHelp, *err);
  if (Status s = CheckWritableDir(ro.output_dir); !s.ok()) return OutputDirError(kHelp, s);
  record::Recorder recorder(ro);
  if (Status s = recorder.Validate(); !s.ok()) return UsageError(kHelp, s.message());
  Result<record::RecorderSummary> result = [&] {
    // Before any NATS thread exists, so that only the watcher sees the stop signals.
    StopSignals signals([&recorder](int) { recorder.RequestStop(); });
    const bool tty = StderrIsTty();
    uint64_t last = 0;
    return recorder.Run([tty, &last](const record::RecorderStats& s) {
      if (!tty) return;
      std::fprintf(stderr, "\r\033[K%s", record::FormatStatusLine(s, s.messages - last).c_str());
      std::fflush(stderr);
      last = s.messages;
    });
  }();
  if (StderrIsTty()) std::fprintf(stderr, "\r\033[K");
  if (!result.ok()) {
    if (result.status().code() == Status::Code::kInvalidArgument) {
      return UsageError(kHelp, result.status().message());
    }
    return RuntimeError(kHelp, result.status());
  }
  std::fputs(record::FormatSummary(*result).c_str(), stderr);
  if (!result->status.ok()) return RuntimeError(kHelp, result->status);
  return result->gaps > 0 ? kExitLoss : kExitOk;
}

}  // namespace evtape::cli
