// lint and redact on a hostile recording: deeply nested JSON, non-UTF-8, binary and huge
// payloads, wrong types, identifiers hidden in keys, replies, headers, gaps and metadata.
// Never a crash; redact leaves no original identifier in any byte of its output.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "wasmcloud/ids.h"
#include "format/recording.h"
#include "format/segment_writer.h"
#include "tests/testutil/testutil.h"
#include "tests/wasmcloud/wasm_test_util.h"

namespace evtape {
namespace {

using testutil::RunEvtape;

const std::string kHost = "NCRRYBV5IY7DSI54DKW33ZELC2LWYCAHC43TXAM2A2HTFN5GWOFWWEKL";
// Appears only in the segment metadata's subscriptions.
const std::string kMetaHost = "NDAVYAUJ5QWQVELH5SHGLIMN5O7F4VJS7PXKFE7YBPEUF3UQQ3AXDDLL";
const std::string kConfig = "secret-db-config";

std::string ConfigSet(const std::string& host, const std::string& config) {
  return R"({"specversion":"1.0","id":"019127ff-7e72-ea1f-e27a-984d654821d0","type":"com.wasmcloud.lattice.config_set","source":")" +
         host +
         R"(","datacontenttype":"application/json","time":"2024-08-06T14:02:21.170190511Z","data":{"config_name":")" +
         config + "\"}}";
}

struct HostileFrame {
  std::string subject, reply, headers, payload;
};

std::vector<HostileFrame> HostileFrames() {
  const std::string evt = "wasmbus.evt.default.config_set";
  std::string deep =
      "{\"a\":" + std::string(200000, '[') + "\"" + kHost + "\"" + std::string(200000, ']') + "}";
  return {
      {evt, "", "", ConfigSet(kHost, kConfig)},
      {"inventory.default.state", "", "", "{\"hosts\":{\"" + kHost + "\":{\"seen\":1}}}"},
      {evt, "", "", std::string("\xff\xfe", 2) + kHost + std::string("\0", 1) + kConfig + "\x01"},
      {evt, "", "", deep},
      {evt, "", "", "{\"x\":\"\xff" + kHost + "\"}"},
      {evt, "", "", "{\"blob\":\"" + std::string(4 << 20, 'x') + " " + kHost + "\"}"},
      {evt, "", "",
       R"({"specversion":1,"id":[],"type":{},"source":null,"datacontenttype":2,"time":[],"data":"x"})"},
      {"wasmbus.ctl.v1.default.host.get." + kHost, "_INBOX." + kHost,
       "NATS/1.0\r\nX-Host: " + kHost + "\r\n\r\n", "{}"},
      {"wasmbus.evt.default.fake\nseq 1 forged", "", "", "x"},
      {"ops.notes", "", "", "glued" + kHost + "tail"},  // an nkey inside a longer word
  };
}

// Writes the frames above (and a gap) as one sealed segment whose metadata names kMetaHost.
void WriteHostileRecording(const std::string& dir) {
  std::filesystem::create_directories(dir);
  format::Metadata m;
  m.recording_id = "01J4KZYQ0E7AH0WMFK1Q6AFVHS";
  m.tool = "test";
  m.source = "nats://10.1.2.3:4222";
  m.host = "build-box-7";
  m.subscriptions = {"wasmbus.evt.default.>", "wasmbus.ctl.v1.default.host.get." + kMetaHost};
  m.segment_index = 1;
  m.created_ns = 1722952941000000000;
  auto w = format::SegmentWriter::Create(FileSystem::Default(), format::SegmentPath(dir, 1), m,
                                         format::WriterOptions());
  REQUIRE(w.ok());
  uint64_t seq = 0;
  for (const HostileFrame& f : HostileFrames()) {
    format::FrameView v;
    v.seq = ++seq;
    v.time_ns = v.mono_ns = m.created_ns + static_cast<int64_t>(seq) * 1000000;
    v.subject = f.subject;
    v.reply = f.reply;
    v.headers = f.headers;
    v.payload = f.payload;
    REQUIRE((*w)->Add(v).ok());
  }
  format::Gap g;
  g.start_ns = m.created_ns + 20000000;
  g.end_ns = g.start_ns + 1000000;
  g.after_seq = seq;
  g.detail = "lost while " + kHost + " was away";
  REQUIRE((*w)->AddGap(g).ok());
  REQUIRE((*w)->Seal().ok());
}

TEST_CASE("hostile recording: lint reports, never crashes, one line per finding",
          "[lint][hostile]") {
  testutil::TempDir dir;
  WriteHostileRecording(dir / "in");
  auto r = RunEvtape({"lint", dir / "in"});
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("seq 4 wasmbus.evt.default.config_set error payload-json: payload nests "
                   "deeper than") != std::string::npos);
  CHECK(r.out.find("seq 7 wasmbus.evt.default.config_set error envelope-source") !=
        std::string::npos);
  // The subject with a newline cannot forge a line of its own.
  CHECK(r.out.find("\nseq 1 forged") == std::string::npos);
  CHECK(r.out.find("seq 9 wasmbus.evt.default.fake?seq 1 forged") != std::string::npos);
  auto json = RunEvtape({"lint", "--json", dir / "in"});
  CHECK(json.exit_code == 1);
  size_t pos = 0;
  while (pos < json.out.size()) {
    size_t nl = json.out.find('\n', pos);
    CHECK_NOTHROW(nlohmann::json::parse(json.out.substr(pos, nl - pos)));
    pos = nl + 1;
  }
}

TEST_CASE("hostile recording: redact leaves no original in any byte and is deterministic",
          "[redact][hostile]") {
  testutil::TempDir dir;
  WriteHostileRecording(dir / "in");
  auto r = RunEvtape({"redact", dir / "in", "-o", dir / "out", "--seed", "5"});
  REQUIRE(r.exit_code == 0);
  const std::vector<std::string> originals = {kHost, kMetaHost, kConfig, "build-box-7", "10.1.2.3"};
  std::string raw = wasmtest::ReadAllBytes(dir / "out");  // metadata, footer, gaps as stored
  std::string cat = RunEvtape({"cat", dir / "out"}).out;  // every frame and gap, decompressed
  for (const std::string& o : originals) {
    INFO(o);
    CHECK(raw.find(o) == std::string::npos);
    CHECK(cat.find(o) == std::string::npos);
  }
  auto before = HostileFrames();
  auto after = wasmtest::ReadFrames(dir / "out");
  REQUIRE(after.size() == before.size());
  for (size_t i = 0; i < after.size(); ++i) {
    INFO("frame " << i + 1);
    for (const std::string* field :
         {&after[i].subject, &after[i].reply, &after[i].headers, &after[i].payload}) {
      CHECK(field->find(kHost) == std::string::npos);
      CHECK(field->find(kConfig) == std::string::npos);
    }
  }
  // Too deep for a JSON rewrite: handled as text, same length, the key replaced in place.
  CHECK(after[3].payload.size() == before[3].payload.size());
  // The metadata keeps its shape with a consistent replacement, and loses server and host.
  auto segments = format::ListSegments(FileSystem::Default(), dir / "out");
  REQUIRE(segments.ok());
  auto meta = format::ReadMetadata(FileSystem::Default(), segments->front());
  REQUIRE(meta.ok());
  REQUIRE(meta->subscriptions.size() == 2);
  const std::string prefix = "wasmbus.ctl.v1.default.host.get.";
  REQUIRE(meta->subscriptions[1].rfind(prefix, 0) == 0);
  CHECK(wasmcloud::ids::IsValidNkey(meta->subscriptions[1].substr(prefix.size()), 'N'));
  CHECK(meta->source.empty());
  CHECK(meta->host.empty());

  REQUIRE(RunEvtape({"redact", dir / "in", "-o", dir / "again", "--seed", "5"}).exit_code == 0);
  CHECK(wasmtest::ReadAllBytes(dir / "again") == raw);
  CHECK(RunEvtape({"lint", dir / "out"}).exit_code == 1);  // still reported, still no crash
}

}  // namespace
}  // namespace evtape
