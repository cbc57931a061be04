// DirectWritableFile: a WritableFile that writes around the page cache (O_DIRECT), for the
// recorder's segments (WritableFileOptions::direct_io).
//
// Why: on the machines we measured, buffered writes cost about 1.5 ns of kernel CPU per byte
// (page allocation, copy, dirty accounting, later writeback), ten times an O_DIRECT write of
// the same data; a recorder streaming 500 MB/s spent a third of its CPU there, taken from the
// NATS client and server it shares the machine with. It also leaves the host's memory free of
// gigabytes of dirty pages during an incident.
//
// How: appended bytes are copied into a block-aligned staging buffer. Whole blocks go to the
// file with O_DIRECT; the last, partial block of each Append goes through a second, ordinary
// descriptor (the kernel keeps the two coherent: it writes that page back before the next
// direct write covers the block). So the contract of WritableFile holds exactly: when Append
// returns, every byte is in the file (a kill -9 loses nothing), and the file's size is exactly
// what was appended (never padding). If a direct write is refused (EINVAL: alignment the file
// system does not accept), the file switches to ordinary writes for the rest of its life.
//
// Threads: one thread at a time, like every WritableFile. Errors name the path and the cause.
#pragma once

#include <sys/types.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "format/file.h"

namespace evtape {

class DirectWritableFile final : public WritableFile {
 public:
  static constexpr size_t kBlock = 4096;          // alignment of offsets, lengths and memory
  static constexpr size_t kStageBytes = 2 << 20;  // whole blocks staged before a write

  // Opens `path` (a new file that `fd` was just created for, opened for writing) a second time
  // with O_DIRECT, checking that both descriptors name the same file. Returns null when the
  // file system refuses O_DIRECT; `fd` then stays the caller's. On success the file owns `fd`.
  static std::unique_ptr<DirectWritableFile> Open(const std::string& path, int fd);
  ~DirectWritableFile() override;
  DirectWritableFile(const DirectWritableFile&) = delete;
  DirectWritableFile& operator=(const DirectWritableFile&) = delete;

  // After a failed write every call returns that failure (what reached the file is unknown
  // past the last successful Append).
  Status Append(std::string_view data) override { return AppendPair(data, {}); }
  Status AppendPair(std::string_view a, std::string_view b) override;
  Status Sync() override;
  Status Close() override;
  const std::string& path() const override { return path_; }

  // False once a refused direct write (EINVAL, EOPNOTSUPP) made the file fall back to
  // ordinary writes.
  bool direct() const { return direct_fd_ >= 0; }

  // Test seam: the next direct write writes only `blocks` whole blocks (a short write), and
  // the one after it fails with `error` (EINVAL: fall back; others: fail).
  void FailDirectWriteForTesting(size_t blocks, int error) {
    test_short_blocks_ = blocks;
    test_error_ = error;
  }

 private:
  struct FreeDeleter {
    void operator()(char* p) const { std::free(p); }
  };
  DirectWritableFile(std::string path, int tail_fd, int direct_fd, char* stage);
  Status Stage(std::string_view data);
  Status WriteDirect(size_t n);  // stage_[0, n) at base_; n a multiple of kBlock
  ssize_t DirectPwrite(const char* p, size_t n, uint64_t offset);
  Status FallBack();  // writes what is staged the ordinary way, from now on
  Status WriteAt(int fd, const char* p, size_t n, uint64_t offset);
  Status Failed(Status s);

  std::string path_;
  int tail_fd_;    // ordinary descriptor: partial blocks, Sync, and everything after a fallback
  int direct_fd_;  // O_DIRECT descriptor; -1 after a fallback
  std::unique_ptr<char, FreeDeleter> stage_;  // kStageBytes, aligned to kBlock
  size_t used_ = 0;    // bytes staged; stage_[0] belongs at file offset base_
  uint64_t base_ = 0;  // a multiple of kBlock while direct
  Status failed_;
  size_t test_short_blocks_ = 0;
  int test_error_ = 0;
};

}  // namespace evtape
