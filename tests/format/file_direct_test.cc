// DirectWritableFile (WritableFileOptions::direct_io): after every Append the file holds
// exactly the bytes appended so far (what a kill -9 leaves), never padding; a refused direct
// write falls back without losing or repeating a byte; a segment written direct is
// byte-identical to one written through the page cache.
#include "format/file_direct.h"

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

#include "format/segment_writer.h"
#include "tests/format/format_test_util.h"
#include "tests/testutil/testutil.h"

using namespace evtape;
using namespace evtape::testing;
using evtape::testutil::ReadFile;

namespace {

std::string Bytes(std::mt19937* rng, size_t n) {
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>((*rng)() & 0xff);
  return s;
}

// Sizes around the block and staging boundaries, then random ones.
std::vector<size_t> Sizes() {
  const size_t b = DirectWritableFile::kBlock, stage = DirectWritableFile::kStageBytes;
  std::vector<size_t> sizes{0,
                            1,
                            39,
                            b - 41,
                            b,
                            b + 1,
                            2 * b - 1,
                            3 * b,
                            stage - 5,
                            stage,
                            stage + b + 7,
                            2 * stage + 3,
                            100,
                            40,
                            1};
  std::mt19937 rng(7);
  for (int i = 0; i < 30; ++i) sizes.push_back(rng() % (i % 5 == 0 ? 3 * stage : 3 * b));
  return sizes;
}

// A fresh directory in the working directory (ctest runs in the build tree, on disk), not
// under $TMPDIR, which is often a tmpfs that refuses O_DIRECT and would test only the fallback.
class DiskDir {
 public:
  DiskDir() {
    char tmpl[] = "./direct-io-test-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    path_ = tmpl;
  }
  ~DiskDir() { std::filesystem::remove_all(path_); }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

struct Opened {
  std::unique_ptr<WritableFile> file;
  DirectWritableFile* direct = nullptr;  // null where the file system refuses O_DIRECT
};

Opened Open(const std::string& path) {
  WritableFileOptions options;
  options.direct_io = true;
  auto f = FileSystem::Default()->NewWritableFile(path, options);
  REQUIRE(f.ok());
  Opened o;
  o.file = std::move(f).value();
  o.direct = dynamic_cast<DirectWritableFile*>(o.file.get());
  if (o.direct == nullptr) WARN("O_DIRECT refused by the file system here: ordinary writes only");
  return o;
}

}  // namespace

TEST_CASE("direct writes leave exactly the appended bytes in the file after every append",
          "[format]") {
  DiskDir dir;
  const std::string path = dir / "d.seg";
  Opened o = Open(path);
  std::mt19937 rng(1);
  std::string expected;
  int call = 0;
  for (size_t n : Sizes()) {
    std::string data = Bytes(&rng, n);
    if (++call % 3 == 0) {  // a record header and its body, as the segment writer appends
      size_t cut = std::min<size_t>(40, n);
      REQUIRE(o.file
                  ->AppendPair(std::string_view(data).substr(0, cut),
                               std::string_view(data).substr(cut))
                  .ok());
    } else {
      REQUIRE(o.file->Append(data).ok());
    }
    expected += data;
    // What another process (or a reader after kill -9) sees right now.
    std::string on_disk = ReadFile(path);
    REQUIRE(on_disk.size() == expected.size());
    REQUIRE(on_disk == expected);
    if (call % 10 == 0) REQUIRE(o.file->Sync().ok());
  }
  if (o.direct) CHECK(o.direct->direct());
  REQUIRE(o.file->Close().ok());
  CHECK(ReadFile(path) == expected);
}

TEST_CASE("a refused or short direct write falls back without losing or repeating a byte",
          "[format]") {
  struct Case {
    const char* name;
    size_t short_blocks;  // whole blocks the armed write manages before the error
    int error;
  };
  const Case cases[] = {{"refused with a partial block staged", 0, EINVAL},
                        {"short write, then refused", 1, EINVAL},
                        {"not supported after a short write", 2, EOPNOTSUPP}};
  for (const Case& c : cases) {
    SECTION(c.name) {
      DiskDir dir;
      const std::string path = dir / "f.seg";
      Opened o = Open(path);
      if (o.direct == nullptr) {
        WARN("O_DIRECT refused here: nothing to fall back from");
        return;
      }
      std::mt19937 rng(2);
      std::string expected;
      auto append = [&](size_t n) {
        std::string data = Bytes(&rng, n);
        REQUIRE(o.file->Append(data).ok());
        expected += data;
        REQUIRE(ReadFile(path) == expected);
      };
      append(5000);  // one block written direct, 904 bytes staged (and written ordinarily)
      CHECK(o.direct->direct());
      o.direct->FailDirectWriteForTesting(c.short_blocks, c.error);
      append(3 * DirectWritableFile::kBlock + 10);  // the armed write
      CHECK_FALSE(o.direct->direct());
      append(100);
      append(DirectWritableFile::kStageBytes + 3);
      REQUIRE(o.file->Close().ok());
      CHECK(ReadFile(path) == expected);
    }
  }
}

TEST_CASE("a failed direct write is reported with the path and stays failed", "[format]") {
  DiskDir dir;
  const std::string path = dir / "e.seg";
  Opened o = Open(path);
  if (o.direct == nullptr) {
    WARN("O_DIRECT refused here");
    return;
  }
  std::string data(3 * DirectWritableFile::kBlock, 'x');
  REQUIRE(o.file->Append(data).ok());
  o.direct->FailDirectWriteForTesting(1, ENOSPC);
  Status s = o.file->Append(data);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find(path) != std::string::npos);
  CHECK(s.message().find(std::strerror(ENOSPC)) != std::string::npos);
  CHECK(o.file->Append("more").message() == s.message());
  CHECK(o.file->Sync().message() == s.message());
  CHECK(o.file->Close().message() == s.message());
  // What was appended before the failure is intact.
  CHECK(ReadFile(path).substr(0, data.size()) == data);
}

TEST_CASE("a segment written direct is byte-identical to one written through the page cache",
          "[format]") {
  DiskDir dir;
  const std::vector<format::Frame> frames = MakeFrames(3, 3000);
  std::string bytes[2];
  for (int direct = 0; direct < 2; ++direct) {
    format::WriterOptions opts;
    opts.chunk_bytes = 64 << 10;
    opts.direct_io = direct == 1;
    const std::string path = dir / (direct ? "direct.seg" : "buffered.seg");
    auto w = format::SegmentWriter::Create(FileSystem::Default(), path, TestMetadata(), opts);
    REQUIRE(w.ok());
    for (size_t i = 0; i < frames.size(); ++i) {
      REQUIRE((*w)->Add(frames[i].view()).ok());
      if (i % 333 == 0) REQUIRE((*w)->Flush().ok());
    }
    REQUIRE((*w)->Seal().ok());
    bytes[direct] = ReadFile(path);
  }
  REQUIRE(!bytes[0].empty());
  CHECK(bytes[1] == bytes[0]);
}
