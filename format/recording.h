// A recording is a directory of segment files (NNNNNN.seg, plus NNNNNN.seg.open for one being
// written or left by a crash), or a single segment file. Every tool accepts either.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "format/frame_source.h"
#include "format/segment_reader.h"

namespace evtape::format {

// The segment files of `path` in index order: the file itself, or the directory's segments.
// Errors: NotFound, InvalidArgument ("no segments" for a directory without any).
Result<std::vector<std::string>> ListSegments(FileSystem* fs, const std::string& path);
// The same for several inputs, in argument order.
Result<std::vector<std::string>> ListSegments(FileSystem* fs, const std::vector<std::string>& paths);

// The index in a segment file name ("000017.seg" -> 17), or -1 if it is not one.
int64_t SegmentIndexOf(const std::string& name);
// True for "NNNNNN.seg.compacting" (see kCompactingSuffix).
bool IsCompactionTemp(const std::string& name);
// dir/NNNNNN.seg for an index.
std::string SegmentPath(const std::string& dir, uint32_t index);

// What a directory holds, for `record -o DIR` and every verb that writes a recording.
enum class DirState { kMissing, kEmpty, kRecording, kOther };
Result<DirState> InspectDir(FileSystem* fs, const std::string& dir);
// 1 + the largest segment index in dir (1 for an empty or missing directory).
Result<uint32_t> NextSegmentIndex(FileSystem* fs, const std::string& dir);

// Reads the segments of one or more inputs in order, as one stream of entries. Issues of all
// segments go to options.reporter. Not thread-safe; views valid until the next Next() (for
// NextBatch: as long as the batch keeps its buffers).
class RecordingReader : public FrameSource {
 public:
  // Lists the segments of every input. Errors: those of ListSegments (NotFound, InvalidArgument
  // naming the input). Everything else (a file that is not a segment, damage) comes from Next().
  static Result<std::unique_ptr<RecordingReader>> Open(FileSystem* fs,
                                                       const std::vector<std::string>& inputs,
                                                       const ReaderOptions& options);
  Result<bool> Next(Entry* entry) override;
  // SegmentReader::NextBatch across the segments: one gap or the rest of one chunk per call.
  // What ReadAheadReader builds on; other callers read through Next().
  Result<bool> NextBatch(EntryBatch* batch);
  // The inputs as given (joined by spaces when several).
  const std::string& name() const override { return name_; }
  // The reader of the segment the last entry came from (null before the first Next()).
  const SegmentReader* current() const { return reader_.get(); }
  const std::vector<std::string>& segments() const { return segments_; }
  // Totals over the segments finished so far and the current one; `sealed` is true when every
  // segment read so far ends with a valid footer.
  ReadStats stats() const override;

 private:
  RecordingReader(FileSystem* fs, std::string name, std::vector<std::string> segments,
                  const ReaderOptions& o);
  template <typename ReadFn>
  Result<bool> Read(ReadFn read);
  Result<std::unique_ptr<SegmentReader>> OpenListed(const std::string& path);
  FileSystem* fs_;
  std::string name_;
  std::vector<std::string> segments_;
  ReaderOptions options_;
  size_t next_segment_ = 0;
  std::unique_ptr<SegmentReader> reader_;
  ReadStats done_stats_;
};

}  // namespace evtape::format
