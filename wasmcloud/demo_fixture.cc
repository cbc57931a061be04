#include "wasmcloud/demo_fixture.h"

#include <unistd.h>

#include <filesystem>

#include "util/units.h"
#include "format/recording.h"
#include "format/recording_writer.h"
#include "util/version.h"
#include "wasmcloud/event_stats.h"

namespace evtape::wasmcloud {
namespace {

constexpr const char* kHost = "NCRRYBV5IY7DSI54DKW33ZELC2LWYCAHC43TXAM2A2HTFN5GWOFWWEKL";

std::string Event(const std::string& name, const std::string& id, int64_t t, const std::string& data) {
  return std::string(R"({"specversion":"1.0","id":")") + id +
         R"(","type":"com.wasmcloud.lattice.)" + name + R"(","source":")" + kHost +
         R"(","datacontenttype":"application/json","time":")" + FormatRfc3339Nanos(t) +
         R"(","data":)" + data + "}";
}

}  // namespace

Status WriteBuiltinLatticeFixture(const std::string& dir) {
  const int64_t t0 = 1'785'420'000'000'000'000;  // 2026-07-30T14:00:00Z
  format::RecordingWriterOptions o;
  o.dir = dir;
  o.base.recording_id = "builtin-lattice-demo";
  o.base.tool = kToolName;
  o.base.source = "builtin";
  o.base.subscriptions = {"wasmbus.evt.default.>"};
  o.base.created_ns = t0;
  o.stats = EventStatsFactory();
  auto w = format::RecordingWriter::Create(FileSystem::Default(), std::move(o));
  if (!w.ok()) return w.status();
  const char* names[] = {"host_started", "component_scaled", "provider_started",
                         "linkdef_set", "health_check_passed"};
  uint64_t seq = 0;
  for (int i = 0; i < 60; ++i) {
    const int64_t t = t0 + int64_t{i} * 250'000'000;
    char id[48];
    std::snprintf(id, sizeof id, "019fb353-%04x-7000-8000-%012x", i, i * 7919);
    const std::string name = i % 10 == 9 ? "host_heartbeat" : names[i % 5];
    const std::string data = R"({"host_id":")" + std::string(kHost) + R"(","n":)" + std::to_string(i) + "}";
    const std::string payload = Event(name, id, t, data);
    const std::string subject = "wasmbus.evt.default." + name;
    format::FrameView f;
    f.seq = ++seq;
    f.time_ns = t;
    f.mono_ns = t;
    f.subject = subject;
    f.payload = payload;
    std::string headers;
    if (i == 30) {  // one message with duplicate, mixed-case keys: replay keeps the raw bytes
      headers = "NATS/1.0\r\nX-Trace: a\r\nx-trace: b\r\nX-Trace:  c \r\n\r\n";
      f.headers = headers;
    }
    EVTAPE_RETURN_IF_ERROR((*w)->Add(f));
  }
  return (*w)->Close();
}

Result<std::string> FindOrBuildDemoFixture(const std::string& fallback_dir) {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto bundled = exe.parent_path() / "fixtures" / "app-deploy";
    if (std::filesystem::is_directory(bundled, ec) &&
        format::ListSegments(FileSystem::Default(), bundled.string()).ok()) {
      return bundled.string();
    }
  }
  EVTAPE_RETURN_IF_ERROR(WriteBuiltinLatticeFixture(fallback_dir));
  return fallback_dir;
}

}  // namespace evtape::wasmcloud
