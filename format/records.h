// Encoding and decoding of the segment's records (all but chunks, see chunk.h).
// Decoders take untrusted bytes: they check every length against what is present and return
// false or std::nullopt instead of reading past the end.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "format/segment_format.h"
#include "format/types.h"

namespace evtape::format {

struct RecordHeader {
  uint8_t type = 0;
  uint8_t flags = 0;
  uint32_t body_len = 0;
  uint32_t frame_count = 0;
  uint64_t first_seq = 0;
  uint64_t frames_before = 0;
  uint32_t body_crc = 0;  // masked
};

// Writes the kRecordHeaderSize-byte record header for `body` (its CRC included) to out.
void EncodeRecordHeader(char* out, RecordType type, std::string_view body,
                        uint32_t frame_count = 0, uint64_t first_seq = 0,
                        uint64_t frames_before = 0);
// The same from the body's length and (unmasked) CRC, when the caller knows them already.
void EncodeRecordHeader(char* out, RecordType type, uint64_t body_len, uint32_t body_crc,
                        uint32_t frame_count, uint64_t first_seq, uint64_t frames_before);
// Appends the record header for `body` and then `body` to dst.
void AppendRecord(std::string* dst, RecordType type, std::string_view body,
                  uint32_t frame_count = 0, uint64_t first_seq = 0, uint64_t frames_before = 0);
// Parses a record header; false when the magic or the header CRC does not match.
bool ParseRecordHeader(const char* p, RecordHeader* out);
bool BodyCrcMatches(const RecordHeader& h, std::string_view body);

std::string EncodeFileHeader();
// Returns an error message, or empty when the header is valid and of a supported version.
// `*unsupported` is set when the header is intact but of another version.
std::string CheckFileHeader(std::string_view bytes, bool* unsupported);
// True when `bytes` (the file's first kFileHeaderSize + kRecordHeaderSize bytes) hold an intact
// record header after the file header: a file whose header is damaged (a flipped magic byte)
// but whose records are ours, which readers resynchronise past instead of refusing.
bool FirstRecordIntact(std::string_view bytes);

std::string EncodeGapBody(const Gap& gap);
std::optional<Gap> DecodeGapBody(std::string_view body);

std::string EncodeMetadataBody(const Metadata& m);
std::optional<Metadata> DecodeMetadataBody(std::string_view body);

std::string EncodeFooterBody(const Footer& f);
std::optional<Footer> DecodeFooterBody(std::string_view body);

std::string EncodeTrailer(uint64_t footer_offset);
// The footer offset from a trailer, or nullopt when it is not a valid trailer.
std::optional<uint64_t> DecodeTrailer(std::string_view bytes);

}  // namespace evtape::format
