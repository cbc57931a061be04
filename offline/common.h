// What the offline verbs (info, cat, import, verify, recover, slice, merge) share: read-issue
// collection and wording, the output rules of every verb that writes a recording, and
// OpenOutput, the recording writer of every verb that writes a recording.
//
// Output rules (every writing verb): -o is required; it must not be (or lie inside) an input;
// it must not be an existing non-empty directory or a file. Violations are usage errors.
//
// Not thread-safe; one verb invocation owns each object.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "format/recording.h"
#include "format/recording_writer.h"

namespace evtape::offline {

inline constexpr uint64_t kDefaultSegmentBytes = 256ull << 20;
inline constexpr int kOfflineZstdLevel = 19;
inline constexpr size_t kOfflineChunkBytes = 16u << 20;

// Collects every issue a reader reports, in order.
class IssueLog : public format::Reporter {
 public:
  void OnIssue(const format::ReadIssue& issue) override { issues.push_back(issue); }
  std::vector<format::ReadIssue> issues;
};

// "FILE: offset N: torn_tail (truncated record), 120 bytes dropped, 3 frames lost"
std::string DescribeIssue(const format::ReadIssue& issue);
// True when the issue may have cost frames (a known non-zero count, or an unknown count with
// bytes dropped).
bool LostFrames(const format::ReadIssue& issue);
// 0 when no issue lost frames, else 3 (the exit code of a verb that completed anyway).
int LossExitCode(const std::vector<format::ReadIssue>& issues);

// Buffered stdout for data output: frames are appended to buffer() and written in large
// blocks (no per-frame flush). SIGPIPE is ignored while one exists; a closed pipe (`| head`)
// ends output quietly (closed() true, error() empty); other write errors set error().
class StdoutWriter {
 public:
  StdoutWriter();
  ~StdoutWriter();
  std::string& buffer() { return buf_; }
  // Writes the buffer once it holds `threshold` bytes; false once output is impossible.
  bool MaybeFlush(size_t threshold = 1u << 20) { return buf_.size() < threshold || Flush(); }
  bool Flush();
  bool closed() const { return closed_; }
  const std::string& error() const { return error_; }

 private:
  std::string buf_;
  bool closed_ = false;
  std::string error_;
  void (*old_sigpipe_)(int) = nullptr;
};

struct ScanTotals {
  uint64_t segments = 0, sealed = 0, frames = 0, gaps = 0, chunks = 0, raw_bytes = 0;
  uint64_t file_bytes = 0;
};

// Reads every segment with kSkipDamage, calling on_entry for each frame and gap. A segment that
// cannot be opened as one (bad magic, unknown version) becomes an issue covering the whole
// file; I/O errors and errors returned by on_entry stop the scan.
Status ScanSegments(const std::vector<std::string>& segments, IssueLog* log,
                    const std::function<Status(const format::Entry&)>& on_entry,
                    ScanTotals* totals);

// The segments of the inputs, in order; errors name the input ("REC: no such file...").
Result<std::vector<std::string>> InputSegments(const std::vector<std::string>& inputs);

// Checks -o against the output rules; the message names -o and what to do.
Status CheckOutputPath(const std::string& out, const std::vector<std::string>& inputs);

// Metadata for a derived recording: source/subscriptions/host of the first input segment (when
// readable), tool "evtape <version>", a fresh recording id, extra {"created_by": verb}.
format::Metadata DerivedMetadata(const std::vector<std::string>& segments, const std::string& verb);

// The writer of every offline verb's output recording (format::RecordingWriter): frames keep
// their seqs, segments rotate at kDefaultSegmentBytes, footers carry the CloudEvent statistics
// `info` shows, and compression is deterministic (the same input gives the same bytes).
// Nothing is created until the first entry (or Close), so a verb failing early leaves nothing.
Result<std::unique_ptr<format::RecordingWriter>> OpenOutput(const std::string& dir,
                                                           format::Metadata metadata,
                                                           int zstd_level = kOfflineZstdLevel);

}  // namespace evtape::offline
