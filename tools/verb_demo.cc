// evtape demo: the README's first command. Starts an embedded nats-server (unless --server),
// records wasmbus.evt.> while replaying a bundled lattice fixture into it at full speed, then
// shows the new recording and proves that every replayed message was captured byte-identical.
//
// The round trip itself is harness/demo.h.
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "harness/demo.h"
#include "nats/server_process.h"
#include "wasmcloud/demo_fixture.h"
#include "tools/flags.h"
#include "tools/verbs.h"

namespace evtape::cli {
namespace {

const VerbHelp kHelp = {
    "demo", "evtape demo [--server URL] [--fixture RECORDING] [-o DIR]",
    "Record wasmbus.evt.> on an embedded nats-server (or --server) while replaying a bundled "
    "wasmCloud lattice fixture into it, then check that every message came back byte-identical.",
    "The embedded server listens on a free 127.0.0.1 port and is stopped at the end, also on "
    "Ctrl-C.\nExit codes: 0 every message captured byte-identical; 1 failure or mismatch; 2 "
    "usage error.",
    "  evtape demo\n  evtape demo --server nats://127.0.0.1:4222 -o demo-recording"};

}  // namespace

int RunDemo(const Args& args) {
  po::options_description options("Options");
  options.add_options()
      ("server,s", po::value<std::string>()->value_name("URL"), "use this server instead of an embedded one")
      ("fixture", po::value<std::string>()->value_name("RECORDING"), "replay this recording instead of the bundled fixture")
      ("output,o", po::value<std::string>()->value_name("DIR"), "where to write the new recording (default: a new temporary directory)");
  po::variables_map vm;
  if (auto rc = ParseArgs(kHelp, options, {}, args, &vm)) return *rc;
  nats::NatsServerProcess::InstallStopOnSignal();

  std::string work;
  {
    char tmpl[] = "/tmp/evtape-demo-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) return RuntimeError(kHelp, "cannot create a temporary directory");
    work = tmpl;
  }
  auto fixture = vm.count("fixture") ? Result<std::string>(vm["fixture"].as<std::string>())
                                     : wasmcloud::FindOrBuildDemoFixture(work + "/fixture");
  if (!fixture.ok()) return RuntimeError(kHelp, fixture.status());
  const std::string out_dir = vm.count("output") ? vm["output"].as<std::string>() : work + "/recording";
  if (std::filesystem::exists(out_dir) && !std::filesystem::is_empty(out_dir)) {
    return UsageError(kHelp, "--output: " + out_dir + " is not empty");
  }

  std::unique_ptr<nats::NatsServerProcess> server;
  std::string url;
  if (vm.count("server")) {
    url = vm["server"].as<std::string>();
  } else {
    auto s = nats::NatsServerProcess::Start();
    if (!s.ok()) return RuntimeError(kHelp, s.status());
    server = std::move(s).value();
    url = server->url();
    std::cout << "Started nats-server at " << url << "\n";
  }
  auto replayed = harness::RecordWhileReplaying(*fixture, out_dir, url, std::cout, std::cerr);
  if (!replayed.ok()) return RuntimeError(kHelp, replayed.status());
  server.reset();
  std::cout << "\n$ evtape info " << out_dir << "\n" << std::flush;
  RunInfo({out_dir});  // prints its own problems; the comparison below decides the exit code
  if (Status same = harness::CompareCaptured(*fixture, out_dir); !same.ok()) {
    return RuntimeError(kHelp, same);
  }
  std::cout << "\nOK: all " << *replayed << " replayed messages were captured byte-identical "
            << "(subject, reply, headers, payload), in order.\n\n"
            << "Next, against your own server:\n"
            << "  evtape record -s nats://HOST:4222 --lattice default -o my-recording   # Ctrl-C to stop\n"
            << "  evtape info my-recording\n"
            << "  evtape replay my-recording -s nats://HOST:4222 --speed 10 --dry-run\n"
            << "  evtape replay " << *fixture << " -s nats://HOST:4222 --lattice default=demo\n";
  return kExitOk;
}

}  // namespace evtape::cli
