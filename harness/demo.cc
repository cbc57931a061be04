// `evtape demo`'s round trip (demo.h).
#include "harness/demo.h"

#include <vector>

#include "format/frame_source.h"
#include "jsonl/input.h"
#include "nats/connection.h"
#include "record/background.h"
#include "replay/replayer.h"
#include "util/clock.h"
#include "wasmcloud/event_stats.h"

namespace evtape::harness {
namespace {

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
  EVTAPE_ASSIGN_OR_RETURN(auto source,
                          jsonl::OpenInputs({path}, jsonl::Combine::kConcatenate, {}));
  std::vector<format::Frame> out;
  format::Entry e;
  for (;;) {
    EVTAPE_ASSIGN_OR_RETURN(bool more, source->Next(&e));
    if (!more) return out;
    if (e.kind == format::Entry::Kind::kFrame) out.push_back(format::Frame::From(e.frame));
  }
}

}  // namespace

Result<uint64_t> RecordWhileReplaying(const std::string& fixture, const std::string& out_dir,
                                      const std::string& server_url, std::ostream& out,
                                      std::ostream& diag) {
  record::BackgroundRecorder capture(CaptureOptions(out_dir, server_url));
  EVTAPE_RETURN_IF_ERROR(capture.Start());
  out << "Recording wasmbus.evt.> into " << out_dir << "\n";
  nats::ConnectionOptions conn;
  conn.server = server_url;
  conn.client_name = "evtape demo";
  replay::ReplayOptions ro;
  ro.inputs = {fixture};
  ro.pace.mode = replay::Pace::Mode::kMax;
  replay::NatsPublisherSettings ps;
  ps.send_asap = false;
  EVTAPE_ASSIGN_OR_RETURN(auto pub, replay::NatsPublisher::Connect(conn, ps));
  MonotonicClock clock;
  out << "Replaying " << fixture << " at full speed\n";
  EVTAPE_ASSIGN_OR_RETURN(auto st, replay::RunReplay(ro, pub.get(), &clock, nullptr, out, diag));
  diag << replay::FormatReport(ro, st);
  capture.WaitFor(st.messages, 10'000'000'000);
  auto recorded = capture.Stop();
  if (!recorded.ok()) return recorded.status().WithPrefix(out_dir);
  if (!recorded->status.ok()) return recorded->status.WithPrefix(out_dir);
  return st.messages;
}

Status CompareCaptured(const std::string& want_path, const std::string& got_path) {
  EVTAPE_ASSIGN_OR_RETURN(auto want, ReadAll(want_path));
  EVTAPE_ASSIGN_OR_RETURN(auto got, ReadAll(got_path));
  size_t same = 0;
  for (; same < want.size() && same < got.size(); ++same) {
    const auto &a = want[same], &b = got[same];
    if (a.subject != b.subject || a.reply != b.reply || a.headers != b.headers ||
        a.payload != b.payload) {
      break;
    }
  }
  if (same == want.size() && got.size() == want.size()) return Status::Ok();
  return Status::Corruption("mismatch: " + std::to_string(want.size()) + " replayed, " +
                            std::to_string(got.size()) + " captured, first difference at message " +
                            std::to_string(same + 1));
}

}  // namespace evtape::harness
