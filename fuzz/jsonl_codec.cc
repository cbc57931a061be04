// Fuzz target: the JSON lines codec (jsonl/codec.h), both ways.
// First byte even: the rest is JSON lines text. Every line that decodes is encoded again and
// must decode to the same frame or gap (unless the encoder reported a lossy string).
// First byte odd: the rest describes a frame and a gap (any bytes in every field, any times),
// which are encoded, and must decode back exactly unless reported lossy.
// Always: no exception escapes, no crash on any text.
#include <cstddef>
#include <algorithm>
#include <cstdint>

#include "fuzz/fuzz_util.h"
#include "jsonl/codec.h"

using namespace evtape;

namespace {

// Encodes what `d` holds and decodes it again; FUZZ_CHECKs it comes back equal.
void CheckReencode(const jsonl::DecodedLine& d) {
  std::string line;
  jsonl::EncodeStats stats;
  if (d.kind == jsonl::DecodedLine::Kind::kFrame) {
    jsonl::AppendFrameLine(d.frame.view(), &line, &stats);
  } else {
    jsonl::AppendGapLine(d.gap, &line, &stats);
  }
  FUZZ_CHECK(!line.empty() && line.back() == '\n');
  line.pop_back();
  FUZZ_CHECK(line.find('\n') == std::string::npos);
  jsonl::JsonlDecoder decoder;
  auto again = decoder.Decode(line, 1);
  if (stats.lossy_strings > 0) return;  // reported: the caller warns
  if (!again.ok()) {
    std::fprintf(stderr, "re-encoded line does not decode: %s\n%s\n",
                 again.status().message().c_str(), line.c_str());
  }
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(again->kind == d.kind);
  if (d.kind == jsonl::DecodedLine::Kind::kFrame) {
    FUZZ_CHECK(again->frame == d.frame);
  } else {
    FUZZ_CHECK(again->gap == d.gap);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  if ((in.U8() & 1) == 0) {
    std::string_view text = in.Rest();
    jsonl::JsonlDecoder decoder;
    uint64_t line_no = 0;
    while (!text.empty()) {
      size_t nl = text.find('\n');
      std::string_view line = text.substr(0, nl);
      text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
      ++line_no;
      if (jsonl::IsBlankLine(line)) continue;
      auto d = decoder.Decode(line, line_no);
      if (d.ok()) CheckReencode(*d);
    }
    return 0;
  }
  jsonl::DecodedLine d;
  int64_t time_ns = static_cast<int64_t>(in.U64());
  d.frame = fuzz::MakeFrame(&in, in.U64(), &time_ns);
  CheckReencode(d);
  d.kind = jsonl::DecodedLine::Kind::kGap;
  d.gap.reason = static_cast<format::GapReason>(in.Range(0, 7));
  // A gap's window never ends before it starts (the decoder refuses that, as no writer makes it).
  d.gap.start_ns = static_cast<int64_t>(in.U64());
  const uint64_t start = static_cast<uint64_t>(d.gap.start_ns);
  const uint64_t room = static_cast<uint64_t>(INT64_MAX) - start;  // modulo 2^64: exact
  d.gap.end_ns = static_cast<int64_t>(start + std::min(in.U64(), room));
  if (in.Bool()) d.gap.count = in.U64();
  d.gap.after_seq = in.U64();
  d.gap.detail = in.Bytes(64);
  CheckReencode(d);
  // Header blocks: when ParseHeaderBlock says exact, RebuildHeaders gives the block back.
  std::string block = in.Bytes(128);
  jsonl::HeaderPairs pairs;
  if (jsonl::ParseHeaderBlock(block, &pairs)) {
    std::vector<std::pair<std::string, std::string>> owned(pairs.begin(), pairs.end());
    FUZZ_CHECK(jsonl::RebuildHeaders(owned) == block);
  }
  return 0;
}
