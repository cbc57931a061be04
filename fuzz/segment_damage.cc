// Fuzz target: a valid segment written from the input (random frames, gaps and WriterOptions),
// then damaged as the input says (bytes flipped, overwritten, inserted, removed, the file cut),
// then read back strict and skipping damage.
// Invariants: no frame or gap read back differs from the one written (a frame is identified by
// its seq: the CRCs must catch every change); frames come back in written order; the strict
// read is a prefix of the skip read; without damage both return exactly what was written (and
// a sealed segment reads as sealed); stats count what was returned and reported.
#include <cstddef>
#include <cstdint>
#include <map>

#include "format/segment_writer.h"
#include "fuzz/fuzz_util.h"
#include "fuzz/read_util.h"
#include "tests/format/mem_fs.h"

using namespace evtape;

namespace {

format::Metadata TestMetadata() {
  format::Metadata m;
  m.recording_id = "fuzz";
  m.tool = "evtape fuzz";
  m.segment_index = 1;
  m.first_seq = 1;
  m.created_ns = 1'795'000'000'000'000'000;
  return m;
}

// Damages `file` as the input says; true when anything changed.
bool Damage(fuzz::Input* in, std::string* file) {
  bool changed = false;
  int ops = static_cast<int>(in->Range(0, 4));
  for (int i = 0; i < ops && !file->empty(); ++i) {
    size_t at = static_cast<size_t>(in->Range(0, file->size() - 1));
    std::string before = *file;
    switch (in->U8() % 5) {
      case 0:  // flip bits
        (*file)[at] = static_cast<char>((*file)[at] ^ (in->U8() | 1));
        break;
      case 1:  // overwrite a run
        file->replace(at, std::min<size_t>(file->size() - at, 8), in->Bytes(8));
        break;
      case 2:  // insert
        file->insert(at, in->Bytes(64));
        break;
      case 3:  // remove a run
        file->erase(at, static_cast<size_t>(in->Range(1, 512)));
        break;
      case 4:  // cut
        file->resize(at);
        break;
    }
    changed = changed || *file != before;
  }
  return changed;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  testing::MemFileSystem fs;
  const std::string path = "000001.seg";
  format::WriterOptions options;
  options.zstd_level = static_cast<int>(in.Range(0, 6)) - 2;  // -2 .. 4
  options.chunk_bytes = static_cast<size_t>(in.Range(1, 1 << 14));
  options.group_payloads = in.Bool();
  options.max_tracked_subjects = static_cast<size_t>(in.Range(0, 4));
  const bool seal = in.Bool();
  auto writer = format::SegmentWriter::Create(&fs, path, TestMetadata(), options);
  FUZZ_CHECK(writer.ok());

  std::vector<fuzz::Item> written;
  std::map<uint64_t, format::Frame> by_seq;
  int64_t time_ns = 1'795'000'000'000'000'000;
  uint64_t seq = 0;
  int n = static_cast<int>(in.Range(0, 64));
  for (int i = 0; i < n; ++i) {
    uint8_t what = in.U8();
    if (what < 16) {
      format::Gap g;
      g.reason = static_cast<format::GapReason>(what % 8);
      g.start_ns = time_ns;
      g.end_ns = time_ns + static_cast<int64_t>(in.U64(2));
      if ((what & 8) != 0) g.count = in.U64(2);
      g.after_seq = seq;
      g.detail = in.Bytes(40);
      if ((*writer)->AddGap(g).ok()) written.push_back(g);
    } else if (what < 24) {
      FUZZ_CHECK((*writer)->Flush().ok());
    } else {
      seq += in.Range(1, 3);
      format::Frame f = fuzz::MakeFrame(&in, seq, &time_ns);
      if ((*writer)->Add(f.view()).ok()) {
        written.push_back(f);
        by_seq[f.seq] = f;
      }
    }
  }
  Status s = seal ? (*writer)->Seal() : (*writer)->Flush();
  FUZZ_CHECK(s.ok());
  std::string& file = fs.files[seal ? path : path + format::kOpenSuffix];
  const bool damaged = Damage(&in, &file);
  const std::string read_path = seal ? path : path + format::kOpenSuffix;

  fuzz::ReadOutcome strict =
      fuzz::ReadSegment(&fs, read_path, format::Recovery::kStrict, fuzz::ReadMode::kNext);
  fuzz::ReadOutcome skip =
      fuzz::ReadSegment(&fs, read_path, format::Recovery::kSkipDamage, fuzz::ReadMode::kNext);
  fuzz::CheckCounts(skip);
  fuzz::CheckPrefix(strict, skip);
  uint64_t last_seq = 0;
  for (const auto& item : skip.items) {
    if (const auto* f = std::get_if<format::Frame>(&item)) {
      auto it = by_seq.find(f->seq);
      FUZZ_CHECK(it != by_seq.end());
      FUZZ_CHECK(it->second == *f);
      FUZZ_CHECK(f->seq > last_seq);
      last_seq = f->seq;
    } else {
      const auto& g = std::get<format::Gap>(item);
      bool found = false;
      for (const auto& w : written) {
        found = found || (std::holds_alternative<format::Gap>(w) && std::get<format::Gap>(w) == g);
      }
      FUZZ_CHECK(found);
    }
  }
  if (!damaged) {
    FUZZ_CHECK(strict.status.ok() && skip.status.ok());
    FUZZ_CHECK(strict.items == written && skip.items == written);
    FUZZ_CHECK(skip.stats.issues == (seal ? 0u : 1u));  // an unsealed file: one kUnsealed issue
    FUZZ_CHECK(skip.stats.sealed == seal);
    // An unsealed segment may have lost what its writer still held: unknown, never 0.
    FUZZ_CHECK(skip.stats.frames_lost == 0 && skip.stats.frames_lost_unknown == !seal);
  }
  return 0;
}
