#include "wasmcloud/synth_lattice.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <queue>
#include <vector>

#include "wasmcloud/synth_catalog.h"
#include "wasmcloud/synth_events.h"

namespace evtape::wasmcloud::synth {
namespace {

constexpr int64_t kSec = 1000000000;
constexpr int64_t kMs = 1000000;

enum class Act : uint8_t {
  kHostStart,
  kHeartbeat,
  kProviderStart,
  kHealth,
  kComponentStart,
  kConfigSet,
  kLinkSet,
  kChurn,
  kScratchDelete
};

struct Task {
  int64_t t;
  uint64_t order;  // ties keep scheduling order: deterministic
  Act act;
  uint32_t index;  // host, provider or component, by act
  uint32_t k;      // heartbeat / health check number
  uint32_t gen;    // provider generation
};
struct Later {
  bool operator()(const Task& a, const Task& b) const {
    return a.t != b.t ? a.t > b.t : a.order > b.order;
  }
};

class Generator {
 public:
  Generator(const SynthOptions& o, const EventSink& sink)
      : o_(o), sink_(sink), rng_(o.seed), id_rng_(o.seed ^ 0x5bd1e9955bd1e995ull) {}
  Result<SynthStats> Run();

 private:
  void Schedule(int64_t t, Act act, uint32_t index, uint32_t k = 0, uint32_t gen = 0) {
    queue_.push(Task{t, order_++, act, index, k, gen});
  }
  int64_t Jitter(int64_t max_ns) {
    return static_cast<int64_t>(rng_.Below(static_cast<uint64_t>(max_ns)));
  }
  bool Chance(uint32_t percent) { return rng_.Below(100) < percent; }
  Annotations WadmAnnotations(const std::string& app);
  void Build();
  Status Emit(int64_t t, std::string_view event, const HostState& h, const std::string& data);
  Status Handle(const Task& task);
  Status HostStart(const Task& task);
  Status ProviderStart(const Task& task);
  Status Health(const Task& task);
  Status Churn(const Task& task);
  Status ChurnScale(int64_t t);
  Status ChurnLink(int64_t t);
  Status ChurnProvider(int64_t t);
  // config.* and link.* requests go to a queue group: any running host handles them.
  HostState& LinkHost() { return hosts_[started_[rng_.Below(started_.size())]]; }

  SynthOptions o_;
  const EventSink& sink_;
  ids::IdRng rng_, id_rng_;
  std::vector<HostState> hosts_;
  std::vector<ComponentState> comps_;  // templates; component j runs on host j % hosts
  std::vector<ProviderState> provs_;   // provider p runs on host p % hosts
  std::vector<std::string> configs_;   // one per provider
  std::vector<LinkState> links_;       // one per component when there are providers
  std::vector<bool> link_active_;
  std::vector<uint32_t> started_;     // hosts that have started, in start order
  std::vector<std::string> scratch_;  // short-lived config names awaiting deletion
  std::priority_queue<Task, std::vector<Task>, Later> queue_;
  uint64_t order_ = 0;
  int64_t last_recv_ = 0;
  std::string payload_, subject_;
  SynthStats stats_;
};

Annotations Generator::WadmAnnotations(const std::string& app) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string scaler;
  for (int i = 0; i < 4; ++i) {
    uint64_t r = rng_.Next();
    for (int j = 0; j < 16; ++j) scaler.push_back(kHex[(r >> (4 * j)) & 15]);
  }
  return {{"wasmcloud.dev/appspec", app},
          {"wasmcloud.dev/managed-by", "wadm"},
          {"wasmcloud.dev/scaler", scaler},
          {"wasmcloud.dev/spread_name", "default"}};
}

void Generator::Build() {
  // Hosts start staggered over the first seconds, at most a minute for huge lattices.
  int64_t spread = std::min<int64_t>(60 * kSec, static_cast<int64_t>(o_.hosts) * 700 * kMs);
  for (uint32_t i = 0; i < o_.hosts; ++i) {
    HostState h;
    h.id = ids::NewNkey('N', rng_);
    h.friendly_name = FriendlyName(rng_);
    h.labels = {{"hostcore.arch", "x86_64"},
                {"hostcore.os", "linux"},
                {"hostcore.osfamily", "unix"},
                {"zone", kZones[i % kZones.size()]}};
    h.start_ns = o_.start_ns + (o_.hosts == 1 ? 0 : spread * i / o_.hosts) + Jitter(50 * kMs);
    Schedule(h.start_ns, Act::kHostStart, i);
    hosts_.push_back(std::move(h));
  }
  for (uint32_t p = 0; p < o_.providers; ++p) {
    const ProviderKind& kind = kProviderKinds[p % kProviderKinds.size()];
    ProviderState s;
    s.app = AppName(p / 2);
    s.id = WadmId(s.app) + "-" + kind.suffix + (p / 2 >= 1 && p % 2 == 1 ? "2" : "");
    s.image_ref = kind.image;
    s.claims_name = kind.name;
    s.claims_version = kind.version;
    s.has_claims = p % 5 != 4;  // one in five is a locally built, unsigned provider
    s.annotations = WadmAnnotations(s.app);
    configs_.push_back(s.id + "-config");
    provs_.push_back(std::move(s));
  }
  for (uint32_t j = 0; j < o_.components; ++j) {
    ComponentState c;
    c.app = AppName(j / 3);
    c.id = WadmId(c.app) + "-" + kComponentNames[j % 3];
    c.image_ref = kComponentImages[j % kComponentImages.size()];
    c.annotations = WadmAnnotations(c.app);
    c.max_instances = static_cast<uint32_t>(1 + rng_.Below(20));
    comps_.push_back(std::move(c));
    if (o_.providers == 0) continue;
    uint32_t p = j % o_.providers;
    LinkState l;
    const std::string& pid = provs_[p].id;
    if (p % kProviderKinds.size() == 0) {  // HTTP server invokes the component
      l = {pid, comps_[j].id, "wasi", "http", {"incoming-handler"}, {configs_[p]}, {}};
      if (j >= o_.providers) l.name = comps_[j].id;
    } else if (p % kProviderKinds.size() == 1) {
      l = {comps_[j].id, pid, "wasi", "keyvalue", {"store", "atomics"}, {}, {configs_[p]}};
    } else {
      l = {comps_[j].id, pid, "wasmcloud", "messaging", {"consumer"}, {}, {configs_[p]}};
    }
    links_.push_back(std::move(l));
    link_active_.push_back(false);
  }
  if (o_.churn_per_min > 0) Schedule(o_.start_ns + 20 * kSec + Jitter(kSec), Act::kChurn, 0);
}

Status Generator::Emit(int64_t t, std::string_view event, const HostState& h,
                       const std::string& data) {
  payload_.clear();
  AppendEnvelope(&payload_, ids::NewEventId(t, id_rng_), event, h.id, t, data);
  subject_.assign("wasmbus.evt.").append(o_.lattice).append(".").append(event);
  // NATS delivery: received 0.15-0.75 ms after `time`, never before the previous frame.
  int64_t recv = std::max(last_recv_ + 1000, t + 150000 + Jitter(600000));
  last_recv_ = recv;
  ++stats_.events;
  return sink_(recv, subject_, payload_);
}

Result<SynthStats> Generator::Run() {
  Build();
  const int64_t end = o_.start_ns + o_.duration_ns;
  while (!queue_.empty()) {
    Task task = queue_.top();
    if (task.t >= end) break;
    queue_.pop();
    EVTAPE_RETURN_IF_ERROR(Handle(task));
  }
  return stats_;
}

Status Generator::Handle(const Task& task) {
  switch (task.act) {
    case Act::kHostStart:
      return HostStart(task);
    case Act::kHeartbeat: {
      HostState& h = hosts_[task.index];
      ++stats_.heartbeats;
      Schedule(h.start_ns + (task.k + 1) * 30 * kSec + 200000 + Jitter(2800000), Act::kHeartbeat,
               task.index, task.k + 1);
      return Emit(task.t, "host_heartbeat", h, HostHeartbeatData(h, task.t));
    }
    case Act::kProviderStart:
      return ProviderStart(task);
    case Act::kHealth:
      return Health(task);
    case Act::kComponentStart: {
      ComponentState& c = comps_[task.index];
      HostState& h = hosts_[task.index % hosts_.size()];
      h.components[c.id] = c;
      h.inventory_dirty = true;
      if (!links_.empty()) Schedule(task.t + kSec + Jitter(kSec), Act::kLinkSet, task.index);
      return Emit(task.t, "component_scaled", h,
                  ComponentScaledData(h, c, c.max_instances, nullptr));
    }
    case Act::kConfigSet:
      return Emit(task.t, "config_set", LinkHost(), ConfigData(configs_[task.index]));
    case Act::kLinkSet:
      link_active_[task.index] = true;
      return Emit(task.t, "linkdef_set", LinkHost(), LinkData(links_[task.index], nullptr));
    case Act::kChurn:
      return Churn(task);
    case Act::kScratchDelete:
      return Emit(task.t, "config_deleted", LinkHost(), ConfigData(scratch_[task.index]));
  }
  return Status::Ok();
}

Status Generator::HostStart(const Task& task) {
  HostState& h = hosts_[task.index];
  started_.push_back(task.index);
  Schedule(h.start_ns + 30 * kSec + 200000 + Jitter(2800000), Act::kHeartbeat, task.index, 1);
  // The deployer places this host's share of providers and components shortly after it starts.
  for (uint32_t p = task.index; p < provs_.size(); p += static_cast<uint32_t>(hosts_.size())) {
    int64_t t = task.t + kSec + Jitter(2 * kSec);
    Schedule(t, Act::kConfigSet, p);
    Schedule(t + 300 * kMs + Jitter(kSec), Act::kProviderStart, p);
  }
  for (uint32_t j = task.index; j < comps_.size(); j += static_cast<uint32_t>(hosts_.size())) {
    Schedule(task.t + 2 * kSec + Jitter(4 * kSec), Act::kComponentStart, j);
  }
  return Emit(task.t, "host_started", h, HostStartedData(h));
}

Status Generator::ProviderStart(const Task& task) {
  ProviderState& p = provs_[task.index];
  HostState& h = hosts_[task.index % hosts_.size()];
  if (task.k == 1 && Chance(10)) {  // a restart whose image pull fails; retried 10 s later
    Schedule(task.t + 10 * kSec, Act::kProviderStart, task.index, 0);
    std::string err = "failed to fetch provider: failed to fetch provider under OCI reference `" +
                      p.image_ref + "`: connection reset by peer";
    return Emit(task.t, "provider_start_failed", h, ProviderStartFailedData(h, p, err));
  }
  ++p.generation;
  p.running = true;
  p.healthy = false;
  h.providers[p.id] = p;
  h.inventory_dirty = true;
  p.health_base_ns = task.t + 5 * kSec;
  Schedule(p.health_base_ns + Jitter(20 * kMs), Act::kHealth, task.index, 0, p.generation);
  return Emit(task.t, "provider_started", h, ProviderStartedData(h, p));
}

Status Generator::Health(const Task& task) {
  ProviderState& p = provs_[task.index];
  if (!p.running || p.generation != task.gen) return Status::Ok();  // stopped meanwhile
  HostState& h = hosts_[task.index % hosts_.size()];
  // The host's check interval ticks from the first check; response time does not accumulate.
  int64_t next = p.health_base_ns + (task.k + 1) * 30 * kSec + Jitter(20 * kMs);
  Schedule(next, Act::kHealth, task.index, task.k + 1, task.gen);
  bool ok = p.healthy ? !Chance(2) : Chance(task.k == 0 ? 97 : 60);
  const char* event = ok == p.healthy ? "health_check_status"
                                      : (ok ? "health_check_passed" : "health_check_failed");
  p.healthy = ok;
  return Emit(task.t, event, h, HealthData(h, p.id));
}

Status Generator::ChurnScale(int64_t t) {
  if (comps_.empty()) return Status::Ok();
  auto j = static_cast<uint32_t>(rng_.Below(comps_.size()));
  ComponentState& c = comps_[j];
  HostState& h = hosts_[j % hosts_.size()];
  if (t < h.start_ns + 8 * kSec) return Status::Ok();  // not deployed yet
  bool running = h.components.count(c.id) != 0;
  auto max = static_cast<uint32_t>(running ? rng_.Below(21) : 1 + rng_.Below(20));
  if (Chance(10)) {
    std::string err = "failed to scale component: failed to fetch component under OCI reference `" +
                      c.image_ref + "`: manifest unknown";
    return Emit(t, "component_scale_failed", h, ComponentScaledData(h, c, max, &err));
  }
  c.max_instances = max;
  if (max == 0) {
    h.components.erase(c.id);
  } else {
    h.components[c.id] = c;
  }
  h.inventory_dirty = true;
  return Emit(t, "component_scaled", h, ComponentScaledData(h, c, max, nullptr));
}

Status Generator::ChurnLink(int64_t t) {
  if (links_.empty()) return Status::Ok();
  auto j = static_cast<uint32_t>(rng_.Below(links_.size()));
  if (link_active_[j] && Chance(50)) {
    link_active_[j] = false;
    return Emit(t, "linkdef_deleted", LinkHost(), LinkDeletedData(links_[j], true));
  }
  if (!link_active_[j] && Chance(15)) {  // deleting a link that is not there (idempotent)
    return Emit(t, "linkdef_deleted", LinkHost(), LinkDeletedData(links_[j], false));
  }
  if (Chance(12)) {
    LinkState other = links_[j];
    other.target = links_[(j + 1) % links_.size()].target + "-v2";
    std::string err =
        "link already exists with different target, consider deleting the existing "
        "link or using a different link name";
    return Emit(t, "linkdef_set_failed", LinkHost(), LinkData(other, &err));
  }
  link_active_[j] = true;
  return Emit(t, "linkdef_set", LinkHost(), LinkData(links_[j], nullptr));
}

Status Generator::ChurnProvider(int64_t t) {
  if (provs_.empty()) return Status::Ok();
  auto i = static_cast<uint32_t>(rng_.Below(provs_.size()));
  ProviderState& p = provs_[i];
  if (!p.running) return Status::Ok();
  HostState& h = hosts_[i % hosts_.size()];
  p.running = false;
  h.providers.erase(p.id);
  h.inventory_dirty = true;
  Schedule(t + 2 * kSec + Jitter(kSec), Act::kProviderStart, i, 1);  // k=1: a restart
  return Emit(t, "provider_stopped", h, ProviderStoppedData(h, p));
}

Status Generator::Churn(const Task& task) {
  // Exponential inter-arrival times with mean 60 / churn seconds.
  double u = (static_cast<double>(rng_.Next() >> 11) + 1.0) / 9007199254740993.0;
  double gap_s = -std::log(u) * 60.0 / o_.churn_per_min;
  Schedule(task.t + std::max<int64_t>(kMs, static_cast<int64_t>(gap_s * 1e9)), Act::kChurn, 0);
  uint64_t pick = rng_.Below(100);
  if (pick < 35) return ChurnScale(task.t);
  if (pick < 60) return ChurnLink(task.t);
  if (pick < 75) return ChurnProvider(task.t);
  if (pick < 90 && !configs_.empty()) {
    return Emit(task.t, "config_set", LinkHost(),
                ConfigData(configs_[rng_.Below(configs_.size())]));
  }
  if (pick < 95) {  // a short-lived config entry, set and deleted
    scratch_.push_back("scratch-" + std::to_string(rng_.Below(1000)));
    Schedule(task.t + 400 * kMs + Jitter(kSec), Act::kScratchDelete,
             static_cast<uint32_t>(scratch_.size() - 1));
    return Emit(task.t, "config_set", LinkHost(), ConfigData(scratch_.back()));
  }
  HostState& h = hosts_[started_[rng_.Below(started_.size())]];
  h.labels["tier"] = kTiers[rng_.Below(kTiers.size())];
  h.inventory_dirty = true;
  return Emit(task.t, "labels_changed", h, LabelsData(h, true));
}

}  // namespace

Result<SynthStats> RunSynth(const SynthOptions& options, const EventSink& sink) {
  if (options.hosts == 0) return Status::InvalidArgument("--hosts must be at least 1");
  if (options.duration_ns <= 0) return Status::InvalidArgument("--duration must be positive");
  Generator g(options, sink);
  return g.Run();
}

}  // namespace evtape::wasmcloud::synth
