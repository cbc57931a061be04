#include "tests/offline/offline_test_util.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>

#include "wasmcloud/event_stats.h"
#include "format/recording.h"
#include "format/segment_writer.h"

namespace evtape::offline_test {

std::vector<format::Frame> MakeFrames(size_t n) {
  static const char* const kTypes[] = {"com.wasmcloud.lattice.host_heartbeat",
                                       "com.wasmcloud.lattice.component_scaled",
                                       "com.wasmcloud.lattice.health_check_passed"};
  std::vector<format::Frame> out;
  for (size_t i = 0; i < n; ++i) {
    format::Frame f;
    f.seq = i + 1;
    f.time_ns = kT0 + static_cast<int64_t>(i) * 10'000'000;
    f.mono_ns = 5'000'000'000 + static_cast<int64_t>(i) * 10'000'000;
    const char* type = kTypes[i % 3];
    f.subject = i % 2 == 0 ? "wasmbus.evt.default.host_heartbeat" : "wasmbus.evt.default.other";
    std::string source = i % 4 < 2 ? "NAHOSTONE" : "NBHOSTTWO";
    f.payload = std::string(R"({"specversion":"1.0","id":"01J)") + std::to_string(i) +
                R"(","type":")" + type + R"(","source":")" + source +
                R"(","datacontenttype":"application/json","data":{"n":)" + std::to_string(i) +
                R"(,"labels":{"a":"b"}}})";
    if (i % 7 == 3) f.payload = std::string("\x00\xff\x01binary\x80", 10);
    if (i % 11 == 5) f.payload.clear();
    if (i % 5 == 2) {
      f.headers = "NATS/1.0\r\nX-Key: 1\r\nx-key: 2\r\nX-Key: three\r\n\r\n";
      f.reply = "_INBOX.reply." + std::to_string(i);
    }
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<std::string> WriteRecording(const std::string& dir,
                                        const std::vector<format::Frame>& frames,
                                        const WriteSpec& spec) {
  FileSystem* fs = FileSystem::Default();
  REQUIRE(fs->CreateDir(dir).ok());
  std::vector<std::string> paths;
  format::WriterOptions wo;
  wo.chunk_bytes = spec.chunk_bytes;
  std::unique_ptr<format::SegmentWriter> w;
  std::unique_ptr<wasmcloud::EventStats> stats;
  size_t per = spec.frames_per_segment == 0 ? frames.size() + 1 : spec.frames_per_segment;
  auto open = [&](uint64_t first_seq) {
    format::Metadata m;
    m.recording_id = "test-recording";
    m.tool = "evtape test";
    m.source = "nats://127.0.0.1:4222";
    m.segment_index = static_cast<uint32_t>(paths.size() + 1);
    m.first_seq = first_seq;
    m.created_ns = kT0;
    std::string path = format::SegmentPath(dir, m.segment_index);
    auto r = format::SegmentWriter::Create(fs, path, m, wo);
    REQUIRE(r.ok());
    w = std::move(r).value();
    stats = std::make_unique<wasmcloud::EventStats>();
    paths.push_back(path);
  };
  auto seal = [&] {
    REQUIRE(w->Seal(spec.with_stats ? stats->ToJson() : nlohmann::json::object()).ok());
  };
  open(1);
  size_t gap_i = 0;
  for (size_t i = 0; i < frames.size(); ++i) {
    if (i > 0 && i % per == 0) {
      seal();
      open(frames[i].seq);
    }
    REQUIRE(w->Add(frames[i].view()).ok());
    stats->Add(frames[i].view());
    while (gap_i < spec.gaps.size() && spec.gaps[gap_i].first == i) {
      REQUIRE(w->AddGap(spec.gaps[gap_i++].second).ok());
    }
  }
  if (spec.seal_last) {
    seal();
  } else {
    REQUIRE(w->Flush().ok());
    paths.back() = w->open_path();
  }
  w.reset();
  return paths;
}

void FlipByte(const std::string& path, uint64_t offset) {
  std::string data = testutil::ReadFile(path);
  REQUIRE(offset < data.size());
  data[offset] = static_cast<char>(data[offset] ^ 0x5A);
  testutil::WriteFile(path, data);
}

void TruncateTo(const std::string& path, uint64_t size) {
  REQUIRE(::truncate(path.c_str(), static_cast<off_t>(size)) == 0);
}

uint64_t FileSize(const std::string& path) {
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return static_cast<uint64_t>(st.st_size);
}

testutil::ProcResult Evtape(const std::vector<std::string>& args, const std::string& stdin_data) {
  return testutil::RunEvtape(args, std::chrono::seconds(60), {}, stdin_data);
}

size_t CountLines(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

}  // namespace evtape::offline_test
