// SegmentReader: reads one segment file, sealed or not, intact or damaged.
//
// The footer is never required: a segment cut off anywhere reads back every complete chunk and
// reports a torn tail. Every problem goes to the Reporter with its offset, the bytes dropped
// and the frames lost (exact, from sequence numbers, when the surrounding records tell). The
// caller picks the policy: kStrict returns a Corruption error at the first damaged record (a
// torn tail is not an error), kSkipDamage resynchronises on the next valid record header and
// continues. A frame is only returned after its whole chunk verified, so damage never yields a
// wrong frame. Sizes read from the file are checked against caps before any allocation.
//
// Not thread-safe. Views returned by Next() stay valid until the next Next() or NextBatch();
// views returned by NextBatch() as long as their EntryBatch keeps its buffers.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "format/chunk.h"
#include "format/file.h"
#include "format/segment_format.h"
#include "format/types.h"

namespace evtape::format {

struct ReadIssue {
  enum class Kind {
    kTornTail,     // the file ends inside a record: a crash or a full disk, not corruption
    kUnsealed,     // the file ends on a record boundary but has no footer (0 bytes dropped)
    kCorruption,   // damaged bytes in the middle of the file
    kUnsupported,  // a record type this version does not know
  };
  Kind kind = Kind::kCorruption;
  std::string file;
  uint64_t offset = 0;  // first damaged byte
  uint64_t bytes_dropped = 0;
  std::optional<uint64_t> frames_lost;  // exact when known
  std::string reason;                   // short fixed text, e.g. "checksum mismatch"
  // When frames_lost is unknown, what is known at least (a torn chunk's own frames: the chunks
  // after it, if there were any, are gone too). Never printed as an exact count.
  uint64_t min_frames_lost = 0;
};
const char* IssueKindName(ReadIssue::Kind k);

class Reporter {
 public:
  virtual ~Reporter() = default;
  virtual void OnIssue(const ReadIssue& issue) = 0;
};

enum class Recovery { kStrict, kSkipDamage };

struct ReaderOptions {
  Recovery recovery = Recovery::kStrict;
  uint64_t max_chunk_raw_bytes = kMaxChunkRawBytes;  // lower it to bound memory further
  Reporter* reporter = nullptr;                      // not owned; may be null
  // Also check each zstd chunk's decompressed content against its raw_crc (ChunkDecoder::
  // Checks::zstd_content). The stored bytes of every record are always checked, which is
  // what catches damage on disk; this second check guards against a faulty compressor or
  // memory when the recording was written. `evtape verify` and the offline verbs keep it;
  // replay, CPU-bound at --speed max, turns it off.
  bool verify_zstd_content = true;
};

struct Entry {
  enum class Kind { kFrame, kGap } kind = Kind::kFrame;
  FrameView frame;
  Gap gap;
  uint64_t offset = 0;  // of the record that holds it; a JSON lines source: the line number
};

struct ReadStats {
  uint64_t frames = 0, gaps = 0, chunks = 0;
  uint64_t issues = 0, bytes_dropped = 0;
  uint64_t frames_lost = 0;          // sum of the known counts and known minimums
  bool frames_lost_unknown = false;  // some issue's count could not be derived: a lower bound
  bool torn_tail = false;
  bool corruption = false;
  bool sealed = false;  // a valid footer and trailer end the file
};

// Entries handed out in bulk by NextBatch(), together with the buffers their views point into,
// so the views stay valid for as long as the batch keeps them, whatever the reader does next.
// A batch is a plain value owned by one thread at a time; it may be handed to another thread
// (read-ahead) with the usual synchronisation. The buffers are heap strings behind unique_ptr:
// moving the pointer never moves the bytes, so views stay valid even into short strings.
struct EntryBatch {
  std::vector<Entry> entries;
  std::vector<std::unique_ptr<std::string>> buffers;  // what entries' views point into
  std::vector<std::unique_ptr<std::string>> spare;    // recycled buffers (capacity kept)

  // Drops the entries and recycles the buffers: every view from this batch becomes invalid.
  void Clear();
  // A recycled buffer, or a new empty one.
  std::unique_ptr<std::string> TakeSpare();
};

class SegmentReader {
 public:
  // Opens and checks the file header. Errors: NotFound/IOError, InvalidArgument (not an evtape
  // segment), NotSupported (another format version). A file shorter than its header that is a
  // prefix of one is a torn, empty segment, not an error.
  static Result<std::unique_ptr<SegmentReader>> Open(FileSystem* fs, const std::string& path,
                                                     const ReaderOptions& options);
  ~SegmentReader();

  // The next frame or gap: true, or false at the end. Errors: IOError, and Corruption in
  // kStrict mode.
  Result<bool> Next(Entry* entry);
  // Like Next(), but appends to batch->entries either one gap entry or every remaining frame
  // of the current chunk at once, and moves the buffer those frames' views point into to
  // batch->buffers (replacing it with batch->TakeSpare()). The views stay valid until the
  // batch is cleared or destroyed, across later Next()/NextBatch() calls. Issues are reported
  // and stats() counted exactly as by the Next() calls returning the same entries. May be
  // mixed with Next(). Same errors as Next(); on an error or false nothing is appended.
  Result<bool> NextBatch(EntryBatch* batch);
  // The segment's metadata once read (after the first Next()), if intact.
  const std::optional<Metadata>& metadata() const { return metadata_; }
  const std::optional<Footer>& footer() const { return footer_; }
  const ReadStats& stats() const { return stats_; }
  const std::string& path() const { return file_->path(); }
  uint64_t file_size() const { return size_; }

 private:
  SegmentReader(std::unique_ptr<RandomAccessFile> file, uint64_t size, const ReaderOptions& o);
  Result<bool> ReadRecord(Entry* entry);
  // What reading the record at pos_ found.
  enum class Fetched { kShortHeader, kBadHeader, kBadLength, kTruncated, kWhole };
  // Reads the record at pos_ (header, and body when whole) into header_buf_/h and body_.
  Result<Fetched> Fetch(uint64_t left, RecordHeader* h);
  // Checks a whole record's body CRC; for a chunk also fills checks->stored_crc.
  bool BodyIntact(const RecordHeader& h, ChunkDecoder::Checks* checks) const;
  Status HandleBody(const RecordHeader& h, uint64_t offset, bool crc_ok,
                    const ChunkDecoder::Checks& checks, Entry* entry, bool* produced);
  Status HandleFooter(uint64_t offset);
  Status Issue(ReadIssue::Kind kind, uint64_t offset, uint64_t bytes,
               std::optional<uint64_t> frames, std::string reason, uint64_t min_frames = 0);
  Status Resync(uint64_t from, const std::string& reason);
  void SettlePending(std::optional<uint64_t> next_seq);
  Status Finish();

  std::unique_ptr<RandomAccessFile> file_;
  uint64_t size_;
  ReaderOptions options_;
  uint64_t pos_ = kFileHeaderSize;
  bool done_ = false;
  // An unsealed (".open") segment may be being written right now: damage found in it is read
  // again before it is reported (see ReadRecord).
  bool live_ = false;
  std::optional<Metadata> metadata_;
  std::optional<Footer> footer_;
  std::optional<uint64_t> expected_seq_;  // the seq the next frame should have
  uint64_t frames_accounted_ = 0;         // frames in all chunk headers seen so far, read or not
  Status strict_error_;                   // the corruption that ends a kStrict read
  std::optional<ReadIssue> pending_;      // a resync whose frame count awaits the next chunk
  ChunkDecoder decoder_;
  std::vector<FrameView> frames_;
  size_t next_frame_ = 0;
  uint64_t chunk_offset_ = 0;
  bool frames_in_body_ = false;  // frames_ view body_ (stored chunk), not the decoder's buffer
  std::string header_buf_;
  std::unique_ptr<std::string> body_;  // never null; NextBatch may hand it to a batch
  ReadStats stats_;
};

// Reads only the trailer and footer of a sealed segment: nullopt when there is no valid
// footer (unsealed or damaged), an error only for I/O failures.
Result<std::optional<Footer>> ReadFooter(FileSystem* fs, const std::string& path);
// Reads only the file header and metadata record.
Result<Metadata> ReadMetadata(FileSystem* fs, const std::string& path);

}  // namespace evtape::format
