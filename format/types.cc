#include "format/types.h"

#include <array>

namespace evtape::format {
namespace {

constexpr std::array<const char*, 9> kGapReasonNames = {
    "other", "slow_consumer", "disconnect", "restart", "overflow", "io_error", "corruption",
    "imported", "retention"};

}  // namespace

const char* GapReasonName(GapReason r) {
  auto i = static_cast<size_t>(r);
  return i < kGapReasonNames.size() ? kGapReasonNames[i] : "unknown";
}

std::optional<GapReason> ParseGapReason(std::string_view name) {
  for (size_t i = 0; i < kGapReasonNames.size(); ++i) {
    if (name == kGapReasonNames[i]) return static_cast<GapReason>(i);
  }
  return std::nullopt;
}

nlohmann::json MetadataToJson(const Metadata& m) {
  // nlohmann::json keeps object keys sorted, so the dump is byte-deterministic.
  return {{"recording_id", m.recording_id}, {"tool", m.tool},
          {"source", m.source},             {"subscriptions", m.subscriptions},
          {"host", m.host},                 {"segment_index", m.segment_index},
          {"first_seq", m.first_seq},       {"created_ns", m.created_ns},
          {"extra", m.extra}};
}

std::optional<Metadata> MetadataFromJson(const nlohmann::json& j) {
  if (!j.is_object()) return std::nullopt;
  Metadata m;
  auto str = [&](const char* key, std::string* out) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string()) return false;
    *out = it->get<std::string>();
    return true;
  };
  if (!str("recording_id", &m.recording_id) || !str("tool", &m.tool) ||
      !str("source", &m.source) || !str("host", &m.host)) {
    return std::nullopt;
  }
  auto subs = j.find("subscriptions");
  if (subs == j.end() || !subs->is_array()) return std::nullopt;
  for (const auto& s : *subs) {
    if (!s.is_string()) return std::nullopt;
    m.subscriptions.push_back(s.get<std::string>());
  }
  auto idx = j.find("segment_index");
  auto first = j.find("first_seq");
  auto created = j.find("created_ns");
  if (idx == j.end() || !idx->is_number_unsigned() || first == j.end() ||
      !first->is_number_unsigned() || created == j.end() || !created->is_number_integer()) {
    return std::nullopt;
  }
  m.segment_index = idx->get<uint32_t>();
  m.first_seq = first->get<uint64_t>();
  m.created_ns = created->get<int64_t>();
  if (auto e = j.find("extra"); e != j.end() && e->is_object()) m.extra = *e;
  return m;
}

}  // namespace evtape::format
