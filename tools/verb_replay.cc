// evtape replay: republish recordings on NATS, on time, byte-identical, deterministic.
#include <atomic>
#include <iostream>

#include "util/json.h"
#include "nats/connection.h"
#include "util/selection.h"
#include "wasmcloud/cloudevent_rewrite.h"
#include "util/units.h"
#include "replay/replayer.h"
#include "tools/flags.h"
#include "tools/signals.h"
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
  all.add(pace).add(select).add(rewrite).add(run).add(ConnectionOptionsDescription());
  return all;
}

// --speed X|max or --rate N, --max-gap, --spin: the pace.
void ReadPace(FlagReader& f, replay::ReplayOptions* o, int64_t* spin_ns) {
  const std::string* speed = f.String("speed");
  f.Check(speed != nullptr && f.Has("rate"), "speed", "cannot be used with --rate");
  if (speed != nullptr && *speed == "max") {
    o->pace.mode = replay::Pace::Mode::kMax;
  } else {
    f.Number("speed", &o->pace.speed, 1e-6, 1e9, "use 'max' for no pacing");
  }
  if (f.Has("rate")) {
    o->pace.mode = replay::Pace::Mode::kRate;
    f.Number("rate", &o->pace.rate, 1e-6, 1e9, "msg/s");
  }
  f.Duration("max-gap", &o->pace.max_gap_ns, FlagReader::Zero::kAllow)
      .Duration("spin", spin_ns, FlagReader::Zero::kAllow)
      .Duration("loop-delay", &o->loop_delay_ns, FlagReader::Zero::kAllow)
      .Duration("reconnect-timeout", &o->flush_timeout_ns, FlagReader::Zero::kAllow);
  f.Check(o->pace.max_gap_ns >= 0 && o->pace.mode != replay::Pace::Mode::kSpeed, "max-gap",
          "only applies to --speed pacing");
}

// --map/--lattice rules and the CloudEvent rewrites (wasmcloud/ behind replay's hook).
void ReadRewrites(const po::variables_map& vm, FlagReader& f, replay::ReplayOptions* o) {
  for (const char* name : {"map", "lattice"}) {
    if (vm.count(name) == 0) continue;
    for (const std::string& rule : vm[name].as<std::vector<std::string>>()) {
      Status s = std::string(name) == "map" ? o->map.AddMap(rule) : o->map.AddLattice(rule);
      f.Check(!s.ok(), name, s.message());
    }
  }
  wasmcloud::RewriteOptions rw;
  f.Count("seed", &rw.seed, 0);
  rw.fresh_ids = f.Switch("fresh-ids");
  if (const std::string* s = f.String("shift-time")) {
    rw.shift_time = true;
    int64_t anchor = 0;
    if (*s != "now" && f.Time("shift-time", &anchor).ok()) o->shift_anchor_ns = anchor;
  }
  if (rw.fresh_ids || rw.shift_time) o->rewriter = wasmcloud::MakeRewriterFactory(rw);
}

// Reads the options into ReplayOptions; returns an exit code on a usage error.
std::optional<int> BuildOptions(const po::variables_map& vm, replay::ReplayOptions* o,
                                int64_t* spin_ns) {
  if (vm.count("recording") == 0) return UsageError(kHelp, "missing RECORDING");
  o->inputs = vm["recording"].as<std::vector<std::string>>();
  FlagReader f(vm);
  ReadPace(f, o, spin_ns);
  if (f.Has("count")) {
    uint64_t count = 0;
    f.Count("count", &count, 0);
    o->count = count;
  }
  f.Count("loop", &o->loops, 0);
  ReadRewrites(vm, f, o);
  o->dry_run = f.Switch("dry-run");
  o->skip_corrupt = f.Switch("skip-corrupt");
  f.Check(o->dry_run && o->loops == 0, "dry-run", "with --loop 0 would never end");
  if (!f.ok()) return UsageError(kHelp, f.status().message());
  auto sel = SelectionFromOptions(vm);
  if (!sel.ok()) return UsageError(kHelp, sel.status().message());
  o->selection = std::move(sel).value();
  std::string p = StdinProblem(o->inputs, o->loops == 1 ? nullptr : "--loop reads it again");
  if (!p.empty()) return UsageError(kHelp, p);
  return std::nullopt;
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

  std::atomic<bool> stop{false};
  StopSignals signals([&stop](int) { stop.store(true); });

  std::unique_ptr<replay::NatsPublisher> pub;
  if (!o.dry_run) {
    Status v = nats::ValidateConnectionOptions(*conn);
    if (!v.ok()) return UsageError(kHelp, v.message());
    replay::NatsPublisherSettings ps;
    ps.send_asap = o.pace.paced();
    ps.outage_timeout_ns = o.flush_timeout_ns;
    ps.stop = &stop;
    auto p = replay::NatsPublisher::Connect(*conn, ps);
    if (!p.ok()) return RuntimeError(kHelp, p.status());
    pub = std::move(p).value();
  }
  MonotonicClock clock(spin_ns, &stop);
  auto st = replay::RunReplay(o, pub.get(), &clock, &stop, std::cout, std::cerr);
  std::cout.flush();
  pub.reset();
  if (!st.ok()) {
    std::string msg = st.status().message();
    if (st.status().IsCorruption()) msg += " (use --skip-corrupt to skip damaged data)";
    return RuntimeError(kHelp, msg);
  }
  const replay::ReplayStats& s = *st;
  std::cerr << replay::FormatReport(o, s);
  if (vm.count("report") != 0) {
    Status w = replay::WriteReportFile(vm["report"].as<std::string>(), o, s);
    if (!w.ok()) Warn(kHelp, w.message());
  }
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
