#include "tests/format/mem_fs.h"

#include <algorithm>

namespace evtape::testing {
namespace {

class MemWritable final : public WritableFile {
 public:
  MemWritable(MemFileSystem* fs, std::string path) : fs_(fs), path_(std::move(path)) {}
  Status Append(std::string_view data) override {
    Status s = fs_->Tick(MemFileSystem::Op::kAppend, path_);
    if (!s.ok()) {
      // A failed write may still have written a prefix (a full disk does exactly that).
      fs_->files[path_].append(data.substr(0, data.size() / 2));
      return s;
    }
    fs_->files[path_].append(data);
    return Status::Ok();
  }
  Status Sync() override { return fs_->Tick(MemFileSystem::Op::kSync, path_); }
  Status Close() override { return Status::Ok(); }
  const std::string& path() const override { return path_; }

 private:
  MemFileSystem* fs_;
  std::string path_;
};

class MemReadable final : public RandomAccessFile {
 public:
  MemReadable(const std::string* data, std::string path) : data_(data), path_(std::move(path)) {}
  Status Read(uint64_t offset, size_t n, std::string* scratch) const override {
    if (offset >= data_->size()) {
      scratch->clear();
    } else {
      *scratch = data_->substr(offset, n);
    }
    return Status::Ok();
  }
  Result<uint64_t> Size() const override { return static_cast<uint64_t>(data_->size()); }
  const std::string& path() const override { return path_; }

 private:
  const std::string* data_;
  std::string path_;
};

}  // namespace

Status MemFileSystem::Tick(Op op, const std::string& what) {
  int n = ++counts[op];
  if (fault.nth > 0 && op == fault.op &&
      (n == fault.nth || (fault.persistent && n > fault.nth))) {
    return Status::FromErrno(what + ": injected", fault.err);
  }
  return Status::Ok();
}

Result<std::unique_ptr<WritableFile>> MemFileSystem::NewWritableFile(const std::string& path,
                                                                     const WritableFileOptions&) {
  if (files.count(path) != 0) return Status::IOError(path + ": exists");
  files[path];
  return std::unique_ptr<WritableFile>(new MemWritable(this, path));
}

Result<std::unique_ptr<RandomAccessFile>> MemFileSystem::NewRandomAccessFile(
    const std::string& path) {
  auto it = files.find(path);
  if (it == files.end()) return Status::NotFound(path + ": no such file");
  return std::unique_ptr<RandomAccessFile>(new MemReadable(&it->second, path));
}

Status MemFileSystem::Rename(const std::string& from, const std::string& to) {
  EVTAPE_RETURN_IF_ERROR(Tick(Op::kRename, from));
  auto it = files.find(from);
  if (it == files.end()) return Status::NotFound(from);
  files[to] = std::move(it->second);
  files.erase(from);
  return Status::Ok();
}

Status MemFileSystem::Remove(const std::string& path) {
  files.erase(path);
  return Status::Ok();
}

Status MemFileSystem::SyncDir(const std::string& dir) { return Tick(Op::kSyncDir, dir); }

Result<std::vector<std::string>> MemFileSystem::ListDir(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& [path, data] : files) {
    if (DirName(path) == dir) names.push_back(BaseName(path));
  }
  return names;
}

}  // namespace evtape::testing
