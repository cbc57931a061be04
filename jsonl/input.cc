#include "jsonl/input.h"

#include <algorithm>
#include <utility>

#include "format/merged_source.h"
#include "format/read_ahead.h"
#include "format/recording.h"
#include "jsonl/jsonl_source.h"

namespace evtape::jsonl {

bool IsJsonlInput(const std::string& path) {
  return path == "-" || (path.size() > 6 && path.ends_with(".jsonl"));
}

Result<std::unique_ptr<format::FrameSource>> OpenInput(const std::string& path,
                                                       const InputOptions& options) {
  if (IsJsonlInput(path)) {
    EVTAPE_ASSIGN_OR_RETURN(auto source, JsonlSource::Open(path));
    return std::unique_ptr<format::FrameSource>(std::move(source));
  }
  format::ReaderOptions ro;
  ro.recovery = options.recovery;
  ro.verify_zstd_content = options.verify_zstd_content;
  ro.reporter = options.reporter;
  FileSystem* fs = FileSystem::Default();
  if (options.read_ahead_chunks > 0) {
    EVTAPE_ASSIGN_OR_RETURN(
        auto ahead, format::ReadAheadReader::Open(fs, {path}, ro, options.read_ahead_chunks));
    return std::unique_ptr<format::FrameSource>(std::move(ahead));
  }
  EVTAPE_ASSIGN_OR_RETURN(auto reader, format::RecordingReader::Open(fs, {path}, ro));
  return std::unique_ptr<format::FrameSource>(std::move(reader));
}

Result<std::unique_ptr<format::FrameSource>> OpenInputs(const std::vector<std::string>& paths,
                                                        Combine combine,
                                                        const InputOptions& options) {
  if (paths.empty()) return Status::InvalidArgument("no input to read");
  if (std::count(paths.begin(), paths.end(), "-") > 1) {
    return Status::InvalidArgument("-: standard input can be read only once");
  }
  if (paths.size() == 1) return OpenInput(paths[0], options);
  std::vector<std::unique_ptr<format::FrameSource>> sources;
  for (const std::string& path : paths) {
    EVTAPE_ASSIGN_OR_RETURN(auto source, OpenInput(path, options));
    sources.push_back(std::move(source));
  }
  if (combine == Combine::kMerge) {
    return std::unique_ptr<format::FrameSource>(new format::MergedSource(std::move(sources)));
  }
  return std::unique_ptr<format::FrameSource>(new format::ConcatSource(std::move(sources)));
}

Result<std::vector<std::string>> RecordingSegments(const std::vector<std::string>& paths) {
  std::vector<std::string> recordings;
  for (const std::string& p : paths) {
    if (!IsJsonlInput(p)) recordings.push_back(p);
  }
  return format::ListSegments(FileSystem::Default(), recordings);
}

}  // namespace evtape::jsonl
