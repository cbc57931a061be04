// DirLock: one recorder per recording directory. Two recorders writing one directory
// interleave segments, number frames twice and record false restart gaps; the second is
// refused instead. The lock is an flock(2) on DIR/evtape.lock holding the owner's pid: the
// kernel releases it when the owner exits, even after kill -9, so a crash never leaves a stale
// lock behind. Readers ignore the file.
//
// Threads: a DirLock is owned by one thread; the lock is held until it is destroyed. The file
// name is format::kLockFileName (part of a recording directory's layout).
#pragma once

#include <memory>
#include <string>

#include "format/status.h"

namespace evtape::record {

class DirLock {
 public:
  // Takes the lock of `dir` (which must exist). Errors: Unavailable "DIR: already being
  // recorded by process PID" when another process holds it; IOError naming the lock file.
  static Result<std::unique_ptr<DirLock>> Acquire(const std::string& dir);
  ~DirLock();
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;

 private:
  explicit DirLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace evtape::record
