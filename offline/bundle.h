// `evtape bundle` without a command line: one file to attach to a bug report (the container is
// format/bundle.h; docs/bundle.md describes it for users). A bundle holds
//   segments/NNNNNN.seg  the recording (redacted by default: offline/redact.h, default rules or
//                        a rules file, seeded), as whole segment files
//   manifest.json        one line of JSON: bundle and format versions, the evtape version that
//                        wrote it, whether it is redacted, the subjects (messages each), the
//                        replay command, and the info of the recording (InfoJson below)
//   README.txt           the same for a person: what it is and how to replay or extract it
// The info and subjects describe the recording as bundled: after redaction the counts, times,
// types and gaps are the original's and the identifiers are replaced (the original's would
// leak them). Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "offline/common.h"
#include "offline/info.h"

namespace evtape::offline {

struct BundleOptions {
  bool redact = true;
  std::string rules_path;  // "" for the default rules
  uint64_t seed = 1;
};

struct BundleResult {
  uint64_t frames = 0;
  uint64_t bytes = 0;            // of the bundle
  uint64_t segment_bytes = 0;    // of the segment files it holds
  size_t identifiers = 0;        // replaced by redaction
};

// Writes the bundle of `inputs` (recordings or, when redacting, JSON lines files) to
// `out_path`, which must not exist: written as out_path.partial and renamed when complete, so
// a failed run leaves nothing at out_path. A scratch directory next to it holds the redacted
// copy and is removed. Errors: those of RedactRecording and CollectInfo, InvalidArgument for a
// JSON lines input without redaction, IOError naming the file.
Result<BundleResult> WriteBundle(const std::vector<std::string>& inputs,
                                 const std::string& out_path, const BundleOptions& options,
                                 IssueLog* log);

// Unpacks a bundle into `out_dir` (created; must not exist or be empty): manifest.json,
// README.txt and recording/NNNNNN.seg. Every entry's checksum is verified first, so a damaged
// bundle writes nothing. Returns the recording directory. Errors: ReadBundleIndex's, IOError.
Result<std::string> ExtractBundle(const std::string& bundle, const std::string& out_dir);

// The figures of a recording as JSON, for the manifest: segments, frames, bytes, first and
// last time (RFC 3339), messages by CloudEvent type and by source, and the gaps.
nlohmann::json InfoJson(const RecordingInfo& info);

}  // namespace evtape::offline
