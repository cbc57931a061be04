// The messages `evtape lint` reads: frames of a recording (directory or segment files), or lines
// of a JSONL file in the `cat`/`import` format (docs/jsonl.md) so that hand-written fixtures can
// be linted before they are imported. Gap lines/records are skipped.
//
// Not thread-safe; views in LintItem stay valid until the next Next().
#pragma once

#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>

#include "format/recording.h"
#include "jsonl/codec.h"

namespace evtape::wasmcloud::lint {

struct LintItem {
  uint64_t where = 0;  // seq for recordings, 1-based line number for JSONL
  std::string_view subject, reply, headers, payload;
};

class LintInput {
 public:
  // "FILE.jsonl" (or "-" for stdin) reads JSONL; anything else is opened as a recording.
  // Errors: NotFound / IOError / InvalidArgument naming the path.
  static Result<std::unique_ptr<LintInput>> Open(const std::string& path,
                                                 format::Reporter* reporter);
  bool is_jsonl() const { return jsonl_; }
  // true with an item, false at the end. Errors: Corruption (recording, or a JSONL line that is
  // not a frame: the message names the line and the field), IOError.
  Result<bool> Next(LintItem* item);

 private:
  Result<bool> NextLine(LintItem* item);
  bool jsonl_ = false;
  std::string path_;
  std::unique_ptr<format::RecordingReader> reader_;
  std::ifstream file_;
  std::istream* in_ = nullptr;
  uint64_t line_no_ = 0;
  jsonl::JsonlDecoder decoder_;
  std::string line_;
  format::Frame frame_;
};

}  // namespace evtape::wasmcloud::lint
