// Publisher for bench/compression.sh: a plain nats.c client that reads the frames of a recording
// (through the format library's reader, not `evtape replay`) and publishes them.
//
//   pace_publisher pub URL REC SPEED   publish every frame of REC (subject, reply, headers,
//                                      payload). SPEED 1: each frame at its recorded offset from
//                                      the first (live pace); 2: twice as fast; 0: one burst, as
//                                      fast as possible. Prints "published=N secs=S late_max_ms=L".
//   pace_publisher stat REC            prints "frames=N raw=B": B = sum over the frames of
//                                      subject + reply + headers + payload bytes.
#include <nats/nats.h>
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "format/recording.h"

namespace {

using evtape::FileSystem;
namespace format = evtape::format;

int64_t Mono() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

void SleepUntil(int64_t mono_ns) {
  timespec ts{};
  ts.tv_sec = mono_ns / 1'000'000'000;
  ts.tv_nsec = mono_ns % 1'000'000'000;
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) != 0) {
  }
}

std::vector<format::Frame> Load(const std::string& rec) {
  std::vector<format::Frame> out;
  auto r = format::RecordingReader::Open(FileSystem::Default(), {rec}, {});
  if (!r.ok()) {
    std::fprintf(stderr, "pace_publisher: %s\n", r.status().message().c_str());
    std::exit(1);
  }
  format::Entry e;
  for (;;) {
    auto more = (*r)->Next(&e);
    if (!more.ok()) {
      std::fprintf(stderr, "pace_publisher: %s\n", more.status().message().c_str());
      std::exit(1);
    }
    if (!*more) break;
    if (e.kind == format::Entry::Kind::kFrame) out.push_back(format::Frame::From(e.frame));
  }
  return out;
}

// Adds the "name: value" lines of a raw header block ("NATS/1.0\r\n...\r\n\r\n") to msg.
void AddHeaders(natsMsg* msg, std::string_view block) {
  size_t pos = block.find("\r\n");
  while (pos != std::string_view::npos) {
    pos += 2;
    const size_t end = block.find("\r\n", pos);
    if (end == std::string_view::npos || end == pos) break;
    const std::string_view line = block.substr(pos, end - pos);
    const size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      natsMsgHeader_Add(msg, std::string(line.substr(0, colon)).c_str(), std::string(value).c_str());
    }
    pos = end;
  }
}

int Pub(const std::string& url, const std::string& rec, double speed) {
  const std::vector<format::Frame> frames = Load(rec);
  natsConnection* nc = nullptr;
  if (natsConnection_ConnectTo(&nc, url.c_str()) != NATS_OK) {
    std::fprintf(stderr, "pace_publisher: cannot connect to %s\n", url.c_str());
    return 1;
  }
  const int64_t start = Mono();
  const int64_t first = frames.empty() ? 0 : frames.front().time_ns;
  int64_t late_max = 0;
  for (const format::Frame& f : frames) {
    if (speed > 0) {
      const int64_t due = start + static_cast<int64_t>(static_cast<double>(f.time_ns - first) / speed);
      const int64_t now = Mono();
      if (due > now) {
        SleepUntil(due);
      } else {
        late_max = std::max(late_max, now - due);
      }
    }
    natsStatus s;
    if (f.headers.empty() && f.reply.empty()) {
      s = natsConnection_Publish(nc, f.subject.c_str(), f.payload.data(), static_cast<int>(f.payload.size()));
    } else if (f.headers.empty()) {
      s = natsConnection_PublishRequest(nc, f.subject.c_str(), f.reply.c_str(), f.payload.data(),
                                        static_cast<int>(f.payload.size()));
    } else {
      natsMsg* msg = nullptr;
      s = natsMsg_Create(&msg, f.subject.c_str(), f.reply.empty() ? nullptr : f.reply.c_str(),
                         f.payload.data(), static_cast<int>(f.payload.size()));
      if (s == NATS_OK) {
        AddHeaders(msg, f.headers);
        s = natsConnection_PublishMsg(nc, msg);
      }
      natsMsg_Destroy(msg);
    }
    if (s != NATS_OK) {
      std::fprintf(stderr, "pace_publisher: publish: %s\n", natsStatus_GetText(s));
      return 1;
    }
    if (speed > 0) natsConnection_Flush(nc);  // live pace: on the wire now, not at the next batch
  }
  natsConnection_FlushTimeout(nc, 60000);
  std::printf("published=%zu secs=%.2f late_max_ms=%.1f\n", frames.size(),
              static_cast<double>(Mono() - start) / 1e9, static_cast<double>(late_max) / 1e6);
  natsConnection_Destroy(nc);
  return 0;
}

int Stat(const std::string& rec) {
  auto r = format::RecordingReader::Open(FileSystem::Default(), {rec}, {});
  if (!r.ok()) {
    std::fprintf(stderr, "pace_publisher: %s\n", r.status().message().c_str());
    return 1;
  }
  uint64_t n = 0, raw = 0;
  format::Entry e;
  for (;;) {
    auto more = (*r)->Next(&e);
    if (!more.ok()) {
      std::fprintf(stderr, "pace_publisher: %s\n", more.status().message().c_str());
      return 1;
    }
    if (!*more) break;
    if (e.kind != format::Entry::Kind::kFrame) continue;
    ++n;
    raw += e.frame.subject.size() + e.frame.reply.size() + e.frame.headers.size() + e.frame.payload.size();
  }
  std::printf("frames=%llu raw=%llu\n", static_cast<unsigned long long>(n),
              static_cast<unsigned long long>(raw));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "pub" && argc == 5) return Pub(argv[2], argv[3], std::atof(argv[4]));
  if (mode == "stat" && argc == 3) return Stat(argv[2]);
  std::fprintf(stderr, "usage: pace_publisher pub URL REC SPEED | stat REC\n");
  return 2;
}
