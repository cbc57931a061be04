// JSON text for output that may hold any bytes: subjects, CloudEvent types and sources come
// from publishers and need not be valid UTF-8, which nlohmann::json::dump() throws on. Dump()
// never throws: such bytes become U+FFFD (the exact bytes are in the recording itself).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace evtape {

template <typename Json>
std::string DumpJson(const Json& j, int indent = -1) {
  return j.dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace evtape
