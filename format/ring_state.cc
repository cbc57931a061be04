#include "format/ring_state.h"

#include <nlohmann/json.hpp>

#include "format/segment_format.h"

namespace evtape::format {

Result<std::optional<RingState>> ReadRingState(FileSystem* fs, const std::string& dir) {
  const std::string path = JoinPath(dir, kRingStateFileName);
  auto file = fs->NewRandomAccessFile(path);
  if (!file.ok()) {
    if (file.status().code() == Status::Code::kNotFound) return std::optional<RingState>{};
    return file.status();
  }
  EVTAPE_ASSIGN_OR_RETURN(uint64_t size, (*file)->Size());
  if (size > (1u << 20)) return Status::InvalidArgument(path + ": not an evtape ring state");
  std::string text;
  EVTAPE_RETURN_IF_ERROR((*file)->Read(0, size, &text));
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return Status::InvalidArgument(path + ": not an evtape ring state");
  RingState s;
  try {
    s.window_ns = j.value("window_ns", int64_t{0});
    s.window_bytes = j.value("window_bytes", uint64_t{0});
    s.deleted_segments = j.value("deleted_segments", uint64_t{0});
    s.deleted_frames = j.value("deleted_frames", uint64_t{0});
    s.deleted_bytes = j.value("deleted_bytes", uint64_t{0});
    s.deleted_through_index = j.value("deleted_through_index", uint32_t{0});
    s.deleted_through_seq = j.value("deleted_through_seq", uint64_t{0});
    s.deleted_through_ns = j.value("deleted_through_ns", int64_t{0});
  } catch (const nlohmann::json::exception&) {
    return Status::InvalidArgument(path + ": not an evtape ring state");
  }
  return std::optional<RingState>{s};
}

Status WriteRingState(FileSystem* fs, const std::string& dir, const RingState& s) {
  const nlohmann::json j = {{"window_ns", s.window_ns},
                            {"window_bytes", s.window_bytes},
                            {"deleted_segments", s.deleted_segments},
                            {"deleted_frames", s.deleted_frames},
                            {"deleted_bytes", s.deleted_bytes},
                            {"deleted_through_index", s.deleted_through_index},
                            {"deleted_through_seq", s.deleted_through_seq},
                            {"deleted_through_ns", s.deleted_through_ns}};
  const std::string path = JoinPath(dir, kRingStateFileName);
  const std::string tmp = path + ".tmp";
  (void)fs->Remove(tmp);  // a leftover of a crash
  EVTAPE_ASSIGN_OR_RETURN(auto file, fs->NewWritableFile(tmp));
  EVTAPE_RETURN_IF_ERROR(file->Append(j.dump() + "\n"));
  EVTAPE_RETURN_IF_ERROR(file->Sync());
  EVTAPE_RETURN_IF_ERROR(file->Close());
  return fs->Rename(tmp, path);
}

}  // namespace evtape::format
