#include "format/bundle.h"

#include <sys/stat.h>

#include <cstring>

#include "format/crc32c.h"

namespace evtape::format {
namespace {

constexpr size_t kMagicSize = 8;
constexpr uint32_t kMaxNameLen = 4096;
constexpr size_t kCopyBlock = 1 << 20;

void PutLe(std::string* out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
}

uint64_t GetLe(std::string_view in, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(in[i]);
  return v;
}

bool SafeName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLen || name.front() == '/') return false;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string_view::npos) end = name.size();
    std::string_view part = name.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = end + 1;
  }
  return name.find('\0') == std::string_view::npos;
}

// A window [offset, offset + size) of a file, seen as a whole file.
class WindowFile : public RandomAccessFile {
 public:
  WindowFile(std::shared_ptr<RandomAccessFile> base, uint64_t offset, uint64_t size)
      : base_(std::move(base)), offset_(offset), size_(size) {}
  Status Read(uint64_t offset, size_t n, std::string* scratch) const override {
    if (offset >= size_) {
      scratch->clear();
      return Status::Ok();
    }
    n = static_cast<size_t>(std::min<uint64_t>(n, size_ - offset));
    return base_->Read(offset_ + offset, n, scratch);
  }
  Result<uint64_t> Size() const override { return size_; }
  const std::string& path() const override { return base_->path(); }

 private:
  std::shared_ptr<RandomAccessFile> base_;
  uint64_t offset_, size_;
};

Status Truncated(const std::string& path, uint64_t at) {
  return Status::Corruption(path + ": truncated evtape bundle (ends inside the record at byte " +
                            std::to_string(at) + ")");
}

Status CheckCrc(const RandomAccessFile& f, const BundleEntry& e, std::string* scratch) {
  uint32_t crc = 0;
  for (uint64_t done = 0; done < e.size;) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(kCopyBlock, e.size - done));
    EVTAPE_RETURN_IF_ERROR(f.Read(e.offset + done, n, scratch));
    if (scratch->size() != n) return Truncated(f.path(), e.offset + done);
    crc = crc32c::Extend(crc, scratch->data(), n);
    done += n;
  }
  if (crc32c::Mask(crc) != e.masked_crc) {
    return Status::Corruption(f.path() + ": bundle entry " + e.name + " fails its checksum");
  }
  return Status::Ok();
}

}  // namespace

bool IsBundle(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  auto f = FileSystem::Default()->NewRandomAccessFile(path);
  std::string head;
  return f.ok() && (*f)->Read(0, kMagicSize, &head).ok() && head == kBundleMagic;
}

Result<std::vector<BundleEntry>> ReadBundleIndex(const std::string& path, bool verify_crc) {
  EVTAPE_ASSIGN_OR_RETURN(auto f, FileSystem::Default()->NewRandomAccessFile(path));
  EVTAPE_ASSIGN_OR_RETURN(uint64_t size, f->Size());
  std::string buf;
  EVTAPE_RETURN_IF_ERROR(f->Read(0, kMagicSize, &buf));
  if (buf != kBundleMagic) return Status::InvalidArgument(path + ": not an evtape bundle");
  std::vector<BundleEntry> entries;
  uint64_t pos = kMagicSize;
  auto read = [&](size_t n) -> Status {  // exactly n bytes at pos into buf
    if (pos + n > size) return Truncated(path, pos);
    EVTAPE_RETURN_IF_ERROR(f->Read(pos, n, &buf));
    if (buf.size() != n) return Truncated(path, pos);
    pos += n;
    return Status::Ok();
  };
  while (true) {
    EVTAPE_RETURN_IF_ERROR(read(4));
    uint32_t name_len = static_cast<uint32_t>(GetLe(buf, 4));
    if (name_len == 0) break;
    if (name_len > kMaxNameLen) {
      return Status::Corruption(path + ": malformed bundle (entry name of " +
                                std::to_string(name_len) + " bytes at byte " +
                                std::to_string(pos - 4) + ")");
    }
    BundleEntry e;
    EVTAPE_RETURN_IF_ERROR(read(name_len));
    e.name = buf;
    if (!SafeName(e.name)) return Status::Corruption(path + ": unsafe bundle entry name");
    EVTAPE_RETURN_IF_ERROR(read(8));
    e.size = GetLe(buf, 8);
    e.offset = pos;
    if (e.size > size - pos) return Truncated(path, e.offset - 12 - name_len);
    pos += e.size;
    EVTAPE_RETURN_IF_ERROR(read(4));
    e.masked_crc = static_cast<uint32_t>(GetLe(buf, 4));
    if (verify_crc) EVTAPE_RETURN_IF_ERROR(CheckCrc(*f, e, &buf));
    entries.push_back(std::move(e));
  }
  EVTAPE_RETURN_IF_ERROR(read(8 + kMagicSize));
  if (GetLe(buf, 8) != entries.size() || buf.substr(8) != kBundleEndMagic || pos != size) {
    return Status::Corruption(path + ": malformed bundle end record");
  }
  return entries;
}

Result<std::string> ReadBundleEntry(const std::string& path, const BundleEntry& entry) {
  if (entry.size > kCopyBlock) {
    return Status::InvalidArgument(path + ": bundle entry " + entry.name + " is too large to read whole");
  }
  EVTAPE_ASSIGN_OR_RETURN(auto f, FileSystem::Default()->NewRandomAccessFile(path));
  std::string data;
  EVTAPE_RETURN_IF_ERROR(CheckCrc(*f, entry, &data));
  return data;  // one block: CheckCrc read it in one piece
}

Result<std::vector<std::string>> BundleSegmentPaths(const std::string& bundle) {
  EVTAPE_ASSIGN_OR_RETURN(auto entries, ReadBundleIndex(bundle, /*verify_crc=*/false));
  std::vector<std::string> paths;
  for (const BundleEntry& e : entries) {
    if (e.name.starts_with(kBundleSegmentDir)) paths.push_back(bundle + "/" + e.name);
  }
  if (paths.empty()) return Status::InvalidArgument(bundle + ": the bundle holds no segment");
  return paths;
}

Result<std::unique_ptr<RandomAccessFile>> OpenBundleMember(const std::string& path) {
  // The bundle is the first prefix that is a regular file; the rest names the entry.
  for (size_t slash = path.find('/', 1); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    const std::string bundle = path.substr(0, slash);
    struct stat st;
    if (::stat(bundle.c_str(), &st) != 0) break;
    if (!S_ISREG(st.st_mode)) continue;
    if (!IsBundle(bundle)) break;
    EVTAPE_ASSIGN_OR_RETURN(auto entries, ReadBundleIndex(bundle, /*verify_crc=*/false));
    const std::string name = path.substr(slash + 1);
    for (const BundleEntry& e : entries) {
      if (e.name != name) continue;
      EVTAPE_ASSIGN_OR_RETURN(auto base, FileSystem::Default()->NewRandomAccessFile(bundle));
      return std::unique_ptr<RandomAccessFile>(
          new WindowFile(std::shared_ptr<RandomAccessFile>(std::move(base)), e.offset, e.size));
    }
    return Status::NotFound(path + ": no entry " + name + " in bundle " + bundle);
  }
  return Status::NotFound(path + ": not in an evtape bundle");
}

Result<std::unique_ptr<BundleWriter>> BundleWriter::Create(const std::string& path) {
  EVTAPE_ASSIGN_OR_RETURN(auto file, FileSystem::Default()->NewWritableFile(path));
  std::unique_ptr<BundleWriter> w(new BundleWriter(std::move(file)));
  EVTAPE_RETURN_IF_ERROR(w->file_->Append(std::string_view(kBundleMagic, kMagicSize)));
  w->bytes_ = kMagicSize;
  return w;
}

Status BundleWriter::Header(const std::string& name, uint64_t size) {
  if (!SafeName(name)) return Status::InvalidArgument("bundle entry name '" + name + "'");
  std::string h;
  PutLe(&h, name.size(), 4);
  h += name;
  PutLe(&h, size, 8);
  bytes_ += h.size() + size + 4;
  entries_++;
  return file_->Append(h);
}

Status BundleWriter::AddData(const std::string& name, std::string_view data) {
  EVTAPE_RETURN_IF_ERROR(Header(name, data.size()));
  std::string crc;
  PutLe(&crc, crc32c::Mask(crc32c::Value(data.data(), data.size())), 4);
  return file_->AppendPair(data, crc);
}

Status BundleWriter::AddFile(const std::string& name, const std::string& file) {
  EVTAPE_ASSIGN_OR_RETURN(auto in, FileSystem::Default()->NewRandomAccessFile(file));
  EVTAPE_ASSIGN_OR_RETURN(uint64_t size, in->Size());
  EVTAPE_RETURN_IF_ERROR(Header(name, size));
  std::string buf;
  uint32_t crc = 0;
  for (uint64_t done = 0; done < size;) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(kCopyBlock, size - done));
    EVTAPE_RETURN_IF_ERROR(in->Read(done, n, &buf));
    if (buf.size() != n) return Status::IOError(file + ": changed while being bundled");
    crc = crc32c::Extend(crc, buf.data(), n);
    EVTAPE_RETURN_IF_ERROR(file_->Append(buf));
    done += n;
  }
  std::string tail;
  PutLe(&tail, crc32c::Mask(crc), 4);
  return file_->Append(tail);
}

Status BundleWriter::Finish() {
  std::string end;
  PutLe(&end, 0, 4);
  PutLe(&end, entries_, 8);
  end += kBundleEndMagic;
  bytes_ += end.size();
  EVTAPE_RETURN_IF_ERROR(file_->Append(end));
  EVTAPE_RETURN_IF_ERROR(file_->Sync());
  return file_->Close();
}

}  // namespace evtape::format
