#include "offline/mcap.h"

#include <zlib.h>

#include <map>
#include <nlohmann/json.hpp>

#include "format/file.h"
#include "format/recording.h"
#include "jsonl/input.h"
#include "util/units.h"
#include "util/version.h"

namespace evtape::offline {
namespace {

// Opcodes (spec: "Records").
enum Op : uint8_t {
  kHeader = 0x01, kFooter = 0x02, kChannel = 0x04, kMessage = 0x05, kChunk = 0x06,
  kMetadata = 0x0C, kDataEnd = 0x0F,
};
constexpr char kMagic[] = "\x89MCAP0\r\n";

void U16(std::string* b, uint16_t v) { for (int i = 0; i < 2; ++i) b->push_back(char(v >> 8 * i)); }
void U32(std::string* b, uint32_t v) { for (int i = 0; i < 4; ++i) b->push_back(char(v >> 8 * i)); }
void U64(std::string* b, uint64_t v) { for (int i = 0; i < 8; ++i) b->push_back(char(v >> 8 * i)); }
void Str(std::string* b, std::string_view s) {
  U32(b, static_cast<uint32_t>(s.size()));
  b->append(s);
}
void Map(std::string* b, const std::map<std::string, std::string>& m) {
  std::string body;
  for (const auto& [k, v] : m) {
    Str(&body, k);
    Str(&body, v);
  }
  Str(b, body);  // a map is prefixed with its length in bytes
}
void Record(std::string* b, Op op, std::string_view content) {
  b->push_back(static_cast<char>(op));
  U64(b, content.size());
  b->append(content);
}

uint32_t Crc32(uint32_t crc, std::string_view data) {
  return static_cast<uint32_t>(
      ::crc32(crc, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
}

class McapWriter {
 public:
  explicit McapWriter(std::unique_ptr<WritableFile> file) : file_(std::move(file)) {}

  Status Start() {
    std::string content, out(kMagic, 8);
    Str(&content, "");  // profile: none of the well-known ones
    Str(&content, kToolName);
    Record(&out, kHeader, content);
    return Emit(out);
  }
  Status Message(const format::FrameView& f) {
    uint64_t t = f.time_ns < 0 ? 0 : static_cast<uint64_t>(f.time_ns);
    bool json = nlohmann::json::accept(f.payload);
    uint16_t channel = Channel(f.subject, json);
    std::string content;
    U16(&content, channel);
    U32(&content, static_cast<uint32_t>(f.seq));
    U64(&content, t);
    U64(&content, t);
    content.append(f.payload);
    if (chunk_.empty() || t < chunk_start_) chunk_start_ = t;
    if (chunk_.empty() || t > chunk_end_) chunk_end_ = t;
    Record(&chunk_, kMessage, content);
    result_.messages++;
    return chunk_.size() >= kMcapChunkBytes ? FlushChunk() : Status::Ok();
  }
  Status Metadata(const std::string& name, const std::map<std::string, std::string>& m) {
    EVTAPE_RETURN_IF_ERROR(FlushChunk());  // keeps records in time order
    std::string content, out;
    Str(&content, name);
    Map(&content, m);
    Record(&out, kMetadata, content);
    return Emit(out);
  }
  Result<McapResult> Finish() {
    EVTAPE_RETURN_IF_ERROR(FlushChunk());
    std::string content, out;
    U32(&content, data_crc_);
    Record(&out, kDataEnd, content);
    content.clear();
    U64(&content, 0);  // no summary section
    U64(&content, 0);
    U32(&content, 0);
    Record(&out, kFooter, content);
    out.append(kMagic, 8);
    EVTAPE_RETURN_IF_ERROR(file_->Append(out));
    result_.bytes += out.size();
    EVTAPE_RETURN_IF_ERROR(file_->Sync());
    EVTAPE_RETURN_IF_ERROR(file_->Close());
    result_.channels = channels_.size();
    return result_;
  }
  McapResult& result() { return result_; }

 private:
  // Channel records go before the chunk that first uses them (outside chunks, so a reader
  // knows every channel whichever chunk it starts at).
  uint16_t Channel(std::string_view subject, bool json) {
    auto key = std::make_pair(std::string(subject), json);
    auto it = channels_.find(key);
    if (it != channels_.end()) return it->second;
    uint16_t id = static_cast<uint16_t>(channels_.size() + 1);
    channels_.emplace(key, id);
    std::string content;
    U16(&content, id);
    U16(&content, 0);  // no schema
    Str(&content, subject);
    Str(&content, json ? "json" : "application/octet-stream");
    Map(&content, {});
    Record(&pending_channels_, kChannel, content);
    return id;
  }
  Status FlushChunk() {
    std::string out = std::move(pending_channels_);
    pending_channels_.clear();
    if (!chunk_.empty()) {
      std::string content;
      U64(&content, chunk_start_);
      U64(&content, chunk_end_);
      U64(&content, chunk_.size());
      U32(&content, Crc32(0, chunk_));
      Str(&content, "");  // uncompressed: readable without a decompressor
      U64(&content, chunk_.size());
      content.append(chunk_);
      Record(&out, kChunk, content);
      chunk_.clear();
    }
    return Emit(out);
  }
  Status Emit(const std::string& bytes) {
    if (bytes.empty()) return Status::Ok();
    data_crc_ = Crc32(data_crc_, bytes);
    result_.bytes += bytes.size();
    return file_->Append(bytes);
  }

  std::unique_ptr<WritableFile> file_;
  std::map<std::pair<std::string, bool>, uint16_t> channels_;
  std::string chunk_, pending_channels_;
  uint64_t chunk_start_ = 0, chunk_end_ = 0;
  uint32_t data_crc_ = 0;
  McapResult result_;
};

std::map<std::string, std::string> GapMetadata(const format::Gap& g) {
  return {{"reason", format::GapReasonName(g.reason)},
          {"start", FormatRfc3339Nanos(g.start_ns)},
          {"end", FormatRfc3339Nanos(g.end_ns)},
          {"lost", g.count ? std::to_string(*g.count) : "unknown"},
          {"after_seq", std::to_string(g.after_seq)},
          {"detail", g.detail}};
}

}  // namespace

Result<McapResult> ExportMcap(const std::vector<std::string>& inputs, const std::string& out_path) {
  EVTAPE_ASSIGN_OR_RETURN(auto source,
                          jsonl::OpenInputs(inputs, jsonl::Combine::kMerge, jsonl::InputOptions{}));
  EVTAPE_ASSIGN_OR_RETURN(auto file, FileSystem::Default()->NewWritableFile(out_path));
  McapWriter w(std::move(file));
  EVTAPE_RETURN_IF_ERROR(w.Start());
  auto segments = jsonl::RecordingSegments(inputs);
  if (segments.ok() && !segments->empty()) {
    auto m = format::ReadMetadata(FileSystem::Default(), segments->front());
    if (m.ok()) {
      std::string subs;
      for (const auto& s : m->subscriptions) subs += (subs.empty() ? "" : " ") + s;
      EVTAPE_RETURN_IF_ERROR(w.Metadata("evtape.recording", {{"recording_id", m->recording_id},
                                                             {"tool", m->tool},
                                                             {"subscriptions", subs}}));
    }
  }
  format::Entry e;
  while (true) {
    EVTAPE_ASSIGN_OR_RETURN(bool more, source->Next(&e));
    if (!more) break;
    if (e.kind == format::Entry::Kind::kGap) {
      w.result().gaps++;
      EVTAPE_RETURN_IF_ERROR(w.Metadata("evtape.gap", GapMetadata(e.gap)));
    } else {
      EVTAPE_RETURN_IF_ERROR(w.Message(e.frame));
    }
  }
  return w.Finish();
}

}  // namespace evtape::offline
