#include "harness/run.h"

#include <time.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "wasmcloud/cloudevent_peek.h"
#include "nats/connection.h"
#include "nats/server_process.h"
#include "nats/raw_msg.h"
#include "util/units.h"
#include "util/clock.h"
#include "wasmcloud/cloudevent_rewrite.h"
#include "replay/schedule.h"
#include "replay/subject_map.h"
#include "harness/consumer.h"
#include "harness/responder.h"
#include "jsonl/input.h"

namespace evtape::harness {
namespace {

// The observer: every message on the observed subjects, attributed to the current event.
struct Observer {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<Reaction> reactions;
  std::vector<size_t> per_event;
  int64_t last_ns = 0;
  std::atomic<uint64_t> event{0};
  bool open = true;
  std::string ready_subject;
  bool ready = false;

  static void OnMsg(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
    nats::MsgPtr owned(msg);
    static_cast<Observer*>(closure)->Add(msg);
  }
  static void OnReady(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
    nats::MsgPtr owned(msg);
    auto* o = static_cast<Observer*>(closure);
    std::lock_guard<std::mutex> lock(o->mu);
    o->ready = true;
    o->cv.notify_all();
  }
  void Add(natsMsg* msg) {
    Reaction r;
    std::string scratch;
    auto h = nats::RawHeaders(msg, &scratch);
    if (h.ok()) r.headers = std::string(h->block);
    r.subject = natsMsg_GetSubject(msg);
    if (const char* rep = natsMsg_GetReply(msg); rep != nullptr) r.reply = rep;
    r.payload.assign(natsMsg_GetData(msg), static_cast<size_t>(natsMsg_GetDataLength(msg)));
    std::lock_guard<std::mutex> lock(mu);
    if (!open) return;
    r.event = event.load();
    if (per_event.size() <= r.event) per_event.resize(r.event + 1, 0);
    ++per_event[r.event];
    reactions.push_back(std::move(r));
    last_ns = MonotonicNs();
    cv.notify_all();
  }
  size_t Count(uint64_t e) const { return e < per_event.size() ? per_event[e] : 0; }
};

struct Prepared {
  std::vector<std::string> subjects, payloads;
  std::vector<EventInfo> infos;
};

Result<Prepared> Prepare(const Scenario& s, const std::vector<format::Frame>& frames,
                         const std::string& lattice, const std::string& url) {
  replay::SubjectMap map;
  for (const auto& m : s.maps) {
    Status st = map.AddMap(ExpandRunVars(m, lattice, url));
    if (!st.ok()) return Status::InvalidArgument(s.path + ": field 'replay.map': " + st.message());
  }
  EVTAPE_RETURN_IF_ERROR(map.AddLattice(s.lattice + "=" + lattice));
  wasmcloud::CloudEventRewriter rewriter({s.fresh_ids, s.shift_time, s.seed});
  rewriter.BeginPass(RealtimeNs());
  Prepared p;
  wasmcloud::CloudEventPeek peek;
  for (const auto& f : frames) {
    auto mapped = map.Apply(f.subject);
    p.subjects.push_back(mapped ? *mapped : f.subject);
    std::string out;
    p.payloads.push_back(
        rewriter.active() && rewriter.Rewrite(f.payload, f.time_ns, &out) ? out : f.payload);
    EventInfo info{p.subjects.back(), "", ""};
    if (wasmcloud::PeekCloudEvent(p.payloads.back(), &peek)) {
      info.type = peek.type;
      info.id = peek.id;
    }
    p.infos.push_back(std::move(info));
  }
  return p;
}

std::string RandomLattice() {
  wasmcloud::ids::IdRng rng(static_cast<uint64_t>(RealtimeNs()) ^ (static_cast<uint64_t>(getpid()) << 32));
  static const char kHex[] = "0123456789abcdef";
  std::string id = "evtape-test-";
  uint64_t v = rng.Next();
  for (int i = 0; i < 12; ++i, v >>= 4) id += kHex[v & 15];
  return id;
}

}  // namespace

Result<std::vector<format::Frame>> LoadFrames(const std::vector<std::string>& paths) {
  // Strict: a fixture with damage or a malformed line fails the run, naming the file.
  EVTAPE_ASSIGN_OR_RETURN(auto input,
                          jsonl::OpenInputs(paths, jsonl::Combine::kMerge, jsonl::InputOptions()));
  std::vector<format::Frame> frames;
  format::Entry e;
  while (true) {
    EVTAPE_ASSIGN_OR_RETURN(bool more, input->Next(&e));
    if (!more) break;
    if (e.kind == format::Entry::Kind::kFrame) frames.push_back(format::Frame::From(e.frame));
  }
  return frames;
}

namespace {

// One run's moving parts; Run() keeps the control flow flat and the destructor order safe
// (subscriptions and connections before the server; the consumer stopped explicitly).
class Runner {
 public:
  Runner(const Scenario& s, const std::vector<format::Frame>& frames, const RunSettings& st)
      : s_(s), frames_(frames), st_(st) {}
  RunResult Run();

 private:
  Status Setup();
  Status WaitReady();
  // Waits after event e as the header describes; an error ends the run.
  Status WaitReactions(uint64_t e, bool final_wait);
  Status CheckAlive(uint64_t e);
  std::string EventName(uint64_t e) const {
    return e == 0
               ? std::string("before the first event")
               : "after event #" + std::to_string(e) + " (" + prepared_.infos[e - 1].subject + ")";
  }

  const Scenario& s_;
  const std::vector<format::Frame>& frames_;
  const RunSettings& st_;
  RunResult result_;
  std::string url_;
  int64_t deadline_ = 0;
  Prepared prepared_;
  Observer observer_;
  std::unique_ptr<nats::NatsServerProcess> server_;
  nats::ConnectionPtr conn_, resp_conn_;
  std::vector<nats::SubscriptionPtr> subs_;
  std::unique_ptr<Responders> responders_;
  std::unique_ptr<ConsumerProcess> consumer_;
};

Status Runner::Setup() {
  result_.lattice = RandomLattice();
  url_ = st_.server_url;
  if (url_.empty()) {
    EVTAPE_ASSIGN_OR_RETURN(server_, nats::NatsServerProcess::Start());
    url_ = server_->url();
  }
  EVTAPE_ASSIGN_OR_RETURN(prepared_, Prepare(s_, frames_, result_.lattice, url_));
  result_.events = prepared_.infos;
  nats::ConnectionOptions co;
  co.server = url_;
  co.client_name = "evtape-test";
  nats::ConnectSettings cs;
  cs.send_asap = true;
  cs.single_delivery_thread = true;  // arrival order across observed subjects
  cs.max_reconnect = 0;
  EVTAPE_ASSIGN_OR_RETURN(conn_, nats::Connect(co, cs));
  for (const auto& f : s_.observe) {
    std::string subject = ExpandRunVars(f, result_.lattice, url_);
    natsSubscription* sub = nullptr;
    EVTAPE_RETURN_IF_ERROR(nats::FromNats(
        natsConnection_Subscribe(&sub, conn_.get(), subject.c_str(), &Observer::OnMsg, &observer_),
        "subscribe to " + subject));
    natsSubscription_SetPendingLimits(sub, -1, -1);
    subs_.emplace_back(sub);
  }
  if (!s_.ready_subject.empty()) {
    observer_.ready_subject = ExpandRunVars(s_.ready_subject, result_.lattice, url_);
    natsSubscription* sub = nullptr;
    EVTAPE_RETURN_IF_ERROR(
        nats::FromNats(natsConnection_Subscribe(&sub, conn_.get(), observer_.ready_subject.c_str(),
                                                &Observer::OnReady, &observer_),
                       "subscribe to " + observer_.ready_subject));
    subs_.emplace_back(sub);
  }
  EVTAPE_ASSIGN_OR_RETURN(responders_, Responders::Create(s_));
  if (!responders_->empty()) {
    nats::ConnectSettings rs;
    rs.send_asap = true;
    rs.max_reconnect = 0;
    co.client_name = "evtape-test-responder";
    EVTAPE_ASSIGN_OR_RETURN(resp_conn_, nats::Connect(co, rs));
    EVTAPE_RETURN_IF_ERROR(responders_->Start(resp_conn_.get(), result_.lattice, url_));
    EVTAPE_RETURN_IF_ERROR(
        nats::FromNats(natsConnection_FlushTimeout(resp_conn_.get(), 5000), "flush"));
  }
  EVTAPE_RETURN_IF_ERROR(nats::FromNats(natsConnection_FlushTimeout(conn_.get(), 5000), "flush"));

  std::map<std::string, std::string> env;
  for (const auto& [k, v] : s_.env) env[k] = ExpandRunVars(v, result_.lattice, url_);
  env["NATS_URL"] = url_;
  env["EVTAPE_LATTICE"] = result_.lattice;
  env["WASMCLOUD_LATTICE"] = result_.lattice;
  std::vector<std::string> argv;
  for (const auto& a : s_.command) argv.push_back(ExpandRunVars(a, result_.lattice, url_));
  deadline_ = MonotonicNs() + s_.timeout_ns;
  EVTAPE_ASSIGN_OR_RETURN(consumer_, ConsumerProcess::Start(argv, env, s_.cwd, st_.work_dir));
  return Status::Ok();
}

Status Runner::CheckAlive(uint64_t e) {
  if (consumer_->Exited())
    return Status::Unavailable("the consumer " + consumer_->ExitDescription() + " " + EventName(e));
  if (MonotonicNs() > deadline_)
    return Status::Unavailable("timed out: the scenario's timeout (" +
                               FormatDuration(s_.timeout_ns) + ") passed " + EventName(e));
  return Status::Ok();
}

Status Runner::WaitReady() {
  int64_t start = MonotonicNs();
  std::unique_lock<std::mutex> lock(observer_.mu);
  while (true) {
    if (s_.ready_subject.empty() ? MonotonicNs() - start >= s_.ready_delay_ns : observer_.ready)
      return Status::Ok();
    lock.unlock();
    if (consumer_->Exited())
      return Status::Unavailable("the consumer " + consumer_->ExitDescription() +
                                 " before it was ready");
    lock.lock();
    if (MonotonicNs() - start > s_.ready_timeout_ns || MonotonicNs() > deadline_)
      return Status::Unavailable("the consumer did not become ready within " +
                                 FormatDuration(s_.ready_timeout_ns) + " (nothing on " +
                                 observer_.ready_subject + ")");
    observer_.cv.wait_for(lock, std::chrono::milliseconds(10));
  }
}

Status Runner::WaitReactions(uint64_t e, bool final_wait) {
  size_t expected = e < st_.expected_counts.size() ? st_.expected_counts[e] : 0;
  bool by_count =
      s_.advance_on_expected && expected > 0 && !(final_wait && s_.pacing == PacingMode::kScaled);
  int64_t start = MonotonicNs();
  std::unique_lock<std::mutex> lock(observer_.mu);
  while (true) {
    int64_t now = MonotonicNs();
    if (by_count) {
      if (observer_.Count(e) >= expected) return Status::Ok();
    } else if (now - std::max(start, observer_.last_ns) >= s_.quiet_ns) {
      return Status::Ok();
    }
    if (now - start >= s_.max_wait_ns) return Status::Ok();
    lock.unlock();
    EVTAPE_RETURN_IF_ERROR(CheckAlive(e));
    lock.lock();
    observer_.cv.wait_for(lock, std::chrono::milliseconds(5));
  }
}

RunResult Runner::Run() {
  int64_t t0 = MonotonicNs();
  Status st = Setup();
  if (st.ok()) st = WaitReady();
  if (st.ok()) st = WaitReactions(0, false);
  replay::Pace pace;
  pace.speed = s_.speed;
  replay::Timeline timeline(pace);
  MonotonicClock clock;
  replay::Pacer pacer(&clock);
  pacer.Start();
  for (size_t i = 0; st.ok() && i < frames_.size(); ++i) {
    uint64_t e = i + 1;
    if (s_.pacing == PacingMode::kScaled) {
      int64_t late = 0;
      pacer.WaitFor(timeline.Next(frames_[i].time_ns), &late);
      st = CheckAlive(e - 1);
      if (!st.ok()) break;
    }
    observer_.event.store(e);  // before the publish: nothing it causes can arrive earlier
    auto msg =
        nats::MakeRawMsg(prepared_.subjects[i], "", frames_[i].headers, prepared_.payloads[i]);
    if (!msg.ok()) {
      st = msg.status();
      break;
    }
    st = nats::FromNats(natsConnection_PublishMsg(conn_.get(), msg->get()),
                        "publish event #" + std::to_string(e));
    if (st.ok() && s_.pacing == PacingMode::kQuiescent) st = WaitReactions(e, false);
  }
  if (st.ok() && s_.pacing == PacingMode::kScaled) st = WaitReactions(frames_.size(), true);
  {
    std::lock_guard<std::mutex> lock(observer_.mu);
    observer_.open = false;  // what the consumer says while stopping is not a reaction
    result_.reactions = observer_.reactions;
  }
  if (!st.ok()) result_.failure = st.message();
  if (consumer_) {
    bool was_running = !consumer_->Exited();
    auto stop = consumer_->Stop(s_.grace_ns);
    if (st.ok() && !was_running)
      result_.failure =
          "the consumer " + consumer_->ExitDescription() + " before the end of the scenario";
    else if (st.ok() && stop.needed_kill)
      result_.failure = "the consumer did not exit within " + FormatDuration(s_.grace_ns) +
                        " of SIGTERM (killed with SIGKILL)";
    result_.stderr_tail = consumer_->StderrTail(20);
    result_.stdout_tail = consumer_->StdoutTail(20);
  }
  if (responders_) responders_->Stop();
  subs_.clear();
  conn_.reset();
  resp_conn_.reset();
  if (server_) server_->Stop();
  result_.duration_ns = MonotonicNs() - t0;
  return std::move(result_);
}

}  // namespace

RunResult RunScenarioOnce(const Scenario& s, const std::vector<format::Frame>& frames,
                          const RunSettings& settings) {
  Runner r(s, frames, settings);
  return r.Run();
}

}  // namespace evtape::harness
