// Bounded JSON parsing for payloads that lint and redact read from untrusted recordings.
//
// nlohmann::json parses iteratively, but dump(), comparisons and our own tree walks recurse once
// per nesting level, so a payload of a few MB of '[' would overflow the stack. Payloads nested
// deeper than kMaxJsonDepth are therefore treated as not-JSON by both verbs (lint reports them,
// redact rewrites them as text). Real lattice events nest 4 levels deep.
//
// Pure functions, thread-safe, no exceptions.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

namespace evtape::wasmcloud::lint {

inline constexpr int kMaxJsonDepth = 128;

// True when no object/array in `text` nests deeper than max_depth levels. Brackets inside JSON
// strings (escapes honoured) do not count. Not a validator: garbage may pass.
bool NestingWithin(std::string_view text, int max_depth = kMaxJsonDepth);

// One JSON value, key order kept; is_discarded() when `text` is not valid JSON (including
// invalid UTF-8) or nests deeper than kMaxJsonDepth.
nlohmann::ordered_json ParseBounded(std::string_view text);

}  // namespace evtape::wasmcloud::lint
