// Damage: truncation at every byte offset, bit flips, hostile sizes. Exact counts, never a
// crash, never a wrong frame (LevelDB log_test / corruption_test style).
#include <catch2/catch.hpp>
#include <map>

#include "format/coding.h"
#include "format/crc32c.h"
#include "format/records.h"
#include "tests/format/format_test_util.h"

using namespace evtape;
using namespace evtape::testing;
using format::ReadIssue;
using format::Recovery;

namespace {

struct Fixture {
  MemFileSystem fs;
  std::vector<format::Frame> frames;
  std::string bytes;
  format::Footer footer;
};

// A small segment of several chunks (a few hundred bytes each).
Fixture MakeSmallSegment(int n = 60, size_t chunk_bytes = 400, uint64_t seed = 11) {
  Fixture fx;
  FrameGen gen(seed);
  for (int i = 0; i < n; ++i) fx.frames.push_back(gen.Next(6));
  format::WriterOptions opts;
  opts.chunk_bytes = chunk_bytes;
  WriteSegment(&fx.fs, "d/000001.seg", fx.frames, opts);
  fx.bytes = fx.fs.files["d/000001.seg"];
  auto f = format::ReadFooter(&fx.fs, "d/000001.seg");
  REQUIRE(f.ok());
  REQUIRE(f->has_value());
  fx.footer = **f;
  return fx;
}

// Flips a bit of the raw_crc in the chunk at `offset` and re-seals its record (body and header
// CRCs valid again): what a faulty compressor or memory at write time would leave.
void BreakRawCrcKeepingRecordValid(std::string* bytes, uint64_t offset) {
  char* h = bytes->data() + offset;
  const uint32_t body_len = coding::DecodeFixed32(h + 8);
  char* body = h + format::kRecordHeaderSize;
  body[8] ^= 0x10;
  coding::EncodeFixed32(h + 32, crc32c::Mask(crc32c::Value(body, body_len)));
  coding::EncodeFixed32(h + 36, crc32c::Mask(crc32c::Value(h, 36)));
}

std::map<uint64_t, format::Frame> BySeq(const std::vector<format::Frame>& frames) {
  std::map<uint64_t, format::Frame> m;
  for (const auto& f : frames) m[f.seq] = f;
  return m;
}

}  // namespace

TEST_CASE("truncation at every byte offset: complete chunks come back, never corruption",
          "[format]") {
  Fixture fx = MakeSmallSegment();
  REQUIRE(fx.footer.chunks.size() >= 4);
  for (size_t cut = 0; cut < fx.bytes.size(); ++cut) {
    MemFileSystem fs;
    fs.files["t.seg"] = fx.bytes.substr(0, cut);
    ReadResult r = ReadAll(&fs, "t.seg", Recovery::kStrict);
    INFO("cut at " << cut);
    REQUIRE(r.status.ok());
    size_t expected = 0;
    for (const auto& c : fx.footer.chunks) {
      if (c.offset + c.stored_bytes <= cut) expected += c.frame_count;
    }
    REQUIRE(r.frames.size() == expected);
    for (size_t i = 0; i < expected; ++i) REQUIRE(r.frames[i] == fx.frames[i]);
    for (const auto& issue : r.issues) {
      REQUIRE(issue.kind != ReadIssue::Kind::kCorruption);
      REQUIRE(issue.kind != ReadIssue::Kind::kUnsupported);
    }
    REQUIRE_FALSE(r.stats.sealed);
    REQUIRE(r.issues.size() == 1);  // one torn tail, or "unsealed" on a record boundary
  }
}

TEST_CASE("random bit flips: always detected, never a wrong frame, exact loss", "[format]") {
  Fixture fx = MakeSmallSegment();
  auto original = BySeq(fx.frames);
  std::mt19937_64 rng(2024);
  int strict_errors = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    MemFileSystem fs;
    std::string b = fx.bytes;
    size_t pos = rng() % b.size();
    b[pos] = static_cast<char>(b[pos] ^ (1 << (rng() % 8)));
    fs.files["d/000001.seg"] = b;
    INFO("flip at " << pos);
    ReadResult skip = ReadAll(&fs, "d/000001.seg", Recovery::kSkipDamage);
    // 100% detection: an issue or an open error every time.
    bool detected = !skip.status.ok() || !skip.issues.empty();
    REQUIRE(detected);
    // Never a wrong frame.
    for (const auto& f : skip.frames) {
      auto it = original.find(f.seq);
      REQUIRE(it != original.end());
      REQUIRE(it->second == f);
    }
    if (skip.status.ok() && !skip.stats.frames_lost_unknown) {
      // Exact accounting: what came back plus what was reported lost is everything.
      REQUIRE(skip.frames.size() + skip.stats.frames_lost == fx.frames.size());
    }
    ReadResult strict = ReadAll(&fs, "d/000001.seg", Recovery::kStrict);
    if (!strict.status.ok()) strict_errors++;
    for (const auto& f : strict.frames) REQUIRE(original.at(f.seq) == f);
  }
  CHECK(strict_errors > 2500);  // flips outside the file header's magic are mostly errors
}

TEST_CASE("skip mode returns the undamaged chunks after the damage", "[format]") {
  Fixture fx = MakeSmallSegment();
  const auto& c = fx.footer.chunks[1];
  std::string b = fx.bytes;
  b[c.offset + c.stored_bytes / 2] ^= 0x40;  // inside chunk 1's body
  MemFileSystem fs;
  fs.files["d/000001.seg"] = b;
  ReadResult r = ReadAll(&fs, "d/000001.seg", Recovery::kSkipDamage);
  REQUIRE(r.status.ok());
  REQUIRE(r.issues.size() == 1);
  CHECK(r.issues[0].kind == ReadIssue::Kind::kCorruption);
  CHECK(r.issues[0].offset == c.offset);
  CHECK(r.issues[0].bytes_dropped == c.stored_bytes);
  CHECK(r.issues[0].frames_lost == c.frame_count);
  CHECK(r.frames.size() == fx.frames.size() - c.frame_count);
  CHECK(r.stats.sealed);

  ReadResult strict = ReadAll(&fs, "d/000001.seg", Recovery::kStrict);
  CHECK(strict.status.IsCorruption());
  CHECK(strict.status.message() ==
        "d/000001.seg: checksum mismatch at offset " + std::to_string(c.offset));
}

TEST_CASE("a damaged record header costs exactly the frames of its chunk", "[format]") {
  Fixture fx = MakeSmallSegment();
  const auto& c = fx.footer.chunks[2];
  std::string b = fx.bytes;
  b[c.offset + 9] ^= 0x01;  // body_len: the header CRC fails, the reader resyncs
  MemFileSystem fs;
  fs.files["d/000001.seg"] = b;
  ReadResult r = ReadAll(&fs, "d/000001.seg", Recovery::kSkipDamage);
  REQUIRE(r.status.ok());
  REQUIRE(r.issues.size() == 1);
  CHECK(r.issues[0].reason == "bad record header");
  CHECK(r.issues[0].offset == c.offset);
  CHECK(r.issues[0].bytes_dropped == c.stored_bytes);
  REQUIRE(r.issues[0].frames_lost.has_value());
  CHECK(*r.issues[0].frames_lost == c.frame_count);
}

TEST_CASE("a flipped byte in the file magic costs no frame: the reader reads on", "[format]") {
  Fixture fx = MakeSmallSegment();
  for (size_t pos : {0u, 3u, 7u, 13u}) {  // magic bytes, and the header CRC for comparison
    std::string b = fx.bytes;
    b[pos] ^= 0x20;
    MemFileSystem fs;
    fs.files["d/000001.seg"] = b;
    INFO("flip at " << pos);
    ReadResult r = ReadAll(&fs, "d/000001.seg", Recovery::kSkipDamage);
    REQUIRE(r.status.ok());
    REQUIRE(r.issues.size() == 1);
    CHECK(r.issues[0].kind == ReadIssue::Kind::kCorruption);
    CHECK(r.issues[0].reason == "bad file header");
    CHECK(r.issues[0].bytes_dropped == format::kFileHeaderSize);
    REQUIRE(r.issues[0].frames_lost.has_value());
    CHECK(*r.issues[0].frames_lost == 0);
    CHECK(r.frames == fx.frames);
    CHECK(r.stats.sealed);
    auto m = format::ReadMetadata(&fs, "d/000001.seg");
    CHECK(m.ok());
    CHECK(ReadAll(&fs, "d/000001.seg", Recovery::kStrict).status.IsCorruption());
  }
  // A file that is not ours stays refused, whatever its name.
  MemFileSystem fs;
  fs.files["d/000001.seg"] = std::string(200, 'x');
  CHECK(ReadAll(&fs, "d/000001.seg", Recovery::kSkipDamage).status.code() ==
        Status::Code::kInvalidArgument);
}

TEST_CASE("a wiped region loses only the chunks it touches, counted exactly", "[format]") {
  Fixture fx = MakeSmallSegment(200, 300);
  const auto& first = fx.footer.chunks[3];
  const auto& last = fx.footer.chunks[6];
  std::string b = fx.bytes;
  uint64_t from = first.offset + 5, to = last.offset + 7;
  for (uint64_t i = from; i < to; ++i) b[i] = '\xff';
  MemFileSystem fs;
  fs.files["d/000001.seg"] = b;
  ReadResult r = ReadAll(&fs, "d/000001.seg", Recovery::kSkipDamage);
  REQUIRE(r.status.ok());
  uint64_t lost = 0;
  for (size_t i = 3; i <= 6; ++i) lost += fx.footer.chunks[i].frame_count;
  CHECK(r.stats.frames_lost == lost);
  CHECK_FALSE(r.stats.frames_lost_unknown);
  CHECK(r.frames.size() == fx.frames.size() - lost);
}

TEST_CASE("hostile sizes are reported as corruption without large allocations", "[format]") {
  Fixture fx = MakeSmallSegment();
  const auto& c = fx.footer.chunks[1];
  for (uint32_t len : {0xffffffffu, 0x80000000u, 0x10000000u}) {
    std::string b = fx.bytes;
    coding::EncodeFixed32(b.data() + c.offset + 8, len);  // body_len, with a fixed header CRC
    coding::EncodeFixed32(b.data() + c.offset + 36,
                          crc32c::Mask(crc32c::Value(b.data() + c.offset, 36)));
    MemFileSystem fs;
    fs.files["d/000001.seg"] = b;
    ReadResult r = ReadAll(&fs, "d/000001.seg", Recovery::kSkipDamage);
    INFO("body_len " << len);
    REQUIRE(r.status.ok());
    REQUIRE_FALSE(r.issues.empty());
    CHECK(r.issues[0].kind == ReadIssue::Kind::kCorruption);
    CHECK(r.frames.size() == fx.frames.size() - c.frame_count);
  }
  // raw_len near 2^32 with every CRC fixed: "chunk raw length over cap".
  std::string b = fx.bytes;
  char* body = b.data() + c.offset + format::kRecordHeaderSize;
  coding::EncodeFixed32(body + 4, 0xfffffff0u);
  uint32_t body_len = coding::DecodeFixed32(b.data() + c.offset + 8);
  coding::EncodeFixed32(b.data() + c.offset + 32, crc32c::Mask(crc32c::Value(body, body_len)));
  coding::EncodeFixed32(b.data() + c.offset + 36,
                        crc32c::Mask(crc32c::Value(b.data() + c.offset, 36)));
  MemFileSystem fs;
  fs.files["d/000001.seg"] = b;
  ReadResult r = ReadAll(&fs, "d/000001.seg", Recovery::kSkipDamage);
  REQUIRE(r.status.ok());
  REQUIRE(r.issues.size() == 1);
  CHECK(r.issues[0].reason == "chunk raw length over cap");
  CHECK(r.issues[0].frames_lost == c.frame_count);
}

TEST_CASE("varint lengths near 2^64 inside a chunk with valid CRCs are refused", "[format]") {
  // Hand-build a chunk whose raw content claims a subject of 2^64-1 bytes.
  std::string raw;
  coding::PutVarint64(&raw, 0);
  coding::PutVarint64(&raw, 0);
  coding::PutVarint64(&raw, 0);
  coding::PutVarint64(&raw, ~0ull);
  raw += "abc";
  std::string body(format::kChunkHeaderSize, '\0');
  body[0] = 0;  // stored uncompressed
  coding::EncodeFixed32(body.data() + 4, static_cast<uint32_t>(raw.size()));
  coding::EncodeFixed32(body.data() + 8, crc32c::Mask(crc32c::Value(raw.data(), raw.size())));
  coding::EncodeFixed64(body.data() + 16, 1);
  body += raw;
  std::string file = format::EncodeFileHeader();
  format::AppendRecord(&file, format::RecordType::kChunk, body, 1, 1, 0);
  MemFileSystem fs;
  fs.files["h.seg"] = file;
  ReadResult r = ReadAll(&fs, "h.seg", Recovery::kSkipDamage);
  REQUIRE(r.status.ok());
  CHECK(r.frames.empty());
  REQUIRE(r.issues.size() >= 1);
  CHECK(r.issues[0].reason == "frame count mismatch");
  CHECK(r.issues[0].frames_lost == 1u);
}

TEST_CASE("a zero-filled tail is a torn tail, not corruption", "[format]") {
  Fixture fx = MakeSmallSegment();
  std::string b = fx.bytes.substr(0, fx.footer.chunks[2].offset) + std::string(5000, '\0');
  MemFileSystem fs;
  fs.files["z.seg"] = b;
  ReadResult r = ReadAll(&fs, "z.seg", Recovery::kStrict);
  REQUIRE(r.status.ok());
  REQUIRE(r.issues.size() == 1);
  CHECK(r.issues[0].kind == ReadIssue::Kind::kTornTail);
  CHECK(r.issues[0].bytes_dropped == 5000);
}

TEST_CASE("random multi-byte damage and garbage never crash or yield a wrong frame", "[format]") {
  Fixture fx = MakeSmallSegment(120, 500, 99);
  auto original = BySeq(fx.frames);
  std::mt19937_64 rng(77);
  for (int trial = 0; trial < 1500; ++trial) {
    std::string b = fx.bytes;
    int spans = 1 + static_cast<int>(rng() % 4);
    for (int s = 0; s < spans; ++s) {
      size_t pos = rng() % b.size();
      size_t len = 1 + rng() % 64;
      for (size_t i = pos; i < std::min(b.size(), pos + len); ++i) b[i] = static_cast<char>(rng());
    }
    if (trial % 5 == 0) b.resize(rng() % b.size());  // and sometimes a cut as well
    MemFileSystem fs;
    fs.files["d/000001.seg"] = b;
    for (auto mode : {Recovery::kSkipDamage, Recovery::kStrict}) {
      ReadResult r = ReadAll(&fs, "d/000001.seg", mode);
      for (const auto& f : r.frames) REQUIRE(original.at(f.seq) == f);
    }
  }
  // Pure garbage after a valid file header.
  for (int trial = 0; trial < 200; ++trial) {
    std::string b = format::EncodeFileHeader();
    size_t n = rng() % 20000;
    for (size_t i = 0; i < n; ++i) b.push_back(static_cast<char>(rng()));
    MemFileSystem fs;
    fs.files["g.seg"] = b;
    ReadResult r = ReadAll(&fs, "g.seg", Recovery::kSkipDamage);
    CHECK(r.frames.empty());
    if (n >= format::kRecordHeaderSize) CHECK(r.stats.issues >= 1);
  }
}

TEST_CASE("a wrong raw crc in a valid record: zstd caught when verified, stored always",
          "[format]") {
  MemFileSystem fs;
  FrameGen gen(21);
  WriteMixedSegment(&fs, "m.seg", 1, &gen, 1, true);
  const std::string good = fs.files.at("m.seg");
  const ReadResult ref = ReadAll(&fs, "m.seg", Recovery::kStrict);
  REQUIRE(ref.issues.empty());
  const format::Footer footer = FooterOf(&fs, "m.seg");
  for (uint8_t codec : {uint8_t{1}, uint8_t{0}}) {
    const format::ChunkIndexEntry* chunk = nullptr;
    for (const auto& c : footer.chunks) {
      if (static_cast<uint8_t>(good[c.offset + format::kRecordHeaderSize]) == codec) {
        chunk = &c;
        break;
      }
    }
    REQUIRE(chunk != nullptr);
    std::string bad = good;
    BreakRawCrcKeepingRecordValid(&bad, chunk->offset);
    fs.files["m.seg"] = bad;
    ReadResult checked = ReadAll(&fs, "m.seg", Recovery::kSkipDamage);
    REQUIRE(checked.issues.size() == 1);
    CHECK(checked.issues[0].reason == "raw crc mismatch");
    CHECK(checked.issues[0].frames_lost == chunk->frame_count);
    CHECK(checked.frames.size() == ref.frames.size() - chunk->frame_count);
    ReadResult unchecked = ReadAll(&fs, "m.seg", Recovery::kSkipDamage, false);
    if (codec == 1) {  // only the content check could tell; the content itself is intact
      CHECK(unchecked.issues.empty());
      CHECK(unchecked.frames == ref.frames);
    } else {  // a stored chunk's content CRC comes free with its body CRC: always checked
      REQUIRE(unchecked.issues.size() == 1);
      CHECK(unchecked.issues[0].reason == "raw crc mismatch");
    }
  }
  fs.files["m.seg"] = good;
  CHECK(ReadAll(&fs, "m.seg", Recovery::kStrict, false).frames == ref.frames);
}
