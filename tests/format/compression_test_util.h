// Helpers for tests of chunk compression strategies (format's and the recorder's): a writer
// run with gaps, flushes and polls, and the codec of every chunk of a sealed segment.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "format/segment_writer.h"
#include "tests/format/format_test_util.h"

namespace evtape::testing {

// Writes frames with a gap after every 500th and a Flush after every 300th; seals. With
// `pause_every`, `pause` is called with true / false for alternate runs of that many frames.
format::WriterStats WriteWithStrategy(MemFileSystem* fs, const std::string& path,
                                      const std::vector<format::Frame>& frames,
                                      const format::WriterOptions& options,
                                      size_t pause_every = 0,
                                      const std::function<void(bool)>& pause = {});

// Codec byte of every chunk, from the footer's chunk index.
std::vector<uint8_t> ChunkCodecs(MemFileSystem* fs, const std::string& path);

}  // namespace evtape::testing
