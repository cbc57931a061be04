// Decoding side of the JSON lines format (jsonl/codec.h): one line to a frame or a gap.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "util/units.h"
#include "format/segment_format.h"
#include "jsonl/codec.h"

namespace evtape::jsonl {
namespace {

using Json = nlohmann::ordered_json;

// A bound on nesting checked before nlohmann sees the line: its printer recurses.
constexpr int kMaxLineDepth = 512;

Status Err(uint64_t line, std::string_view field, const std::string& what) {
  return Status::InvalidArgument("line " + std::to_string(line) + ": field '" + std::string(field) +
                                 "': " + what);
}

// "'text'" (built with append: g++ 12 warns falsely on "'" + std::string, PR 105329).
std::string Quoted(const std::string& text) {
  std::string q(1, '\'');
  q.append(text).push_back('\'');
  return q;
}

bool TooDeep(std::string_view line) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxLineDepth) return true;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return false;
}

// Reads a required/optional RFC 3339 string field.
// Reads a required RFC 3339 string field; `name` is how errors call it.
Status TimeField(const Json& obj, const char* key, const char* name, uint64_t line, int64_t* out,
                 bool* present) {
  auto it = obj.find(key);
  *present = it != obj.end();
  if (!*present) return Err(line, name, "missing (an RFC 3339 time)");
  if (!it->is_string()) return Err(line, name, "must be an RFC 3339 time string");
  auto t = ParseRfc3339(it->get_ref<const std::string&>());
  if (!t) return Err(line, name, Quoted(it->get<std::string>()) + " is not an RFC 3339 time");
  *out = *t;
  return Status::Ok();
}

Status DecodeGap(const Json& g, uint64_t line, uint64_t last_seq, format::Gap* gap) {
  if (!g.is_object()) return Err(line, "gap", "must be an object");
  for (auto it = g.begin(); it != g.end(); ++it) {
    static const char* const kKnown[] = {"reason", "start", "end", "count", "after_seq", "detail"};
    if (std::find(std::begin(kKnown), std::end(kKnown), it.key()) == std::end(kKnown)) {
      return Err(line, "gap." + it.key(), "unknown field");
    }
  }
  auto reason = g.find("reason");
  if (reason == g.end() || !reason->is_string()) {
    return Err(line, "gap.reason", "missing or not a string");
  }
  auto r = format::ParseGapReason(reason->get_ref<const std::string&>());
  if (!r) return Err(line, "gap.reason", "unknown reason " + Quoted(reason->get<std::string>()));
  gap->reason = *r;
  bool present;
  EVTAPE_RETURN_IF_ERROR(TimeField(g, "start", "gap.start", line, &gap->start_ns, &present));
  EVTAPE_RETURN_IF_ERROR(TimeField(g, "end", "gap.end", line, &gap->end_ns, &present));
  if (gap->end_ns < gap->start_ns) return Err(line, "gap.end", "is before gap.start");
  gap->count.reset();
  if (auto c = g.find("count"); c != g.end() && !c->is_null()) {
    if (!c->is_number_unsigned()) return Err(line, "gap.count", "must be null or an integer >= 0");
    gap->count = c->get<uint64_t>();
  }
  gap->after_seq = last_seq;
  if (auto a = g.find("after_seq"); a != g.end()) {
    if (!a->is_number_unsigned()) return Err(line, "gap.after_seq", "must be an integer >= 0");
    gap->after_seq = a->get<uint64_t>();
  }
  gap->detail.clear();
  if (auto d = g.find("detail"); d != g.end()) {
    if (!d->is_string()) return Err(line, "gap.detail", "must be a string");
    gap->detail = d->get<std::string>();
    if (gap->detail.size() > format::kMaxGapDetail) {
      return Err(line, "gap.detail",
                 "longer than " + std::to_string(format::kMaxGapDetail) + " bytes");
    }
  }
  return Status::Ok();
}

Status DecodeHeaders(const Json& obj, uint64_t line, std::string* block) {
  block->clear();
  if (auto raw = obj.find("headers_raw_b64"); raw != obj.end()) {
    if (!raw->is_string() || !Base64Decode(raw->get_ref<const std::string&>(), block)) {
      return Err(line, "headers_raw_b64", "not valid base64");
    }
    if (block->size() > format::kMaxFrameFieldBytes) {
      return Err(line, "headers_raw_b64", "header block longer than 1 MiB");
    }
    return Status::Ok();  // wins over `headers`
  }
  auto h = obj.find("headers");
  if (h == obj.end()) return Status::Ok();
  if (!h->is_array()) return Err(line, "headers", "must be an array of [name, value] pairs");
  std::vector<std::pair<std::string, std::string>> pairs;
  for (size_t i = 0; i < h->size(); ++i) {
    const Json& p = (*h)[i];
    std::string field = "headers[" + std::to_string(i) + "]";
    if (!p.is_array() || p.size() != 2 || !p[0].is_string() || !p[1].is_string()) {
      return Err(line, field, "must be a [name, value] pair of strings");
    }
    const auto& name = p[0].get_ref<const std::string&>();
    const auto& value = p[1].get_ref<const std::string&>();
    if (name.find_first_of(":\r\n") != std::string::npos) {
      return Err(line, field, "header name contains ':' or a line break");
    }
    if (value.find("\r\n") != std::string::npos) {
      return Err(line, field, "header value contains a CRLF line break");
    }
    pairs.emplace_back(name, value);
  }
  *block = RebuildHeaders(pairs);
  if (block->size() > format::kMaxFrameFieldBytes) {
    return Err(line, "headers", "header block longer than 1 MiB");
  }
  return Status::Ok();
}

Status DecodePayload(const Json& obj, uint64_t line, std::string* payload) {
  payload->clear();
  const char* found = nullptr;
  for (const char* key : {"payload", "payload_text", "payload_b64"}) {
    auto it = obj.find(key);
    if (it == obj.end()) continue;
    if (found != nullptr) {
      return Err(line, key,
                 std::string("only one of payload, payload_text, payload_b64 may "
                             "appear (also has ") +
                     found + ")");
    }
    found = key;
    if (key[7] == '\0') {
      try {
        *payload = it->dump();
      } catch (const nlohmann::json::exception& e) {
        return Err(line, key, e.what());
      }
    } else if (key[8] == 't') {
      if (!it->is_string()) return Err(line, key, "must be a string");
      *payload = it->get<std::string>();
    } else if (!it->is_string() || !Base64Decode(it->get_ref<const std::string&>(), payload)) {
      return Err(line, key, "not valid base64");
    }
  }
  if (payload->size() > format::kMaxPayloadBytes) {
    return Err(line, found == nullptr ? "payload" : found, "larger than the 64 MiB frame limit");
  }
  return Status::Ok();
}

}  // namespace

bool IsBlankLine(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

Result<DecodedLine> JsonlDecoder::Decode(std::string_view line, uint64_t line_no) {
  if (TooDeep(line))
    return Status::InvalidArgument("line " + std::to_string(line_no) + ": nested too deeply");
  Json obj = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (obj.is_discarded()) {
    return Status::InvalidArgument("line " + std::to_string(line_no) + ": not valid JSON");
  }
  if (!obj.is_object()) {
    return Status::InvalidArgument("line " + std::to_string(line_no) + ": not a JSON object");
  }
  DecodedLine out;
  if (auto g = obj.find("gap"); g != obj.end()) {
    if (obj.size() != 1) {
      for (auto it = obj.begin(); it != obj.end(); ++it) {
        if (it.key() != "gap") return Err(line_no, it.key(), "not allowed on a gap line");
      }
    }
    out.kind = DecodedLine::Kind::kGap;
    EVTAPE_RETURN_IF_ERROR(DecodeGap(*g, line_no, last_seq_, &out.gap));
    return out;
  }
  static const char* const kKnown[] = {"seq",          "time",       "mono_ns",         "subject",
                                       "reply",        "headers",    "headers_raw_b64", "payload",
                                       "payload_text", "payload_b64"};
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (std::find(std::begin(kKnown), std::end(kKnown), it.key()) == std::end(kKnown)) {
      return Err(line_no, it.key(), "unknown field");
    }
  }
  format::Frame& f = out.frame;
  f.seq = last_seq_ + 1;
  if (auto s = obj.find("seq"); s != obj.end()) {
    if (!s->is_number_unsigned() || s->get<uint64_t>() == 0) {
      return Err(line_no, "seq", "must be an integer >= 1");
    }
    f.seq = s->get<uint64_t>();
    if (f.seq <= last_seq_) {
      return Err(line_no, "seq",
                 "must be greater than the previous frame's seq " + std::to_string(last_seq_));
    }
  }
  bool present;
  EVTAPE_RETURN_IF_ERROR(TimeField(obj, "time", "time", line_no, &f.time_ns, &present));
  f.mono_ns = f.time_ns;
  if (auto m = obj.find("mono_ns"); m != obj.end()) {
    if (!m->is_number_integer()) return Err(line_no, "mono_ns", "must be an integer");
    if (m->is_number_unsigned() && m->get<uint64_t>() > uint64_t{INT64_MAX}) {
      return Err(line_no, "mono_ns", "out of range");
    }
    f.mono_ns = m->get<int64_t>();
  }
  auto subject = obj.find("subject");
  if (subject == obj.end() || !subject->is_string() ||
      subject->get_ref<const std::string&>().empty()) {
    return Err(line_no, "subject", "missing or not a non-empty string");
  }
  f.subject = subject->get<std::string>();
  if (auto r = obj.find("reply"); r != obj.end()) {
    if (!r->is_string()) return Err(line_no, "reply", "must be a string");
    f.reply = r->get<std::string>();
  }
  for (const std::string* field : {&f.subject, &f.reply}) {
    if (field->size() > format::kMaxFrameFieldBytes) {
      return Err(line_no, field == &f.subject ? "subject" : "reply", "longer than 1 MiB");
    }
  }
  EVTAPE_RETURN_IF_ERROR(DecodeHeaders(obj, line_no, &f.headers));
  EVTAPE_RETURN_IF_ERROR(DecodePayload(obj, line_no, &f.payload));
  last_seq_ = f.seq;
  return out;
}

}  // namespace evtape::jsonl
