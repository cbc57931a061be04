#include "format/segment_reader.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>
#include <utility>

#include "format/crc32c.h"
#include "format/records.h"

namespace evtape::format {
namespace {

constexpr size_t kScanWindow = 64 * 1024;
constexpr char kMagicBytes[4] = {'E', 'V', 'R', '\x1a'};

uint64_t BodyCap(uint8_t type) {
  switch (static_cast<RecordType>(type)) {
    case RecordType::kMetadata:
      return kMaxMetadataBytes;
    case RecordType::kFooter:
      return kMaxFooterBytes;
    case RecordType::kGap:
      return kGapFixedSize + 16 + kMaxGapDetail;
    default:
      return kMaxRecordBodyBytes;
  }
}

}  // namespace

const char* IssueKindName(ReadIssue::Kind k) {
  switch (k) {
    case ReadIssue::Kind::kTornTail:
      return "torn_tail";
    case ReadIssue::Kind::kUnsealed:
      return "unsealed";
    case ReadIssue::Kind::kCorruption:
      return "corruption";
    case ReadIssue::Kind::kUnsupported:
      return "unsupported";
  }
  return "unknown";
}

Result<std::unique_ptr<SegmentReader>> SegmentReader::Open(FileSystem* fs, const std::string& path,
                                                           const ReaderOptions& options) {
  EVTAPE_ASSIGN_OR_RETURN(auto file, fs->NewRandomAccessFile(path));
  EVTAPE_ASSIGN_OR_RETURN(uint64_t size, file->Size());
  std::string head;  // the file header and the first record's header
  EVTAPE_RETURN_IF_ERROR(file->Read(0, kFileHeaderSize + kRecordHeaderSize, &head));
  std::unique_ptr<SegmentReader> r(new SegmentReader(std::move(file), size, options));
  if (head.size() < kFileHeaderSize) {
    // A segment cut off while its header was written: torn and empty, if what is there is
    // the start of our magic.
    if (std::memcmp(head.data(), kFileMagic, std::min<size_t>(head.size(), 8)) != 0) {
      return Status::InvalidArgument(path + ": not an evtape segment (bad magic)");
    }
    r->done_ = true;
    r->stats_.torn_tail = true;
    EVTAPE_RETURN_IF_ERROR(
        r->Issue(ReadIssue::Kind::kTornTail, 0, size, std::nullopt, "truncated file header"));
    return r;
  }
  bool unsupported = false;
  std::string why = CheckFileHeader(head, &unsupported);
  if (unsupported) return Status::NotSupported(path + ": " + why);
  if (!why.empty()) {
    if (std::memcmp(head.data(), kFileMagic, 8) != 0 && !FirstRecordIntact(head)) {
      return Status::InvalidArgument(path + ": " + why);
    }
    // The magic or the checksum is damaged but an intact record of ours follows: report the
    // header and read on (a flipped byte must not cost every intact frame after it).
    EVTAPE_RETURN_IF_ERROR(
        r->Issue(ReadIssue::Kind::kCorruption, 0, kFileHeaderSize, 0, "bad file header"));
  }
  return r;
}

SegmentReader::SegmentReader(std::unique_ptr<RandomAccessFile> file, uint64_t size,
                             const ReaderOptions& o)
    : file_(std::move(file)), size_(size), options_(o), body_(std::make_unique<std::string>()) {
  live_ = file_->path().ends_with(kOpenSuffix);
}

SegmentReader::~SegmentReader() = default;

Status SegmentReader::Issue(ReadIssue::Kind kind, uint64_t offset, uint64_t bytes,
                            std::optional<uint64_t> frames, std::string reason,
                            uint64_t min_frames) {
  stats_.issues++;
  stats_.bytes_dropped += bytes;
  if (frames) {
    stats_.frames_lost += *frames;
  } else {
    stats_.frames_lost += min_frames;
    stats_.frames_lost_unknown = true;
  }
  bool damage = kind == ReadIssue::Kind::kCorruption || kind == ReadIssue::Kind::kUnsupported;
  if (kind == ReadIssue::Kind::kCorruption) stats_.corruption = true;
  if (kind == ReadIssue::Kind::kTornTail) stats_.torn_tail = true;
  ReadIssue issue{kind, file_->path(), offset, bytes, frames, reason, frames ? 0 : min_frames};
  if (options_.reporter != nullptr) options_.reporter->OnIssue(issue);
  if (damage && options_.recovery == Recovery::kStrict) {
    std::string msg = file_->path() + ": " + reason + " at offset " + std::to_string(offset);
    if (kind == ReadIssue::Kind::kUnsupported) return Status::NotSupported(msg);
    return Status::Corruption(msg);
  }
  return Status::Ok();
}

Result<bool> SegmentReader::Next(Entry* entry) {
  while (true) {
    if (next_frame_ < frames_.size()) {
      entry->kind = Entry::Kind::kFrame;
      entry->frame = frames_[next_frame_++];
      entry->offset = chunk_offset_;
      stats_.frames++;
      return true;
    }
    if (done_) return false;
    EVTAPE_ASSIGN_OR_RETURN(bool produced, ReadRecord(entry));
    if (produced) return true;
  }
}

void EntryBatch::Clear() {
  entries.clear();
  for (auto& b : buffers) spare.push_back(std::move(b));
  buffers.clear();
}

std::unique_ptr<std::string> EntryBatch::TakeSpare() {
  if (spare.empty()) return std::make_unique<std::string>();
  std::unique_ptr<std::string> b = std::move(spare.back());
  spare.pop_back();
  return b;
}

Result<bool> SegmentReader::NextBatch(EntryBatch* batch) {
  while (true) {
    if (next_frame_ < frames_.size()) {
      const size_t n = frames_.size() - next_frame_;
      batch->entries.reserve(batch->entries.size() + n);
      for (; next_frame_ < frames_.size(); ++next_frame_) {
        Entry& e = batch->entries.emplace_back();
        e.frame = frames_[next_frame_];
        e.offset = chunk_offset_;
      }
      stats_.frames += n;
      // The views outlive this reader's next read only if their buffer does: hand it over.
      // Only that one buffer moves, so a batch holds one chunk's worth of memory.
      if (frames_in_body_) {
        batch->buffers.push_back(std::exchange(body_, batch->TakeSpare()));
      } else {
        batch->buffers.push_back(decoder_.SwapBuffer(batch->TakeSpare()));
      }
      return true;
    }
    if (done_) return false;
    Entry gap;
    EVTAPE_ASSIGN_OR_RETURN(bool produced, ReadRecord(&gap));
    if (produced) {
      batch->entries.push_back(std::move(gap));
      return true;
    }
  }
}

Result<SegmentReader::Fetched> SegmentReader::Fetch(uint64_t left, RecordHeader* h) {
  EVTAPE_RETURN_IF_ERROR(file_->Read(
      pos_, static_cast<size_t>(std::min<uint64_t>(left, kRecordHeaderSize)), &header_buf_));
  if (header_buf_.size() < kRecordHeaderSize) return Fetched::kShortHeader;
  if (!ParseRecordHeader(header_buf_.data(), h)) return Fetched::kBadHeader;
  if (h->body_len > BodyCap(h->type)) return Fetched::kBadLength;
  if (left - kRecordHeaderSize < h->body_len) return Fetched::kTruncated;
  EVTAPE_RETURN_IF_ERROR(file_->Read(pos_ + kRecordHeaderSize, h->body_len, body_.get()));
  if (body_->size() != h->body_len) return Status::IOError(path() + ": file shrank while reading");
  return Fetched::kWhole;
}

bool SegmentReader::BodyIntact(const RecordHeader& h, ChunkDecoder::Checks* checks) const {
  if (h.type != static_cast<uint8_t>(RecordType::kChunk) || body_->size() < kChunkHeaderSize) {
    return BodyCrcMatches(h, *body_);
  }
  // In two parts, so that a stored chunk's content CRC comes with the body CRC (one pass).
  const size_t n = body_->size() - kChunkHeaderSize;
  const uint32_t head = crc32c::Value(body_->data(), kChunkHeaderSize);
  checks->stored_crc = crc32c::Value(body_->data() + kChunkHeaderSize, n);
  return crc32c::Unmask(h.body_crc) == crc32c::Combine(head, *checks->stored_crc, n);
}

// Reads one record at pos_. True when it produced a gap entry; frames are queued in frames_.
Result<bool> SegmentReader::ReadRecord(Entry* entry) {
  if (pos_ >= size_) {
    EVTAPE_RETURN_IF_ERROR(Finish());
    return false;
  }
  const uint64_t left = size_ - pos_;
  RecordHeader h;
  ChunkDecoder::Checks checks;
  checks.zstd_content = options_.verify_zstd_content;
  bool crc_ok = false;
  Fetched f;
  // A segment being written with direct I/O can briefly show a reader stale zeros inside its
  // new end: Linux updates the size of an O_DIRECT append before it drops cached pages of the
  // old last block. So damage in a live segment is read again, a few ms apart, before it is
  // reported. Real damage costs at most kLiveRereads short waits.
  constexpr int kLiveRereads = 3;
  for (int attempt = 0;; ++attempt) {
    EVTAPE_ASSIGN_OR_RETURN(f, Fetch(left, &h));
    if (f == Fetched::kWhole) crc_ok = BodyIntact(h, &checks);
    const bool damaged =
        f == Fetched::kBadHeader || f == Fetched::kBadLength || (f == Fetched::kWhole && !crc_ok);
    if (!damaged || !live_ || attempt == kLiveRereads) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1 << attempt));
  }
  switch (f) {
    case Fetched::kShortHeader:
      done_ = true;
      EVTAPE_RETURN_IF_ERROR(
          Issue(ReadIssue::Kind::kTornTail, pos_, left, std::nullopt, "truncated record header"));
      SettlePending(std::nullopt);
      return false;
    case Fetched::kBadHeader:
      EVTAPE_RETURN_IF_ERROR(Resync(pos_, "bad record header"));
      return false;
    case Fetched::kBadLength:
      EVTAPE_RETURN_IF_ERROR(Resync(pos_, "bad record length"));
      return false;
    case Fetched::kTruncated: {
      const bool is_chunk = h.type == static_cast<uint8_t>(RecordType::kChunk);
      done_ = true;
      if (is_chunk) SettlePending(h.frames_before);
      // Only a torn footer is known to lose nothing (it is the last record). A torn chunk
      // loses its frames and whatever followed it; anything else, an unknown number.
      const bool is_footer = h.type == static_cast<uint8_t>(RecordType::kFooter);
      EVTAPE_RETURN_IF_ERROR(Issue(ReadIssue::Kind::kTornTail, pos_, left,
                                   is_footer ? std::optional<uint64_t>(0) : std::nullopt,
                                   "truncated record", is_chunk ? h.frame_count : 0));
      SettlePending(std::nullopt);
      return false;
    }
    case Fetched::kWhole:
      break;
  }
  const uint64_t offset = pos_;
  pos_ += kRecordHeaderSize + h.body_len;
  bool produced = false;
  EVTAPE_RETURN_IF_ERROR(HandleBody(h, offset, crc_ok, checks, entry, &produced));
  return produced;
}

Status SegmentReader::HandleBody(const RecordHeader& h, uint64_t offset, bool crc_ok,
                                 const ChunkDecoder::Checks& checks, Entry* entry, bool* produced) {
  uint64_t bytes = kRecordHeaderSize + h.body_len;
  auto type = static_cast<RecordType>(h.type);
  if (type == RecordType::kChunk) {
    bool had_pending = pending_.has_value();
    SettlePending(h.frames_before);
    if (!had_pending && h.frames_before > frames_accounted_) {
      // Whole chunks missing with no damaged bytes left behind (cut out at record boundaries).
      uint64_t lost = h.frames_before - frames_accounted_;
      frames_accounted_ = h.frames_before;
      EVTAPE_RETURN_IF_ERROR(
          Issue(ReadIssue::Kind::kCorruption, offset, 0, lost, "frames missing before chunk"));
    }
  }
  switch (type) {
    case RecordType::kChunk: {
      std::string why =
          crc_ok ? decoder_.Decode(h, *body_, options_.max_chunk_raw_bytes, &frames_, checks)
                 : std::string("checksum mismatch");
      if (why.empty() && expected_seq_ && h.first_seq < *expected_seq_) {
        why = "sequence goes backwards";
        frames_.clear();
      }
      frames_accounted_ = h.frames_before + h.frame_count;
      if (!why.empty())
        return Issue(ReadIssue::Kind::kCorruption, offset, bytes, h.frame_count, why);
      next_frame_ = 0;
      chunk_offset_ = offset;
      // Stored chunks are parsed in place; zstd chunks in the decoder's buffer.
      frames_in_body_ = static_cast<Codec>(static_cast<uint8_t>((*body_)[0])) == Codec::kNone;
      stats_.chunks++;
      expected_seq_ = frames_.back().seq + 1;
      return Status::Ok();
    }
    case RecordType::kMetadata: {
      auto m = crc_ok ? DecodeMetadataBody(*body_) : std::nullopt;
      if (!m) return Issue(ReadIssue::Kind::kCorruption, offset, bytes, 0, "bad metadata record");
      if (!metadata_) metadata_ = std::move(*m);
      return Status::Ok();
    }
    case RecordType::kGap: {
      auto g = crc_ok ? DecodeGapBody(*body_) : std::nullopt;
      if (!g) return Issue(ReadIssue::Kind::kCorruption, offset, bytes, 0, "bad gap record");
      entry->kind = Entry::Kind::kGap;
      entry->gap = std::move(*g);
      entry->offset = offset;
      stats_.gaps++;
      *produced = true;
      return Status::Ok();
    }
    case RecordType::kFooter:
      if (!crc_ok) return Issue(ReadIssue::Kind::kCorruption, offset, bytes, 0, "bad footer");
      return HandleFooter(offset);
  }
  if (!crc_ok) return Issue(ReadIssue::Kind::kCorruption, offset, bytes, 0, "checksum mismatch");
  if ((h.type & kSafeIgnoreBit) != 0) return Status::Ok();
  return Issue(ReadIssue::Kind::kUnsupported, offset, bytes, 0,
               "unknown record type " + std::to_string(h.type));
}

Status SegmentReader::HandleFooter(uint64_t offset) {
  auto footer = DecodeFooterBody(*body_);
  uint64_t bytes = pos_ - offset;
  if (!footer) return Issue(ReadIssue::Kind::kCorruption, offset, bytes, 0, "bad footer");
  SettlePending(footer->frames);
  if (frames_accounted_ < footer->frames) {
    // Frames the footer counts that no chunk header accounted for: lost before the footer.
    uint64_t lost = footer->frames - frames_accounted_;
    frames_accounted_ = footer->frames;
    return Issue(ReadIssue::Kind::kCorruption, offset, 0, lost, "footer counts missing frames");
  }
  uint64_t left = size_ - pos_;
  std::string trailer;
  EVTAPE_RETURN_IF_ERROR(
      file_->Read(pos_, static_cast<size_t>(std::min<uint64_t>(left, kTrailerSize)), &trailer));
  done_ = true;
  if (left < kTrailerSize) {
    return Issue(ReadIssue::Kind::kTornTail, pos_, left, 0, "truncated trailer");
  }
  auto at = DecodeTrailer(trailer);
  if (!at || *at != offset) {
    return Issue(ReadIssue::Kind::kCorruption, pos_, left, 0, "bad trailer");
  }
  if (left > kTrailerSize) {
    return Issue(ReadIssue::Kind::kCorruption, pos_ + kTrailerSize, left - kTrailerSize, 0,
                 "data after trailer");
  }
  footer_ = std::move(footer);
  stats_.sealed = true;
  pos_ = size_;
  return Status::Ok();
}

// Scans forward from `from` + 1 for the next valid record header. The bytes skipped are one
// corruption issue, whose lost-frame count is settled by the next chunk header (or footer).
Status SegmentReader::Resync(uint64_t from, const std::string& reason) {
  SettlePending(std::nullopt);
  std::string window;
  uint64_t q = from + 1;
  bool all_zero = true;
  while (q < size_) {
    EVTAPE_RETURN_IF_ERROR(file_->Read(q, kScanWindow + kRecordHeaderSize, &window));
    size_t limit = window.size() < kRecordHeaderSize ? 0 : window.size() - kRecordHeaderSize + 1;
    for (size_t i = 0; i < limit; ++i) {
      if (std::memcmp(window.data() + i, kMagicBytes, 4) != 0) continue;
      RecordHeader h;
      if (!ParseRecordHeader(window.data() + i, &h)) continue;
      pos_ = q + i;
      pending_ = ReadIssue{
          ReadIssue::Kind::kCorruption, file_->path(), from, pos_ - from, std::nullopt, reason};
      if (options_.recovery == Recovery::kStrict) SettlePending(std::nullopt);
      return strict_error_;
    }
    all_zero = all_zero && std::all_of(window.begin(),
                                       window.begin() + static_cast<long>(std::min<size_t>(
                                                            window.size(), kScanWindow)),
                                       [](char c) { return c == 0; });
    if (window.size() <= kScanWindow) break;
    q += kScanWindow;
  }
  done_ = true;
  // No record follows. A zero-filled tail is what a crash leaves after preallocation, not damage.
  std::string first;
  EVTAPE_RETURN_IF_ERROR(file_->Read(from, 1, &first));
  if (all_zero && !first.empty() && first[0] == 0) {
    return Issue(ReadIssue::Kind::kTornTail, from, size_ - from, std::nullopt, "zero-filled tail");
  }
  return Issue(ReadIssue::Kind::kCorruption, from, size_ - from, std::nullopt, reason);
}

// Reports the pending resync issue; `frames_before` of the next chunk (or the footer's frame
// total) tells exactly how many frames the skipped bytes held.
void SegmentReader::SettlePending(std::optional<uint64_t> frames_before) {
  if (!pending_) return;
  ReadIssue issue = std::move(*pending_);
  pending_.reset();
  if (frames_before && *frames_before >= frames_accounted_) {
    issue.frames_lost = *frames_before - frames_accounted_;
    frames_accounted_ = *frames_before;
  }
  strict_error_ =
      Issue(issue.kind, issue.offset, issue.bytes_dropped, issue.frames_lost, issue.reason);
}

Status SegmentReader::Finish() {
  done_ = true;
  SettlePending(std::nullopt);
  // Without a footer nobody can say what was written after the last record read, unless an
  // earlier issue already said so (a torn tail, damage to the end): never let an exact count
  // of earlier damage stand for the whole file.
  if (!stats_.sealed && !stats_.frames_lost_unknown) {
    return Issue(ReadIssue::Kind::kUnsealed, size_, 0, std::nullopt, "no footer");
  }
  return strict_error_;
}

}  // namespace evtape::format
