// JSON lines codec: encoding choices per docs/jsonl.md and exact round trips.
#include "jsonl/codec.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

namespace evtape::jsonl {
namespace {

format::Frame MakeFrame(std::string payload, std::string headers = "") {
  format::Frame f;
  f.seq = 7;
  f.time_ns = 1'795'000'000'123'456'789;
  f.mono_ns = f.time_ns;
  f.subject = "wasmbus.evt.default.host_heartbeat";
  f.headers = std::move(headers);
  f.payload = std::move(payload);
  return f;
}

std::string Line(const format::Frame& f) {
  std::string out;
  EncodeStats st;
  AppendFrameLine(f.view(), &out, &st);
  return out;
}

format::Frame RoundTrip(const format::Frame& f) {
  std::string line = Line(f);
  REQUIRE(line.back() == '\n');
  line.pop_back();
  JsonlDecoder dec;
  auto r = dec.Decode(line, 1);
  INFO(line);
  REQUIRE(r.ok());
  REQUIRE(r->kind == DecodedLine::Kind::kFrame);
  return r->frame;
}

TEST_CASE("base64 round trips and rejects bad input", "[jsonl]") {
  for (std::string s : {std::string(""), std::string("f"), std::string("fo"), std::string("foo"),
                        std::string("\x00\xff\x10\x80", 4)}) {
    std::string enc, dec;
    Base64Encode(s, &enc);
    REQUIRE(Base64Decode(enc, &dec));
    CHECK(dec == s);
  }
  std::string enc;
  Base64Encode("foobar", &enc);
  CHECK(enc == "Zm9vYmFy");
  std::string out;
  CHECK_FALSE(Base64Decode("Zm9", &out));
  CHECK_FALSE(Base64Decode("Zm=v", &out));
  CHECK_FALSE(Base64Decode("Zh==", &out));  // stray bits under the padding
  CHECK_FALSE(Base64Decode("Zm9v YmFy", &out));
}

TEST_CASE("payload forms: canonical JSON embedded, else text, else base64", "[jsonl]") {
  CHECK(Line(MakeFrame(R"({"b":1,"a":[true,null,"x"]})")).find(R"("payload":{"b":1,"a":)") !=
        std::string::npos);
  CHECK(Line(MakeFrame(R"({"a": 1})")).find(R"("payload_text":"{\"a\": 1}")") != std::string::npos);
  CHECK(Line(MakeFrame(R"({"a":1,"a":2})")).find("payload_text") != std::string::npos);
  CHECK(Line(MakeFrame("-0")).find("payload_text") != std::string::npos);
  CHECK(Line(MakeFrame("1.5")).find(R"("payload":1.5)") != std::string::npos);
  CHECK(Line(MakeFrame("1.50")).find("payload_text") != std::string::npos);
  CHECK(Line(MakeFrame("18446744073709551616")).find("payload_text") != std::string::npos);
  CHECK(Line(MakeFrame(R"("\u0041")")).find("payload_text") != std::string::npos);
  CHECK(Line(MakeFrame(std::string("\x00\xff", 2))).find(R"("payload_b64":"AP8=")") !=
        std::string::npos);
  std::string empty = Line(MakeFrame(""));
  CHECK(empty.find("payload") == std::string::npos);
}

TEST_CASE("frames round trip exactly through a line", "[jsonl]") {
  std::vector<format::Frame> frames = {
      MakeFrame(R"({"specversion":"1.0","data":{"x":[1,-2,3.25e-7,"\u001f\n\"é"]}})"),
      MakeFrame(""),
      MakeFrame(std::string("\x00\x01\x02\xfe", 4)),
      MakeFrame("plain text with \"quotes\" and \t tabs"),
      MakeFrame("{}", "NATS/1.0\r\nA: 1\r\na: 2\r\nA: 3\r\n\r\n"),
      MakeFrame("{}", "NATS/1.0\r\nX:no-space\r\nY:  two\r\n\r\n"),
      MakeFrame("{}", "NATS/1.0 503\r\n\r\n"),
      MakeFrame("{}", "NATS/1.0\r\n\r\n"),
      MakeFrame("{}", std::string("NATS/1.0\r\nB: \xff\r\n\r\n")),
      MakeFrame("{}", "garbage without crlf"),
      // Blocks a server passes through whose pairs cannot be imported back (a lone LF or CR
      // inside a name): the raw block must be printed.
      MakeFrame("{}", "NATS/1.0\r\n\nX: y\r\n\r\n"),
      MakeFrame("{}", "NATS/1.0\r\nA\rB: y\r\n\r\n"),
  };
  frames[1].reply = "_INBOX.abc";
  frames[2].mono_ns = 42;
  for (const auto& f : frames) CHECK(RoundTrip(f) == f);
  // Duplicate header keys and order are kept in `headers`; odd spacing needs the raw block.
  CHECK(Line(frames[4]).find(R"("headers":[["A","1"],["a","2"],["A","3"]])") != std::string::npos);
  CHECK(Line(frames[4]).find("headers_raw_b64") == std::string::npos);
  CHECK(Line(frames[5]).find("headers_raw_b64") != std::string::npos);
}

TEST_CASE("gaps round trip", "[jsonl]") {
  format::Gap g;
  g.reason = format::GapReason::kDisconnect;
  g.start_ns = 1'795'000'001'000'000'000;
  g.end_ns = g.start_ns + 2'500'000'000;
  g.after_seq = 41;
  g.detail = "server restarted";
  std::string out;
  EncodeStats st;
  AppendGapLine(g, &out, &st);
  CHECK(out == R"({"gap":{"reason":"disconnect","start":"2026-11-18T11:06:41.000000000Z",)"
               R"("end":"2026-11-18T11:06:43.500000000Z","count":null,"after_seq":41,)"
               R"("detail":"server restarted"}})"
               "\n");
  out.pop_back();
  JsonlDecoder dec;
  auto r = dec.Decode(out, 1);
  REQUIRE(r.ok());
  CHECK(r->gap == g);
}

TEST_CASE("decoder errors name the line and the field", "[jsonl]") {
  struct Case {
    const char* line;
    const char* message;
  } cases[] = {
      {"nope", "line 3: not valid JSON"},
      {"[1]", "line 3: not a JSON object"},
      {R"({"time":"2026-01-01T00:00:00Z"})", "line 3: field 'subject': missing"},
      {R"({"subject":"a"})", "line 3: field 'time': missing"},
      {R"({"subject":"a","time":"yesterday"})", "line 3: field 'time': 'yesterday' is not"},
      {R"({"subject":"a","time":"2026-01-01T00:00:00Z","seq":0})", "line 3: field 'seq':"},
      {R"({"subject":"a","time":"2026-01-01T00:00:00Z","paylod":1})",
       "line 3: field 'paylod': unknown field"},
      {R"({"subject":"a","time":"2026-01-01T00:00:00Z","payload_b64":"!!"})",
       "line 3: field 'payload_b64': not valid base64"},
      {R"({"subject":"a","time":"2026-01-01T00:00:00Z","payload":1,"payload_text":"x"})",
       "line 3: field 'payload_text': only one of"},
      {R"({"subject":"a","time":"2026-01-01T00:00:00Z","headers":[["a:b","c"]]})",
       "line 3: field 'headers[0]':"},
      {R"({"gap":{"reason":"meteor","start":"2026-01-01T00:00:00Z","end":"2026-01-01T00:00:00Z"}})",
       "line 3: field 'gap.reason': unknown reason 'meteor'"},
  };
  for (const auto& c : cases) {
    JsonlDecoder dec;
    auto r = dec.Decode(c.line, 3);
    INFO(c.line);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message().rfind(c.message, 0) == 0);
  }
  JsonlDecoder dec;
  REQUIRE(dec.Decode(R"({"seq":5,"subject":"a","time":"2026-01-01T00:00:00Z"})", 1).ok());
  auto r = dec.Decode(R"({"seq":5,"subject":"a","time":"2026-01-01T00:00:00Z"})", 2);
  CHECK(r.status().message() ==
        "line 2: field 'seq': must be greater than the previous "
        "frame's seq 5");
  auto next = dec.Decode(R"({"subject":"a","time":"2026-01-01T00:00:00+01:00"})", 3);
  REQUIRE(next.ok());
  CHECK(next->frame.seq == 6);
  CHECK(dec.Decode(std::string(100000, '['), 4).status().message() == "line 4: nested too deeply");
}

}  // namespace
}  // namespace evtape::jsonl
