// Replay input: one or more recordings (directories or segment files) read as one stream of
// frames in time order. Frames of different inputs are merged by receive time; on equal times
// the input named first goes first; within one input the recorded order is always kept (even
// if its clock stepped back), so the merge never reorders a recording.
//
// Damage policy: a torn tail is normal (reported, not an error). Mid-file corruption ends the
// read with a Corruption error unless skip_corrupt is set, in which case the damaged chunks are
// skipped and reported. Gap records are not returned as frames; they go to the sink.
//
// Not thread-safe. A FrameView returned by Next() stays valid until the next call to Next() or
// Rewind() on the same MergedInput. On machines with 4+ cores each input is decoded one chunk
// ahead on its own background thread (format::ReadAheadReader), else on the caller's thread;
// either way the sink is called on the caller's thread, from inside Open(), Next() and
// Rewind().
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "format/read_ahead.h"

namespace evtape::replay {

class InputSink {
 public:
  virtual ~InputSink() = default;
  virtual void OnReadIssue(const format::ReadIssue& issue) = 0;
  virtual void OnGap(const std::string& input, const format::Gap& gap) = 0;
};

class MergedInput {
 public:
  // Opens every input and reads up to its first frame. Errors: NotFound (missing path),
  // InvalidArgument (not a recording), NotSupported, IOError, Corruption (strict mode).
  static Result<std::unique_ptr<MergedInput>> Open(const std::vector<std::string>& inputs,
                                                   bool skip_corrupt, InputSink* sink);
  ~MergedInput();

  // The next frame in merged order: true, or false at the end.
  Result<bool> Next(format::FrameView* frame);
  // Starts again from the beginning of every input (for --loop).
  Status Rewind();
  // The earliest receive time over all inputs (0 when every input is empty).
  int64_t first_time_ns() const { return first_time_ns_; }
  bool empty() const { return first_time_ns_ == 0 && !any_frame_; }

 private:
  struct Source;
  MergedInput(std::vector<std::string> inputs, bool skip_corrupt, InputSink* sink);
  Status OpenAll();
  Status Advance(Source* s);

  std::vector<std::string> inputs_;
  bool skip_corrupt_;
  InputSink* sink_;
  std::vector<std::unique_ptr<Source>> sources_;
  Source* last_ = nullptr;  // the source whose head was returned last; advanced lazily
  int64_t first_time_ns_ = 0;
  bool any_frame_ = false;
};

}  // namespace evtape::replay
