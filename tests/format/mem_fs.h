// In-memory FileSystem with fault injection, for format tests (LevelDB's ErrorEnv and
// FaultInjectionTestEnv ideas): fail the Nth Append/Sync/Rename once or persistently, and
// count every operation.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "format/file.h"

namespace evtape::testing {

class MemFileSystem : public FileSystem {
 public:
  enum class Op { kAppend, kSync, kRename, kSyncDir };
  struct Fault {
    Op op = Op::kAppend;
    int nth = 0;  // 1-based op index to fail; 0 = no fault
    bool persistent = false;
    int err = 5;  // EIO
  };

  std::map<std::string, std::string> files;
  std::map<Op, int> counts;
  Fault fault;

  using FileSystem::NewWritableFile;
  // Options are ignored (memory has no page cache to bypass).
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path,
                                                        const WritableFileOptions&) override;
  Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& path) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status Remove(const std::string& path) override;
  Status SyncDir(const std::string& dir) override;
  Status CreateDir(const std::string&) override { return Status::Ok(); }
  Status RemoveDir(const std::string&) override { return Status::Ok(); }
  Result<std::vector<std::string>> ListDir(const std::string& dir) override;

  // Counts an operation and returns the injected error if this one should fail.
  Status Tick(Op op, const std::string& what);
};

}  // namespace evtape::testing
