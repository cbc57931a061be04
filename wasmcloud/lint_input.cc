#include "wasmcloud/lint_input.h"

#include <iostream>

namespace evtape::wasmcloud::lint {
namespace {

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

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
    // The same decoder as `evtape import`, so lint sees exactly the bytes import would write.
    Result<jsonl::DecodedLine> decoded = decoder_.Decode(line_, line_no_);
    if (!decoded.ok()) return Status::Corruption(path_ + ": " + decoded.status().message());
    if (decoded->kind != jsonl::DecodedLine::Kind::kFrame) continue;
    frame_ = std::move(decoded->frame);
    *item = {line_no_, frame_.subject, frame_.reply, frame_.headers, frame_.payload};
    return true;
  }
  if (in_->bad()) return Status::IOError(path_ + ": read error");
  return false;
}

}  // namespace evtape::wasmcloud::lint
