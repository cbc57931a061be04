// JSON lines inputs of the offline verbs (info, cat, verify, slice, merge), run as the real
// binary: the same results as with the recording `evtape cat` printed them from, stdin, and a
// malformed line (exit 1, one stderr line naming the file and the line, nothing written).
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/offline/offline_test_util.h"

namespace evtape::offline_test {
namespace {

using nlohmann::json;
using testutil::TempDir;

json Json(const std::string& s) {
  auto j = json::parse(s, nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  return j;
}

bool Exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

// A recording (300 frames, one gap) and the same as JSON lines, plus a copy whose line 101 is
// malformed and one that starts with a gap ten seconds before the first frame.
struct Inputs {
  TempDir tmp;
  std::string rec = tmp / "rec", jsonl = tmp / "rec.jsonl", bad = tmp / "bad.jsonl";
  std::string text;  // rec.jsonl's content
  Inputs() {
    WriteSpec spec;
    // Three segments of one second each: boundaries are not lines, and no second is split
    // (info combines per-second rates per segment).
    spec.frames_per_segment = 100;
    format::Gap g;
    g.reason = format::GapReason::kDisconnect;
    g.start_ns = kT0 + 1'005'000'000;
    g.end_ns = g.start_ns + 3'000'000;
    g.count = 4;
    g.after_seq = 101;
    g.detail = "server restarted";
    spec.gaps = {{100, g}};
    WriteRecording(rec, MakeFrames(300), spec);
    auto cat = Evtape({"cat", rec});
    REQUIRE(cat.exit_code == 0);
    text = cat.out;
    REQUIRE(CountLines(text) == 301);
    testutil::WriteFile(jsonl, text);
    size_t at = 0;
    for (int i = 0; i < 100; ++i) at = text.find('\n', at) + 1;
    testutil::WriteFile(
        bad, text.substr(0, at) + R"({"subject":"a","time":"noon"})" + "\n" + text.substr(at));
  }
};

// The one stderr line of a verb stopped by bad.jsonl's line 101.
void CheckMalformed(const testutil::ProcResult& r, const std::string& verb,
                    const std::string& file) {
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK(CountLines(r.err) == 1);
  CHECK(r.err.rfind("evtape " + verb + ": " + file + ": line 101: field 'time': 'noon'", 0) == 0);
}

TEST_CASE("cat of JSON lines prints what cat of the recording prints", "[jsonl-input][cat]") {
  Inputs in;
  auto same = [&](std::vector<std::string> args) {
    std::vector<std::string> a = {"cat", in.rec}, b = {"cat", in.jsonl};
    a.insert(a.end(), args.begin(), args.end());
    b.insert(b.end(), args.begin(), args.end());
    auto ra = Evtape(a), rb = Evtape(b);
    INFO(rb.err);
    CHECK(ra.exit_code == 0);
    CHECK(rb.exit_code == 0);
    CHECK(rb.out == ra.out);
    return rb.out;
  };
  CHECK(same({}) == in.text);
  CHECK(CountLines(same({"--from", "1s", "--to", "1500ms"})) == 51);  // 50 frames and the gap
  CHECK(CountLines(same({"--type", "com.wasmcloud.lattice.host_heartbeat", "--limit", "7"})) == 7);
  same({"--payload-only", "--subject", "wasmbus.evt.*.other"});
  // stdin, and several inputs one after the other.
  auto piped = Evtape({"cat", "-"}, in.text);
  CHECK(piped.exit_code == 0);
  CHECK(piped.out == in.text);
  auto twice = Evtape({"cat", in.jsonl, in.rec});
  CHECK(twice.out == in.text + in.text);

  // Relative times count from the first frame, not from a gap line before it.
  testutil::WriteFile(in.tmp / "gap-first.jsonl",
                      R"({"gap":{"reason":"restart","start":"2026-11-18T11:06:30Z",)"
                      R"("end":"2026-11-18T11:06:31Z","count":null}})"
                      "\n" +
                          in.text);
  auto window = Evtape({"cat", in.tmp / "gap-first.jsonl", "--from", "1s", "--to", "1500ms"});
  CHECK(window.exit_code == 0);
  CHECK(window.out == Evtape({"cat", in.rec, "--from", "1s", "--to", "1500ms"}).out);

  auto bad = Evtape({"cat", in.bad});
  CheckMalformed(bad, "cat", in.bad);
  CHECK(CountLines(bad.out) == 100);  // what came before the bad line
  CheckMalformed(Evtape({"cat", "--skip-corrupt", in.bad}), "cat", in.bad);  // never skipped
  auto stdin_bad = Evtape({"cat", "-"}, testutil::ReadFile(in.bad));
  CheckMalformed(stdin_bad, "cat", "stdin");
}

TEST_CASE("info of JSON lines reports what a scan finds, without segments", "[jsonl-input][info]") {
  Inputs in;
  auto rec = Evtape({"info", in.rec, "--json"});
  auto lines = Evtape({"info", in.jsonl, "--json"});
  REQUIRE(rec.exit_code == 0);
  REQUIRE(lines.exit_code == 0);
  json a = Json(rec.out), b = Json(lines.out);
  for (const char* key : {"start", "end", "duration_ns", "messages", "raw_bytes", "rate",
                          "subjects", "types", "sources", "non_cloudevent", "gaps", "issues"}) {
    INFO(key);
    CHECK(b[key] == a[key]);
  }
  CHECK(b["messages"] == 300);
  CHECK(b["gaps"].size() == 1);
  for (const char* key : {"metadata", "segments", "chunks", "stored_bytes", "ratio"}) {
    INFO(key);
    CHECK(a.contains(key));
    CHECK_FALSE(b.contains(key));
  }
  REQUIRE(b["jsonl"].size() == 1);
  CHECK(b["jsonl"][0]["path"] == in.jsonl);
  CHECK(b["jsonl"][0]["lines"] == 301);
  CHECK(b["jsonl"][0]["frames"] == 300);
  CHECK(b["jsonl"][0]["gaps"] == 1);

  auto text = Evtape({"info", in.jsonl});
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find("JSON lines: 1 file, 301 lines\n") != std::string::npos);
  CHECK(text.out.find("Messages:   300\n") != std::string::npos);
  CHECK(text.out.find("Segments:") == std::string::npos);
  CHECK(text.out.find("ratio") == std::string::npos);
  CHECK(text.out.find("com.wasmcloud.lattice.component_scaled") != std::string::npos);

  auto piped = Evtape({"info", "-", "--json"}, in.text);
  REQUIRE(piped.exit_code == 0);
  CHECK(Json(piped.out)["jsonl"][0]["path"] == "stdin");
  CHECK(Json(piped.out)["types"] == a["types"]);

  auto bad = Evtape({"info", in.bad});
  CheckMalformed(bad, "info", in.bad);
  CHECK(bad.out.empty());
}

TEST_CASE("verify of JSON lines checks that every line decodes", "[jsonl-input][verify]") {
  Inputs in;
  auto text = Evtape({"verify", in.jsonl});
  CHECK(text.exit_code == 0);
  CHECK(text.out ==
        "1 JSON lines file (301 lines), 300 frames, 1 gaps, 0 issues, 0 frames lost: clean\n");
  auto rec = Evtape({"verify", in.rec, "--json"});
  auto lines = Evtape({"verify", in.jsonl, "--json"});
  CHECK(lines.exit_code == 0);
  json a = Json(rec.out), b = Json(lines.out);
  for (const char* key : {"frames", "gaps", "raw_bytes", "verdict", "issues"}) {
    INFO(key);
    CHECK(b[key] == a[key]);
  }
  CHECK(b["jsonl_files"] == 1);
  CHECK(b["lines"] == 301);
  CHECK_FALSE(a.contains("jsonl_files"));  // a recording's report is what it was
  auto mixed = Evtape({"verify", in.rec, in.jsonl});
  CHECK(mixed.exit_code == 0);
  CHECK(mixed.out.find("3 segments (3 sealed), 1 JSON lines file (301 lines), 600 frames") == 0);

  auto bad = Evtape({"verify", in.bad});
  CheckMalformed(bad, "verify", in.bad);
  CHECK(bad.out.empty());
  CheckMalformed(Evtape({"verify", "-"}, testutil::ReadFile(in.bad)), "verify", "stdin");
}

TEST_CASE("slice and merge write from JSON lines what they write from the recording",
          "[jsonl-input][slice][merge]") {
  Inputs in;
  const std::vector<std::string> sel = {"--from", "500ms",  "--to",
                                        "2s",     "--type", "com.wasmcloud.lattice.host_heartbeat"};
  auto slice = [&](const std::string& input, const std::string& out,
                   const std::string& stdin_data = "") {
    std::vector<std::string> args = {"slice", input, "-o", out};
    args.insert(args.end(), sel.begin(), sel.end());
    auto r = Evtape(args, stdin_data);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    return Evtape({"cat", out}).out;
  };
  std::string from_rec = slice(in.rec, in.tmp / "s1");
  CHECK(CountLines(from_rec) > 10);
  CHECK(slice(in.jsonl, in.tmp / "s2") == from_rec);
  CHECK(slice("-", in.tmp / "s3", in.text) == from_rec);

  // Another input 5 ms after each frame, as a recording and as JSON lines.
  auto later = MakeFrames(300);
  for (auto& f : later) f.time_ns += 5'000'000;
  WriteRecording(in.tmp / "later", later);
  testutil::WriteFile(in.tmp / "later.jsonl", Evtape({"cat", in.tmp / "later"}).out);
  auto m1 = Evtape({"merge", in.rec, in.tmp / "later", "-o", in.tmp / "m1"});
  auto m2 = Evtape({"merge", in.jsonl, in.tmp / "later.jsonl", "-o", in.tmp / "m2"});
  auto m3 = Evtape({"merge", in.rec, in.tmp / "later.jsonl", "-o", in.tmp / "m3"});
  REQUIRE(m1.exit_code == 0);
  CHECK(m2.exit_code == 0);
  CHECK(m3.exit_code == 0);
  std::string merged = Evtape({"cat", in.tmp / "m1"}).out;
  CHECK(CountLines(merged) == 601);
  CHECK(Evtape({"cat", in.tmp / "m2"}).out == merged);
  CHECK(Evtape({"cat", in.tmp / "m3"}).out == merged);

  // A malformed line writes nothing, wherever it comes in the merge.
  CheckMalformed(Evtape({"slice", in.bad, "-o", in.tmp / "x1"}), "slice", in.bad);
  CheckMalformed(Evtape({"merge", in.tmp / "later", in.bad, "-o", in.tmp / "x2"}), "merge", in.bad);
  CHECK_FALSE(Exists(in.tmp / "x1"));
  CHECK_FALSE(Exists(in.tmp / "x2"));
}

TEST_CASE("stdin is one input, given once", "[jsonl-input][cli]") {
  Inputs in;
  for (const std::vector<std::string>& args : {std::vector<std::string>{"cat", "-", "-"},
                                               {"info", "-", in.rec, "-"},
                                               {"verify", "-", "-"},
                                               {"merge", "-", "-", "-o", in.tmp / "m"}}) {
    auto r = Evtape(args, in.text);
    INFO(args[0] << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(CountLines(r.err) == 1);
    CHECK(r.err.find("'-' (standard input) can be given only once") != std::string::npos);
  }
  CHECK_FALSE(Exists(in.tmp / "m"));
}

}  // namespace
}  // namespace evtape::offline_test
