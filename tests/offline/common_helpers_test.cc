// Unit tests of the shared helpers: CloudEvent peek, Selection, EventStats.
#include <catch2/catch.hpp>

#include "wasmcloud/cloudevent_peek.h"
#include "wasmcloud/event_stats.h"
#include "util/selection.h"
#include "wasmcloud/type_filter.h"

namespace evtape {
namespace {

format::FrameView View(int64_t t, std::string_view subject, std::string_view payload) {
  format::FrameView v;
  v.seq = 1;
  v.time_ns = t;
  v.subject = subject;
  v.payload = payload;
  return v;
}

TEST_CASE("wasmcloud::PeekCloudEvent reads top-level string attributes only", "[peek]") {
  wasmcloud::CloudEventPeek p;
  REQUIRE(wasmcloud::PeekCloudEvent(
      R"({"data":{"type":"nested","x":["}",{"source":"no"}]},"specversion":"1.0",)"
      R"("type":"com.wasmcloud.lattice.host_heartbeat","source":"NABC","id":"01H","time":"t"})",
      &p));
  CHECK(p.type == "com.wasmcloud.lattice.host_heartbeat");
  CHECK(p.source == "NABC");
  CHECK(p.id == "01H");
  CHECK(p.time == "t");
}

TEST_CASE("wasmcloud::PeekCloudEvent with a field mask captures only those and stops once found", "[peek]") {
  wasmcloud::CloudEventPeek p;
  // Malformed after type and source: the masked scan never gets there, the full one does.
  const std::string payload = R"({"id":"01H","source":"NABC","type":"t",,"time":"x"})";
  REQUIRE(wasmcloud::PeekCloudEvent(payload, &p, wasmcloud::kCeType | wasmcloud::kCeSource));
  CHECK(p.type == "t");
  CHECK(p.source == "NABC");
  CHECK_FALSE(p.has_id);
  CHECK(p.id.empty());
  CHECK_FALSE(p.has_time);
  CHECK_FALSE(wasmcloud::PeekCloudEvent(payload, &p));
  CHECK_FALSE(p.has_type);  // cleared on failure
  REQUIRE(wasmcloud::PeekCloudEvent(R"({"type":"only"})", &p, wasmcloud::kCeType | wasmcloud::kCeSource));
  CHECK(p.type == "only");
  CHECK_FALSE(p.has_source);
}

TEST_CASE("wasmcloud::PeekCloudEvent decodes escapes and skips escaped quotes", "[peek]") {
  wasmcloud::CloudEventPeek p;
  REQUIRE(wasmcloud::PeekCloudEvent(R"( { "x" : "a\"}b\\", "type" : "t\u00e9\n\"q" , "n": -1.5e3, "b":true })",
                         &p));
  CHECK(p.type == "t\xc3\xa9\n\"q");
  CHECK_FALSE(p.has_source);
  REQUIRE(wasmcloud::PeekCloudEvent(R"({"type":"\ud83d\ude00"})", &p));
  CHECK(p.type == "\xf0\x9f\x98\x80");
}

TEST_CASE("wasmcloud::PeekCloudEvent rejects non-objects and malformed input", "[peek]") {
  wasmcloud::CloudEventPeek p;
  for (std::string_view bad :
       {"", "   ", "[1,2]", "\"type\"", "42", "{\"type\"", "{\"a\":}", "{\"a\" 1}",
        "{\"type\":\"unterminated}", "\x00\x01\xff", "{\"a\":[1,2}", "{,}"}) {
    INFO(bad);
    CHECK_FALSE(wasmcloud::PeekCloudEvent(bad, &p));
    CHECK_FALSE(p.has_type);
  }
  REQUIRE(wasmcloud::PeekCloudEvent("{}", &p));
  CHECK_FALSE(p.has_type);
  REQUIRE(wasmcloud::PeekCloudEvent(R"({"type":5,"source":"s"})", &p));
  CHECK_FALSE(p.has_type);
  CHECK(p.source == "s");
  std::string out;
  CHECK(wasmcloud::PeekJsonString(R"({"a":{"b":"c"},"b":"d"})", "b", &out));
  CHECK(out == "d");
  CHECK_FALSE(wasmcloud::PeekJsonString(R"({"a":1})", "b", &out));
}

TEST_CASE("Selection validates and names the option", "[selection]") {
  SelectionArgs a;
  a.from = "5x";
  auto r = ParseSelection(a);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().rfind("--from:", 0) == 0);
  a = SelectionArgs();
  a.subjects = {"a..b"};
  CHECK(ParseSelection(a).status().message().rfind("--subject:", 0) == 0);
  a = SelectionArgs();
  a.limit = "-3";
  CHECK(ParseSelection(a).status().message().rfind("--limit:", 0) == 0);
  a = SelectionArgs();
  a.from = "10s";
  a.to = "5s";
  CHECK(ParseSelection(a).status().message().rfind("--to:", 0) == 0);
}

TEST_CASE("Selection matches subject, type and a relative window", "[selection]") {
  SelectionArgs a;
  a.subjects = {"wasmbus.evt.*.>"};
  a.from = "1s";
  a.to = "3s";
  auto r = ParseSelection(a);
  REQUIRE(r.ok());
  Selection sel = r.value();
  auto types = wasmcloud::MakeTypeFilter({"t1"});
  REQUIRE(types.ok());
  sel.payload = *types;
  CHECK_FALSE(sel.resolved());
  const int64_t start = 1'000'000'000'000;
  sel.Resolve(start);
  CHECK(sel.Matches(View(start + 1'000'000'000, "wasmbus.evt.d.x", R"({"type":"t1"})")));
  CHECK_FALSE(sel.Matches(View(start + 999'999'999, "wasmbus.evt.d.x", R"({"type":"t1"})")));
  CHECK_FALSE(sel.Matches(View(start + 3'000'000'000, "wasmbus.evt.d.x", R"({"type":"t1"})")));
  CHECK_FALSE(sel.Matches(View(start + 2'000'000'000, "wasmbus.evt.d.x", R"({"type":"t2"})")));
  CHECK_FALSE(sel.Matches(View(start + 2'000'000'000, "other.x", R"({"type":"t1"})")));
  CHECK_FALSE(sel.Matches(View(start + 2'000'000'000, "wasmbus.evt.d.x", "binary")));
  format::Gap g;
  g.start_ns = start;
  g.end_ns = start + 1'500'000'000;
  CHECK(sel.MatchesGap(g));
  g.end_ns = start + 500'000'000;
  CHECK_FALSE(sel.MatchesGap(g));
}

TEST_CASE("wasmcloud::EventStats counts types, sources and per-second rates", "[stats]") {
  wasmcloud::EventStats st(/*max_keys=*/2);
  const int64_t s = 1'000'000'000;
  st.Add(View(10 * s, "a", R"({"type":"A","source":"h1"})"));
  st.Add(View(10 * s + 5, "a", R"({"type":"A","source":"h1"})"));
  st.Add(View(13 * s, "b", R"({"type":"B","source":"h2"})"));
  st.Add(View(13 * s, "c", R"({"type":"C","source":"h3"})"));
  st.Add(View(14 * s, "a", "not json"));
  wasmcloud::KeyRate total = st.total();
  CHECK(total.count == 5);
  CHECK(total.max == 2);
  CHECK(total.min == 0);  // seconds 11 and 12 were empty
  CHECK(total.first_s == 10);
  CHECK(total.last_s == 14);
  auto types = st.types();
  REQUIRE(types.keys.size() == 2);
  CHECK(types.keys["A"].count == 2);
  CHECK(types.keys["A"].min == 2);
  CHECK(types.overflow == 1);
  CHECK(st.non_cloudevent() == 1);

  wasmcloud::EventStats back;
  REQUIRE(back.MergeJson(st.ToJson()).ok());
  REQUIRE(back.MergeJson(st.ToJson()).ok());
  CHECK(back.frames() == 10);
  CHECK(back.types().keys["A"].count == 4);
  CHECK(back.sources().overflow == 2);
  CHECK_FALSE(back.MergeJson(nlohmann::json::object()).ok());
  CHECK(back.frames() == 10);
}

TEST_CASE("wasmcloud::EventStats counts repeated and alternating keys, and a copy counts on its own", "[stats]") {
  wasmcloud::EventStats st;
  const int64_t s = 1'000'000'000;
  const char* ev[] = {R"({"type":"A","source":"h1"})", R"({"type":"B","source":"h1"})"};
  for (int i = 0; i < 10; ++i) st.Add(View(5 * s, i < 6 ? "x" : "y", ev[i < 6 ? 0 : i % 2]));
  wasmcloud::EventStats copy = st;  // must not keep counting into st's tables
  for (int i = 0; i < 4; ++i) copy.Add(View(6 * s, "y", ev[1]));
  st.Add(View(6 * s, "y", ev[0]));
  CHECK(st.types().keys["A"].count == 9);  // 6 + 2 alternating + 1
  CHECK(st.types().keys["B"].count == 2);
  CHECK(st.subjects().keys["x"].count == 6);
  CHECK(st.subjects().keys["y"].count == 5);
  CHECK(st.sources().keys["h1"].count == 11);
  CHECK(copy.types().keys["A"].count == 8);
  CHECK(copy.types().keys["B"].count == 6);
  CHECK(copy.subjects().keys["y"].count == 8);
  CHECK(copy.sources().keys["h1"].count == 14);
  CHECK(copy.total().count == 14);
  CHECK(copy.total().max == 10);

  wasmcloud::EventStats moved = std::move(copy);
  moved.Add(View(6 * s, "y", ev[1]));
  copy = wasmcloud::EventStats();  // reusing the moved-from object must not touch `moved`
  copy.Add(View(6 * s, "y", ev[1]));
  CHECK(moved.types().keys["B"].count == 7);
  CHECK(copy.types().keys["B"].count == 1);
}

}  // namespace
}  // namespace evtape
