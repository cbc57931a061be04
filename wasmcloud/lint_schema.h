// The wasmCloud 1.x lattice event catalogue as data: for every event type, the `data` fields a
// real host sends, their JSON types and whether they are always present
// (docs/wasmcloud-events.md §4). `evtape lint` checks against it, and tests use it
// to know the full set of event names. Static, immutable, thread-safe.
#pragma once

#include <span>
#include <string_view>

namespace evtape::wasmcloud::lint {

enum class FieldKind {
  kString,
  kStringOrNull,
  kHostKey,  // string, a valid server nkey ('N', 56 chars, CRC ok)
  kUInt,     // integer >= 0
  kInt,      // any integer
  kIntOrNull,
  kStringMap,    // object of string -> string
  kStringArray,  // array of strings
  kStringArrayOrNull,
  kObject,  // an object; checked against `elements` when that is not empty
  kObjectOrNull,
  kObjectArray,  // array of objects, each checked against `elements`
};

struct FieldSpec;
using FieldTable = std::span<const FieldSpec>;

struct FieldSpec {
  std::string_view name;
  FieldKind kind;
  bool required;
  FieldTable elements = {};  // kObjectArray: each element's fields; kObject: its fields
};

struct EventSpec {
  std::string_view name;   // short name: subject suffix and `type` after the prefix
  FieldTable fields;       // sorted by name, like the host's data keys
  bool spec_only = false;  // named by the AsyncAPI but never emitted by a 1.x host
};

inline constexpr std::string_view kTypePrefix = "com.wasmcloud.lattice.";
inline constexpr std::string_view kSubjectPrefix = "wasmbus.evt.";

// All known events: the 17 a 1.x host emits, then the spec-only component_start_failed.
std::span<const EventSpec> AllEvents();
// nullptr when the name is unknown.
const EventSpec* FindEvent(std::string_view name);
// The envelope attributes in the order the host's CloudEvents serializer writes them.
std::span<const std::string_view> EnvelopeOrder();

}  // namespace evtape::wasmcloud::lint
