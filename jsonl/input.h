// What a reading verb reads, opened by path as one FrameSource: a recording directory, a
// segment file, an evtape bundle (format/bundle.h: read in place like a directory), a JSON lines
// file (a name ending in ".jsonl"), or standard input ("-", read as JSON lines). Every verb
// that reads frames opens its inputs here, so each accepts all of them. It lives in jsonl/
// because this is the library that knows both formats.
//
// Several inputs are opened up front, in argument order, so a missing or unreadable one fails
// before anything is read (and a writing verb writes nothing); then they are read one after the
// other (Combine::kConcatenate) or merged by receive time (Combine::kMerge, MergedSource's
// order: ties in argument order).
//
// Errors: NotFound / InvalidArgument naming the input (missing path, a directory without
// segments or a directory named .jsonl), InvalidArgument when "-" is given more than once
// (standard input can be read only once). Thread-compatible: plain functions.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "format/frame_source.h"

namespace evtape::jsonl {

// True for inputs read as JSON lines: "-" and names ending in ".jsonl".
bool IsJsonlInput(const std::string& path);

struct InputOptions {
  // Recordings only (a malformed JSON line is always an error): what to do about damage, and
  // whether to check each zstd chunk's decompressed content (format::ReaderOptions).
  format::Recovery recovery = format::Recovery::kStrict;
  bool verify_zstd_content = true;
  // > 0: each recording is decoded this many chunks ahead on its own thread (ReadAheadReader).
  size_t read_ahead_chunks = 0;
  format::Reporter* reporter = nullptr;  // not owned; every recording's issues; may be null
};

enum class Combine { kConcatenate, kMerge };

Result<std::unique_ptr<format::FrameSource>> OpenInput(const std::string& path,
                                                       const InputOptions& options);
// One input is returned as OpenInput opens it (nothing to combine).
Result<std::unique_ptr<format::FrameSource>> OpenInputs(const std::vector<std::string>& paths,
                                                        Combine combine,
                                                        const InputOptions& options);

// The segment files of the recordings among `paths`, in order (JSON lines inputs have none):
// where a verb that writes a recording finds the metadata to carry over. Errors: ListSegments'.
Result<std::vector<std::string>> RecordingSegments(const std::vector<std::string>& paths);

}  // namespace evtape::jsonl
