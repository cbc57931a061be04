// Writes a sealed recording of realistic wasmCloud CloudEvents for bench/offline.sh:
//   offline_gen DIR RAW_MIB
// Segments rotate at 256 MiB of raw frame bytes, each sealed with EventStats extra, as every
// evtape writer does. Prints "frames raw_bytes file_bytes segments" on stdout.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "wasmcloud/event_stats.h"
#include "format/recording.h"
#include "format/segment_writer.h"

namespace {

constexpr const char* kTypes[] = {
    "com.wasmcloud.lattice.host_heartbeat", "com.wasmcloud.lattice.component_scaled",
    "com.wasmcloud.lattice.health_check_passed", "com.wasmcloud.lattice.link_def_set",
    "com.wasmcloud.lattice.provider_started"};

uint64_t Mix(uint64_t z) {  // splitmix64: ids with realistic entropy
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::string Payload(uint64_t i, const char* type, int64_t t) {
  char buf[1024];
  unsigned long long rnd = Mix(i) % 10000000000ull;
  int n = std::snprintf(
      buf, sizeof(buf),
      R"({"specversion":"1.0","id":"01J4KZYQ0E7AH0WM%010llu","type":"%s",)"
      R"("source":"NBHOST%050llu","datacontenttype":"application/json","time":"%lld",)"
      R"("data":{"host_id":"NBHOST%050llu","component_id":"http-hello-%llu","max_instances":%llu,)"
      R"("uptime_seconds":%llu,)"
      R"("annotations":{"wasmcloud.dev/appspec":"hello","wasmcloud.dev/scaler":"spreadscaler"},)"
      R"("image_ref":"ghcr.io/wasmcloud/components/http-hello-world-rust:0.1.0"}})",
      rnd, type, static_cast<unsigned long long>(i % 4), static_cast<long long>(t),
      static_cast<unsigned long long>(i % 4), static_cast<unsigned long long>(i % 50),
      static_cast<unsigned long long>(i % 10),
      static_cast<unsigned long long>(Mix(i + 1) % 100000));
  return std::string(buf, static_cast<size_t>(n));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: offline_gen DIR RAW_MIB\n");
    return 2;
  }
  const std::string dir = argv[1];
  const uint64_t target = std::strtoull(argv[2], nullptr, 10) << 20;
  evtape::FileSystem* fs = evtape::FileSystem::Default();
  if (!fs->CreateDir(dir).ok()) return 1;
  std::unique_ptr<evtape::format::SegmentWriter> w;
  std::unique_ptr<evtape::wasmcloud::EventStats> stats;
  uint32_t index = 0;
  uint64_t raw = 0, file = 0, seq = 0;
  int64_t t0 = 1'795'000'000'000'000'000;
  auto seal = [&] {
    file += w->stats().file_bytes;
    if (!w->Seal(stats->ToJson()).ok()) std::exit(1);
  };
  while (raw < target) {
    // Rotate by raw size so a 1 GiB recording has several footers to read.
    if (!w || w->stats().raw_bytes >= (256ull << 20)) {
      if (w) seal();
      evtape::format::Metadata m;
      m.recording_id = "bench";
      m.tool = "evtape bench";
      m.segment_index = ++index;
      m.first_seq = seq + 1;
      m.created_ns = t0;
      auto r = evtape::format::SegmentWriter::Create(fs, evtape::format::SegmentPath(dir, index), m,
                                                     evtape::format::WriterOptions());
      if (!r.ok()) {
        std::fprintf(stderr, "%s\n", r.status().message().c_str());
        return 1;
      }
      w = std::move(r).value();
      stats = std::make_unique<evtape::wasmcloud::EventStats>();
    }
    ++seq;
    int64_t t = t0 + static_cast<int64_t>(seq) * 100'000;  // 10,000 msg/s
    const char* type = kTypes[seq % 5];
    std::string payload = Payload(seq, type, t);
    std::string subject = std::string("wasmbus.evt.default.") + (type + 22);
    evtape::format::FrameView f{seq, t, t, subject, "", "", payload};
    if (!w->Add(f).ok()) return 1;
    stats->Add(f);
    raw += f.RawSize();
  }
  seal();
  std::printf("%llu %llu %llu %u\n", static_cast<unsigned long long>(seq),
              static_cast<unsigned long long>(raw), static_cast<unsigned long long>(file), index);
  return 0;
}
