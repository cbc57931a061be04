// Fast extraction of a CloudEvent's top-level string attributes (`type`, `source`, `id`, `time`)
// from a JSON payload without a full parse: a small scanner walks the top-level keys and skips
// nested values (objects, arrays, strings with escapes) by structure alone.
//
// Hot paths (the recorder's writer thread, replay --type, info, footer statistics) call this for
// every frame, so it allocates nothing once the output strings have grown to size: reuse one
// CloudEventPeek across calls.
//
// Contract: not a validator. It returns false for payloads that are not a JSON object (empty,
// binary, arrays, scalars) or that are malformed before the scan could finish; it may return
// true for an object that is malformed after the last attribute it needed. When a key appears
// twice the first occurrence wins. Attributes that are absent or not strings stay empty, with
// their has_* flag false. Pure function; thread-safe as long as each thread has its own output.
#pragma once

#include <string>
#include <string_view>

namespace evtape::wasmcloud {

struct CloudEventPeek {
  std::string type, source, id, time;  // unescaped values
  bool has_type = false, has_source = false, has_id = false, has_time = false;
  void Clear();
};

// Scans `payload`; true when it is a JSON object (as far as scanned), with the attributes found
// filled in (the others cleared).
bool PeekCloudEvent(std::string_view payload, CloudEventPeek* out);

// Attributes for the overload below.
enum CloudEventField : unsigned { kCeType = 1, kCeSource = 2, kCeId = 4, kCeTime = 8 };
// As above, but only the attributes in `fields` (a mask of CloudEventField) are captured and
// the scan stops once all of them are found, so it reads less of the payload; the others stay
// cleared. For hot paths that need only some (footer statistics: type and source).
bool PeekCloudEvent(std::string_view payload, CloudEventPeek* out, unsigned fields);

// One top-level string attribute by name, or false when absent / not a string / not an object.
bool PeekJsonString(std::string_view payload, std::string_view name, std::string* out);

}  // namespace evtape::wasmcloud
