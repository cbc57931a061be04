// Fuzz target: a recording written by RecordingWriter with random frames, gaps and options
// (zstd level, chunk size, grouped payloads, segment rotation by size and by time, assigned or
// kept seqs, inline or pooled compression), then read back with RecordingReader.
// Invariants: every frame and gap the writer accepted comes back, equal and in order (with the
// seqs the writer assigned); the read is clean (sealed, no issue); the writer's counts match.
#include <cstddef>
#include <cstdint>

#include "format/chunk_compression.h"
#include "format/recording.h"
#include "format/recording_writer.h"
#include "fuzz/fuzz_util.h"
#include "fuzz/read_util.h"

using namespace evtape;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  fuzz::ScratchDir::Clear();
  format::RecordingWriterOptions o;
  o.dir = fuzz::ScratchDir::Path() + "/rec";
  o.base.recording_id = "fuzz";
  o.base.created_ns = 1'795'000'000'000'000'000;
  o.first_index = static_cast<uint32_t>(in.Range(1, 3));
  o.first_seq = in.Range(1, 1000);
  o.assign_seqs = in.Bool();
  o.max_segment_bytes = in.Range(1, 1 << 16);
  o.max_segment_duration_ns = static_cast<int64_t>(in.Range(0, 2)) * 1'000'000;
  o.writer.zstd_level = static_cast<int>(in.Range(0, 6)) - 2;
  o.writer.chunk_bytes = static_cast<size_t>(in.Range(1, 1 << 14));
  o.writer.group_payloads = in.Bool();
  if (in.Bool()) {
    o.compression = std::make_shared<format::PooledCompression>(
        static_cast<int>(in.Range(1, 2)), o.writer.zstd_level, in.Range(1, 4));
  }
  auto writer = format::RecordingWriter::Create(FileSystem::Default(), o);
  FUZZ_CHECK(writer.ok());
  format::RecordingWriter& w = **writer;

  std::vector<fuzz::Item> written;
  int64_t time_ns = 1'795'000'000'000'000'000;
  uint64_t seq = o.first_seq - 1;  // the last seq written (assigned or kept)
  int n = static_cast<int>(in.Range(0, 48));
  for (int i = 0; i < n; ++i) {
    uint8_t what = in.U8();
    if (what < 16) {
      format::Gap g;
      g.reason = static_cast<format::GapReason>(what % 8);
      g.start_ns = time_ns;
      g.end_ns = time_ns + static_cast<int64_t>(in.U64(2));
      if ((what & 8) != 0) g.count = in.U64(2);
      g.after_seq = o.assign_seqs ? in.U64(1) : seq;
      g.detail = in.Bytes(40);
      FUZZ_CHECK(w.AddGap(g).ok());
      if (o.assign_seqs) g.after_seq = seq;
      written.push_back(g);
    } else if (what < 20) {
      FUZZ_CHECK(w.Flush().ok());
    } else {
      uint64_t next = o.assign_seqs ? seq + 1 : seq + in.Range(0, 2);  // kept seqs may repeat
      format::Frame f = fuzz::MakeFrame(&in, o.assign_seqs ? in.U64(1) : next, &time_ns);
      Status s = w.Add(f.view());
      if (o.assign_seqs) f.seq = next;
      if (s.ok()) {
        written.push_back(f);
        seq = f.seq;
      } else {
        FUZZ_CHECK(!o.assign_seqs && f.seq <= seq && s.code() == Status::Code::kInvalidArgument);
      }
    }
  }
  FUZZ_CHECK(w.Close().ok());
  FUZZ_CHECK(w.stats().gaps == written.size() - [&] {
    size_t frames = 0;
    for (const auto& i : written) frames += std::holds_alternative<format::Frame>(i) ? 1 : 0;
    return frames;
  }());

  fuzz::CountingReporter reporter;
  format::ReaderOptions ro;
  ro.reporter = &reporter;
  auto reader = format::RecordingReader::Open(FileSystem::Default(), {o.dir}, ro);
  FUZZ_CHECK(reader.ok());
  fuzz::ReadOutcome back = fuzz::ReadSource(reader->get());
  FUZZ_CHECK(back.status.ok());
  FUZZ_CHECK(back.items == written);
  FUZZ_CHECK(back.stats.sealed && back.stats.issues == 0 && reporter.count == 0);
  FUZZ_CHECK(w.stats().frames == back.frames());
  return 0;
}
