// Format benchmark: writes and reads a realistic stream of CloudEvent-like JSON frames (300 B
// and 1.5 KiB) through SegmentWriter/SegmentReader on one core, and prints frames/s, MB/s of
// raw frame data, and the compression ratio. The segment goes to a real file in $TMPDIR, so
// write figures include the write(2) calls (page cache), not fsync.
//
//   format_bench [FRAMES] [DIR] [ZSTD_LEVEL]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "format/segment_reader.h"
#include "format/segment_writer.h"

using namespace evtape;
using Clock = std::chrono::steady_clock;

namespace {

// A heartbeat-like CloudEvent padded to about `size` bytes, with varying ids and numbers so
// compression sees realistic (not identical) frames.
std::string MakeEvent(std::mt19937_64& rng, uint64_t i, size_t size) {
  static const char* kTypes[] = {"host_heartbeat", "component_scaled", "health_check_passed",
                                 "provider_started", "linkdef_set"};
  const char* type = kTypes[i % 5];
  char head[400];
  std::snprintf(head, sizeof(head),
                "{\"specversion\":\"1.0\",\"id\":\"01J%023llu\",\"source\":"
                "\"NBRDUK5ITGTDP4JAYXUT24WMBXHUD3MAGHQN5NOLZNJETC7JD5GNHHH4\","
                "\"type\":\"com.wasmcloud.lattice.%s\",\"datacontenttype\":\"application/json\","
                "\"time\":\"2026-11-23T19:38:%02llu.%09lluZ\",\"data\":{\"uptime_seconds\":%llu,",
                static_cast<unsigned long long>(rng() % 100000000000ull), type,
                static_cast<unsigned long long>(i % 60),
                static_cast<unsigned long long>(rng() % 1000000000),
                static_cast<unsigned long long>(i));
  std::string s = head;
  while (s.size() + 40 < size) {
    char field[64];
    std::snprintf(field, sizeof(field), "\"k%zu\":\"v%llu\",", s.size() % 97,
                  static_cast<unsigned long long>(rng() % 100000));
    s += field;
  }
  s += "\"end\":true}}";
  return s;
}

void Run(const std::string& dir, size_t payload, uint64_t frames, int level) {
  std::mt19937_64 rng(1);
  std::vector<std::string> payloads;
  for (int i = 0; i < 4096; ++i) payloads.push_back(MakeEvent(rng, static_cast<uint64_t>(i), payload));
  std::vector<std::string> subjects;
  for (const char* t : {"host_heartbeat", "component_scaled", "health_check_passed",
                        "provider_started", "linkdef_set"}) {
    subjects.push_back(std::string("wasmbus.evt.default.") + t);
  }
  std::string path = dir + "/bench-" + std::to_string(payload) + ".seg";
  std::remove(path.c_str());
  format::Metadata meta;
  meta.recording_id = "bench";
  format::WriterOptions wopts;
  wopts.zstd_level = level;
  auto w = format::SegmentWriter::Create(FileSystem::Default(), path, meta, wopts);
  if (!w.ok()) {
    std::fprintf(stderr, "%s\n", w.status().message().c_str());
    std::exit(1);
  }
  uint64_t raw = 0;
  auto t0 = Clock::now();
  for (uint64_t i = 0; i < frames; ++i) {
    format::FrameView f{i + 1, 1'795'000'000'000'000'000 + static_cast<int64_t>(i) * 1000,
                        static_cast<int64_t>(i) * 1000, subjects[i % 5], "", "",
                        payloads[i % payloads.size()]};
    raw += f.RawSize();
    if (!(*w)->Add(f).ok()) std::exit(1);
  }
  if (!(*w)->Seal().ok()) std::exit(1);
  double wsec = std::chrono::duration<double>(Clock::now() - t0).count();
  uint64_t stored = (*w)->stats().file_bytes;

  auto t1 = Clock::now();
  auto r = format::SegmentReader::Open(FileSystem::Default(), path, {});
  if (!r.ok()) std::exit(1);
  format::Entry e;
  uint64_t n = 0, check = 0;
  while (true) {
    auto more = (*r)->Next(&e);
    if (!more.ok() || !*more) break;
    n++;
    check += e.frame.payload.size();
  }
  double rsec = std::chrono::duration<double>(Clock::now() - t1).count();
  std::remove(path.c_str());
  if (n != frames || check + n * 0 == 0) std::exit(1);
  std::printf("level %2d, %5zu B frames x %llu: write %.2f M frames/s (%.0f MB/s raw), read %.2f M frames/s "
              "(%.0f MB/s raw), compression %.1fx (%llu -> %llu bytes)\n",
              level, payload, static_cast<unsigned long long>(frames), frames / wsec / 1e6,
              raw / wsec / 1e6, frames / rsec / 1e6, raw / rsec / 1e6,
              static_cast<double>(raw) / static_cast<double>(stored),
              static_cast<unsigned long long>(raw), static_cast<unsigned long long>(stored));
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t frames = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
  const char* tmp = std::getenv("TMPDIR");
  std::string dir = argc > 2 ? argv[2] : (tmp ? tmp : "/tmp");
  int level = argc > 3 ? std::atoi(argv[3]) : format::WriterOptions{}.zstd_level;
  Run(dir, 300, frames, level);
  Run(dir, 1536, frames, level);
  return 0;
}
