// evtape redact: no original identifier survives, lint clean, same counts, seeded determinism,
// subjects rewritten consistently with payloads, rules files.
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "wasmcloud/ids.h"
#include "tests/testutil/testutil.h"
#include "tests/wasmcloud/wasm_test_util.h"
#include "wasmcloud/redact_map.h"

namespace evtape {
namespace {

using Json = nlohmann::json;
using testutil::RunEvtape;

void CollectStrings(const Json& v, const std::string& key, std::set<std::string>* out,
                    std::set<std::string>* nkeys) {
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (wasmcloud::ids::LooksLikeNkey(s)) nkeys->insert(s);
    if (key == "host_id" || key == "friendly_name" || key == "config_name" || key == "source") {
      out->insert(s);
    }
  } else if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (it.key() == "labels") {
        for (auto l = it->begin(); l != it->end(); ++l) {
          if (l.key().rfind("hostcore.", 0) != 0) out->insert(l.value());
        }
      } else if (it.key() == "source_config" || it.key() == "target_config") {
        for (const auto& c : *it) out->insert(c);
      } else {
        CollectStrings(it.value(), it.key(), out, nkeys);
      }
    }
  } else if (v.is_array()) {
    for (const auto& e : v) CollectStrings(e, key, out, nkeys);
  }
}

// The identifiers redact must remove: host ids, nkeys, friendly names, label values, configs.
std::set<std::string> Identifiers(const std::vector<format::Frame>& frames) {
  std::set<std::string> ids, nkeys;
  for (const auto& f : frames) CollectStrings(Json::parse(f.payload), "", &ids, &nkeys);
  ids.insert(nkeys.begin(), nkeys.end());
  return ids;
}

std::multiset<std::string> LintRules(const std::string& rec) {
  auto r = RunEvtape({"lint", "--json", rec});
  std::multiset<std::string> rules;
  size_t pos = 0;
  while (pos < r.out.size()) {
    size_t nl = r.out.find('\n', pos);
    rules.insert(Json::parse(r.out.substr(pos, nl - pos))["rule"].get<std::string>());
    pos = nl + 1;
  }
  return rules;
}

TEST_CASE("redact: fixtures keep no original identifier, lint the same, same counts", "[redact]") {
  testutil::TempDir dir;
  for (const std::string& name : wasmtest::kFixtures) {
    INFO("fixture " << name);
    const std::string in = wasmtest::FixtureRecording(name), out = dir / name;
    auto r = RunEvtape({"redact", in, "-o", out, "--seed", "42"});
    REQUIRE(r.exit_code == 0);
    auto before = wasmtest::ReadFrames(in);
    auto after = wasmtest::ReadFrames(out);
    REQUIRE(after.size() == before.size());
    std::set<std::string> originals = Identifiers(before);
    CHECK(originals.size() >= 3);  // at least a host id, a friendly name, a key
    std::string cat = RunEvtape({"cat", out}).out;
    std::string bytes = wasmtest::ReadAllBytes(out);
    for (const std::string& id : originals) {
      if (id.size() < 4) continue;  // too short to search meaningfully
      INFO("identifier " << id);
      CHECK(cat.find(id) == std::string::npos);
      CHECK(bytes.find(id) == std::string::npos);
    }
    CHECK(wasmtest::CountTypes(after) == wasmtest::CountTypes(before));
    CHECK(LintRules(out) == LintRules(in));  // clean stays clean; spec-only stays reported
    // The story is kept: as many distinct hosts, same subjects, times and seqs.
    std::set<std::string> sources_before, sources_after;
    for (size_t i = 0; i < before.size(); ++i) {
      CHECK(after[i].seq == before[i].seq);
      CHECK(after[i].time_ns == before[i].time_ns);
      CHECK(after[i].subject == before[i].subject);
      sources_before.insert(Json::parse(before[i].payload)["source"].get<std::string>());
      sources_after.insert(Json::parse(after[i].payload)["source"].get<std::string>());
    }
    CHECK(sources_after.size() == sources_before.size());
    for (const auto& s : sources_after) CHECK(wasmcloud::ids::IsValidNkey(s, 'N'));
  }
}

TEST_CASE("redact: same seed same bytes, another seed other bytes", "[redact]") {
  testutil::TempDir dir;
  const std::string in = wasmtest::FixtureRecording("multi-host-rolling");
  REQUIRE(RunEvtape({"redact", in, "-o", dir / "a", "--seed", "7"}).exit_code == 0);
  REQUIRE(RunEvtape({"redact", in, "-o", dir / "b", "--seed", "7"}).exit_code == 0);
  REQUIRE(RunEvtape({"redact", in, "-o", dir / "c", "--seed", "8"}).exit_code == 0);
  CHECK(wasmtest::ReadAllBytes(dir / "a") == wasmtest::ReadAllBytes(dir / "b"));
  CHECK(wasmtest::ReadAllBytes(dir / "a") != wasmtest::ReadAllBytes(dir / "c"));
}

TEST_CASE("redact: synth output stays lint clean with the same counts", "[redact]") {
  testutil::TempDir dir;
  REQUIRE(RunEvtape({"synth", "--hosts", "4", "--components", "8", "--providers", "4", "--duration",
                     "10m", "--churn", "20", "--seed", "3", "-o", dir / "s"})
              .exit_code == 0);
  REQUIRE(RunEvtape({"redact", dir / "s", "-o", dir / "r"}).exit_code == 0);
  auto lint = RunEvtape({"lint", dir / "r"});
  CHECK(lint.exit_code == 0);
  CHECK(lint.out.empty());
  auto before = wasmtest::ReadFrames(dir / "s");
  auto after = wasmtest::ReadFrames(dir / "r");
  CHECK(wasmtest::CountTypes(after) == wasmtest::CountTypes(before));
  std::string cat = RunEvtape({"cat", dir / "r"}).out;
  for (const std::string& id : Identifiers(before)) {
    INFO(id);
    CHECK(cat.find(id) == std::string::npos);
  }
}

TEST_CASE("redact: subjects, replies, headers, gap details and error texts follow payloads",
          "[redact]") {
  testutil::TempDir dir;
  const std::string host = "NCRRYBV5IY7DSI54DKW33ZELC2LWYCAHC43TXAM2A2HTFN5GWOFWWEKL";
  std::string event =
      R"({"specversion":"1.0","id":"019127ff-7e72-ea1f-e27a-984d654821d0","type":"com.wasmcloud.lattice.config_deleted","source":")" +
      host +
      R"(","datacontenttype":"application/json","time":"2024-08-06T14:02:21.170190511Z","data":{"config_name":"secret-db-config"}})";
  std::string lines =
      R"({"seq":1,"time":"2024-08-06T14:02:21.170390511Z","subject":"wasmbus.evt.default.config_deleted","payload":)" +
      event + "}\n" +
      R"({"seq":2,"time":"2024-08-06T14:02:22.000000000Z","subject":"wasmbus.ctl.v1.default.component.scale.)" +
      host + R"(","reply":"_INBOX.)" + host + R"(","headers":[["X-Host",")" + host +
      R"("]],"payload_text":"error: config secret-db-config missing on )" + host + "\"}\n" +
      R"({"gap":{"reason":"other","start":"2024-08-06T14:02:23.000000000Z","end":"2024-08-06T14:02:24.000000000Z","count":null,"after_seq":2,"detail":"lost while )" +
      host + " was away\"}}\n";
  testutil::WriteFile(dir / "in.jsonl", lines);
  REQUIRE(RunEvtape({"import", dir / "in.jsonl", "-o", dir / "in"}).exit_code == 0);
  REQUIRE(RunEvtape({"redact", dir / "in", "-o", dir / "out"}).exit_code == 0);
  std::string cat = RunEvtape({"cat", dir / "out"}).out;
  CHECK(cat.find(host) == std::string::npos);
  CHECK(cat.find("secret-db-config") == std::string::npos);
  CHECK(wasmtest::ReadAllBytes(dir / "out").find(host) == std::string::npos);
  auto frames = wasmtest::ReadFrames(dir / "out");
  REQUIRE(frames.size() == 2);
  std::string new_host = Json::parse(frames[0].payload)["source"];
  CHECK(wasmcloud::ids::IsValidNkey(new_host, 'N'));
  CHECK(frames[1].subject == "wasmbus.ctl.v1.default.component.scale." + new_host);
  CHECK(frames[1].reply == "_INBOX." + new_host);
  CHECK(frames[1].headers.find(new_host) != std::string::npos);
  std::string new_config = Json::parse(frames[0].payload)["data"]["config_name"];
  CHECK(frames[1].payload == "error: config " + new_config + " missing on " + new_host);
  CHECK(cat.find("lost while " + new_host + " was away") != std::string::npos);
}

TEST_CASE("redact: everyday words as label values never touch subjects, types, times or keys",
          "[redact]") {
  testutil::TempDir dir;
  // host-lifecycle with user labels whose values are words of the wire format, a year, and a
  // prefix of another word; plus an error text that mentions one of them.
  const std::map<std::string, std::string> extra = {
      {"app", "cloud"},       {"kind", "data"}, {"layer", "core"}, {"net", "lattice"},
      {"probe", "heartbeat"}, {"role", "host"}, {"tier", "gold"},  {"year", "2026"}};
  std::string source = testutil::ReadFile(wasmtest::FixtureSource("host-lifecycle"));
  std::string lines;
  size_t pos = 0;
  while (pos < source.size()) {
    size_t nl = source.find('\n', pos);
    auto line = nlohmann::ordered_json::parse(source.substr(pos, nl - pos));
    pos = nl + 1;
    auto& data = line["payload"]["data"];
    if (data.contains("labels")) {
      std::map<std::string, std::string> labels = data["labels"];
      labels.insert(extra.begin(), extra.end());  // sorted, like the host's
      data["labels"] = labels;
    }
    lines += line.dump() + "\n";
  }
  lines += R"({"seq":99,"time":"2026-07-30T15:00:00.000000000Z","subject":"ops.notes",)"
           R"("payload_text":"golden image on the gold tier, 2026 host data"})"
           "\n";
  testutil::WriteFile(dir / "in.jsonl", lines);
  REQUIRE(RunEvtape({"import", dir / "in.jsonl", "-o", dir / "in"}).exit_code == 0);
  auto lint_in = RunEvtape({"lint", dir / "in"});
  REQUIRE(lint_in.exit_code == 0);
  REQUIRE(lint_in.out.empty());
  REQUIRE(RunEvtape({"redact", dir / "in", "-o", dir / "out"}).exit_code == 0);
  auto lint_out = RunEvtape({"lint", dir / "out"});
  CHECK(lint_out.exit_code == 0);
  CHECK(lint_out.out.empty());
  auto before = wasmtest::ReadFrames(dir / "in");
  auto after = wasmtest::ReadFrames(dir / "out");
  REQUIRE(after.size() == before.size());
  for (size_t i = 0; i + 1 < after.size(); ++i) {
    INFO("seq " << after[i].seq);
    CHECK(after[i].subject == before[i].subject);
    auto a = nlohmann::ordered_json::parse(after[i].payload);
    auto b = nlohmann::ordered_json::parse(before[i].payload);
    for (const char* attr : {"specversion", "id", "type", "datacontenttype", "time"}) {
      CHECK(a[attr] == b[attr]);
    }
    std::vector<std::string> keys_a, keys_b;
    for (auto it = a["data"].begin(); it != a["data"].end(); ++it) keys_a.push_back(it.key());
    for (auto it = b["data"].begin(); it != b["data"].end(); ++it) keys_b.push_back(it.key());
    CHECK(keys_a == keys_b);
    if (!a["data"].contains("labels")) continue;
    CHECK(a["data"]["labels"]["hostcore.os"] == "linux");
    for (const auto& [key, value] : extra) {
      INFO(key);
      CHECK(a["data"]["labels"][key] != value);  // the label values themselves are replaced
    }
  }
  // In free text only whole words that are not wire vocabulary go: "gold" but not "golden",
  // "host" or "data"; "2026" has no letter and stays.
  const std::string& notes = after.back().payload;
  std::string gold = nlohmann::json::parse(after[0].payload)["data"]["labels"]["tier"];
  CHECK(notes == "golden image on the " + gold + " tier, 2026 host data");
}

TEST_CASE("redact: rules add and drop fields by JSON pointer", "[redact]") {
  testutil::TempDir dir;
  const std::string in = wasmtest::FixtureRecording("app-deploy");
  testutil::WriteFile(dir / "rules.json",
                      R"({"add":["/data/component_id","/data/annotations/wasmcloud.dev~1appspec"],)"
                      R"("drop":["/data/labels/*"]})");
  auto r = RunEvtape({"redact", in, "-o", dir / "out", "--rules", dir / "rules.json"});
  REQUIRE(r.exit_code == 0);
  std::string cat = RunEvtape({"cat", dir / "out"}).out;
  CHECK(cat.find("rust_hello_world-http_component") == std::string::npos);
  CHECK(cat.find("\"rust-hello-world\"") == std::string::npos);
  CHECK(cat.find("redacted-1") != std::string::npos);
  CHECK(cat.find("us-east-1") != std::string::npos);  // labels kept
  CHECK(RunEvtape({"lint", dir / "out"}).exit_code == 0);

  wasmcloud::redact::RuleSet rules = wasmcloud::redact::DefaultRules();
  CHECK_FALSE(wasmcloud::redact::ApplyRulesJson(Json::parse(R"({"add":["data"]})"), &rules).ok());
  CHECK_FALSE(wasmcloud::redact::ApplyRulesJson(Json::parse(R"({"remove":[]})"), &rules).ok());
  std::vector<std::string> tokens;
  CHECK(wasmcloud::redact::ParsePointer("/a~1b/c~0d/*", &tokens));
  CHECK(tokens == std::vector<std::string>{"a/b", "c~d", "*"});
}

TEST_CASE("redact: bad invocations", "[redact][cli]") {
  testutil::TempDir dir;
  const std::string in = wasmtest::FixtureRecording("host-lifecycle");
  testutil::WriteFile(dir / "bad.json", "{\"add\": [1]}");
  testutil::WriteFile(dir / "notjson.json", "{");
  struct Case {
    std::vector<std::string> args;
    int code;
    std::string needle;
  };
  std::vector<Case> cases = {
      {{"redact", in}, 2, "output"},
      {{"redact", "-o", dir / "x"}, 2, "missing the recording"},
      {{"redact", in, "-o", dir / "x", "--seed", "-1"}, 2, "--seed '-1'"},
      {{"redact", in, "-o", dir / "x", "--bogus"}, 2, "bogus"},
      {{"redact", in, "-o", dir / "bad.json/out"}, 1, "bad.json/out"},
      {{"redact", in, wasmtest::FixtureRecording("failures"), "-o", dir / "x"},
       1,
       "not one recording (seq 1 after 7)"},
      {{"redact", in, "-o", dir / "x", "--rules", dir / "bad.json"}, 2, "--rules"},
      {{"redact", in, "-o", dir / "x", "--rules", dir / "notjson.json"}, 2, "not valid JSON"},
      {{"redact", in, "-o", dir / "x", "--rules", dir / "missing.json"}, 1, "missing.json"},
      {{"redact", dir / "nothing", "-o", dir / "x"}, 1, "nothing"},
      {{"redact", in, "-o", in}, 2, "-o"},
      {{"redact", in, "-o", dir / "x", "--seed", "abc"}, 2, "seed"},
  };
  for (const auto& c : cases) {
    INFO(c.needle);
    auto r = RunEvtape(c.args);
    CHECK(r.exit_code == c.code);
    CHECK(r.err.find(c.needle) != std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK_FALSE(std::filesystem::exists(dir / "x"));  // a failed run leaves nothing behind
  }
}

}  // namespace
}  // namespace evtape
