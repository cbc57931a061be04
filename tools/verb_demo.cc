// evtape demo: the README's first command. Starts an embedded nats-server (unless --server),
// records wasmbus.evt.> while replaying a bundled lattice fixture into it at full speed, then
// shows the new recording and proves that every replayed message was captured byte-identical.
//
// The capture side is the Recorder of `evtape record`; the replay starts once its subscription
// is confirmed live, so nothing can be missed.
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <thread>

#include "nats/connection.h"
#include "nats/server_process.h"
#include "record/background.h"
#include "wasmcloud/event_stats.h"
#include "util/units.h"
#include "format/recording.h"
#include "format/segment_writer.h"
#include "util/clock.h"
#include "replay/replayer.h"
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

// Records wasmbus.evt.> through the Recorder of `evtape record`, on a thread of its own.
record::RecorderOptions CaptureOptions(const std::string& dir, const std::string& url) {
  record::RecorderOptions o;
  o.subjects = {"wasmbus.evt.>"};
  o.output_dir = dir;
  o.connection.server = url;
  o.connection.client_name = "evtape demo";
  o.segment_stats = wasmcloud::EventStatsFactory();  // type/source counts for `info`
  return o;
}

Result<std::vector<format::Frame>> ReadAll(const std::string& path) {
  std::vector<format::Frame> out;
  auto r = format::RecordingReader::Open(FileSystem::Default(), {path}, format::ReaderOptions{});
  if (!r.ok()) return r.status();
  format::Entry e;
  for (;;) {
    auto more = (*r)->Next(&e);
    if (!more.ok()) return more.status();
    if (!*more) break;
    if (e.kind == format::Entry::Kind::kFrame) out.push_back(format::Frame::From(e.frame));
  }
  return out;
}

void PrintSummary(const std::string& dir, const std::vector<format::Frame>& frames) {
  std::map<std::string, uint64_t> subjects;
  uint64_t bytes = 0;
  for (const auto& f : frames) {
    ++subjects[f.subject];
    bytes += f.view().RawSize();
  }
  std::cout << "Recording " << dir << "\n  messages: " << frames.size() << " ("
            << FormatBytes(bytes) << ")\n";
  if (!frames.empty()) {
    std::cout << "  time:     " << FormatRfc3339Nanos(frames.front().time_ns) << " .. "
              << FormatRfc3339Nanos(frames.back().time_ns) << "\n";
  }
  std::cout << "  subjects:\n";
  for (const auto& [s, n] : subjects) std::cout << "    " << n << "\t" << s << "\n";
}

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
  nats::ConnectionOptions conn;
  conn.server = url;
  conn.client_name = "evtape demo";

  record::BackgroundRecorder capture(CaptureOptions(out_dir, url));
  if (Status s = capture.Start(); !s.ok()) return RuntimeError(kHelp, s);
  std::cout << "Recording wasmbus.evt.> into " << out_dir << "\n";

  replay::ReplayOptions ro;
  ro.inputs = {*fixture};
  ro.pace.mode = replay::Pace::Mode::kMax;
  replay::NatsPublisherSettings ps;
  ps.send_asap = false;
  auto pub = replay::NatsPublisher::Connect(conn, ps);
  if (!pub.ok()) return RuntimeError(kHelp, pub.status());
  MonotonicClock clock;
  std::cout << "Replaying " << *fixture << " at full speed\n";
  auto st = replay::RunReplay(ro, pub->get(), &clock, nullptr, std::cout, std::cerr);
  if (!st.ok()) return RuntimeError(kHelp, st.status());
  std::cerr << replay::FormatReport(ro, *st);
  capture.WaitFor(st->messages, 10'000'000'000);
  auto recorded = capture.Stop();
  if (!recorded.ok()) return RuntimeError(kHelp, recorded.status().WithPrefix(out_dir));
  if (!recorded->status.ok()) return RuntimeError(kHelp, recorded->status.WithPrefix(out_dir));
  server.reset();

  auto want = ReadAll(*fixture);
  auto got = ReadAll(out_dir);
  if (!want.ok()) return RuntimeError(kHelp, want.status());
  if (!got.ok()) return RuntimeError(kHelp, got.status());
  std::cout << "\n$ evtape info " << out_dir << "\n" << std::flush;
  if (RunInfo({out_dir}) != kExitOk) PrintSummary(out_dir, *got);
  size_t same = 0;
  for (; same < want->size() && same < got->size(); ++same) {
    const auto &a = (*want)[same], &b = (*got)[same];
    if (a.subject != b.subject || a.reply != b.reply || a.headers != b.headers || a.payload != b.payload) break;
  }
  if (same != want->size() || got->size() != want->size()) {
    return RuntimeError(kHelp, "mismatch: " + std::to_string(want->size()) + " replayed, " +
                                   std::to_string(got->size()) + " captured, first difference at message " +
                                   std::to_string(same + 1));
  }
  std::cout << "\nOK: all " << same << " replayed messages were captured byte-identical "
            << "(subject, reply, headers, payload), in order.\n\n"
            << "Next, against your own server:\n"
            << "  evtape record -s nats://HOST:4222 --lattice default -o my-recording   # Ctrl-C to stop\n"
            << "  evtape info my-recording\n"
            << "  evtape replay my-recording -s nats://HOST:4222 --speed 10 --dry-run\n"
            << "  evtape replay " << *fixture << " -s nats://HOST:4222 --lattice default=demo\n";
  return kExitOk;
}

}  // namespace evtape::cli
