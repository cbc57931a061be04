// The file-system seam (LevelDB's Env lesson): the segment writer and reader do all their I/O
// through these interfaces, so tests can inject write failures, short reads and crashes.
//
// Threads: a file object is used by one thread at a time; a FileSystem is thread-safe.
// Errors: every call returns a Status naming the path and the cause (strerror text).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "format/status.h"

namespace evtape {

class WritableFile {
 public:
  virtual ~WritableFile() = default;
  // Appends all of data; a short write is retried until done or an error occurs.
  virtual Status Append(std::string_view data) = 0;
  // Appends a then b as one operation (a record header and its body, without first copying
  // them together). The default concatenates them and calls Append once.
  virtual Status AppendPair(std::string_view a, std::string_view b);
  // Makes appended data durable (fdatasync). Never called again after a failure.
  virtual Status Sync() = 0;
  virtual Status Close() = 0;
  virtual const std::string& path() const = 0;
};

class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  // Reads up to n bytes at offset into scratch (resized); fewer bytes only at end of file.
  virtual Status Read(uint64_t offset, size_t n, std::string* scratch) const = 0;
  virtual Result<uint64_t> Size() const = 0;
  virtual const std::string& path() const = 0;
};

struct WritableFileOptions {
  // Write around the page cache (O_DIRECT) where the file system allows it: for a writer that
  // streams far more than anyone reads back soon (the recorder), whose buffered writes would
  // cost more CPU than the data is worth and fill the host's memory with dirty pages. The
  // contract is unchanged: every Append has reached the file (a kill -9 loses nothing appended)
  // and the file's size is exactly what was appended. Where O_DIRECT is refused (tmpfs, some
  // network file systems) the file silently uses ordinary writes; implementations without such
  // a mode ignore the option.
  bool direct_io = false;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // Creates a new file; fails if it already exists (never appends into an old file).
  virtual Result<std::unique_ptr<WritableFile>> NewWritableFile(
      const std::string& path, const WritableFileOptions& options) = 0;
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) {
    return NewWritableFile(path, WritableFileOptions{});
  }
  virtual Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(
      const std::string& path) = 0;
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  virtual Status Remove(const std::string& path) = 0;
  // Removes an empty directory.
  virtual Status RemoveDir(const std::string& dir) = 0;
  // fsyncs a directory so that created and renamed entries survive an OS crash.
  virtual Status SyncDir(const std::string& dir) = 0;
  // Creates dir and any missing parents; ok if it exists.
  virtual Status CreateDir(const std::string& dir) = 0;
  // Names (not paths) of the entries in dir, sorted.
  virtual Result<std::vector<std::string>> ListDir(const std::string& dir) = 0;

  // The process-wide POSIX implementation.
  static FileSystem* Default();
};

// "dir/name" without doubling slashes.
std::string JoinPath(const std::string& dir, const std::string& name);
// The directory part of a path ("." when there is none).
std::string DirName(const std::string& path);
// The last path component.
std::string BaseName(const std::string& path);

}  // namespace evtape
