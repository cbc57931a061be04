// Fuzz target: any bytes as a segment file, read in every mode.
// Invariants: nothing crashes or leaks; the strict read is a prefix of the skip-damage read, and
// equal to it when strict ended without an error; Next() and NextBatch() return the same
// entries and stats; the FrameSource readers (RecordingReader, ReadAheadReader) return exactly
// what SegmentReader does; stats count what was returned and reported (frames, gaps, issues).
#include <cstddef>
#include <cstdint>

#include "format/read_ahead.h"
#include "format/recording.h"
#include "fuzz/fuzz_util.h"
#include "fuzz/read_util.h"
#include "tests/format/mem_fs.h"

using namespace evtape;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  testing::MemFileSystem fs;
  const std::string path = "000001.seg";
  fs.files[path] = std::string(reinterpret_cast<const char*>(data), size);

  fuzz::ReadOutcome strict =
      fuzz::ReadSegment(&fs, path, format::Recovery::kStrict, fuzz::ReadMode::kNext);
  fuzz::ReadOutcome skip =
      fuzz::ReadSegment(&fs, path, format::Recovery::kSkipDamage, fuzz::ReadMode::kNext);
  fuzz::ReadOutcome batch =
      fuzz::ReadSegment(&fs, path, format::Recovery::kSkipDamage, fuzz::ReadMode::kBatch);
  fuzz::CheckCounts(skip);
  fuzz::CheckCounts(batch);
  if (strict.status.ok()) fuzz::CheckCounts(strict);
  fuzz::CheckPrefix(strict, skip);
  if (strict.status.ok()) FUZZ_CHECK(strict.items == skip.items);
  fuzz::CheckSame(skip, batch);

  // The same bytes as a real file, through the FrameSource implementations.
  fuzz::ScratchDir::Clear();
  std::string file = fuzz::ScratchDir::WriteFile(path, fs.files[path]);
  format::ReaderOptions options;
  options.recovery = format::Recovery::kSkipDamage;
  auto recording = format::RecordingReader::Open(FileSystem::Default(), {file}, options);
  FUZZ_CHECK(recording.ok());
  fuzz::ReadOutcome via_source = fuzz::ReadSource(recording->get());
  FUZZ_CHECK(via_source.items == skip.items);
  if (skip.status.ok()) FUZZ_CHECK(via_source.status.ok());
  auto ahead = format::ReadAheadReader::Open(FileSystem::Default(), {file}, options, 2);
  FUZZ_CHECK(ahead.ok());
  fuzz::ReadOutcome via_ahead = fuzz::ReadSource(ahead->get());
  FUZZ_CHECK(via_ahead.items == skip.items);
  FUZZ_CHECK(via_ahead.status.ok() == via_source.status.ok());
  return 0;
}
