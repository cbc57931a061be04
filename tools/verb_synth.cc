// evtape synth: generates a realistic wasmCloud lattice recording of any size.
#include <chrono>
#include <iostream>

#include "wasmcloud/ids.h"
#include "util/units.h"
#include "offline/synth.h"
#include "tools/flags.h"
#include "tools/verbs.h"

namespace evtape::cli {
namespace {

const VerbHelp kHelp = {
    "synth",
    "evtape synth --hosts N --components M --providers P --duration D [--churn RATE] --seed S "
    "-o REC",
    "Generate a realistic wasmCloud 1.x lattice recording, deterministically from a seed.",
    "Hosts start staggered (host_started) and heartbeat every 30 s from 30 s after start with\n"
    "their inventory; providers and components are deployed round-robin (config_set,\n"
    "provider_started, component_scaled, linkdef_set; one provider in five unsigned, without\n"
    "claims); each provider is health-checked 5 s after it starts and every 30 s after\n"
    "(health_check_passed/failed/status, with rare flaps); churn operations (scale, links,\n"
    "configs, provider restarts, labels) arrive at RATE per minute on average, about one in ten\n"
    "failing. Events have the host's exact wire shape and lint clean.\n"
    "The same options and seed give the same bytes. --start fixes the first host's start time\n"
    "(default 2026-01-01T00:00:00Z, so output does not depend on the clock).\n"
    "Exit: 0 written, 1 write failure, 2 usage.",
    "  evtape synth --hosts 3 --components 6 --providers 3 --duration 10m --seed 1 -o small\n"
    "  evtape synth --hosts 500 --components 2000 --providers 1000 --duration 3h --churn 60 \\\n"
    "      --seed 7 -o big   # about a million events\n"
    "  evtape replay big --speed 10 --lattice default=loadtest",
};

struct Parsed {
  wasmcloud::synth::SynthOptions o;
  std::string out;
  int zstd_level = offline::kOfflineZstdLevel;
};

std::optional<int> ParseOptions(const po::variables_map& vm, Parsed* p) {
  auto positive = [&](const char* name, int64_t v, int64_t min) -> std::optional<int> {
    if (v < min || v > 1000000) {
      return UsageError(kHelp, std::string("--") + name + " must be between " +
                                   std::to_string(min) + " and 1000000");
    }
    return std::nullopt;
  };
  if (auto rc = positive("hosts", vm["hosts"].as<int64_t>(), 1)) return rc;
  if (auto rc = positive("components", vm["components"].as<int64_t>(), 0)) return rc;
  if (auto rc = positive("providers", vm["providers"].as<int64_t>(), 0)) return rc;
  p->o.hosts = static_cast<uint32_t>(vm["hosts"].as<int64_t>());
  p->o.components = static_cast<uint32_t>(vm["components"].as<int64_t>());
  p->o.providers = static_cast<uint32_t>(vm["providers"].as<int64_t>());
  auto duration = ParseDurationNs(vm["duration"].as<std::string>());
  if (!duration || *duration <= 0) {
    return UsageError(kHelp, "--duration '" + vm["duration"].as<std::string>() +
                                 "' is not a positive duration (e.g. 10m, 1h30m)");
  }
  p->o.duration_ns = *duration;
  double churn = vm["churn"].as<double>();
  if (!(churn >= 0 && churn <= 1e6))
    return UsageError(kHelp, "--churn must be between 0 and 1000000");
  p->o.churn_per_min = churn;
  auto seed = wasmcloud::ids::ParseSeed(vm["seed"].as<std::string>());
  if (!seed) {
    return UsageError(kHelp, "--seed '" + vm["seed"].as<std::string>() +
                                 "' is not an integer between 0 and 18446744073709551615");
  }
  p->o.seed = *seed;
  p->o.lattice = vm["lattice"].as<std::string>();
  if (p->o.lattice.empty() || !ValidSubject("wasmbus.evt." + p->o.lattice + ".x", false) ||
      p->o.lattice.find('.') != std::string::npos) {
    return UsageError(kHelp, "--lattice '" + p->o.lattice + "' is not a single subject token");
  }
  if (vm.count("start") != 0) {
    auto start = ParseRfc3339(vm["start"].as<std::string>());
    if (!start || *start < 0) {
      return UsageError(kHelp,
                        "--start '" + vm["start"].as<std::string>() + "' is not an RFC 3339 time");
    }
    p->o.start_ns = *start;
  }
  p->out = vm["output"].as<std::string>();
  FlagReader f(vm);
  f.Int("zstd-level", &p->zstd_level, -7, 19);
  if (!f.ok()) return UsageError(kHelp, f.status().message());
  return std::nullopt;
}

}  // namespace

int RunSynth(const Args& args) {
  po::options_description options("Options");
  options.add_options()("hosts", po::value<int64_t>()->required(), "number of hosts (>= 1)")(
      "components", po::value<int64_t>()->default_value(0), "number of components")(
      "providers", po::value<int64_t>()->default_value(0), "number of capability providers")(
      "duration", po::value<std::string>()->required(), "lattice time to cover, e.g. 10m, 2h")(
      "churn", po::value<double>()->default_value(1.0), "churn operations per minute (0: none)")(
      "seed", po::value<std::string>()->default_value("1"), "random seed (same seed, same bytes)")(
      "lattice", po::value<std::string>()->default_value("default"), "lattice name in subjects")(
      "start", po::value<std::string>(), "RFC 3339 start time (default 2026-01-01T00:00:00Z)")(
      "output,o", po::value<std::string>()->required(), "output recording directory (new)")(
      "zstd-level", po::value<std::string>()->value_name("N"),
      "compression level -7..19 (default 19: smallest; lower is faster)");
  po::positional_options_description positional;
  po::variables_map vm;
  if (auto rc = ParseArgs(kHelp, options, positional, args, &vm)) return *rc;
  Parsed p;
  if (auto rc = ParseOptions(vm, &p)) return *rc;
  if (Status s = offline::CheckOutputPath(p.out, {}); !s.ok())
    return UsageError(kHelp, s.message());

  auto begin = std::chrono::steady_clock::now();
  auto done = offline::WriteSynthRecording(p.o, p.out, p.zstd_level);
  if (!done.ok()) return RuntimeError(kHelp, done.status());
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  std::cerr << "evtape synth: wrote " << done->events << " events (" << done->heartbeats
            << " heartbeats) in " << done->segments << " segment(s) to " << p.out << " in "
            << FormatDuration(static_cast<int64_t>(secs * 1e9)) << "\n";
  return kExitOk;
}

}  // namespace evtape::cli
