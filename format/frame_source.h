// FrameSource: the one interface for reading frames and gaps in order, whatever holds them: a
// recording (RecordingReader), a recording decoded ahead on a thread (ReadAheadReader), a JSON
// lines file (jsonl::JsonlSource), or several of those (ConcatSource here, MergedSource in
// format/merged_source.h). Verbs read through it and never branch on what they read.
//
// Problems that do not stop the read (torn tails, damage skipped in kSkipDamage mode) reach the
// Reporter given when the source was opened, each naming its file (ReadIssue::file); problems
// that do stop it come back from Next() as a Status naming the file.
//
// Contract of every implementation: not thread-safe (one caller thread; the Reporter is called
// on it, from inside Next()). Views in an Entry stay valid until the next call to Next() on the
// same source. Once Next() returned false it keeps returning false.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "format/segment_reader.h"

namespace evtape::format {

class FrameSource {
 public:
  virtual ~FrameSource() = default;
  // The next frame or gap: true, or false at the end. Errors: IOError, Corruption (damaged
  // recording in kStrict mode), InvalidArgument (a malformed JSON line), each naming the file.
  virtual Result<bool> Next(Entry* entry) = 0;
  // What the last entry was read from, as the user named it (recording directory, segment file,
  // JSON lines file, "stdin"), for messages. Before the first entry: the first input.
  virtual const std::string& name() const = 0;
  // Totals of what was read so far (frames, gaps, issues, ...).
  virtual ReadStats stats() const = 0;
};

// Adds `part` to `total`: counts summed, torn_tail/corruption/frames_lost_unknown OR-ed, sealed
// AND-ed (a whole is sealed when every part is; start from sealed = true).
void AddReadStats(ReadStats* total, const ReadStats& part);

// Several sources read one after the other, in the given order. Errors are those of the source
// being read.
class ConcatSource : public FrameSource {
 public:
  explicit ConcatSource(std::vector<std::unique_ptr<FrameSource>> sources);
  Result<bool> Next(Entry* entry) override;
  const std::string& name() const override;
  ReadStats stats() const override;

 private:
  std::vector<std::unique_ptr<FrameSource>> sources_;
  size_t current_ = 0;
};

// A source read ahead up to its first frame when opened, so that its start (the first frame's
// receive time, which relative --from/--to count from) is known before anything is consumed.
// Next() then yields exactly what the source yields, in order: the gaps before the first frame
// (kept as copies), the first frame (its views still point into the source, which is not read
// again until the next call), then the rest. Reading stdin only once is why this exists rather
// than a second pass. stats() are the source's, so they include what was read ahead.
class PeekedSource : public FrameSource {
 public:
  // Errors: those of source->Next() before the first frame.
  static Result<std::unique_ptr<PeekedSource>> Open(std::unique_ptr<FrameSource> source);
  // The first frame's receive time; nullopt when the source holds no frame.
  std::optional<int64_t> first_time_ns() const { return first_time_ns_; }
  Result<bool> Next(Entry* entry) override;
  const std::string& name() const override;
  ReadStats stats() const override { return source_->stats(); }

 private:
  struct Held {
    Entry entry;
    std::string name;  // the source's name() when it was read
  };
  explicit PeekedSource(std::unique_ptr<FrameSource> source) : source_(std::move(source)) {}
  std::unique_ptr<FrameSource> source_;
  std::vector<Held> held_;  // what was read ahead, the first frame (if any) last
  size_t next_held_ = 0;
  bool ended_ = false;    // the source ended while reading ahead
  bool passing_ = false;  // everything held was handed out: Next() is the source's
  std::optional<int64_t> first_time_ns_;
};

}  // namespace evtape::format
