// evtape record: option parsing, signals, status line and summary around record::Recorder.
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <iostream>
#include <thread>

#include "nats/connection.h"
#include "util/units.h"
#include "format/recording.h"
#include "record/recorder.h"
#include "wasmcloud/event_stats.h"
#include "tools/flags.h"
#include "tools/verbs.h"
#include "util/version.h"

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
    "Exit codes: 0 nothing lost, 3 gaps recorded, 1 failure (cannot connect, disk full),\n"
    "2 usage error.",
    "  evtape record                                  # lattice 'default', ./recording-<time>\n"
    "  evtape record --lattice prod -o incident-42 --duration 10m\n"
    "  evtape record --subject 'orders.>' --subject 'audit.*' --count 100000\n"
    "  evtape record -s nats://nats.internal:4222 --creds user.creds --retry-connect\n"
    "  evtape record --fsync interval --flush-interval 50ms -o /data/rec",
};

po::options_description RecordOptions() {
  po::options_description d("Record options");
  d.add_options()
      ("lattice", po::value<std::vector<std::string>>()->value_name("NAME"),
       "record wasmbus.evt.NAME.> (repeatable; default: default)")
      ("subject", po::value<std::vector<std::string>>()->value_name("SUBJ"),
       "record this subject; wildcards * and > allowed (repeatable)")
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
      ("io", po::value<std::string>()->value_name("MODE"),
       "direct (default: write segments around the page cache where the file system allows it, "
       "far less CPU per byte) | buffered (ordinary writes through the page cache)");
  d.add(ConnectionOptionsDescription());
  return d;
}

std::string DefaultOutputDir() {
  time_t t = ::time(nullptr);
  struct tm tm {};
  ::localtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof(buf), "recording-%Y%m%d-%H%M%S", &tm);
  return buf;
}

// The directory must be writable, or creatable in a writable parent.
std::optional<std::string> CheckWritable(const std::string& dir) {
  std::string probe = dir;
  while (true) {
    struct stat st {};
    if (::stat(probe.c_str(), &st) == 0) {
      if (!S_ISDIR(st.st_mode)) return "--output: " + probe + " is not a directory";
      if (::access(probe.c_str(), W_OK | X_OK) != 0) return "--output: " + probe + " is not writable";
      return std::nullopt;
    }
    std::string parent = DirName(probe);
    if (parent == probe) return "--output: " + dir + " cannot be created";
    probe = parent;
  }
}

const std::string* Get(const po::variables_map& vm, const char* name) {
  auto it = vm.find(name);
  return it == vm.end() || it->second.empty() ? nullptr : &it->second.as<std::string>();
}

// Fills the duration/size/count options; returns a usage message on a bad value.
std::optional<std::string> ParseLimits(const po::variables_map& vm, record::RecorderOptions* o) {
  auto duration = [&vm](const char* name, int64_t* out, bool allow_zero) -> std::optional<std::string> {
    const std::string* v = Get(vm, name);
    if (v == nullptr) return std::nullopt;
    std::optional<int64_t> ns = ParseDurationNs(*v);
    if (!ns || *ns < 0 || (!allow_zero && *ns == 0)) {
      return std::string("--") + name + ": not a valid duration: '" + *v + "'";
    }
    *out = *ns;
    return std::nullopt;
  };
  auto size = [&vm](const char* name, uint64_t* out) -> std::optional<std::string> {
    const std::string* v = Get(vm, name);
    if (v == nullptr) return std::nullopt;
    std::optional<uint64_t> b = ParseByteSize(*v);
    if (!b || *b == 0) return std::string("--") + name + ": not a valid size: '" + *v + "'";
    *out = *b;
    return std::nullopt;
  };
  if (auto e = duration("duration", &o->duration_ns, false)) return e;
  if (auto e = duration("max-segment-duration", &o->max_segment_duration_ns, false)) return e;
  if (auto e = duration("flush-interval", &o->flush_interval_ns, false)) return e;
  if (auto e = size("max-segment-size", &o->max_segment_bytes)) return e;
  if (auto e = size("buffer", &o->queue_max_bytes)) return e;
  if (const std::string* v = Get(vm, "count")) {
    char* end = nullptr;
    unsigned long long n = std::strtoull(v->c_str(), &end, 10);
    if (v->empty() || (*v)[0] == '-' || *end != '\0' || n == 0) {
      return "--count: not a positive number: '" + *v + "'";
    }
    o->count = n;
  }
  if (const std::string* v = Get(vm, "zstd-level")) {
    char* end = nullptr;
    long n = std::strtol(v->c_str(), &end, 10);
    if (v->empty() || *end != '\0' || n < -7 || n > 19) {
      return "--zstd-level: not a level between -7 and 19: '" + *v + "'";
    }
    o->zstd_level = static_cast<int>(n);
  }
  if (const std::string* v = Get(vm, "compress-threads")) {
    char* end = nullptr;
    long n = std::strtol(v->c_str(), &end, 10);
    if (v->empty() || *end != '\0' || n < 0 || n > 64) {
      return "--compress-threads: not a number between 0 and 64: '" + *v + "'";
    }
    o->compression_threads = static_cast<int>(n);
  }
  if (const std::string* v = Get(vm, "io")) {
    if (*v == "direct") o->direct_io = true;
    else if (*v == "buffered") o->direct_io = false;
    else return "--io: expected direct or buffered, got '" + *v + "'";
  }
  if (const std::string* v = Get(vm, "fsync")) {
    if (*v == "never") o->fsync = record::FsyncPolicy::kNever;
    else if (*v == "segment") o->fsync = record::FsyncPolicy::kSegment;
    else if (*v == "interval") o->fsync = record::FsyncPolicy::kInterval;
    else return "--fsync: expected never, segment or interval, got '" + *v + "'";
  }
  return std::nullopt;
}

std::optional<std::string> ParseSubjects(const po::variables_map& vm, record::RecorderOptions* o) {
  o->subjects.clear();
  if (vm.count("lattice") != 0) {
    for (const auto& l : vm["lattice"].as<std::vector<std::string>>()) {
      if (l.empty() || l.find_first_of(".*> \t") != std::string::npos) {
        return "--lattice: invalid lattice name '" + l + "'";
      }
      o->subjects.push_back("wasmbus.evt." + l + ".>");
    }
  }
  if (vm.count("subject") != 0) {
    for (const auto& s : vm["subject"].as<std::vector<std::string>>()) {
      if (!ValidSubject(s, true)) return "--subject: invalid subject '" + s + "'";
      o->subjects.push_back(s);
    }
  }
  if (o->subjects.empty()) o->subjects.push_back("wasmbus.evt.default.>");
  return std::nullopt;
}

std::optional<std::string> ParseOptions(const po::variables_map& vm, record::RecorderOptions* o) {
  if (auto e = ParseSubjects(vm, o)) return e;
  if (auto e = ParseLimits(vm, o)) return e;
  Result<nats::ConnectionOptions> conn = ReadConnectionOptions(vm);
  if (!conn.ok()) return conn.status().message();
  o->connection = std::move(conn).value();
  o->connection.client_name = "evtape record";
  const std::string* out = Get(vm, "output");
  o->output_dir = out != nullptr ? *out : DefaultOutputDir();
  if (auto e = CheckWritable(o->output_dir)) return e;
  Result<format::DirState> state = format::InspectDir(FileSystem::Default(), o->output_dir);
  if (state.ok() && *state == format::DirState::kOther) {
    return "--output: " + o->output_dir + " is not empty and not an evtape recording";
  }
  o->tool = std::string(kToolName);
  o->segment_stats = wasmcloud::EventStatsFactory();
  o->log = [](const std::string& m) {
    std::fprintf(stderr, "%sevtape record: %s\n", StderrIsTty() ? "\r\033[K" : "", m.c_str());
  };
  return std::nullopt;
}

void PrintStatus(const record::RecorderStats& s, uint64_t* last_messages) {
  uint64_t rate = s.messages - *last_messages;
  *last_messages = s.messages;
  std::fprintf(stderr, "\r\033[K%llu msgs  %llu msg/s  %s raw  %s stored  %llu seg  %llu gaps%s",
               static_cast<unsigned long long>(s.messages), static_cast<unsigned long long>(rate),
               FormatBytes(s.raw_bytes).c_str(), FormatBytes(s.stored_bytes).c_str(),
               static_cast<unsigned long long>(s.segments), static_cast<unsigned long long>(s.gaps),
               s.connected ? "" : "  [disconnected]");
  std::fflush(stderr);
}

void PrintSummary(const record::RecorderSummary& s) {
  double ratio = s.stored_bytes > 0 ? static_cast<double>(s.raw_bytes) / static_cast<double>(s.stored_bytes) : 0.0;
  std::fprintf(stderr,
               "evtape record: %s: %llu messages in %s, %s raw, %s stored (ratio %.1fx), "
               "%llu segment(s), %llu gap(s)\n",
               s.dir.c_str(), static_cast<unsigned long long>(s.messages),
               FormatDuration(s.elapsed_ns).c_str(), FormatBytes(s.raw_bytes).c_str(),
               FormatBytes(s.stored_bytes).c_str(), ratio,
               static_cast<unsigned long long>(s.segments), static_cast<unsigned long long>(s.gaps));
  if (s.gaps > 0 || s.dropped_by_queue > 0 || s.dropped_by_client > 0) {
    std::fprintf(stderr,
                 "evtape record: gaps: %llu outage(s) (messages lost, count unknown), %llu dropped "
                 "by the recorder's buffer (peak use %s), %llu dropped by the NATS client%s\n",
                 static_cast<unsigned long long>(s.outages),
                 static_cast<unsigned long long>(s.dropped_by_queue),
                 FormatBytes(s.peak_queue_bytes).c_str(),
                 static_cast<unsigned long long>(s.dropped_by_client),
                 s.restart_gap ? ", restart after an unclean stop" : "");
  }
  if (s.chunks_stored_behind > 0) {
    std::fprintf(stderr,
                 "evtape record: %llu of %llu chunks stored uncompressed to keep up with the "
                 "stream (nothing was lost; `evtape merge %s -o DIR` rewrites it compressed)\n",
                 static_cast<unsigned long long>(s.chunks_stored_behind),
                 static_cast<unsigned long long>(s.chunks), s.dir.c_str());
  }
  if (!s.exact_headers) {
    std::fprintf(stderr, "evtape record: warning: header blocks were rebuilt (unknown nats.c "
                         "layout): order and spacing may differ from the wire\n");
  }
}

// Waits for SIGINT/SIGTERM (blocked in every thread) and asks the recorder to stop.
class SignalWatcher {
 public:
  explicit SignalWatcher(record::Recorder* r) : thread_([this, r] { Loop(r); }) {}
  ~SignalWatcher() {
    done_ = true;
    thread_.join();
  }

 private:
  void Loop(record::Recorder* r) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    timespec timeout{0, 100'000'000};
    while (!done_) {
      if (sigtimedwait(&set, nullptr, &timeout) > 0) r->RequestStop();
    }
  }
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace

int RunRecord(const Args& args) {
  po::options_description options = RecordOptions();
  po::variables_map vm;
  if (auto code = ParseArgs(kHelp, options, po::positional_options_description(), args, &vm)) {
    return *code;
  }
  record::RecorderOptions ro;
  if (auto err = ParseOptions(vm, &ro)) return UsageError(kHelp, *err);
  record::Recorder recorder(ro);
  if (Status s = recorder.Validate(); !s.ok()) return UsageError(kHelp, s.message());

  // Block the stop signals before any NATS thread exists, so that only the watcher sees them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  Result<record::RecorderSummary> result = [&] {
    SignalWatcher watcher(&recorder);
    const bool tty = StderrIsTty();
    uint64_t last = 0;
    return recorder.Run([tty, &last](const record::RecorderStats& s) {
      if (tty) PrintStatus(s, &last);
    });
  }();
  if (StderrIsTty()) std::fprintf(stderr, "\r\033[K");
  if (!result.ok()) {
    if (result.status().code() == Status::Code::kInvalidArgument) {
      return UsageError(kHelp, result.status().message());
    }
    return RuntimeError(kHelp, result.status());
  }
  PrintSummary(*result);
  if (!result->status.ok()) return RuntimeError(kHelp, result->status);
  return result->gaps > 0 ? kExitLoss : kExitOk;
}

}  // namespace evtape::cli
