// JsonlSource: a JSON lines file (docs/jsonl.md), or standard input, read as a FrameSource: one
// frame or gap per line, in file order. This is the one line loop of evtape: every verb that
// reads JSON lines reads them through it, so all agree on blank lines, line numbers and errors.
//
// Lines are split on '\n'; a last line without one still counts. Blank lines (IsBlankLine) are
// skipped but counted. Entry::offset is the 1-based line number of the entry. Frames and gaps
// are decoded by JsonlDecoder (defaults for seq, mono_ns and after_seq as it documents).
//
// Errors name the file ("stdin" for standard input) and the line, and are final (every later
// Next() returns the same error): InvalidArgument "FILE: line N: field 'F': what" for a line
// that does not decode, or that is longer than kMaxLineBytes (refused before it is decoded, so
// hostile input cannot exhaust memory); IOError for a read failure. A malformed line is never
// skipped: a JSON lines file is written and reviewed by people, and a line it holds that cannot
// be read is a mistake to fix, not damage to read past.
//
// Not thread-safe. Views in an Entry point into the source and stay valid until the next Next().
// Reads in blocks; memory is one block plus the longest line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "format/frame_source.h"
#include "jsonl/codec.h"

namespace evtape::jsonl {

class JsonlSource final : public format::FrameSource {
 public:
  // A 64 MiB payload as escaped text, with its headers and subject, fits; nothing real is longer.
  static constexpr size_t kMaxLineBytes = size_t{512} << 20;

  // Opens `path`; "-" is standard input (not closed by the destructor). Errors: NotFound /
  // IOError "PATH: cannot open: why", InvalidArgument for a directory.
  static Result<std::unique_ptr<JsonlSource>> Open(const std::string& path);
  ~JsonlSource() override;
  JsonlSource(const JsonlSource&) = delete;
  JsonlSource& operator=(const JsonlSource&) = delete;

  Result<bool> Next(format::Entry* entry) override;
  // The path as given, or "stdin".
  const std::string& name() const override { return name_; }
  // Frames and gaps decoded so far.
  format::ReadStats stats() const override { return stats_; }
  // Lines read so far, blank ones included.
  uint64_t lines() const { return line_no_; }

 private:
  JsonlSource(int fd, bool owns_fd, std::string name);
  // The next line, without its '\n', viewing the buffer until the next call; false at the end.
  Result<bool> ReadLine(std::string_view* line);
  // Makes room after the unsplit bytes and reads more; sets eof_ at the end of the input.
  Status Fill();
  Result<bool> Fail(Status s);

  int fd_;
  bool owns_fd_;
  std::string name_;
  std::string buf_;  // input; [begin_, end_) is not split into lines yet
  size_t begin_ = 0, end_ = 0;
  size_t scanned_ = 0;  // [begin_, scanned_) holds no '\n' (a long line is scanned once)
  bool eof_ = false;
  bool ended_ = false;
  uint64_t line_no_ = 0;
  JsonlDecoder decoder_;
  format::Frame frame_;  // the last frame decoded: what the last entry's views point into
  format::ReadStats stats_;
  Status error_;
};

}  // namespace evtape::jsonl
