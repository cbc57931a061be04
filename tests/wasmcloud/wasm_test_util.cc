#include "tests/wasmcloud/wasm_test_util.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "common/cloudevent_peek.h"
#include "format/recording.h"
#include "tests/testutil/testutil.h"

namespace evtape::wasmtest {

std::vector<format::Frame> ReadFrames(const std::string& rec) {
  FileSystem* fs = FileSystem::Default();
  auto segments = format::ListSegments(fs, rec);
  REQUIRE(segments.ok());
  auto reader = format::RecordingReader::Open(fs, *segments, format::ReaderOptions());
  REQUIRE(reader.ok());
  std::vector<format::Frame> frames;
  format::Entry e;
  while (true) {
    auto more = (*reader)->Next(&e);
    REQUIRE(more.ok());
    if (!*more) break;
    if (e.kind == format::Entry::Kind::kFrame) frames.push_back(format::Frame::From(e.frame));
  }
  return frames;
}

std::map<std::string, int> CountTypes(const std::vector<format::Frame>& frames) {
  std::map<std::string, int> counts;
  CloudEventPeek peek;
  for (const auto& f : frames) {
    REQUIRE(PeekCloudEvent(f.payload, &peek));
    REQUIRE(peek.type.rfind("com.wasmcloud.lattice.", 0) == 0);
    counts[peek.type.substr(22)]++;
  }
  return counts;
}

std::string ReadAllBytes(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) names.push_back(e.path());
  std::sort(names.begin(), names.end());
  std::string all;
  for (const auto& n : names) all += testutil::ReadFile(n);
  return all;
}

}  // namespace evtape::wasmtest
