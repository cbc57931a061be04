// The CloudEvent `type` filter behind every verb's --type: a util::PayloadFilter that keeps
// JSON CloudEvents whose top-level `type` attribute is one of the given types (exact match).
// Payloads that are not JSON objects, or have no string `type`, never match.
// Thread-safe (thread-local scratch).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "format/status.h"
#include "util/selection.h"

namespace evtape::wasmcloud {

// InvalidArgument "--type: ..." for an empty type or an empty list.
Result<std::shared_ptr<const PayloadFilter>> MakeTypeFilter(std::vector<std::string> types);

}  // namespace evtape::wasmcloud
