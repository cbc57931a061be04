#include "wasmcloud/cloudevent_rewrite.h"

#include <memory>
#include <nlohmann/json.hpp>

#include "util/units.h"

namespace evtape::wasmcloud {

std::string FormatRfc3339Digits(int64_t unix_ns, int digits) {
  std::string s = FormatRfc3339Nanos(unix_ns);  // ...SS.nnnnnnnnnZ
  const size_t dot = s.rfind('.');
  if (dot == std::string::npos || digits >= 9) return s;
  if (digits <= 0) return s.substr(0, dot) + "Z";
  return s.substr(0, dot + 1 + static_cast<size_t>(digits)) + "Z";
}

int FractionDigits(std::string_view t) {
  const size_t dot = t.find('.');
  if (dot == std::string_view::npos) return 0;
  int n = 0;
  for (size_t i = dot + 1; i < t.size() && t[i] >= '0' && t[i] <= '9'; ++i) ++n;
  return n;
}

void CloudEventRewriter::BeginPass(int64_t anchor_unix_ns) {
  anchor_ns_ = anchor_unix_ns;
  delta_ns_.reset();
}

bool CloudEventRewriter::Rewrite(std::string_view payload, int64_t receive_time_ns,
                                 std::string* out) {
  if (!active() || payload.empty() || payload.front() != '{') return false;
  // Cheap checks first: only objects with a specversion are CloudEvents.
  if (!PeekJsonString(payload, "specversion", &scratch_)) return false;
  if (!PeekCloudEvent(payload, &peek_)) return false;
  auto doc = nlohmann::ordered_json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return false;

  bool changed = false;
  std::optional<int64_t> time_ns;
  if (peek_.has_time) time_ns = ParseRfc3339(peek_.time);
  if (options_.shift_time && time_ns) {
    if (!delta_ns_) delta_ns_ = anchor_ns_ - *time_ns;
    *time_ns += *delta_ns_;
    doc["time"] = FormatRfc3339Digits(*time_ns, FractionDigits(peek_.time));
    changed = true;
  }
  if (options_.fresh_ids && peek_.has_id) {
    int64_t id_ns = receive_time_ns;
    if (time_ns) id_ns = *time_ns;
    else if (options_.shift_time && delta_ns_) id_ns += *delta_ns_;
    const ids::Ulid u = ids::NewUlid(id_ns / 1'000'000, rng_);
    const auto style = ids::StyleOf(peek_.id).value_or(ids::IdStyle::kUuid);
    doc["id"] = ids::Format(u, style);
    changed = true;
  }
  if (!changed) return false;
  *out = doc.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::ignore);
  ++rewritten_;
  return true;
}

RewriterFactory MakeRewriterFactory(const RewriteOptions& options) {
  return [options] { return std::make_unique<CloudEventRewriter>(options); };
}

}  // namespace evtape::wasmcloud
