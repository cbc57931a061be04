// Whole small text files that other programs read (reports, golden files, JUnit XML): written
// to PATH.tmp and renamed over PATH, so a reader never sees half a file and a failed write
// leaves the old file (or none) in place.
#pragma once

#include <string>
#include <string_view>

#include "format/status.h"

namespace evtape {

// Writes `text` to `path` atomically (same directory temp file + rename). `what` names the file
// in errors ("report", "golden file"): IOError "cannot write <what> <path>: <cause>".
Status WriteTextFileAtomically(const std::string& path, std::string_view text, const char* what);

}  // namespace evtape
