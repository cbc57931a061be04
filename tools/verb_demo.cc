// evtape demo: the README's first command. Starts an embedded nats-server (unless --server),
// records wasmbus.evt.> while replaying a bundled lattice fixture into it at full speed, then
// shows the new recording and proves that every replayed message was captured byte-identical.
//
// The capture side is a small subscriber writing through format::SegmentWriter (it flushes its
// subscription before the replay starts, so nothing can be missed); `evtape record` is the
// full recorder with rotation, gaps and outage handling.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include "wasmcloud/event_stats.h"
#include "nats/connection.h"
#include "nats/server_process.h"
#include "nats/raw_msg.h"
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

// Captures every message into one segment; the nats.c delivery thread is the only writer.
class Capture {
 public:
  Status Open(const std::string& dir, const std::string& source) {
    EVTAPE_RETURN_IF_ERROR(FileSystem::Default()->CreateDir(dir));
    format::Metadata md;
    md.recording_id = "demo";
    md.tool = "evtape demo";
    md.source = source;
    md.subscriptions = {"wasmbus.evt.>"};
    md.created_ns = Now();
    auto w = format::SegmentWriter::Create(FileSystem::Default(), format::SegmentPath(dir, 1), md,
                                           format::WriterOptions{});
    if (!w.ok()) return w.status();
    writer_ = std::move(w).value();
    return Status::Ok();
  }
  static void OnMsg(natsConnection*, natsSubscription*, natsMsg* msg, void* self) {
    static_cast<Capture*>(self)->Handle(msg);
    natsMsg_Destroy(msg);
  }
  uint64_t count() const { return count_.load(); }
  Status Seal() {
    std::lock_guard lock(mu_);
    if (!status_.ok()) return status_;
    return writer_->Seal(stats_.ToJson());  // type/source counts for `info`, as record does
  }
  static int64_t Now() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch()).count();
  }

 private:
  void Handle(natsMsg* msg) {
    const int64_t now = Now();
    std::string scratch;
    auto hdr = nats::RawHeaders(msg, &scratch);
    std::lock_guard lock(mu_);
    if (!hdr.ok()) {
      status_ = hdr.status();
      return;
    }
    const char* reply = natsMsg_GetReply(msg);
    format::FrameView f;
    f.seq = ++seq_;
    f.time_ns = now;
    f.mono_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                    std::chrono::steady_clock::now().time_since_epoch())
                    .count();
    f.subject = natsMsg_GetSubject(msg);
    f.reply = reply != nullptr ? reply : "";
    f.headers = hdr->block;
    f.payload = std::string_view(natsMsg_GetData(msg), static_cast<size_t>(natsMsg_GetDataLength(msg)));
    if (Status s = writer_->Add(f); !s.ok() && status_.ok()) status_ = s;
    stats_.Add(f);
    count_.fetch_add(1);
  }
  std::mutex mu_;
  std::unique_ptr<format::SegmentWriter> writer_;
  wasmcloud::EventStats stats_;
  Status status_;
  uint64_t seq_ = 0;
  std::atomic<uint64_t> count_{0};
};

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

  Capture capture;
  if (Status s = capture.Open(out_dir, nats::RedactUrl(url)); !s.ok()) return RuntimeError(kHelp, s);
  auto cc = nats::Connect(conn, nats::ConnectSettings{});
  if (!cc.ok()) return RuntimeError(kHelp, cc.status());
  natsSubscription* raw_sub = nullptr;
  Status ss = nats::FromNats(natsConnection_Subscribe(&raw_sub, cc->get(), "wasmbus.evt.>",
                                                      Capture::OnMsg, &capture), "subscribe");
  if (!ss.ok()) return RuntimeError(kHelp, ss);
  nats::SubscriptionPtr sub(raw_sub);
  natsSubscription_SetPendingLimits(raw_sub, -1, -1);
  if (Status fs = nats::FromNats(natsConnection_Flush(cc->get()), "flush"); !fs.ok()) return RuntimeError(kHelp, fs);
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
  const uint64_t sent = st->messages;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (capture.count() < sent && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  natsSubscription_Unsubscribe(raw_sub);
  sub.reset();
  cc->reset();
  if (Status s = capture.Seal(); !s.ok()) return RuntimeError(kHelp, s.WithPrefix(out_dir));
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
