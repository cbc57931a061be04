// A write failure (disk full) while recording: the recording stops, keeps what reached the
// file, and its summary counts exactly that, stating the rest as not written.
#include <catch2/catch.hpp>

#include <filesystem>

#include "format/segment_reader.h"
#include "record/background.h"
#include "record/summary.h"
#include "tests/format/format_test_util.h"
#include "tests/format/mem_fs.h"
#include "tests/record/record_test_util.h"

namespace evtape::record_test {
namespace {

using testutil::NatsServer;
using testutil::TempDir;

TEST_CASE("a full disk stops the recording and the summary counts only what reached the file",
          "[nats]") {
  TempDir tmp;
  auto server = NatsServer::Start();
  REQUIRE(server);
  testing::MemFileSystem fs;
  // The 8th append and every one after it fail with ENOSPC: the file header, the metadata and
  // a few chunks get through first.
  fs.fault = {testing::MemFileSystem::Op::kAppend, 8, /*persistent=*/true, 28};
  record::RecorderOptions o;
  o.subjects = {"full.>"};
  o.output_dir = tmp / "rec";
  o.connection.server = server->url();
  o.flush_interval_ns = 5'000'000;
  o.compression_threads = 0;
  o.compact = false;
  std::filesystem::create_directories(o.output_dir);  // for the lock, which is a real file
  record::BackgroundRecorder rec(o, &fs);
  Status started = rec.Start();
  INFO(started.message());
  REQUIRE(started.ok());

  Publisher pub(server->url());
  int published = 0;
  bool stopped = testutil::WaitUntil(
      [&] {
        for (int i = 0; i < 50; ++i) pub.Publish("full.x", "message " + std::to_string(published++));
        pub.Flush();
        return fs.counts[testing::MemFileSystem::Op::kAppend] >= 8 && published >= 2000;
      },
      std::chrono::seconds(30));
  INFO("appends " << fs.counts[testing::MemFileSystem::Op::kAppend] << ", messages "
                   << rec.live().messages << ", files " << fs.files.size());
  REQUIRE(stopped);
  auto sum = rec.Stop();
  REQUIRE(sum.ok());
  CHECK(sum->status.code() == Status::Code::kNoSpace);

  uint64_t on_disk = 0;
  for (const auto& [path, bytes] : fs.files) {
    if (path.find("/rec/") == std::string::npos) continue;
    testing::ReadResult r = testing::ReadAll(&fs, path, format::Recovery::kSkipDamage);
    on_disk += r.frames.size();
  }
  INFO("summary " << sum->messages << ", not written " << sum->not_written << ", on disk "
                  << on_disk);
  CHECK(on_disk > 0);
  CHECK(sum->messages == on_disk);  // never more than is on disk
  CHECK(sum->not_written > 0);
  CHECK(sum->messages + sum->not_written <= static_cast<uint64_t>(published));
  std::string text = record::FormatSummary(*sum);
  CHECK(text.find(std::to_string(sum->not_written) + " message(s) received but not written") !=
        std::string::npos);
}

}  // namespace
}  // namespace evtape::record_test
