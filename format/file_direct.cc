#include "format/file_direct.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace evtape {

std::unique_ptr<DirectWritableFile> DirectWritableFile::Open(const std::string& path, int fd) {
  // A second open rather than O_DIRECT on the create: where O_DIRECT is refused, open() may
  // fail only after creating the file, and the caller must still own a usable descriptor.
  int direct_fd = ::open(path.c_str(), O_WRONLY | O_DIRECT | O_CLOEXEC);
  if (direct_fd < 0) return nullptr;
  struct stat a, b;
  char* stage = nullptr;
  if (::fstat(fd, &a) != 0 || ::fstat(direct_fd, &b) != 0 || a.st_dev != b.st_dev ||
      a.st_ino != b.st_ino ||  // renamed or replaced in between: not ours
      (stage = static_cast<char*>(std::aligned_alloc(kBlock, kStageBytes))) == nullptr) {
    ::close(direct_fd);
    return nullptr;
  }
  return std::unique_ptr<DirectWritableFile>(new DirectWritableFile(path, fd, direct_fd, stage));
}

DirectWritableFile::DirectWritableFile(std::string path, int tail_fd, int direct_fd, char* stage)
    : path_(std::move(path)), tail_fd_(tail_fd), direct_fd_(direct_fd), stage_(stage) {}

DirectWritableFile::~DirectWritableFile() {
  if (tail_fd_ >= 0) ::close(tail_fd_);
  if (direct_fd_ >= 0) ::close(direct_fd_);
}

Status DirectWritableFile::Failed(Status s) {
  failed_ = s;
  return s;
}

Status DirectWritableFile::WriteAt(int fd, const char* p, size_t n, uint64_t offset) {
  while (n > 0) {
    ssize_t w = ::pwrite(fd, p, n, static_cast<off_t>(offset));
    if (w < 0) {
      if (errno == EINTR) continue;
      return Failed(Status::FromErrno(path_ + ": write", errno));
    }
    if (w == 0) return Failed(Status::IOError(path_ + ": write: no progress"));
    p += w;
    n -= static_cast<size_t>(w);
    offset += static_cast<uint64_t>(w);
  }
  return Status::Ok();
}

ssize_t DirectWritableFile::DirectPwrite(const char* p, size_t n, uint64_t offset) {
  if (test_error_ != 0) {
    if (test_short_blocks_ == 0) {
      errno = test_error_;
      test_error_ = 0;
      return -1;
    }
    n = std::min(n, test_short_blocks_ * kBlock);
    test_short_blocks_ = 0;
  }
  return ::pwrite(direct_fd_, p, n, static_cast<off_t>(offset));
}

Status DirectWritableFile::WriteDirect(size_t n) {
  size_t done = 0;
  bool refused = false;
  while (done < n) {
    ssize_t w = DirectPwrite(stage_.get() + done, n - done, base_ + done);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && (errno == EINVAL || errno == EOPNOTSUPP)) {
      refused = true;  // alignment or mode the file system does not accept
      break;
    }
    if (w < 0) return Failed(Status::FromErrno(path_ + ": write", errno));
    if (w == 0) return Failed(Status::IOError(path_ + ": write: no progress"));
    done += static_cast<size_t>(w);
    // A short direct write (rare: a full disk) may leave an unaligned remainder; the
    // ordinary descriptor takes it, and everything after it.
    if (done < n && done % kBlock != 0) {
      refused = true;
      break;
    }
  }
  std::memmove(stage_.get(), stage_.get() + done, used_ - done);
  used_ -= done;
  base_ += done;
  return refused ? FallBack() : Status::Ok();
}

Status DirectWritableFile::FallBack() {
  ::close(direct_fd_);
  direct_fd_ = -1;
  EVTAPE_RETURN_IF_ERROR(WriteAt(tail_fd_, stage_.get(), used_, base_));
  base_ += used_;
  used_ = 0;
  return Status::Ok();
}

Status DirectWritableFile::Stage(std::string_view data) {
  while (!data.empty()) {
    if (!direct()) {
      EVTAPE_RETURN_IF_ERROR(WriteAt(tail_fd_, data.data(), data.size(), base_));
      base_ += data.size();
      return Status::Ok();
    }
    size_t n = std::min(data.size(), kStageBytes - used_);
    std::memcpy(stage_.get() + used_, data.data(), n);
    used_ += n;
    data.remove_prefix(n);
    if (used_ == kStageBytes) EVTAPE_RETURN_IF_ERROR(WriteDirect(used_));
  }
  return Status::Ok();
}

Status DirectWritableFile::AppendPair(std::string_view a, std::string_view b) {
  if (!failed_.ok()) return failed_;
  EVTAPE_RETURN_IF_ERROR(Stage(a));
  EVTAPE_RETURN_IF_ERROR(Stage(b));
  if (!direct()) return Status::Ok();
  size_t whole = used_ / kBlock * kBlock;
  if (whole > 0) EVTAPE_RETURN_IF_ERROR(WriteDirect(whole));
  if (!direct() || used_ == 0) return Status::Ok();
  // The partial last block: written now (so that it survives a kill -9) and written again,
  // completed, by a later direct write; it stays staged until then.
  return WriteAt(tail_fd_, stage_.get(), used_, base_);
}

Status DirectWritableFile::Sync() {
  if (!failed_.ok()) return failed_;
  // fdatasync works on the file, not the descriptor: it covers the direct writes too.
  if (::fdatasync(tail_fd_) != 0) return Failed(Status::FromErrno(path_ + ": fdatasync", errno));
  return Status::Ok();
}

Status DirectWritableFile::Close() {
  // Every Append already wrote all of its bytes; only the descriptors are left.
  int fds[2] = {direct_fd_, tail_fd_};
  direct_fd_ = tail_fd_ = -1;
  Status result = failed_;
  for (int fd : fds) {
    if (fd >= 0 && ::close(fd) != 0 && result.ok()) {
      result = Status::FromErrno(path_ + ": close", errno);
    }
  }
  return result;
}

}  // namespace evtape
