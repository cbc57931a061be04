// Bare nats.c baselines for bench/jetstream.sh (issue 15): what `evtape record --stream` and
// `evtape replay --jetstream` are compared with in the same run.
//   jetstream_bench fill URL STREAM SUBJECT N SIZE   create STREAM on SUBJECT.>, store N messages
//   jetstream_bench drain URL STREAM                 ordered push consumer to the end; prints msg/s
//   jetstream_bench pub URL SUBJECT N SIZE           async JetStream publish with acks; prints msg/s
#include <nats/nats.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

namespace {

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

int Fail(const char* what, natsStatus s) {
  std::fprintf(stderr, "jetstream_bench: %s: %s\n", what, natsStatus_GetText(s));
  return 1;
}

jsCtx* Js(natsConnection* nc, jsOptions* o) {
  jsCtx* js = nullptr;
  natsConnection_JetStream(&js, nc, o);
  return js;
}

int Fill(natsConnection* nc, const std::string& stream, const std::string& subject, long n, int size) {
  jsCtx* js = Js(nc, nullptr);
  std::string filter = subject + ".>";
  const char* subs[] = {filter.c_str()};
  jsStreamConfig cfg;
  jsStreamConfig_Init(&cfg);
  cfg.Name = stream.c_str();
  cfg.Subjects = subs;
  cfg.SubjectsLen = 1;
  cfg.MaxMsgs = n;
  jsErrCode ec;
  if (natsStatus s = js_AddStream(nullptr, js, &cfg, nullptr, &ec); s != NATS_OK) return Fail("add stream", s);
  std::string payload(size, 'x');
  std::string subj = subject + ".e";
  for (long i = 0; i < n; ++i) {
    natsConnection_Publish(nc, subj.c_str(), payload.data(), size);
    if (i % 1000 == 999) natsConnection_FlushTimeout(nc, 10000);
  }
  natsConnection_FlushTimeout(nc, 10000);
  for (int tries = 0; tries < 6000; ++tries) {
    jsStreamInfo* si = nullptr;
    if (js_GetStreamInfo(&si, js, stream.c_str(), nullptr, &ec) == NATS_OK) {
      bool done = si->State.Msgs >= static_cast<uint64_t>(n);
      jsStreamInfo_Destroy(si);
      if (done) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  jsCtx_Destroy(js);
  return 0;
}

int Drain(natsConnection* nc, const std::string& stream) {
  jsCtx* js = Js(nc, nullptr);
  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = stream.c_str();
  so.Ordered = true;
  natsSubscription* sub = nullptr;
  jsErrCode ec;
  double t0 = Now();
  if (natsStatus s = js_SubscribeSync(&sub, js, ">", nullptr, &so, &ec); s != NATS_OK) return Fail("subscribe", s);
  natsSubscription_SetPendingLimits(sub, -1, -1);
  long n = 0;
  while (true) {
    natsMsg* m = nullptr;
    if (natsSubscription_NextMsg(&m, sub, 5000) != NATS_OK) break;
    jsMsgMetaData* md = nullptr;
    natsMsg_GetMetaData(&md, m);
    bool last = md->NumPending == 0;
    jsMsgMetaData_Destroy(md);
    natsMsg_Destroy(m);
    ++n;
    if (last) break;
  }
  double dt = Now() - t0;
  std::printf("%.0f\n", n / dt);
  natsSubscription_Destroy(sub);
  jsCtx_Destroy(js);
  return 0;
}

std::atomic<long> g_acked{0}, g_failed{0};
void OnAck(jsCtx*, natsMsg* msg, jsPubAck* pa, jsPubAckErr*, void*) {
  (pa != nullptr ? g_acked : g_failed)++;
  natsMsg_Destroy(msg);
}

int Pub(natsConnection* nc, const std::string& subject, long n, int size) {
  jsOptions o;
  jsOptions_Init(&o);
  o.PublishAsync.AckHandler = OnAck;
  o.PublishAsync.MaxPending = 4096;
  o.PublishAsync.StallWait = 200;
  jsCtx* js = Js(nc, &o);
  std::string payload(size, 'x');
  jsPubOptions po;
  jsPubOptions_Init(&po);
  po.MaxWait = 5000;
  double t0 = Now();
  for (long i = 0; i < n; ++i) {
    natsMsg* m = nullptr;
    natsMsg_Create(&m, subject.c_str(), nullptr, payload.data(), size);
    natsStatus s;
    while ((s = js_PublishMsgAsync(js, &m, &po)) == NATS_TIMEOUT) {
    }
    if (s != NATS_OK) natsMsg_Destroy(m);
  }
  jsPubOptions w;
  jsPubOptions_Init(&w);
  w.MaxWait = 60000;
  js_PublishAsyncComplete(js, &w);
  double dt = Now() - t0;
  std::printf("%.0f\n", g_acked.load() / dt);
  if (g_failed.load() > 0) std::fprintf(stderr, "jetstream_bench: %ld acks failed\n", g_failed.load());
  jsCtx_Destroy(js);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: see the comment at the top of bench/jetstream_bench.cc\n");
    return 2;
  }
  std::string mode = argv[1];
  natsConnection* nc = nullptr;
  if (natsStatus s = natsConnection_ConnectTo(&nc, argv[2]); s != NATS_OK) return Fail("connect", s);
  int rc = 2;
  if (mode == "fill" && argc == 7) rc = Fill(nc, argv[3], argv[4], std::atol(argv[5]), std::atoi(argv[6]));
  if (mode == "drain" && argc == 4) rc = Drain(nc, argv[3]);
  if (mode == "pub" && argc == 6) rc = Pub(nc, argv[3], std::atol(argv[4]), std::atoi(argv[5]));
  natsConnection_Destroy(nc);
  return rc;
}
