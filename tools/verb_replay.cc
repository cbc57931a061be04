// evtape replay: republish recordings on NATS, on time, byte-identical, deterministic.
#include <signal.h>
#include <time.h>

#include <atomic>
#include <charconv>
#include <cmath>
#include <fstream>
#include <iostream>

#include "util/json.h"
#include "nats/connection.h"
#include "util/selection.h"
#include "wasmcloud/cloudevent_rewrite.h"
#include "util/units.h"
#include "replay/replayer.h"
#include "tools/flags.h"
#include "tools/replay_jetstream.h"
#include "tools/verbs.h"

namespace evtape::cli {
namespace {

const VerbHelp kHelp = {
    "replay",
    "evtape replay RECORDING... [options]",
    "Republish recorded messages on NATS with their original timing (or scaled, capped, fixed "
    "rate, or as fast as possible), byte-identical and in recorded order.",
    "Timing: message i is due at start + (t_i - t_0)/speed on the monotonic clock. A late "
    "message goes out at once and\n"
    "never shifts later ones, so there is no drift. Several recordings merge by receive time "
    "(ties: argument order).\n"
    "A RECORDING may also be a FILE.jsonl in the cat/import format (docs/jsonl.md), or - for "
    "stdin (without --loop).\n"
    "Exit codes: 0 all selected messages sent; 1 failure (missing or corrupt input, server "
    "unreachable, messages not\n"
    "sent: the report says exactly how many); 2 usage error; 3 --fail-on-gap and the recording "
    "has gaps.",
    "  evtape replay rec/                                   # original timing, $NATS_URL\n"
    "  evtape replay rec/ --speed 10 --max-gap 2s           # 10x faster, silences capped\n"
    "  evtape replay rec/ --speed max -s nats://host:4222   # load test\n"
    "  evtape replay rec/ --lattice default=ci-$RUN_ID --fresh-ids --shift-time --seed 7\n"
    "  evtape replay a/ b/ --subject 'wasmbus.evt.*.host_*' --from 90s --to 5m --dry-run\n"
    "  evtape replay rec/ --rate 100 --loop 0 --loop-delay 1s --report run.json\n"
    "  evtape replay repro.jsonl --speed 10"};

std::atomic<bool> g_stop{false};
extern "C" void OnStopSignal(int) { g_stop.store(true); }

template <typename T>
std::optional<T> ParseNumber(const std::string& s) {
  T v{};
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

po::options_description Options() {
  po::options_description pace("Pace");
  pace.add_options()
      ("speed", po::value<std::string>()->value_name("X|max"),
       "time scale: 1 = original timing (default), 10 = ten times faster, 0.5 = slower, max = "
       "as fast as the server takes it")
      ("rate", po::value<std::string>()->value_name("N"),
       "fixed N messages per second, ignoring recorded gaps")
      ("max-gap", po::value<std::string>()->value_name("DURATION"),
       "cap every recorded silence to DURATION (recorded time, before --speed)")
      ("spin", po::value<std::string>()->value_name("DURATION"),
       "sleep until DURATION before each deadline, then busy-wait (precise, costs a core)");
  po::options_description select("Select");
  AddSelectionOptions(&select, false);
  select.add_options()("count", po::value<std::string>()->value_name("N"),
                       "stop after N messages (over all loops)");
  po::options_description rewrite("Rewrite");
  rewrite.add_options()
      ("map", po::value<std::vector<std::string>>()->composing()->value_name("FROM=TO"),
       "rewrite subjects: FROM is a filter (prefix when literal), TO has the same wildcards "
       "(repeatable, first match wins)")
      ("lattice", po::value<std::vector<std::string>>()->composing()->value_name("FROM=TO"),
       "shorthand for --map wasmbus.evt.FROM.>=wasmbus.evt.TO.>")
      ("fresh-ids", po::bool_switch(),
       "JSON CloudEvents: new ULID-shaped ids, their time matching the event's time")
      ("shift-time", po::value<std::string>()->implicit_value("now")->value_name("T"),
       "JSON CloudEvents: move time so that the first event is at T (default: now), keeping "
       "offsets")
      ("seed", po::value<std::string>()->value_name("N"),
       "seed of --fresh-ids (default 0): same seed, same ids");
  po::options_description run("Run");
  run.add_options()
      ("loop", po::value<std::string>()->value_name("N"), "play N times (0 = forever; default 1)")
      ("loop-delay", po::value<std::string>()->value_name("DURATION"), "pause between loops")
      ("dry-run", po::bool_switch(),
       "print the schedule (offset in seconds, subject, size) and do not connect")
      ("skip-corrupt", po::bool_switch(), "skip damaged chunks (and say what was skipped)")
      ("fail-on-gap", po::bool_switch(), "exit 3 when the recording has gaps")
      ("report", po::value<std::string>()->value_name("FILE"), "also write the report as JSON")
      ("reconnect-timeout", po::value<std::string>()->value_name("DURATION"),
       "how long to wait for a lost server before giving up (default 30s)")
      ("recording", po::value<std::vector<std::string>>()->composing(), "");
  po::options_description all;
  all.add(pace).add(select).add(rewrite).add(run).add(JetStreamReplayOptions());
  all.add(ConnectionOptionsDescription());
  return all;
}

// Reads the options into ReplayOptions; returns an exit code on a usage error.
// The CloudEvent rewrites (wasmcloud/) behind replay's payload rewrite hook.
replay::RewriterFactory CloudEventRewrites(const wasmcloud::RewriteOptions& options) {
  class Adapter : public replay::PayloadRewriter {
   public:
    explicit Adapter(const wasmcloud::RewriteOptions& o) : rw_(o) {}
    void BeginPass(int64_t anchor_unix_ns) override { rw_.BeginPass(anchor_unix_ns); }
    bool Rewrite(std::string_view payload, int64_t time_ns, std::string* out) override {
      return rw_.Rewrite(payload, time_ns, out);
    }

   private:
    wasmcloud::CloudEventRewriter rw_;
  };
  return [options] { return std::make_unique<Adapter>(options); };
}

std::optional<int> BuildOptions(const po::variables_map& vm, replay::ReplayOptions* o,
                                int64_t* spin_ns) {
  auto str = [&vm](const char* name) -> const std::string* {
    return vm.count(name) != 0 ? &vm[name].as<std::string>() : nullptr;
  };
  auto usage = [](const std::string& m) { return UsageError(kHelp, m); };
  if (vm.count("recording") == 0) return usage("missing RECORDING");
  o->inputs = vm["recording"].as<std::vector<std::string>>();
  if (str("speed") != nullptr && str("rate") != nullptr) {
    return usage("--speed and --rate cannot be used together");
  }
  if (const std::string* s = str("speed")) {
    if (*s == "max") {
      o->pace.mode = replay::Pace::Mode::kMax;
    } else {
      auto v = ParseNumber<double>(*s);
      if (!v || !std::isfinite(*v) || *v <= 0) {
        return usage("--speed: '" + *s + "' is not a positive number or 'max'");
      }
      if (*v < 1e-6 || *v > 1e9) {
        return usage("--speed: '" + *s + "' is outside 0.000001..1000000000 (use 'max' for no pacing)");
      }
      o->pace.speed = *v;
    }
  }
  if (const std::string* s = str("rate")) {
    auto v = ParseNumber<double>(*s);
    if (!v || !std::isfinite(*v) || *v <= 0) return usage("--rate: '" + *s + "' is not a positive number");
    if (*v < 1e-6 || *v > 1e9) return usage("--rate: '" + *s + "' is outside 0.000001..1000000000 msg/s");
    o->pace.mode = replay::Pace::Mode::kRate;
    o->pace.rate = *v;
  }
  auto duration = [&](const char* name, int64_t* out) -> std::optional<int> {
    if (const std::string* s = str(name)) {
      auto v = ParseDurationNs(*s);
      if (!v || *v < 0) return usage(std::string("--") + name + ": '" + *s + "' is not a duration");
      *out = *v;
    }
    return std::nullopt;
  };
  if (auto e = duration("max-gap", &o->pace.max_gap_ns)) return e;
  if (auto e = duration("spin", spin_ns)) return e;
  if (auto e = duration("loop-delay", &o->loop_delay_ns)) return e;
  if (auto e = duration("reconnect-timeout", &o->flush_timeout_ns)) return e;
  if (o->pace.max_gap_ns >= 0 && o->pace.mode != replay::Pace::Mode::kSpeed) {
    return usage("--max-gap only applies to --speed pacing");
  }
  auto count = [&](const char* name, uint64_t* out) -> std::optional<int> {
    if (const std::string* s = str(name)) {
      auto v = ParseNumber<uint64_t>(*s);
      if (!v) return usage(std::string("--") + name + ": '" + *s + "' is not a whole number >= 0");
      *out = *v;
    }
    return std::nullopt;
  };
  uint64_t n = 0;
  if (str("count") != nullptr) {
    if (auto e = count("count", &n)) return e;
    o->count = n;
  }
  if (auto e = count("loop", &o->loops)) return e;
  wasmcloud::RewriteOptions rw;
  if (auto e = count("seed", &rw.seed)) return e;
  auto sel = SelectionFromOptions(vm);
  if (!sel.ok()) return usage(sel.status().message());
  o->selection = std::move(sel).value();
  for (const char* name : {"map", "lattice"}) {
    if (vm.count(name) == 0) continue;
    for (const std::string& rule : vm[name].as<std::vector<std::string>>()) {
      Status s = std::string(name) == "map" ? o->map.AddMap(rule) : o->map.AddLattice(rule);
      if (!s.ok()) return usage("--" + std::string(name) + ": " + s.message());
    }
  }
  rw.fresh_ids = vm["fresh-ids"].as<bool>();
  if (const std::string* s = str("shift-time")) {
    rw.shift_time = true;
    if (*s != "now") {
      auto t = ParseRfc3339(*s);
      if (!t) return usage("--shift-time: '" + *s + "' is not an RFC 3339 time");
      o->shift_anchor_ns = *t;
    }
  }
  if (rw.fresh_ids || rw.shift_time) o->rewriter = CloudEventRewrites(rw);
  o->dry_run = vm["dry-run"].as<bool>();
  o->skip_corrupt = vm["skip-corrupt"].as<bool>();
  if (o->dry_run && o->loops == 0) return usage("--dry-run with --loop 0 would never end");
  if (std::string p = StdinProblem(o->inputs, o->loops == 1 ? nullptr : "--loop reads it again");
      !p.empty()) {
    return usage(p);
  }
  return std::nullopt;
}

void WriteReport(const std::string& path, const nlohmann::json& j, const std::string& who) {
  std::ofstream f(path);
  f << DumpJson(j, 2) << "\n";
  if (!f) std::cerr << "evtape " << who << ": cannot write report " << path << "\n";
}

}  // namespace

int RunReplay(const Args& args) {
  po::options_description options = Options();
  po::positional_options_description pos;
  pos.add("recording", -1);
  po::variables_map vm;
  if (auto rc = ParseArgs(kHelp, options, pos, args, &vm)) return *rc;
  replay::ReplayOptions o;
  int64_t spin_ns = 0;
  if (auto rc = BuildOptions(vm, &o, &spin_ns)) return *rc;
  auto conn = ReadConnectionOptions(vm);
  if (!conn.ok()) return UsageError(kHelp, conn.status().message());
  o.progress = StderrIsTty();

  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);

  if (vm["jetstream"].as<bool>()) {
    MonotonicClock js_clock(spin_ns, &g_stop);
    return RunReplayJetStream(kHelp, vm, o, *conn, &js_clock, &g_stop);
  }
  std::unique_ptr<replay::NatsPublisher> pub;
  if (!o.dry_run) {
    Status v = nats::ValidateConnectionOptions(*conn);
    if (!v.ok()) return UsageError(kHelp, v.message());
    replay::NatsPublisherSettings ps;
    ps.send_asap = o.pace.paced();
    ps.outage_timeout_ns = o.flush_timeout_ns;
    ps.stop = &g_stop;
    auto p = replay::NatsPublisher::Connect(*conn, ps);
    if (!p.ok()) return RuntimeError(kHelp, p.status());
    pub = std::move(p).value();
  }
  MonotonicClock clock(spin_ns, &g_stop);
  auto st = replay::RunReplay(o, pub.get(), &clock, &g_stop, std::cout, std::cerr);
  std::cout.flush();
  pub.reset();
  if (!st.ok()) {
    std::string msg = st.status().message();
    if (st.status().IsCorruption()) msg += " (use --skip-corrupt to skip damaged data)";
    return RuntimeError(kHelp, msg);
  }
  const replay::ReplayStats& s = *st;
  if (o.dry_run) {
    std::cerr << "replay: dry run: " << s.messages << " messages, " << FormatBytes(s.bytes)
              << ", scheduled over " << FormatDuration(s.schedule_ns) << " (" << o.pace.Describe()
              << "), " << s.filtered << " filtered out\n";
  } else {
    std::cerr << replay::FormatReport(o, s);
  }
  if (vm.count("report") != 0) WriteReport(vm["report"].as<std::string>(), replay::ReportJson(o, s), "replay");
  if (s.not_sent() > 0) {
    std::string why = s.outage ? s.outage_message : "publish errors";
    return RuntimeError(kHelp, std::to_string(s.not_sent()) + " messages were not sent (" +
                                   std::to_string(s.messages - s.unsent_buffered) + " sent): " + why);
  }
  if (s.interrupted) return RuntimeError(kHelp, "interrupted after " + std::to_string(s.messages) + " messages");
  if (vm["fail-on-gap"].as<bool>() && s.gaps > 0) {
    std::cerr << "evtape replay: the recording has " << s.gaps << " gap(s) (--fail-on-gap)\n";
    return kExitLoss;
  }
  return kExitOk;
}

}  // namespace evtape::cli
