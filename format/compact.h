// Compaction: rewrites a sealed segment into big, strongly compressed chunks, in place.
//
// Why: a live recorder must hand every frame to the OS within its flush interval, so at a
// trickle (a lattice's few events per second) each flush writes a chunk of one or two frames,
// and chunks that small compress poorly. Once a segment is sealed nothing more is added to it:
// compaction then reads it back and writes the same frames, gaps, metadata and footer
// statistics as chunks of up to 16 MiB in the columnar layout at zstd's strongest regular
// level, which compresses the segment as well as an offline archiver would (FORMAT.md,
// "Compression").
//
// Safety: the copy is written beside the segment (NNNNNN.seg.compacting), synced, and renamed
// over it, then the directory is synced. Readers therefore see the old file or the new one,
// never a mix (one that has the old file open keeps reading it); a crash leaves the old file
// and a stray .compacting file, which RemoveCompactionLeftovers deletes. A segment that does
// not read back cleanly is left alone.
//
// Threads: CompactSegment may run on any thread; `cancel` may be set from another.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "format/file.h"
#include "format/status.h"
#include "format/types.h"

namespace evtape::format {

struct CompactOptions {
  int zstd_level = 19;
  size_t chunk_bytes = 16u << 20;
  bool group_payloads = true;
  const std::atomic<bool>* cancel = nullptr;  // checked between chunks; may be null
};

struct CompactResult {
  bool compacted = false;  // false: skipped (not worth it) and left as it was
  uint64_t bytes_before = 0, bytes_after = 0;
};

// Whether compacting a sealed segment would gain much: its chunks average under 1 MiB of
// content, or some were stored uncompressed, and it was not compacted before.
bool WorthCompacting(const Metadata& metadata, const Footer& footer);

// Compacts the sealed segment at `path` when WorthCompacting says so (or `force`). Errors:
// those of reading (a segment that does not read back cleanly is refused with Corruption and
// left alone) and writing; Cancelled when `cancel` was set. On any error the segment is
// unchanged and the .compacting copy removed.
Result<CompactResult> CompactSegment(FileSystem* fs, const std::string& path,
                                     const CompactOptions& options, bool force = false);

// Removes NNNNNN.seg.compacting files a crash left in `dir`.
Status RemoveCompactionLeftovers(FileSystem* fs, const std::string& dir);

}  // namespace evtape::format
