#include "jetstream/drain_resume.h"

#include <algorithm>

#include "format/recording.h"
#include "format/segment_reader.h"
#include "record/resume.h"

namespace evtape::jetstream {
namespace {

// The highest stream seq a segment accounts for, read tolerantly (a crash leaves a torn tail).
uint64_t LastAccounted(FileSystem* fs, const std::string& path) {
  format::ReaderOptions ro;
  ro.recovery = format::Recovery::kSkipDamage;
  Result<std::unique_ptr<format::SegmentReader>> reader = format::SegmentReader::Open(fs, path, ro);
  if (!reader.ok()) return 0;
  uint64_t last = 0;
  format::Entry e;
  while (true) {
    Result<bool> more = (*reader)->Next(&e);
    if (!more.ok() || !*more) break;
    if (e.kind == format::Entry::Kind::kFrame) {
      last = std::max(last, e.frame.seq);
    } else if (e.gap.reason == format::GapReason::kRetention) {
      last = std::max(last, e.gap.after_seq + e.gap.count.value_or(0));
    }
  }
  return last;
}

}  // namespace

nlohmann::json DrainMetadata(const std::string& stream, int64_t stream_created_ns) {
  return {{"jetstream", {{"stream", stream}, {"stream_created_ns", stream_created_ns}}}};
}

Result<DrainResume> InspectDrainOutput(FileSystem* fs, const std::string& dir,
                                       const std::string& stream) {
  DrainResume out;
  Result<record::ResumeInfo> info = record::InspectOutput(fs, dir, 0);
  if (!info.ok()) {
    if (info.status().code() == Status::Code::kInvalidArgument) {
      return Status::InvalidArgument("--output: " + info.status().message());
    }
    return info.status();
  }
  if (!info->existing) return out;
  out.existing = true;
  out.next_index = info->next_index;
  out.recording_id = info->recording_id;
  EVTAPE_ASSIGN_OR_RETURN(std::vector<std::string> segments, format::ListSegments(fs, dir));
  bool found_metadata = false;
  for (auto it = segments.rbegin(); it != segments.rend(); ++it) {
    if (!found_metadata) {
      Result<format::Metadata> md = format::ReadMetadata(fs, *it);
      if (!md.ok()) continue;
      const nlohmann::json& js = md->extra.contains("jetstream") ? md->extra["jetstream"] : nlohmann::json();
      if (!js.is_object() || !js.contains("stream") || !js["stream"].is_string()) {
        return Status::InvalidArgument("--output: " + dir + " holds a recording that is not a drain of a stream");
      }
      if (js["stream"].get<std::string>() != stream) {
        return Status::InvalidArgument("--output: " + dir + " holds a drain of stream " +
                                       js["stream"].get<std::string>() + ", not " + stream);
      }
      out.stream_created_ns = js.value("stream_created_ns", int64_t{0});
      found_metadata = true;
    }
    out.last_stream_seq = LastAccounted(fs, *it);
    if (out.last_stream_seq > 0) break;
  }
  return out;
}

}  // namespace evtape::jetstream
