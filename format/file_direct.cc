#include "format/file_direct.h"

#include <fcntl.h>
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
  void* stage = std::aligned_alloc(kBlock, kStageBytes);
  if (stage == nullptr) {
    ::close(direct_fd);
    return nullptr;
  }
  return std::unique_ptr<DirectWritableFile>(
      new DirectWritableFile(path, fd, direct_fd, static_cast<char*>(stage)));
}

DirectWritableFile::DirectWritableFile(std::string path, int tail_fd, int direct_fd, char* stage)
    : path_(std::move(path)), tail_fd_(tail_fd), direct_fd_(direct_fd), stage_(stage) {}

DirectWritableFile::~DirectWritableFile() {
  if (tail_fd_ >= 0) ::close(tail_fd_);
  if (direct_fd_ >= 0) ::close(direct_fd_);
  std::free(stage_);
}

Status DirectWritableFile::WriteAt(int fd, const char* p, size_t n, uint64_t offset) {
  while (n > 0) {
    ssize_t w = ::pwrite(fd, p, n, static_cast<off_t>(offset));
    if (w < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno(path_ + ": write", errno);
    }
    if (w == 0) return Status::IOError(path_ + ": write: no progress");
    p += w;
    n -= static_cast<size_t>(w);
    offset += static_cast<uint64_t>(w);
  }
  return Status::Ok();
}

Status DirectWritableFile::WriteDirect(size_t n) {
  size_t done = 0;
  while (done < n) {
    ssize_t w = refuse_next_ ? (errno = EINVAL, -1)
                             : ::pwrite(direct_fd_, stage_ + done, n - done,
                                        static_cast<off_t>(base_ + done));
    refuse_next_ = false;
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && errno == EINVAL) break;  // alignment refused: fall back below
    if (w < 0) return Status::FromErrno(path_ + ": write", errno);
    if (w == 0) return Status::IOError(path_ + ": write: no progress");
    done += static_cast<size_t>(w);
    // A short direct write (rare: a full disk) leaves an unaligned remainder; the ordinary
    // descriptor takes it, and everything after it.
    if (done < n && done % kBlock != 0) break;
  }
  std::memmove(stage_, stage_ + done, used_ - done);
  used_ -= done;
  base_ += done;
  if (done < n) return FallBack();
  return Status::Ok();
}

Status DirectWritableFile::FallBack() {
  direct_ = false;
  Status s = WriteAt(tail_fd_, stage_, used_, base_);
  base_ += used_;
  used_ = 0;
  return s;
}

Status DirectWritableFile::Stage(std::string_view data) {
  while (!data.empty()) {
    if (!direct_) {
      EVTAPE_RETURN_IF_ERROR(WriteAt(tail_fd_, data.data(), data.size(), base_));
      base_ += data.size();
      return Status::Ok();
    }
    size_t n = std::min(data.size(), kStageBytes - used_);
    std::memcpy(stage_ + used_, data.data(), n);
    used_ += n;
    data.remove_prefix(n);
    if (used_ == kStageBytes) EVTAPE_RETURN_IF_ERROR(WriteDirect(used_));
  }
  return Status::Ok();
}

Status DirectWritableFile::AppendPair(std::string_view a, std::string_view b) {
  EVTAPE_RETURN_IF_ERROR(Stage(a));
  EVTAPE_RETURN_IF_ERROR(Stage(b));
  if (!direct_) return Status::Ok();
  size_t whole = used_ / kBlock * kBlock;
  if (whole > 0) EVTAPE_RETURN_IF_ERROR(WriteDirect(whole));
  if (!direct_ || used_ == 0) return Status::Ok();
  // The partial last block: written now (so that it survives a kill -9) and written again,
  // completed, by a later direct write; it stays staged until then.
  return WriteAt(tail_fd_, stage_, used_, base_);
}

Status DirectWritableFile::Sync() {
  if (::fdatasync(tail_fd_) != 0) return Status::FromErrno(path_ + ": fdatasync", errno);
  return Status::Ok();
}

Status DirectWritableFile::Close() {
  // Every Append already wrote all of its bytes; only the descriptors are left.
  int fds[2] = {direct_fd_, tail_fd_};
  direct_fd_ = tail_fd_ = -1;
  Status result = Status::Ok();
  for (int fd : fds) {
    if (fd >= 0 && ::close(fd) != 0 && result.ok()) {
      result = Status::FromErrno(path_ + ": close", errno);
    }
  }
  return result;
}

}  // namespace evtape
