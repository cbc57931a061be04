#include "tests/format/compression_test_util.h"

#include <catch2/catch.hpp>

namespace evtape::testing {

format::WriterStats WriteWithStrategy(MemFileSystem* fs, const std::string& path,
                                      const std::vector<format::Frame>& frames,
                                      const format::WriterOptions& options, size_t pause_every,
                                      const std::function<void(bool)>& pause) {
  auto w = format::SegmentWriter::Create(fs, path, TestMetadata(), options);
  REQUIRE(w.ok());
  for (size_t i = 0; i < frames.size(); ++i) {
    if (pause_every > 0 && i % pause_every == 0) pause((i / pause_every) % 2 == 0);
    REQUIRE((*w)->Add(frames[i].view()).ok());
    if (i % 500 == 499) {
      format::Gap g{
          format::GapReason::kOverflow, frames[i].time_ns, frames[i].time_ns, 3, 0, "test"};
      REQUIRE((*w)->AddGap(g).ok());
    }
    if (i % 300 == 299) REQUIRE((*w)->Flush().ok());
    if (i % 7 == 0) REQUIRE((*w)->Poll().ok());
  }
  REQUIRE((*w)->Seal().ok());
  return (*w)->stats();
}

std::vector<uint8_t> ChunkCodecs(MemFileSystem* fs, const std::string& path) {
  auto footer = format::ReadFooter(fs, path);
  REQUIRE(footer.ok());
  REQUIRE(footer->has_value());
  const std::string& bytes = fs->files.at(path);
  std::vector<uint8_t> codecs;
  for (const auto& c : (*footer)->chunks) {
    REQUIRE(c.offset + format::kRecordHeaderSize < bytes.size());
    codecs.push_back(static_cast<uint8_t>(bytes[c.offset + format::kRecordHeaderSize]));
  }
  return codecs;
}

}  // namespace evtape::testing
