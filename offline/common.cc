#include "offline/common.h"

#include "util/clock.h"
#include "wasmcloud/event_stats.h"
#include "util/version.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "util/clock.h"
#include "wasmcloud/event_stats.h"

namespace evtape::offline {
namespace {

namespace fs = std::filesystem;

std::string Canonical(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
  return ec ? path : p.lexically_normal().string();
}

// True when `inner` is `outer` or lies inside it.
bool Within(const std::string& inner, const std::string& outer) {
  std::string a = Canonical(inner), b = Canonical(outer);
  while (a.size() > 1 && a.back() == '/') a.pop_back();
  while (b.size() > 1 && b.back() == '/') b.pop_back();
  return a == b || (a.size() > b.size() && a.compare(0, b.size(), b) == 0 &&
                    (b == "/" || a[b.size()] == '/'));
}

}  // namespace

std::string DescribeIssue(const format::ReadIssue& i) {
  std::string s = i.file + ": offset " + std::to_string(i.offset) + ": " +
                  format::IssueKindName(i.kind) + " (" + i.reason + "), " +
                  std::to_string(i.bytes_dropped) + " bytes dropped, ";
  if (i.frames_lost) {
    s += std::to_string(*i.frames_lost) + " frames lost";
  } else if (i.min_frames_lost > 0) {
    s += "at least " + std::to_string(i.min_frames_lost) + " frames lost";
  } else {
    s += "frames lost unknown";
  }
  return s;
}

// An unknown count may hide a loss (an unsealed file's unwritten tail): it counts as one.
bool LostFrames(const format::ReadIssue& i) { return !i.frames_lost || *i.frames_lost > 0; }

int LossExitCode(const std::vector<format::ReadIssue>& issues) {
  for (const auto& i : issues) {
    if (LostFrames(i)) return 3;
  }
  return 0;
}

StdoutWriter::StdoutWriter() : old_sigpipe_(std::signal(SIGPIPE, SIG_IGN)) {
  buf_.reserve(2u << 20);
}

StdoutWriter::~StdoutWriter() {
  Flush();
  std::signal(SIGPIPE, old_sigpipe_);
}

bool StdoutWriter::Flush() {
  if (closed_) {
    buf_.clear();
    return false;
  }
  size_t done = 0;
  while (done < buf_.size()) {
    ssize_t n = ::write(STDOUT_FILENO, buf_.data() + done, buf_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      closed_ = true;
      if (errno != EPIPE) error_ = std::string("writing to stdout: ") + std::strerror(errno);
      buf_.clear();
      return false;
    }
    done += static_cast<size_t>(n);
  }
  buf_.clear();
  return true;
}

Status ScanSegments(const std::vector<std::string>& segments, IssueLog* log,
                    const std::function<Status(const format::Entry&)>& on_entry,
                    ScanTotals* totals) {
  FileSystem* fs = FileSystem::Default();
  format::ReaderOptions ro;
  ro.recovery = format::Recovery::kSkipDamage;
  ro.reporter = log;
  for (const auto& path : segments) {
    totals->segments++;
    auto reader = format::SegmentReader::Open(fs, path, ro);
    if (!reader.ok()) {
      const Status& s = reader.status();
      bool unsupported = s.code() == Status::Code::kNotSupported;
      if (!unsupported && s.code() != Status::Code::kInvalidArgument) return s;
      struct stat st;
      uint64_t size = ::stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
      totals->file_bytes += size;
      log->OnIssue({unsupported ? format::ReadIssue::Kind::kUnsupported
                                : format::ReadIssue::Kind::kCorruption,
                    path, 0, size, std::nullopt,
                    unsupported ? "unsupported format version" : "not an evtape segment"});
      continue;
    }
    format::SegmentReader& r = *reader.value();
    totals->file_bytes += r.file_size();
    format::Entry e;
    while (true) {
      EVTAPE_ASSIGN_OR_RETURN(bool more, r.Next(&e));
      if (!more) break;
      if (e.kind == format::Entry::Kind::kFrame) totals->raw_bytes += e.frame.RawSize();
      EVTAPE_RETURN_IF_ERROR(on_entry(e));
    }
    totals->frames += r.stats().frames;
    totals->gaps += r.stats().gaps;
    totals->chunks += r.stats().chunks;
    totals->sealed += r.stats().sealed ? 1 : 0;
  }
  return Status::Ok();
}

Result<std::vector<std::string>> InputSegments(const std::vector<std::string>& inputs) {
  return format::ListSegments(FileSystem::Default(), inputs);
}

Status CheckOutputPath(const std::string& out, const std::vector<std::string>& inputs) {
  if (out.empty()) return Status::InvalidArgument("-o: the output path is empty");
  for (const auto& in : inputs) {
    if (in != "-" && (Within(out, in) || Within(in, out))) {
      return Status::InvalidArgument("-o " + out + ": overlaps the input " + in +
                                     "; write to a new directory");
    }
  }
  struct stat st;
  if (::stat(out.c_str(), &st) != 0) return Status::Ok();
  if (!S_ISDIR(st.st_mode)) {
    return Status::InvalidArgument("-o " + out +
                                   ": exists and is not a directory; choose a new "
                                   "directory name");
  }
  std::error_code ec;
  if (!fs::is_empty(out, ec) || ec) {
    return Status::InvalidArgument("-o " + out +
                                   ": directory is not empty; choose a new or "
                                   "empty directory (or remove this one first)");
  }
  return Status::Ok();
}

format::Metadata DerivedMetadata(const std::vector<std::string>& segments,
                                 const std::string& verb) {
  format::Metadata m;
  if (!segments.empty()) {
    auto first = format::ReadMetadata(FileSystem::Default(), segments.front());
    if (first.ok()) {
      m.source = first->source;
      m.subscriptions = first->subscriptions;
      m.host = first->host;
    }
  }
  m.tool = std::string(kToolName);
  m.created_ns = RealtimeNs();
  m.extra = nlohmann::json{{"created_by", verb}};
  return m;
}

Result<std::unique_ptr<format::RecordingWriter>> OpenOutput(const std::string& dir,
                                                           format::Metadata metadata,
                                                           int zstd_level) {
  format::RecordingWriterOptions o;
  o.dir = dir;
  o.base = std::move(metadata);
  o.assign_seqs = false;
  o.max_segment_bytes = kDefaultSegmentBytes;
  // Offline verbs have the time a live recorder has not: big chunks, payloads grouped by
  // subject, zstd's strongest regular level (format/FORMAT.md, "Compression").
  o.writer.zstd_level = zstd_level;
  o.writer.chunk_bytes = kOfflineChunkBytes;
  o.writer.group_payloads = true;
  o.stats = wasmcloud::EventStatsFactory();
  return format::RecordingWriter::Create(FileSystem::Default(), std::move(o));
}

}  // namespace evtape::offline
