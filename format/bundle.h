// An evtape bundle (`evtape bundle`, docs/bundle.md): one file holding whole files, in practice
// the segment files of one recording (already zstd-compressed, stored as they are) and a few
// small text files describing it. Every reader opens a bundle in place (see OpenBundleMember):
// each segment is a window of the bundle file, read by the ordinary segment reader; nothing
// is extracted.
//
// Layout (integers little-endian):
//   magic   "EVTBNDL1"                                    8 bytes
//   entry*  u32 name_len (1..4096), name (UTF-8, relative, no ".." component),
//           u64 size, data[size], u32 masked CRC32C of data
//   end     u32 0, u64 entry count, "EVTBEND1"
// A custom framing rather than tar: segments must be readable in place at a known offset (tar
// readers such as libarchive stream entries and do not expose data offsets), each entry carries
// a checksum, and truncation is detected (the end record). Segment files carry their own chunk
// CRCs; the entry CRC is checked by Extract and by ReadBundleIndex when asked.
//
// Errors: InvalidArgument "not an evtape bundle" (wrong magic); Corruption naming the file for
// a truncated or malformed bundle ("truncated at byte N"); IOError naming the file.
// Thread-compatible; a BundleWriter is used by one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "format/file.h"

namespace evtape::format {

inline constexpr char kBundleMagic[] = "EVTBNDL1";
inline constexpr char kBundleEndMagic[] = "EVTBEND1";
inline constexpr uint32_t kBundleVersion = 1;
// The names segment entries have: "segments/NNNNNN.seg".
inline constexpr char kBundleSegmentDir[] = "segments/";

struct BundleEntry {
  std::string name;
  uint64_t offset = 0;  // of the data in the bundle file
  uint64_t size = 0;
  uint32_t masked_crc = 0;
};

// True when `path` is a regular file that starts with the bundle magic.
bool IsBundle(const std::string& path);

// The entries of a bundle, in file order. verify_crc reads every byte to check the entry CRCs.
Result<std::vector<BundleEntry>> ReadBundleIndex(const std::string& path, bool verify_crc);

// Reads one small entry (at most 1 MiB) in full, checking its CRC.
Result<std::string> ReadBundleEntry(const std::string& path, const BundleEntry& entry);

// A bundle reads like a directory: its entries are BUNDLE/NAME ("repro.evtape/segments/
// 000001.seg"), which FileSystem::Default() opens (a window of the bundle file) and
// ListSegments lists, so every reader of segments reads a bundle in place.
// The member paths of the segment entries, in order. Errors: ReadBundleIndex's;
// InvalidArgument when there is none.
Result<std::vector<std::string>> BundleSegmentPaths(const std::string& bundle);
// Opens BUNDLE/NAME. NotFound when no prefix of `path` is a bundle, or it has no entry NAME.
Result<std::unique_ptr<RandomAccessFile>> OpenBundleMember(const std::string& path);

// Writes a bundle to `path` (which must not exist): entries in the order added, then Finish.
// Nothing is valid until Finish has returned Ok (the end record is written last).
class BundleWriter {
 public:
  static Result<std::unique_ptr<BundleWriter>> Create(const std::string& path);
  Status AddData(const std::string& name, std::string_view data);
  // Copies a file's bytes, streaming.
  Status AddFile(const std::string& name, const std::string& file);
  Status Finish();
  uint64_t bytes() const { return bytes_; }

 private:
  explicit BundleWriter(std::unique_ptr<WritableFile> file) : file_(std::move(file)) {}
  Status Header(const std::string& name, uint64_t size);
  std::unique_ptr<WritableFile> file_;
  uint64_t entries_ = 0, bytes_ = 0;
};

}  // namespace evtape::format
