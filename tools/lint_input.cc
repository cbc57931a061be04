#include "tools/lint_input.h"

#include <iostream>
#include <nlohmann/json.hpp>

namespace evtape::lint {
namespace {

using Json = nlohmann::ordered_json;

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::optional<std::string> DecodeBase64(std::string_view text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char ch : text) {
    int v;
    if (ch >= 'A' && ch <= 'Z') v = ch - 'A';
    else if (ch >= 'a' && ch <= 'z') v = ch - 'a' + 26;
    else if (ch >= '0' && ch <= '9') v = ch - '0' + 52;
    else if (ch == '+') v = 62;
    else if (ch == '/') v = 63;
    else if (ch == '=') break;
    else return std::nullopt;
    buffer = (buffer << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      out.push_back(static_cast<char>((buffer >> (bits - 8)) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

Result<std::unique_ptr<LintInput>> LintInput::Open(const std::string& path,
                                                   format::Reporter* reporter) {
  auto in = std::unique_ptr<LintInput>(new LintInput());
  in->path_ = path;
  if (path == "-" || EndsWith(path, ".jsonl")) {
    in->jsonl_ = true;
    if (path == "-") {
      in->in_ = &std::cin;
    } else {
      in->file_.open(path, std::ios::binary);
      if (!in->file_) return Status::NotFound(path + ": cannot open for reading");
      in->in_ = &in->file_;
    }
    return in;
  }
  FileSystem* fs = FileSystem::Default();
  EVTAPE_ASSIGN_OR_RETURN(std::vector<std::string> segments, format::ListSegments(fs, path));
  format::ReaderOptions options;
  options.reporter = reporter;
  EVTAPE_ASSIGN_OR_RETURN(in->reader_, format::RecordingReader::Open(fs, segments, options));
  return in;
}

Result<bool> LintInput::Next(LintItem* item) {
  if (jsonl_) return NextLine(item);
  format::Entry entry;
  while (true) {
    EVTAPE_ASSIGN_OR_RETURN(bool more, reader_->Next(&entry));
    if (!more) return false;
    if (entry.kind != format::Entry::Kind::kFrame) continue;
    const format::FrameView& f = entry.frame;
    *item = {f.seq, f.subject, f.reply, f.headers, f.payload};
    return true;
  }
}

Result<bool> LintInput::NextLine(LintItem* item) {
  while (std::getline(*in_, line_)) {
    ++line_no_;
    if (line_.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::string where = path_ + ":" + std::to_string(line_no_) + ": ";
    Json j = Json::parse(line_, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) return Status::Corruption(where + "not a JSON object");
    if (j.contains("gap")) continue;
    auto subject = j.find("subject");
    if (subject == j.end() || !subject->is_string()) {
      return Status::Corruption(where + "field subject: missing or not a string");
    }
    subject_ = subject->get<std::string>();
    auto reply = j.find("reply");
    reply_ = reply != j.end() && reply->is_string() ? reply->get<std::string>() : "";
    // Lint only needs to know whether headers exist: the host never sends any.
    headers_.clear();
    auto headers = j.find("headers");
    if ((headers != j.end() && headers->is_array()) || j.contains("headers_raw_b64")) {
      headers_ = "NATS/1.0\r\n\r\n";
    }
    payload_.clear();
    if (auto p = j.find("payload"); p != j.end()) {
      payload_ = p->dump(-1, ' ', false, Json::error_handler_t::replace);
    } else if (auto t = j.find("payload_text"); t != j.end() && t->is_string()) {
      payload_ = t->get<std::string>();
    } else if (auto b = j.find("payload_b64"); b != j.end() && b->is_string()) {
      auto decoded = DecodeBase64(b->get_ref<const std::string&>());
      if (!decoded) return Status::Corruption(where + "field payload_b64: not base64");
      payload_ = std::move(*decoded);
    }
    *item = {line_no_, subject_, reply_, headers_, payload_};
    return true;
  }
  if (in_->bad()) return Status::IOError(path_ + ": read error");
  return false;
}

}  // namespace evtape::lint
