#include "offline/bundle.h"

#include <stdlib.h>

#include <filesystem>

#include "format/bundle.h"
#include "format/segment_format.h"
#include "jsonl/input.h"
#include "offline/redact.h"
#include "util/units.h"
#include "util/version.h"

namespace evtape::offline {
namespace {

constexpr char kManifest[] = "manifest.json";
constexpr char kReadme[] = "README.txt";

// A scratch directory removed with everything in it when this goes out of scope.
class Scratch {
 public:
  static Result<Scratch> Create(const std::string& near) {
    std::string tmpl = near + ".scratch-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) return Status::FromErrno(tmpl, errno);
    return Scratch(tmpl);
  }
  Scratch(Scratch&& o) noexcept : dir_(std::move(o.dir_)) { o.dir_.clear(); }
  ~Scratch() {
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }
  const std::string& dir() const { return dir_; }

 private:
  explicit Scratch(std::string dir) : dir_(std::move(dir)) {}
  std::string dir_;
};

std::string ReplayCommand(const std::string& out_path) {
  return "evtape replay " + BaseName(out_path) + " -s nats://127.0.0.1:4222";
}

std::string Readme(const nlohmann::json& manifest, const std::string& out_path) {
  std::string name = BaseName(out_path);
  const nlohmann::json& info = manifest["info"];
  std::string text =
      "An evtape bundle: one NATS / wasmCloud lattice recording, written by " +
      manifest["evtape_version"].get<std::string>() + ".\n" +
      (manifest["redacted"].get<bool>()
           ? "Redacted: host ids, nkeys, names, labels and config names are replaced.\n"
           : "NOT REDACTED: it holds the identifiers of the recorded lattice as they were.\n") +
      std::to_string(info["frames"].get<uint64_t>()) + " messages";
  if (info.contains("first_time")) {
    text += " from " + info["first_time"].get<std::string>() + " to " +
            info["last_time"].get<std::string>();
  }
  text += ", " + std::to_string(info["gaps"].size()) + " gaps.\n\nReplay it into a NATS server:\n  " +
          manifest["replay"].get<std::string>() + "\nRead it like any recording:\n  evtape info " +
          name + "\n  evtape cat " + name + "\nUnpack it:\n  evtape bundle --extract " + name +
          " -o DIR\nmanifest.json holds the figures above in full.\n";
  return text;
}

Result<std::vector<std::string>> BundledSegments(const std::vector<std::string>& inputs,
                                                 const BundleOptions& options,
                                                 const Scratch& scratch, IssueLog* log,
                                                 BundleResult* result) {
  if (!options.redact) {
    for (const std::string& in : inputs) {
      if (jsonl::IsJsonlInput(in)) {
        return Status::InvalidArgument(in + ": --no-redact bundles recordings as they are; "
                                            "'evtape import' a JSON lines file first");
      }
    }
    return format::ListSegments(FileSystem::Default(), inputs);
  }
  EVTAPE_ASSIGN_OR_RETURN(auto rules, LoadRedactRules(options.rules_path));
  std::string dir = JoinPath(scratch.dir(), "recording");
  EVTAPE_ASSIGN_OR_RETURN(auto redacted,
                          RedactRecording(inputs, dir, std::move(rules), options.seed, log));
  result->identifiers = redacted.identifiers;
  return format::ListSegments(FileSystem::Default(), dir);
}

}  // namespace

nlohmann::json InfoJson(const RecordingInfo& info) {
  nlohmann::json j = {{"segments", info.segments.size()},
                      {"frames", info.frames},
                      {"raw_bytes", info.raw_bytes},
                      {"file_bytes", info.file_bytes}};
  if (info.first_time_ns) j["first_time"] = FormatRfc3339Nanos(*info.first_time_ns);
  if (info.last_time_ns) j["last_time"] = FormatRfc3339Nanos(*info.last_time_ns);
  auto counts = [](const wasmcloud::EventStats::Table& table) {
    nlohmann::json c = nlohmann::json::object();
    for (const auto& [key, rate] : table.keys) c[key] = rate.count;
    if (table.overflow > 0) c["(others)"] = table.overflow;
    return c;
  };
  j["types"] = counts(info.stats.types());
  j["sources"] = counts(info.stats.sources());
  j["non_cloudevent"] = info.stats.non_cloudevent();
  nlohmann::json gaps = nlohmann::json::array();
  for (const format::Gap& g : info.gaps) {
    nlohmann::json gap = {{"reason", format::GapReasonName(g.reason)},
                          {"start", FormatRfc3339Nanos(g.start_ns)},
                          {"end", FormatRfc3339Nanos(g.end_ns)},
                          {"detail", g.detail}};
    if (g.count) gap["lost"] = *g.count;
    gaps.push_back(std::move(gap));
  }
  j["gaps"] = std::move(gaps);
  return j;
}

Result<BundleResult> WriteBundle(const std::vector<std::string>& inputs,
                                 const std::string& out_path, const BundleOptions& options,
                                 IssueLog* log) {
  BundleResult result;
  EVTAPE_ASSIGN_OR_RETURN(Scratch scratch, Scratch::Create(out_path));
  EVTAPE_ASSIGN_OR_RETURN(auto segments,
                          BundledSegments(inputs, options, scratch, log, &result));
  EVTAPE_ASSIGN_OR_RETURN(RecordingInfo info, CollectInfo(segments, /*force_scan=*/false));
  nlohmann::json subjects = nlohmann::json::object();
  for (const auto& [subject, s] : info.subjects) {
    subjects[subject] = s.frames;
  }
  nlohmann::json manifest = {
      {"bundle_version", format::kBundleVersion},
      {"segment_format_version", format::kFormatVersion},
      {"evtape_version", kToolName},
      {"redacted", options.redact},
      {"subjects", std::move(subjects)},
      {"subjects_truncated", info.subjects_truncated},
      {"subscriptions", info.metadata ? info.metadata->subscriptions : std::vector<std::string>{}},
      {"replay", ReplayCommand(out_path)},
      {"info", InfoJson(info)}};
  if (options.redact) manifest["redaction_seed"] = std::to_string(options.seed);

  const std::string partial = out_path + ".partial";
  std::error_code ec;
  std::filesystem::remove(partial, ec);  // a leftover of an interrupted run
  EVTAPE_ASSIGN_OR_RETURN(auto writer, format::BundleWriter::Create(partial));
  Status s = writer->AddData(kManifest, manifest.dump() + "\n");
  if (s.ok()) s = writer->AddData(kReadme, Readme(manifest, out_path));
  for (size_t i = 0; s.ok() && i < segments.size(); ++i) {
    std::string name = BaseName(format::SegmentPath("", static_cast<uint32_t>(i + 1)));
    s = writer->AddFile(std::string(format::kBundleSegmentDir) + name, segments[i]);
    result.segment_bytes += std::filesystem::file_size(segments[i], ec);
  }
  if (s.ok()) s = writer->Finish();
  if (s.ok()) s = FileSystem::Default()->Rename(partial, out_path);
  if (!s.ok()) {
    std::filesystem::remove(partial, ec);
    return s;
  }
  result.frames = info.frames;
  result.bytes = writer->bytes();
  return result;
}

Result<std::string> ExtractBundle(const std::string& bundle, const std::string& out_dir) {
  EVTAPE_ASSIGN_OR_RETURN(auto entries, format::ReadBundleIndex(bundle, /*verify_crc=*/true));
  EVTAPE_ASSIGN_OR_RETURN(auto in, FileSystem::Default()->NewRandomAccessFile(bundle));
  FileSystem* fs = FileSystem::Default();
  const std::string recording = JoinPath(out_dir, "recording");
  EVTAPE_RETURN_IF_ERROR(fs->CreateDir(recording));
  std::string buf;
  for (const format::BundleEntry& e : entries) {
    std::string name = e.name;
    if (name.starts_with(format::kBundleSegmentDir)) {
      name = "recording/" + name.substr(std::string_view(format::kBundleSegmentDir).size());
    }
    if (name.find('/') != name.rfind('/') || (name.find('/') != std::string::npos &&
                                               !name.starts_with("recording/"))) {
      continue;  // a later version's entry in a folder this one does not know: not extracted
    }
    EVTAPE_ASSIGN_OR_RETURN(auto out, fs->NewWritableFile(JoinPath(out_dir, name)));
    for (uint64_t done = 0; done < e.size;) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(1 << 20, e.size - done));
      EVTAPE_RETURN_IF_ERROR(in->Read(e.offset + done, n, &buf));
      EVTAPE_RETURN_IF_ERROR(out->Append(buf));
      done += n;
    }
    EVTAPE_RETURN_IF_ERROR(out->Sync());
    EVTAPE_RETURN_IF_ERROR(out->Close());
  }
  return recording;
}

}  // namespace evtape::offline
