#include "jetstream/capture.h"

#include <map>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "util/json.h"
#include "util/units.h"

namespace evtape::jetstream {
namespace {

struct StreamInfoDeleter {
  void operator()(jsStreamInfo* si) const { jsStreamInfo_Destroy(si); }
};
using StreamInfoPtr = std::unique_ptr<jsStreamInfo, StreamInfoDeleter>;
struct StreamListDeleter {
  void operator()(jsStreamInfoList* l) const { jsStreamInfoList_Destroy(l); }
};

std::vector<std::string> Tokens(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string t;
  while (std::getline(in, t, '.')) out.push_back(t);
  return out;
}

// The streams other than `self` whose subjects overlap `subject`, with their subjects.
Result<std::map<std::string, std::vector<std::string>>> Overlapping(const Session& s,
                                                                   const std::string& subject,
                                                                   const std::string& self) {
  jsOptions o;
  jsOptions_Init(&o);
  o.Stream.Info.SubjectsFilter = subject.c_str();
  jsStreamInfoList* raw = nullptr;
  jsErrCode ec = static_cast<jsErrCode>(0);
  natsStatus st = js_Streams(&raw, s.js(), &o, &ec);
  std::map<std::string, std::vector<std::string>> out;
  if (st == NATS_NOT_FOUND) return out;  // nothing overlaps (nats.c: not an empty list)
  if (st != NATS_OK) return s.FromJs(st, ec, "listing streams on " + subject);
  std::unique_ptr<jsStreamInfoList, StreamListDeleter> list(raw);
  for (int i = 0; i < list->Count; ++i) {
    const jsStreamConfig* c = list->List[i]->Config;
    if (c == nullptr || c->Name == nullptr || self == c->Name) continue;
    auto& subs = out[c->Name];
    for (int j = 0; j < c->SubjectsLen; ++j) subs.emplace_back(c->Subjects[j]);
  }
  return out;
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// Splits the subjects into those the stream lists itself and those it sources (origin, filter).
Status PlanSubjects(const Session& s, const CaptureConfig& c, std::vector<std::string>* own,
                    std::vector<std::pair<std::string, std::string>>* sourced) {
  for (const std::string& subject : c.subjects) {
    EVTAPE_ASSIGN_OR_RETURN(auto others, Overlapping(s, subject, c.name));
    if (others.empty()) {
      own->push_back(subject);
      continue;
    }
    if (others.size() > 1) {
      return Status::InvalidArgument("--subject " + subject + " overlaps several streams (" +
                                     Join([&] {
                                       std::vector<std::string> n;
                                       for (const auto& [name, subs] : others) n.push_back(name);
                                       return n;
                                     }()) + "): capture a narrower subject");
    }
    const auto& [origin, origin_subjects] = *others.begin();
    bool covered = false;
    for (const auto& os : origin_subjects) covered = covered || SubjectCovers(os, subject);
    if (!covered) {
      return Status::InvalidArgument("--subject " + subject + " overlaps stream " + origin + " (" +
                                     Join(origin_subjects) + ") without being inside it");
    }
    for (const auto& [o, f] : *sourced) {
      // nats-server 2.9 accepts one origin twice but copies through only one of the filters.
      if (o == origin) {
        return Status::InvalidArgument("--subject " + subject + " and " + f + " would both source from stream " +
                                       origin + ": capture one subject that covers both");
      }
    }
    sourced->emplace_back(origin, subject);
  }
  return Status::Ok();
}

}  // namespace

std::string DefaultCaptureName(const std::vector<std::string>& subjects) {
  if (subjects.size() == 1) {
    std::vector<std::string> t = Tokens(subjects[0]);
    if (t.size() == 4 && t[0] == "wasmbus" && t[1] == "evt" && t[3] == ">" && t[2] != "*" &&
        t[2] != ">") {
      return "evtape_" + t[2];
    }
  }
  return "evtape_capture";
}

bool SubjectCovers(const std::string& outer, const std::string& inner) {
  std::vector<std::string> o = Tokens(outer), in = Tokens(inner);
  for (size_t i = 0; i < o.size(); ++i) {
    if (i >= in.size()) return false;
    if (o[i] == ">") return true;
    if (o[i] == "*") {
      if (in[i] == ">") return false;
    } else if (o[i] != in[i]) {
      return false;
    }
  }
  return o.size() == in.size();
}

Result<CaptureStarted> StartCapture(const Session& s, const CaptureConfig& c) {
  std::vector<std::string> own;
  std::vector<std::pair<std::string, std::string>> sourced;
  EVTAPE_RETURN_IF_ERROR(PlanSubjects(s, c, &own, &sourced));
  std::vector<const char*> subjects;
  for (const auto& o : own) subjects.push_back(o.c_str());
  std::vector<jsStreamSource> sources(sourced.size());
  std::vector<jsStreamSource*> source_ptrs;
  for (size_t i = 0; i < sourced.size(); ++i) {
    jsStreamSource_Init(&sources[i]);
    sources[i].Name = sourced[i].first.c_str();
    sources[i].FilterSubject = sourced[i].second.c_str();
    source_ptrs.push_back(&sources[i]);
  }
  const std::string description = "evtape capture of " + Join(c.subjects);
  jsStreamConfig cfg;
  jsStreamConfig_Init(&cfg);
  cfg.Name = c.name.c_str();
  cfg.Description = description.c_str();
  cfg.Subjects = subjects.empty() ? nullptr : subjects.data();
  cfg.SubjectsLen = static_cast<int>(subjects.size());
  cfg.Sources = source_ptrs.empty() ? nullptr : source_ptrs.data();
  cfg.SourcesLen = static_cast<int>(source_ptrs.size());
  cfg.Retention = js_LimitsPolicy;
  cfg.MaxAge = c.window_ns;
  cfg.MaxBytes = c.max_bytes;
  cfg.Replicas = c.replicas;
  cfg.Storage = c.memory ? js_MemoryStorage : js_FileStorage;
  CaptureStarted out;
  jsStreamInfo* existing = nullptr;
  jsErrCode ec = static_cast<jsErrCode>(0);
  natsStatus st = js_GetStreamInfo(&existing, s.js(), c.name.c_str(), nullptr, &ec);
  StreamInfoPtr keep(existing);
  if (st != NATS_OK && st != NATS_NOT_FOUND) return s.FromJs(st, ec, "stream " + c.name);
  out.created = st == NATS_NOT_FOUND;
  jsStreamInfo* si = nullptr;
  ec = static_cast<jsErrCode>(0);
  st = out.created ? js_AddStream(&si, s.js(), &cfg, nullptr, &ec)
                   : js_UpdateStream(&si, s.js(), &cfg, nullptr, &ec);
  if (st != NATS_OK) {
    return s.FromJs(st, ec, (out.created ? "creating stream " : "updating stream ") + c.name);
  }
  jsStreamInfo_Destroy(si);
  EVTAPE_ASSIGN_OR_RETURN(out.status, GetStreamStatus(s, c.name));
  return out;
}

Result<StreamStatus> GetStreamStatus(const Session& s, const std::string& name) {
  jsStreamInfo* raw = nullptr;
  jsErrCode ec = static_cast<jsErrCode>(0);
  natsStatus st = js_GetStreamInfo(&raw, s.js(), name.c_str(), nullptr, &ec);
  if (st != NATS_OK) return s.FromJs(st, ec, "stream " + name);
  StreamInfoPtr si(raw);
  StreamStatus out;
  out.name = name;
  const jsStreamConfig* c = si->Config;
  if (c->Description != nullptr) out.description = c->Description;
  for (int i = 0; i < c->SubjectsLen; ++i) out.subjects.emplace_back(c->Subjects[i]);
  for (int i = 0; i < c->SourcesLen; ++i) {
    SourceStatus src;
    src.name = c->Sources[i]->Name != nullptr ? c->Sources[i]->Name : "";
    if (c->Sources[i]->FilterSubject != nullptr) src.filter = c->Sources[i]->FilterSubject;
    for (int j = 0; j < si->SourcesLen; ++j) {
      if (si->Sources[j]->Name != nullptr && src.name == si->Sources[j]->Name) {
        src.lag = si->Sources[j]->Lag;
        src.active_ns = si->Sources[j]->Active;
      }
    }
    out.sources.push_back(src);
  }
  out.window_ns = c->MaxAge;
  out.max_bytes = c->MaxBytes;
  out.replicas = c->Replicas;
  out.memory = c->Storage == js_MemoryStorage;
  out.created_ns = si->Created;
  out.messages = si->State.Msgs;
  out.bytes = si->State.Bytes;
  out.first_seq = si->State.FirstSeq;
  out.last_seq = si->State.LastSeq;
  out.first_ns = si->State.FirstTime;
  out.last_ns = si->State.LastTime;
  out.deleted = si->State.NumDeleted;
  if (si->Cluster != nullptr) {
    if (si->Cluster->Name != nullptr) out.cluster = si->Cluster->Name;
    if (si->Cluster->Leader != nullptr) out.leader = si->Cluster->Leader;
    for (int i = 0; i < si->Cluster->ReplicasLen; ++i) {
      const jsPeerInfo* p = si->Cluster->Replicas[i];
      out.peers.push_back({p->Name != nullptr ? p->Name : "", p->Current, p->Offline, p->Lag});
    }
  }
  return out;
}

Status StopCapture(const Session& s, const std::string& name) {
  jsErrCode ec = static_cast<jsErrCode>(0);
  natsStatus st = js_DeleteStream(s.js(), name.c_str(), nullptr, &ec);
  return s.FromJs(st, ec, "stream " + name);
}

std::string FormatStreamStatus(const StreamStatus& st) {
  std::ostringstream o;
  auto time = [](int64_t ns) { return ns > 0 ? FormatRfc3339Nanos(ns) : std::string("-"); };
  o << "stream:    " << st.name << "\n";
  if (!st.subjects.empty()) o << "subjects:  " << Join(st.subjects) << "\n";
  for (const auto& src : st.sources) {
    o << "source:    " << src.name << " (filter " << src.filter << ", lag " << src.lag << ", "
      << (src.active_ns < 0 ? std::string("origin missing") : "last contact " + FormatDuration(src.active_ns) + " ago")
      << ")\n";
  }
  o << "window:    " << FormatDuration(st.window_ns) << "\n"
    << "max bytes: " << (st.max_bytes < 0 ? std::string("unlimited") : FormatBytes(st.max_bytes)) << "\n"
    << "storage:   " << (st.memory ? "memory" : "file") << ", " << st.replicas << " replica(s)\n"
    << "messages:  " << st.messages << " (seq " << st.first_seq << ".." << st.last_seq;
  if (st.deleted > 0) o << ", " << st.deleted << " deleted";
  o << ")\n"
    << "bytes:     " << FormatBytes(st.bytes) << "\n"
    << "first:     " << time(st.first_ns) << "\n"
    << "last:      " << time(st.last_ns) << "\n";
  if (!st.cluster.empty() || !st.leader.empty()) {
    o << "cluster:   " << st.cluster << ", leader " << st.leader;
    for (const auto& p : st.peers) {
      o << ", " << p.name << (p.offline ? " offline" : p.current ? " current" : " lagging " + std::to_string(p.lag));
    }
    o << "\n";
  }
  return o.str();
}

std::string StreamStatusJson(const StreamStatus& st) {
  nlohmann::json j = {{"stream", st.name}, {"subjects", st.subjects}, {"window_ns", st.window_ns},
                      {"max_bytes", st.max_bytes}, {"replicas", st.replicas},
                      {"storage", st.memory ? "memory" : "file"}, {"messages", st.messages},
                      {"bytes", st.bytes}, {"first_seq", st.first_seq}, {"last_seq", st.last_seq},
                      {"deleted", st.deleted}, {"first_time", st.first_ns > 0 ? FormatRfc3339Nanos(st.first_ns) : ""},
                      {"last_time", st.last_ns > 0 ? FormatRfc3339Nanos(st.last_ns) : ""},
                      {"cluster", st.cluster}, {"leader", st.leader}};
  j["sources"] = nlohmann::json::array();
  for (const auto& s : st.sources) {
    j["sources"].push_back({{"stream", s.name}, {"filter", s.filter}, {"lag", s.lag}, {"active_ns", s.active_ns}});
  }
  j["peers"] = nlohmann::json::array();
  for (const auto& p : st.peers) {
    j["peers"].push_back({{"name", p.name}, {"current", p.current}, {"offline", p.offline}, {"lag", p.lag}});
  }
  return DumpJson(j) + "\n";
}

}  // namespace evtape::jetstream
