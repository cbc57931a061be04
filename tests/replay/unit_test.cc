// Unit tests: the schedule with a manual clock, the latency histogram, subject mapping and the
// CloudEvent rewriter.
#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>

#include "wasmcloud/ids.h"
#include "wasmcloud/cloudevent_rewrite.h"
#include "replay/schedule.h"
#include "replay/subject_map.h"

using namespace evtape::replay;

namespace {
constexpr int64_t kMs = 1'000'000;
constexpr int64_t kSec = 1'000'000'000;
}  // namespace

TEST_CASE("timeline offsets are absolute and scaled by speed", "[unit]") {
  Pace p;
  p.speed = 10;
  Timeline tl(p);
  const int64_t t0 = 5 * kSec;
  CHECK(tl.Next(t0) == 0);
  CHECK(tl.Next(t0 + 1 * kSec) == 100 * kMs);
  CHECK(tl.Next(t0 + 5 * kSec) == 500 * kMs);
  // A clock step back in the recording never moves a deadline earlier than the previous one.
  CHECK(tl.Next(t0 + 4 * kSec) == 500 * kMs);
  CHECK(tl.Next(t0 + 6 * kSec) == 700 * kMs);
}

TEST_CASE("timeline: no drift over a million small gaps", "[unit]") {
  Pace p;
  p.speed = 3;  // 1/3 is not representable: errors must not accumulate
  Timeline tl(p);
  int64_t last = 0;
  for (int64_t i = 0; i < 1'000'000; ++i) last = tl.Next(i * 1'000'001);
  const long double v = 999'999.0L * 1'000'001.0L;
  CHECK(last == std::llround(v / 3));
}

TEST_CASE("timeline: max-gap caps silences before scaling and rate ignores times", "[unit]") {
  Pace p;
  p.speed = 2;
  p.max_gap_ns = 1 * kSec;
  Timeline tl(p);
  CHECK(tl.Next(0) == 0);
  CHECK(tl.Next(30 * kSec) == 500 * kMs);      // 30 s capped to 1 s, then / 2
  CHECK(tl.Next(30 * kSec + 200 * kMs) == 600 * kMs);
  Pace r;
  r.mode = Pace::Mode::kRate;
  r.rate = 4;
  Timeline rt(r);
  CHECK(rt.Next(100) == 0);
  CHECK(rt.Next(0) == 250 * kMs);
  CHECK(rt.Next(99 * kSec) == 500 * kMs);
  rt.Reset();
  CHECK(rt.Next(7) == 0);
}

TEST_CASE("pacer: late messages go out at once and never shift later deadlines", "[unit]") {
  evtape::ManualClock clock(1000 * kSec);
  clock.set_wake_latency(50'000);  // every wake-up 50 us late
  Pacer pacer(&clock);
  pacer.Start();
  const int64_t start = clock.NowNs();
  int64_t late = -1;
  REQUIRE(pacer.WaitFor(10 * kMs, &late));
  CHECK(late == 50'000);
  CHECK(clock.NowNs() == start + 10 * kMs + 50'000);
  // The publish of message 2 takes 35 ms: message 3 (due at 20 ms) is late and is not waited for.
  clock.Advance(35 * kMs);
  const int sleeps = clock.sleeps();
  REQUIRE(pacer.WaitFor(20 * kMs, &late));
  CHECK(clock.sleeps() == sleeps);
  CHECK(late == 25 * kMs + 50'000);
  // Message 4 is still due at exactly start + 100 ms: lateness did not accumulate.
  REQUIRE(pacer.WaitFor(100 * kMs, &late));
  CHECK(clock.NowNs() == start + 100 * kMs + 50'000);
  CHECK(late == 50'000);
}

TEST_CASE("latency histogram quantiles", "[unit]") {
  LatencyHistogram h;
  for (int i = 1; i <= 1000; ++i) h.Add(i * 1000);  // 1 us .. 1 ms
  CHECK(h.count() == 1000);
  CHECK(h.max() == 1'000'000);
  CHECK(h.Quantile(0.5) == Approx(500'000).epsilon(0.04));
  CHECK(h.Quantile(0.99) == Approx(990'000).epsilon(0.04));
  CHECK(h.Quantile(1.0) == 1'000'000);
  LatencyHistogram empty;
  CHECK(empty.Quantile(0.5) == 0);
}

TEST_CASE("subject map: wildcards, prefixes, lattice shorthand, errors", "[unit]") {
  SubjectMap m;
  REQUIRE(m.AddMap("a.*.c.>=x.*.y.>").ok());
  REQUIRE(m.AddMap("orders=shop.orders").ok());
  REQUIRE(m.AddLattice("default=ci-7").ok());
  CHECK(m.Apply("a.b.c.d.e") == "x.b.y.d.e");
  CHECK(m.Apply("a.b.c") == std::nullopt);  // > needs at least one token
  CHECK(m.Apply("orders") == "shop.orders");
  CHECK(m.Apply("orders.eu.1") == "shop.orders.eu.1");
  CHECK(m.Apply("ordersx") == std::nullopt);
  CHECK(m.Apply("wasmbus.evt.default.host_heartbeat") == "wasmbus.evt.ci-7.host_heartbeat");
  CHECK(m.Apply("wasmbus.evt.other.host_heartbeat") == std::nullopt);
  SubjectMap bad;
  CHECK(!bad.AddMap("nofrom").ok());
  CHECK(!bad.AddMap("a.*=b").ok());
  CHECK(!bad.AddMap("a=b.*").ok());
  CHECK(!bad.AddMap("a..b=c").ok());
  CHECK(!bad.AddLattice("a.b=c").ok());
}

TEST_CASE("cloudevent rewrite: seeded ids with consistent time and shift-time, others untouched",
          "[unit]") {
  const std::string ev =
      R"({"specversion":"1.0","id":"019127ff-5c0e-3aa2-0e51-f30dc6a7ee39","type":"t","time":"2024-08-06T14:02:12.366707Z","data":{"b":1,"a":[1,2]}})";
  evtape::wasmcloud::RewriteOptions o;
  o.fresh_ids = true;
  o.shift_time = true;
  o.seed = 42;
  const int64_t anchor = 1'785'420'000'123'000'000;  // 2026-07-30T14:00:00.123Z
  auto run = [&](uint64_t seed) {
    evtape::wasmcloud::RewriteOptions oo = o;
    oo.seed = seed;
    evtape::wasmcloud::CloudEventRewriter rw(oo);
    rw.BeginPass(anchor);
    std::string a, b;
    REQUIRE(rw.Rewrite(ev, 0, &a));
    REQUIRE(rw.Rewrite(ev, 0, &b));
    return std::make_pair(a, b);
  };
  auto [a1, b1] = run(42);
  auto [a2, b2] = run(42);
  auto [a3, b3] = run(43);
  CHECK(a1 == a2);
  CHECK(b1 == b2);
  CHECK(a1 != a3);
  CHECK(a1 != b1);  // every event gets its own id
  auto j = nlohmann::ordered_json::parse(a1);
  CHECK(j["time"] == "2026-07-30T14:00:00.123000Z");  // 6 digits kept
  CHECK(evtape::wasmcloud::ids::UlidTimeMs(j["id"].get<std::string>()) == anchor / 1'000'000);
  CHECK(j["id"].get<std::string>().size() == 36);
  // Key order and compactness kept.
  CHECK(a1.find(R"({"specversion":"1.0","id":")") == 0);
  CHECK(a1.find(R"(","type":"t","time":")") != std::string::npos);
  CHECK(a1.find(R"("data":{"b":1,"a":[1,2]}})") != std::string::npos);

  evtape::wasmcloud::CloudEventRewriter rw(o);
  rw.BeginPass(anchor);
  std::string out;
  CHECK(!rw.Rewrite("not json", 0, &out));
  CHECK(!rw.Rewrite(R"({"id":"x","time":"2024-08-06T14:02:12Z"})", 0, &out));  // no specversion
  CHECK(!rw.Rewrite(R"({"specversion":"1.0","id":"x")", 0, &out));            // malformed
  CHECK(evtape::wasmcloud::FormatRfc3339Digits(1'785'420'000'000'000'000, 0) == "2026-07-30T14:00:00Z");
}

TEST_CASE("a schedule beyond 100 years saturates and says so instead of wrapping", "[replay]") {
  Pace p;
  p.speed = 1e-6;  // the slowest accepted speed
  Timeline tl(p);
  CHECK(tl.Next(0) == 0);
  CHECK_FALSE(tl.overflow());
  CHECK(tl.Next(1'000'000'000) == 1'000'000'000'000'000);  // 1 s recorded: 1e6 s
  CHECK_FALSE(tl.overflow());
  CHECK(tl.Next(INT64_MAX) == kMaxScheduleNs);  // recorded times as far apart as they can be
  CHECK(tl.overflow());
  Pace r;
  r.mode = Pace::Mode::kRate;
  r.rate = 1e-6;
  Timeline rate(r);
  for (int i = 0; i < 3000; ++i) rate.Next(0);
  CHECK_FALSE(rate.overflow());  // message 2999 due after 95 years
  for (int i = 0; i < 200; ++i) rate.Next(0);
  CHECK(rate.overflow());  // message 3199: past 100 years
  CHECK(rate.last_offset() == kMaxScheduleNs);
}
