// evtape lint: one failing case per rule, clean baselines, CLI output and exit codes.
#include <catch2/catch.hpp>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/testutil/testutil.h"
#include "tests/wasmcloud/wasm_test_util.h"
#include "wasmcloud/lint_check.h"
#include "wasmcloud/bounded_json.h"
#include "wasmcloud/lint_schema.h"

namespace evtape {
namespace {

using Json = nlohmann::ordered_json;
using testutil::RunEvtape;

const char* kHost = "NCRRYBV5IY7DSI54DKW33ZELC2LWYCAHC43TXAM2A2HTFN5GWOFWWEKL";
const char* kOtherHost = "NDAVYAUJ5QWQVELH5SHGLIMN5O7F4VJS7PXKFE7YBPEUF3UQQ3AXDDLL";

// The reference doc's health_check_passed example (§4.7), compact.
Json BaseEvent() {
  return Json::parse(
      std::string(R"({"specversion":"1.0","id":"019127ff-7e72-ea1f-e27a-984d654821d0",)") +
      R"("type":"com.wasmcloud.lattice.health_check_passed","source":")" + kHost +
      R"(","datacontenttype":"application/json","time":"2024-08-06T14:02:21.170190511Z",)"
      R"("data":{"host_id":")" +
      kHost + R"(","provider_id":"rust_hello_world-httpserver"}})");
}
const char* kSubject = "wasmbus.evt.default.health_check_passed";

struct Msg {
  std::string subject = kSubject, reply, headers, payload = BaseEvent().dump();
};

std::set<std::string> Rules(const Msg& m) {
  std::vector<wasmcloud::lint::Finding> f;
  wasmcloud::lint::LintMessage(m.subject, m.reply, m.headers, m.payload, &f);
  std::set<std::string> rules;
  for (const auto& x : f) rules.insert(x.rule);
  return rules;
}

Msg WithEvent(const std::function<void(Json&)>& mutate) {
  Msg m;
  Json j = BaseEvent();
  mutate(j);
  m.payload = j.dump();
  return m;
}

TEST_CASE("lint: the reference examples are clean", "[lint]") {
  CHECK(Rules(Msg{}).empty());
  Msg started;
  started.subject = "wasmbus.evt.default.host_started";
  started.payload =
      std::string(
          R"({"specversion":"1.0","id":"019127ff-5c0e-3aa2-0e51-f30dc6a7ee39","type":"com.wasmcloud.lattice.host_started","source":")") +
      kHost +
      R"(","datacontenttype":"application/json","time":"2024-08-06T14:02:12.366707786Z","data":{"friendly_name":"sparkling-meadow-4821","labels":{"hostcore.arch":"x86_64","hostcore.os":"linux","hostcore.osfamily":"unix","zone":"us-east-1"},"uptime_seconds":0,"version":"1.9.2"}})";
  CHECK(Rules(started).empty());
}

TEST_CASE("lint: one failing case per rule", "[lint]") {
  std::map<std::string, Msg> cases;
  cases["payload-json"].payload = "not json";
  cases["subject-shape"].subject = "wasmbus.evt.default";
  cases["envelope-missing"] = WithEvent([](Json& j) { j.erase("datacontenttype"); });
  cases["envelope-specversion"] = WithEvent([](Json& j) { j["specversion"] = "0.3"; });
  cases["envelope-id"] = WithEvent([](Json& j) { j["id"] = "not-a-ulid"; });
  cases["envelope-time"] =
      WithEvent([](Json& j) { j["time"] = "2024-08-06T14:02:21.170190511+00:00"; });
  cases["envelope-source"] = WithEvent([](Json& j) {
    j["source"] = "NCRRYBV5IY7DSI54DKW33ZELC2LWYCAHC43TXAM2A2HTFN5GWOFWWEKM";  // bad CRC
  });
  cases["envelope-datacontenttype"] =
      WithEvent([](Json& j) { j["datacontenttype"] = "text/plain"; });
  cases["envelope-data"] = WithEvent([](Json& j) { j["data"] = "x"; });
  cases["type-prefix"] = WithEvent([](Json& j) { j["type"] = "io.other.health_check_passed"; });
  cases["subject-type"].subject = "wasmbus.evt.default.health_check_failed";
  cases["unknown-event"] =
      WithEvent([](Json& j) { j["type"] = "com.wasmcloud.lattice.actor_scaled"; });
  cases["unknown-event"].subject = "wasmbus.evt.default.actor_scaled";
  cases["spec-only-event"] =
      WithEvent([](Json& j) { j["type"] = "com.wasmcloud.lattice.component_start_failed"; });
  cases["spec-only-event"].subject = "wasmbus.evt.default.component_start_failed";
  cases["data-missing"] = WithEvent([](Json& j) { j["data"].erase("provider_id"); });
  cases["data-type"] = WithEvent([](Json& j) { j["data"]["provider_id"] = 7; });
  cases["source-host-id"] = WithEvent([](Json& j) { j["data"]["host_id"] = kOtherHost; });
  cases["envelope-extra"] = WithEvent([](Json& j) { j["subject"] = "x"; });
  cases["envelope-order"] = WithEvent([](Json& j) {
    Json data = j["data"];
    j.erase("data");
    Json reordered = {{"data", data}};
    for (auto it = j.begin(); it != j.end(); ++it) reordered[it.key()] = it.value();
    j = reordered;
  });
  cases["id-time"] = WithEvent([](Json& j) { j["id"] = "01912800-7e72-ea1f-e27a-984d654821d0"; });
  cases["time-precision"] = WithEvent([](Json& j) { j["time"] = "2024-08-06T14:02:21.1701Z"; });
  cases["data-unknown"] = WithEvent([](Json& j) { j["data"]["message"] = "ok"; });
  cases["data-order"] = WithEvent([](Json& j) {
    j["data"] = Json::parse(std::string(R"({"provider_id":"p","host_id":")") + kHost + "\"}");
  });
  cases["not-compact"].payload = BaseEvent().dump(1);
  cases["nats-headers"].headers = "NATS/1.0\r\nX: y\r\n\r\n";
  cases["reply-subject"].reply = "_INBOX.abc";
  cases["data-value"] = WithEvent([](Json& j) {
    j["type"] = "com.wasmcloud.lattice.host_started";
    j["data"] = Json::parse(
        R"({"friendly_name":"a-b-0001","labels":{},"uptime_seconds":5,"version":"1.9"})");
  });
  cases["data-value"].subject = "wasmbus.evt.default.host_started";

  for (const wasmcloud::lint::RuleInfo& rule : wasmcloud::lint::AllRules()) {
    INFO("rule " << rule.id);
    REQUIRE(cases.count(rule.id) == 1);
    std::set<std::string> got = Rules(cases[rule.id]);
    CHECK(got.count(rule.id) == 1);
  }
  CHECK(cases.size() == wasmcloud::lint::AllRules().size());
}

TEST_CASE("lint: the catalogue knows 17 host events and one spec-only event", "[lint]") {
  int real = 0, spec_only = 0;
  for (const auto& e : wasmcloud::lint::AllEvents()) (e.spec_only ? spec_only : real)++;
  CHECK(real == 17);
  CHECK(spec_only == 1);
  CHECK(wasmcloud::lint::FindEvent("component_start_failed")->spec_only);
  CHECK(wasmcloud::lint::FindEvent("linkdef_set_failed") != nullptr);
  CHECK(wasmcloud::lint::FindEvent("actor_scaled") == nullptr);
}

TEST_CASE("lint: hostile payloads give findings, never a crash", "[lint]") {
  for (std::string p : {std::string(), std::string("\0\xff\xfe", 3), std::string(100000, '['),
                        std::string("{\"data\":") + std::string(5000, '['), std::string("[]"),
                        // Valid JSON nested far deeper than any event: parsed, it would
                        // overflow the stack of every recursive walk (dump, comparisons).
                        std::string("{\"data\":") + std::string(300000, '[') +
                            std::string(300000, ']') + "}",
                        std::string("{\"specversion\":1,\"id\":null,\"type\":[],\"time\":{},"
                                    "\"source\":5,\"data\":[]}")}) {
    Msg m;
    m.payload = p;
    CHECK_FALSE(Rules(m).empty());
  }
}

TEST_CASE("lint: claims are checked field by field", "[lint]") {
  // The reference's signed component_scaled (§4.4), compact.
  auto scaled = [](const std::function<void(Json&)>& mutate) {
    Json claims = Json::parse(
        R"({"call_alias":null,"expires_human":"never","issuer":"ACER76PMMAKI2S6UUCPOFXC4SMY3IEILVE5MKSX4CTNDXXIZMFDXJ7SX","name":"http-hello-world","not_before_human":"never","revision":0,"tags":null,"version":"0.1.0"})");
    mutate(claims);
    Json j = BaseEvent();
    j["type"] = "com.wasmcloud.lattice.component_scaled";
    j["data"] = Json::parse(
        R"({"annotations":{},"claims":{},"component_id":"hello","host_id":")" +
        std::string(kHost) +
        R"(","image_ref":"ghcr.io/x:1","max_instances":1,"public_key":"MCRNKXJJLZNDLK2EWPX25JISTORCXCF2HYUXMYKF7XWKHMEOHCXVH5VW"})");
    j["data"]["claims"] = claims;
    Msg m;
    m.subject = "wasmbus.evt.default.component_scaled";
    m.payload = j.dump();
    std::vector<wasmcloud::lint::Finding> f;
    wasmcloud::lint::LintMessage(m.subject, m.reply, m.headers, m.payload, &f);
    std::vector<std::string> out;
    for (const auto& x : f) out.push_back(x.rule + ": " + x.message);
    return out;
  };
  CHECK(scaled([](Json&) {}).empty());
  // A JWT without metadata: only issuer and the two *_human strings.
  CHECK(scaled([](Json& c) {
          for (const char* k : {"call_alias", "name", "revision", "tags", "version"}) c.erase(k);
        }).empty());
  CHECK(scaled([](Json& c) { c.erase("issuer"); }) ==
        std::vector<std::string>{"data-missing: data.claims.issuer is missing"});
  CHECK(scaled([](Json& c) { c["tags"] = 5; }) ==
        std::vector<std::string>{"data-type: data.claims.tags must be an array of strings or "
                                 "null, got 5"});
  CHECK(scaled([](Json& c) { c["tags"] = Json::array({"a", "b"}); }).empty());
  CHECK(scaled([](Json& c) { c["x_jwt"] = "x"; }) ==
        std::vector<std::string>{"data-unknown: data.claims.x_jwt is not sent by 1.x hosts"});
}

TEST_CASE("lint: nesting depth counts brackets outside strings only", "[lint]") {
  CHECK(wasmcloud::lint::NestingWithin(R"([{"a":[1]}])", 3));
  CHECK_FALSE(wasmcloud::lint::NestingWithin(R"([{"a":[1]}])", 2));
  CHECK(wasmcloud::lint::NestingWithin(R"(["[[[[", {"k{{":"]]"}])", 2));
  CHECK(wasmcloud::lint::NestingWithin(R"(["\"[[[", 1])", 1));  // an escaped quote does not end the string
  CHECK(wasmcloud::lint::NestingWithin(R"(]]]][)", 1));          // garbage is not a validator's job
  CHECK(wasmcloud::lint::ParseBounded(std::string(200, '[') + std::string(200, ']')).is_discarded());
  CHECK(wasmcloud::lint::ParseBounded(std::string(100, '[') + std::string(100, ']')).is_array());
  CHECK(wasmcloud::lint::ParseBounded("{\"a\":\"\xff\"}").is_discarded());  // not UTF-8
}

TEST_CASE("lint CLI: text and JSON findings, exit codes, skipped subjects", "[lint][cli]") {
  testutil::TempDir dir;
  Msg bad = WithEvent([](Json& j) { j["data"]["host_id"] = kOtherHost; });
  std::string good_line = Json{
      {"seq", 1},
      {"time", "2024-08-06T14:02:21.170390511Z"},
      {"subject", kSubject},
      {"payload",
       BaseEvent()}}.dump();
  std::string bad_line = Json{{"seq", 2},
                              {"time", "2024-08-06T14:02:22.170390511Z"},
                              {"subject", kSubject},
                              {"payload", Json::parse(bad.payload)}}
                             .dump();
  std::string other =
      R"({"seq":3,"time":"2024-08-06T14:02:23.000000000Z","subject":"foo.bar","payload_text":"x"})";
  testutil::WriteFile(dir / "good.jsonl", good_line + "\n" + other + "\n");
  testutil::WriteFile(dir / "bad.jsonl", good_line + "\n" + bad_line + "\n");

  auto ok = RunEvtape({"lint", dir / "good.jsonl"});
  CHECK(ok.exit_code == 0);
  CHECK(ok.out.empty());
  CHECK(ok.err.find("1 lattice events checked, 1 other messages skipped, 0 errors") !=
        std::string::npos);

  auto fail = RunEvtape({"lint", dir / "bad.jsonl"});
  CHECK(fail.exit_code == 1);
  CHECK(fail.out.rfind("line 2 wasmbus.evt.default.health_check_passed error source-host-id: ",
                       0) == 0);

  auto json = RunEvtape({"lint", "--json", dir / "bad.jsonl"});
  CHECK(json.exit_code == 1);
  Json finding = Json::parse(json.out.substr(0, json.out.find('\n')));
  CHECK(finding["line"] == 2);
  CHECK(finding["rule"] == "source-host-id");
  CHECK(finding["severity"] == "error");

  // Recording input reports seq numbers.
  REQUIRE(RunEvtape({"import", dir / "bad.jsonl", "-o", dir / "rec"}).exit_code == 0);
  auto rec = RunEvtape({"lint", dir / "rec"});
  CHECK(rec.exit_code == 1);
  CHECK(rec.out.rfind("seq 2 ", 0) == 0);

  // Warnings alone exit 0; --errors-only hides them.
  Msg warn = WithEvent([](Json& j) { j["data"]["message"] = "ok"; });
  testutil::WriteFile(dir / "warn.jsonl", Json{{"subject", kSubject},
                                               {"time", "2024-08-06T14:02:21Z"},
                                               {"payload", Json::parse(warn.payload)}}
                                                  .dump() +
                                              "\n");
  auto w = RunEvtape({"lint", dir / "warn.jsonl"});
  CHECK(w.exit_code == 0);
  CHECK(w.out.find("warning data-unknown") != std::string::npos);
  CHECK(RunEvtape({"lint", "--errors-only", dir / "warn.jsonl"}).out.empty());
}

TEST_CASE("lint CLI: torn recordings exit 3, corrupt ones 1, naming the file", "[lint][cli]") {
  testutil::TempDir dir;
  const std::string seg = "/000001.seg";
  for (const char* name : {"torn", "flipped"}) {
    std::filesystem::copy(wasmtest::FixtureRecording("multi-host-rolling"), dir / name);
  }
  std::string bytes = testutil::ReadFile(dir / "torn" + seg);
  testutil::WriteFile(dir / "torn" + seg, bytes.substr(0, bytes.size() / 2));
  bytes[bytes.size() / 3] = static_cast<char>(bytes[bytes.size() / 3] ^ 0x55);
  testutil::WriteFile(dir / "flipped" + seg, bytes);

  auto torn = RunEvtape({"lint", dir / "torn"});
  CHECK(torn.exit_code == 3);
  CHECK(torn.out.empty());  // what could be read is clean
  CHECK(torn.err.find(dir / "torn" + seg + ": offset") != std::string::npos);
  CHECK(torn.err.find("frames lost") != std::string::npos);
  CHECK(torn.err.find("frames were lost before they could be checked") != std::string::npos);

  auto flipped = RunEvtape({"lint", dir / "flipped"});
  CHECK(flipped.exit_code == 1);
  CHECK(flipped.err.find(dir / "flipped" + seg) != std::string::npos);
}

TEST_CASE("lint CLI: bad input", "[lint][cli]") {
  testutil::TempDir dir;
  auto missing = RunEvtape({"lint", dir / "nope"});
  CHECK(missing.exit_code == 1);
  CHECK(missing.err.find(dir / "nope") != std::string::npos);
  auto none = RunEvtape({"lint"});
  CHECK(none.exit_code == 2);
  CHECK(none.err ==
        "evtape lint: missing the recording or FILE.jsonl to lint (see 'evtape lint --help')\n");
  auto bogus = RunEvtape({"lint", "--bogus", dir.path()});
  CHECK(bogus.exit_code == 2);
  CHECK(bogus.err.find("--bogus") != std::string::npos);
  CHECK(std::count(bogus.err.begin(), bogus.err.end(), '\n') == 1);
  testutil::WriteFile(dir / "garbage", "not a segment");
  auto garbage = RunEvtape({"lint", dir / "garbage"});
  CHECK(garbage.exit_code == 1);
  CHECK(garbage.err.find(dir / "garbage") != std::string::npos);
  CHECK(std::count(garbage.err.begin(), garbage.err.end(), '\n') == 1);
  testutil::WriteFile(dir / "broken.jsonl", "{\"seq\":1}\nnot json\n");
  auto broken = RunEvtape({"lint", dir / "broken.jsonl"});
  CHECK(broken.exit_code == 1);
  CHECK(broken.err.find("broken.jsonl: line 1: field") != std::string::npos);
}

}  // namespace
}  // namespace evtape
