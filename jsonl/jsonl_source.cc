#include "jsonl/jsonl_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace evtape::jsonl {
namespace {

constexpr size_t kBlockBytes = size_t{1} << 20;

}  // namespace

Result<std::unique_ptr<JsonlSource>> JsonlSource::Open(const std::string& path) {
  if (path == "-") {
    return std::unique_ptr<JsonlSource>(new JsonlSource(STDIN_FILENO, false, "stdin"));
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno(path + ": cannot open", errno);
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return Status::InvalidArgument(path + ": is a directory, not a JSON lines file");
  }
  return std::unique_ptr<JsonlSource>(new JsonlSource(fd, true, path));
}

JsonlSource::JsonlSource(int fd, bool owns_fd, std::string name)
    : fd_(fd), owns_fd_(owns_fd), name_(std::move(name)) {}

JsonlSource::~JsonlSource() {
  if (owns_fd_) ::close(fd_);
}

Result<bool> JsonlSource::Fail(Status s) {
  error_ = std::move(s);
  return error_;
}

Status JsonlSource::Fill() {
  if (begin_ > 0) {  // keep only the unsplit bytes, at the front
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    scanned_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buf_.size()) {
    // Grows for a long line, up to one byte more than a line may hold (ReadLine refuses it).
    buf_.resize(std::min(std::max(kBlockBytes, buf_.size() * 2), kMaxLineBytes + 1));
  }
  while (true) {
    const ssize_t n = ::read(fd_, buf_.data() + end_, buf_.size() - end_);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::FromErrno(name_ + ": read error", errno);
    if (n == 0) eof_ = true;
    end_ += static_cast<size_t>(n);
    return Status::Ok();
  }
}

Result<bool> JsonlSource::ReadLine(std::string_view* line) {
  while (true) {
    const char* base = buf_.data();
    const void* nl =
        scanned_ < end_ ? std::memchr(base + scanned_, '\n', end_ - scanned_) : nullptr;
    if (nl != nullptr) {
      const size_t at = static_cast<size_t>(static_cast<const char*>(nl) - base);
      *line = std::string_view(base + begin_, at - begin_);
      begin_ = scanned_ = at + 1;
      return true;
    }
    scanned_ = end_;
    if (end_ - begin_ > kMaxLineBytes) {
      return Status::InvalidArgument(name_ + ": line " + std::to_string(line_no_ + 1) +
                                     ": longer than " + std::to_string(kMaxLineBytes >> 20) +
                                     " MiB");
    }
    if (eof_) {
      if (begin_ == end_) return false;
      *line = std::string_view(base + begin_, end_ - begin_);
      begin_ = scanned_ = end_;
      return true;
    }
    EVTAPE_RETURN_IF_ERROR(Fill());
  }
}

Result<bool> JsonlSource::Next(format::Entry* entry) {
  if (!error_.ok()) return error_;
  if (ended_) return false;
  while (true) {
    std::string_view line;
    Result<bool> more = ReadLine(&line);
    if (!more.ok()) return Fail(more.status());
    if (!*more) {
      ended_ = true;
      return false;
    }
    ++line_no_;
    if (IsBlankLine(line)) continue;
    Result<DecodedLine> decoded = decoder_.Decode(line, line_no_);
    if (!decoded.ok()) return Fail(decoded.status().WithPrefix(name_));
    entry->offset = line_no_;
    if (decoded->kind == DecodedLine::Kind::kFrame) {
      frame_ = std::move(decoded->frame);
      entry->kind = format::Entry::Kind::kFrame;
      entry->frame = frame_.view();
      stats_.frames++;
    } else {
      entry->kind = format::Entry::Kind::kGap;
      entry->gap = std::move(decoded->gap);
      stats_.gaps++;
    }
    return true;
  }
}

}  // namespace evtape::jsonl
