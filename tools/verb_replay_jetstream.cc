// evtape replay --jetstream: publish through JetStream with acks and exact counts of stored,
// duplicate and failed messages (jetstream/publisher.h does the work; this file wires the
// CloudEvent id hook, the control-header warning and the exit codes).
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "jetstream/control_headers.h"
#include "jetstream/publisher.h"
#include "replay/input.h"
#include "tools/replay_jetstream.h"
#include "util/json.h"
#include "wasmcloud/cloudevent_peek.h"

namespace evtape::cli {
namespace {

// Counts control headers before the replay, so that the warning comes first.
void WarnControlHeaders(const VerbHelp& help, const replay::ReplayOptions& o, bool strip) {
  if (!StdinProblem(o.inputs, "").empty()) return;  // stdin can be read only once
  Result<std::unique_ptr<format::FrameSource>> src = replay::OpenReplayInput(o.inputs, o.skip_corrupt, nullptr);
  if (!src.ok()) return;  // the replay itself reports it
  Result<jetstream::ControlHeaderScan> scan = jetstream::ScanControlHeaders(src->get());
  if (!scan.ok() || scan->frames == 0) return;
  Warn(help, jetstream::DescribeScan(*scan) +
                 (strip ? "; --strip-js-headers removes them (counted in the summary)"
                        : "; the target stream acts on them (dedupe, rejections, rollups); "
                          "--strip-js-headers removes them"));
}

}  // namespace

po::options_description JetStreamReplayOptions() {
  po::options_description d("JetStream");
  d.add_options()
      ("jetstream", po::bool_switch(),
       "publish through JetStream and wait for acks: counts of stored, duplicate and failed "
       "messages; exit 3 when any was not stored")
      ("msg-id", po::value<std::string>()->value_name("FROM"),
       "with --jetstream: Nats-Msg-Id from the CloudEvent id (cloudevent: re-runs are "
       "idempotent within the stream's duplicate window), the message's position (seq), or none "
       "(default)")
      ("strip-js-headers", po::bool_switch(),
       "with --jetstream: remove Nats-Msg-Id, Nats-Expected-*, Nats-Rollup and Nats-TTL from "
       "recorded headers")
      ("ack-window", po::value<std::string>()->value_name("N"),
       "with --jetstream: outstanding acks at most (default 4096)");
  return d;
}

int RunReplayJetStream(const VerbHelp& help, const po::variables_map& vm,
                       const replay::ReplayOptions& o, const nats::ConnectionOptions& conn,
                       Clock* clock, std::atomic<bool>* stop) {
  FlagReader f(vm);
  jetstream::JsPublishSettings js;
  int id_mode = 0;
  f.Choice("msg-id", {"none", "cloudevent", "seq"}, &id_mode).Int("ack-window", &js.max_pending, 1, 1 << 20);
  if (!f.ok()) return UsageError(help, f.status().message());
  if (o.dry_run) return UsageError(help, "--jetstream: --dry-run does not publish");
  js.msg_id = static_cast<jetstream::JsPublishSettings::MsgId>(id_mode);
  js.strip_control_headers = f.Switch("strip-js-headers");
  js.cloudevent_id = [](const replay::OutMessage& m) {
    wasmcloud::CloudEventPeek peek;
    return wasmcloud::PeekCloudEvent(m.payload, &peek) && peek.has_id ? peek.id : std::string();
  };
  WarnControlHeaders(help, o, js.strip_control_headers);
  Result<std::unique_ptr<jetstream::JsPublisher>> pub = jetstream::JsPublisher::Connect(conn, js);
  if (!pub.ok()) return RuntimeError(help, pub.status());
  Result<replay::ReplayStats> st = replay::RunReplay(o, pub->get(), clock, stop, std::cout, std::cerr);
  if (!st.ok()) return RuntimeError(help, st.status());
  const jetstream::JsPublishCounts c = (*pub)->counts();
  std::cerr << replay::FormatReport(o, *st) << jetstream::FormatJsCounts(c);
  if (const std::string* path = f.String("report")) {
    nlohmann::json j = replay::ReportJson(o, *st);
    j["jetstream"] = nlohmann::json::parse(jetstream::JsCountsJson(c));
    std::ofstream out(*path);
    out << DumpJson(j, 2) << "\n";
    if (!out) return RuntimeError(help, "cannot write report " + *path);
  }
  if (st->interrupted) return RuntimeError(help, "interrupted after " + std::to_string(st->messages) + " messages");
  return c.failed > 0 ? kExitLoss : kExitOk;
}

}  // namespace evtape::cli
