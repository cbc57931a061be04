// Reading a segment while it is written: with direct I/O, Linux can briefly show a reader stale
// zeros inside the new end of the file. Damage in a live (".open") segment is therefore read
// again before it is reported; in a sealed-name segment it is reported at once. Either way
// lasting damage is reported with the same exact counts.
#include <catch2/catch.hpp>

#include "format/segment_reader.h"
#include "tests/format/format_test_util.h"

using namespace evtape;
using namespace evtape::testing;

namespace {

// One file whose bytes [from, to) read as zeros for the first `stale_reads` reads touching
// them: what the kernel's stale page looks like to a reader.
class StaleFs : public FileSystem {
 public:
  StaleFs(std::string path, std::string bytes) : path_(std::move(path)), bytes_(std::move(bytes)) {}
  uint64_t from = 0, to = 0;
  int stale_reads = 0;
  int reads_hit = 0;  // reads that touched [from, to)

  Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& p) override {
    if (p != path_) return Status::NotFound(p);
    return std::unique_ptr<RandomAccessFile>(new File(this));
  }
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& p,
                                                        const WritableFileOptions&) override {
    return Status::NotSupported(p);
  }
  Status Rename(const std::string& a, const std::string&) override {
    return Status::NotSupported(a);
  }
  Status Remove(const std::string& p) override { return Status::NotSupported(p); }
  Status RemoveDir(const std::string& p) override { return Status::NotSupported(p); }
  Status SyncDir(const std::string& d) override { return Status::NotSupported(d); }
  Status CreateDir(const std::string& d) override { return Status::NotSupported(d); }
  Result<std::vector<std::string>> ListDir(const std::string& d) override {
    return Status::NotSupported(d);
  }

 private:
  class File : public RandomAccessFile {
   public:
    explicit File(StaleFs* fs) : fs_(fs) {}
    Status Read(uint64_t offset, size_t n, std::string* out) const override {
      const std::string& b = fs_->bytes_;
      *out = offset < b.size() ? b.substr(offset, n) : std::string();
      const uint64_t end = offset + out->size();
      if (end > fs_->from && offset < fs_->to) {
        ++fs_->reads_hit;
        if (fs_->stale_reads > 0) {
          --fs_->stale_reads;
          for (uint64_t i = std::max(offset, fs_->from); i < std::min(end, fs_->to); ++i) {
            (*out)[i - offset] = '\0';
          }
        }
      }
      return Status::Ok();
    }
    Result<uint64_t> Size() const override { return static_cast<uint64_t>(fs_->bytes_.size()); }
    const std::string& path() const override { return fs_->path_; }

   private:
    StaleFs* fs_;
  };
  std::string path_, bytes_;
};

}  // namespace

TEST_CASE("stale zeros in a live segment are read again; lasting damage is still exact",
          "[format]") {
  // An unsealed segment: several chunks, flushed, never sealed.
  MemFileSystem mem;
  const std::vector<format::Frame> frames = MakeFrames(31, 200, 6);
  format::WriterOptions opts;
  opts.chunk_bytes = 1 << 10;
  WriteSegment(&mem, "s.seg", frames, opts, /*seal=*/false);
  const std::string bytes = mem.files.at("s.seg.open");
  ReadResult ref = ReadAll(&mem, "s.seg.open", format::Recovery::kStrict);
  REQUIRE(ref.status.ok());
  REQUIRE(ref.frames == frames);
  // The last 700 bytes (inside the last chunk), as a stale page would show them.
  const uint64_t from = bytes.size() - 700, to = bytes.size() - 100;

  struct Run {
    std::string path;
    int stale_reads;
  };
  for (const Run& run : {Run{"s.seg.open", 2}, Run{"s.seg", 2}, Run{"s.seg.open", 1000}}) {
    INFO(run.path << " stale for " << run.stale_reads << " reads");
    StaleFs fs(run.path, bytes);
    fs.from = from;
    fs.to = to;
    fs.stale_reads = run.stale_reads;
    auto reader = format::SegmentReader::Open(&fs, run.path, {});
    REQUIRE(reader.ok());
    std::vector<format::Frame> got;
    format::Entry e;
    Result<bool> more = true;
    while ((more = (*reader)->Next(&e)).ok() && *more) {
      if (e.kind == format::Entry::Kind::kFrame) got.push_back(format::Frame::From(e.frame));
    }
    const bool transient = run.stale_reads < 3 && run.path == "s.seg.open";
    if (transient) {
      REQUIRE(more.ok());
      CHECK(got == frames);
      CHECK(fs.stale_reads == 0);  // it did see the zeros (as the sealed name shows)
    } else {
      // Strict mode fails at the damage, after the frames before it, none wrong.
      CHECK_FALSE(more.ok());
      CHECK(more.status().message().find("s.seg") != std::string::npos);
      REQUIRE(got.size() < frames.size());
      CHECK(std::equal(got.begin(), got.end(), frames.begin()));
    }
  }
}
