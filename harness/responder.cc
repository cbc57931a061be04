#include "harness/responder.h"

#include <map>

#include "nats/raw_msg.h"
#include "util/units.h"
#include "harness/run.h"

namespace evtape::harness {

Result<std::unique_ptr<Responders>> Responders::Create(const Scenario& s) {
  std::unique_ptr<Responders> r(new Responders());
  r->fixture_lattice_ = s.lattice;
  for (const auto& spec : s.responders) {
    auto e = std::make_unique<Entry>();
    e->owner = r.get();
    e->filter = spec.subject;
    e->canned = spec.reply;
    if (!spec.recording.empty()) {
      e->recorded = true;
      auto frames = LoadFrames({spec.recording});
      if (!frames.ok())
        return Status::InvalidArgument(s.path + ": field '" + spec.field +
                                       ".recording': " + frames.status().message());
      // Pair each request with the first later frame on its reply subject.
      std::map<std::string, size_t> waiting;  // reply subject -> pair index
      for (const auto& f : *frames) {
        auto it = waiting.find(f.subject);
        if (it != waiting.end()) {
          e->pairs[it->second].reply_payload = f.payload;
          e->pairs[it->second].reply_headers = f.headers;
          e->pairs[it->second].used = false;
          waiting.erase(it);
          continue;
        }
        if (!f.reply.empty()) {
          waiting[f.reply] = e->pairs.size();
          e->pairs.push_back({f.subject, f.payload, "", "", true});  // used=true: no reply yet
        }
      }
      std::erase_if(e->pairs, [](const Pair& p) { return p.used; });
      if (e->pairs.empty())
        return Status::InvalidArgument(s.path + ": field '" + spec.field +
                                       ".recording': " + spec.recording +
                                       " holds no request/reply pairs (expected requests "
                                       "with a reply subject and their replies)");
    }
    r->entries_.push_back(std::move(e));
  }
  return r;
}

Responders::~Responders() { Stop(); }

Status Responders::Start(natsConnection* conn, const std::string& run_lattice,
                         const std::string& url) {
  run_lattice_ = run_lattice;
  for (auto& e : entries_) {
    std::string subject = ExpandRunVars(e->filter, run_lattice, url);
    natsSubscription* sub = nullptr;
    EVTAPE_RETURN_IF_ERROR(nats::FromNats(
        natsConnection_Subscribe(&sub, conn, subject.c_str(), &Responders::OnMsg, e.get()),
        "subscribe responder on " + subject));
    subs_.emplace_back(sub);
  }
  return Status::Ok();
}

void Responders::Stop() {
  for (auto& s : subs_) natsSubscription_Unsubscribe(s.get());
  subs_.clear();
}

void Responders::OnMsg(natsConnection* nc, natsSubscription* /*sub*/, natsMsg* msg, void* closure) {
  auto* e = static_cast<Entry*>(closure);
  e->owner->Answer(nc, e, msg);
  natsMsg_Destroy(msg);
}

void Responders::Answer(natsConnection* nc, Entry* e, natsMsg* msg) {
  const char* reply = natsMsg_GetReply(msg);
  if (reply == nullptr || *reply == '\0') return;  // a publish, not a request
  std::string body, headers;
  bool found = true;
  if (!e->recorded) {
    body = e->canned;
  } else {
    // The subject as it would have been recorded: the run lattice token read as the fixture's.
    std::string subject = natsMsg_GetSubject(msg);
    std::string as_recorded;
    size_t start = 0;
    while (true) {
      size_t dot = subject.find('.', start);
      std::string tok =
          subject.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      as_recorded += tok == run_lattice_ ? fixture_lattice_ : tok;
      if (dot == std::string::npos) break;
      as_recorded += '.';
      start = dot + 1;
    }
    std::string_view payload(natsMsg_GetData(msg), static_cast<size_t>(natsMsg_GetDataLength(msg)));
    std::lock_guard<std::mutex> lock(mu_);
    Pair* exact = nullptr;
    Pair* next_unused = nullptr;
    Pair* last = nullptr;
    for (auto& p : e->pairs) {
      if (p.subject != as_recorded) continue;
      if (exact == nullptr && p.payload == payload) exact = &p;
      if (next_unused == nullptr && !p.used) next_unused = &p;
      last = &p;
    }
    Pair* chosen = exact != nullptr ? exact : next_unused != nullptr ? next_unused : last;
    if (chosen == nullptr) {
      found = false;
    } else {
      chosen->used = true;
      body = chosen->reply_payload;
      headers = chosen->reply_headers;
    }
  }
  if (!found) {
    ++unanswered_;
    return;
  }
  auto out = nats::MakeRawMsg(reply, "", headers, body);
  if (!out.ok()) {
    ++unanswered_;
    return;
  }
  if (natsConnection_PublishMsg(nc, out->get()) == NATS_OK)
    ++answered_;
  else
    ++unanswered_;
}

}  // namespace evtape::harness
