// The evtape JSON lines format (docs/jsonl.md): frames and gaps to and from one JSON object per
// line. `cat` encodes; every verb that reads a .jsonl input decodes (through JsonlSource).
//
// Encoding is hand-written for speed (cat scans at hundreds of MB/s): the payload is embedded
// as-is when it is already the compact serialisation nlohmann::ordered_json would print (checked
// by a scanner, with a full parse only for floating-point numbers), else as text or base64.
// Decoding uses nlohmann::ordered_json, so `payload` values keep their key order.
//
// Byte strings that are not valid UTF-8 in a subject, reply or gap detail cannot be written as
// JSON faithfully; they are printed byte by byte as \u00XX (Latin-1) and counted in
// EncodeStats::lossy_strings, so the caller can warn. Header blocks with such bytes use
// headers_raw_b64, which is exact.
//
// Thread-compatible: pure functions plus a JsonlDecoder that holds the line-to-line state
// (the previous seq for defaults). Reading a file or stdin line by line: jsonl/jsonl_source.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "format/status.h"
#include "format/types.h"

namespace evtape::jsonl {

// ---- base64 (RFC 4648, standard alphabet, padded) ----
void Base64Encode(std::string_view in, std::string* out);  // appends
// Strict: padding required, no whitespace. False on any invalid input.
bool Base64Decode(std::string_view in, std::string* out);

// ---- encoding ----
struct EncodeStats {
  uint64_t lossy_strings = 0;  // subject/reply/detail strings that were not valid UTF-8
};

// Appends one line (with its '\n') for a frame / a gap.
void AppendFrameLine(const format::FrameView& frame, std::string* out, EncodeStats* stats);
void AppendGapLine(const format::Gap& gap, std::string* out, EncodeStats* stats);

// Header pairs of a raw NATS header block. `exact` is true when the block is exactly
// "NATS/1.0\r\n" + "name: value\r\n"... + "\r\n" with UTF-8 text, i.e. RebuildHeaders(pairs)
// gives it back byte for byte. Otherwise the pairs are a best effort (status line skipped).
using HeaderPairs = std::vector<std::pair<std::string_view, std::string_view>>;
bool ParseHeaderBlock(std::string_view block, HeaderPairs* pairs);
std::string RebuildHeaders(const std::vector<std::pair<std::string, std::string>>& pairs);

// True when `payload` is valid JSON whose compact ordered_json serialisation is itself.
bool IsCanonicalJson(std::string_view payload);
bool IsValidUtf8(std::string_view s);

// ---- decoding ----
struct DecodedLine {
  enum class Kind { kFrame, kGap } kind = Kind::kFrame;
  format::Frame frame;
  format::Gap gap;
};

// A blank line holds nothing but spaces, tabs and carriage returns (so files with CRLF line
// ends read too). Every reader of JSON lines skips blank lines and still counts them in line
// numbers (docs/jsonl.md).
bool IsBlankLine(std::string_view line);

// Decodes lines in order. Errors are InvalidArgument "line N: field 'F': what" (or
// "line N: what" for a line that is not a JSON object). Defaults per docs/jsonl.md: seq =
// previous + 1 (first 1), mono_ns = the time in ns, gap after_seq = the previous frame's seq.
class JsonlDecoder {
 public:
  // `line` without its newline; line_no counts from 1. Blank lines (IsBlankLine) must be skipped
  // by the caller: they are not JSON.
  Result<DecodedLine> Decode(std::string_view line, uint64_t line_no);
  uint64_t last_seq() const { return last_seq_; }

 private:
  uint64_t last_seq_ = 0;
};

}  // namespace evtape::jsonl
