#include "replay/subject_map.h"

#include <algorithm>

#include "util/units.h"

namespace evtape::replay {
namespace {

std::vector<std::string> Tokens(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t dot = s.find('.', start);
    out.emplace_back(s.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return out;
}

bool HasWildcard(const std::vector<std::string>& t) {
  return std::any_of(t.begin(), t.end(), [](const std::string& x) { return x == "*" || x == ">"; });
}

std::string Join(const std::vector<std::string>& t, size_t from = 0) {
  std::string out;
  for (size_t i = from; i < t.size(); ++i) {
    if (i > from) out += '.';
    out += t[i];
  }
  return out;
}

}  // namespace

Status SubjectMap::AddMap(std::string_view rule) {
  const size_t eq = rule.find('=');
  if (eq == std::string_view::npos) {
    return Status::InvalidArgument("expected FROM=TO, got '" + std::string(rule) + "'");
  }
  const std::string_view from = rule.substr(0, eq), to = rule.substr(eq + 1);
  if (!ValidSubject(from, true)) {
    return Status::InvalidArgument("invalid subject filter '" + std::string(from) + "'");
  }
  if (!ValidSubject(to, true)) {
    return Status::InvalidArgument("invalid target subject '" + std::string(to) + "'");
  }
  Rule r{Tokens(from), Tokens(to), false};
  auto count = [](const std::vector<std::string>& t, const char* w) {
    return std::count(t.begin(), t.end(), std::string(w));
  };
  if (count(r.from, "*") != count(r.to, "*") || count(r.from, ">") != count(r.to, ">")) {
    std::string msg(rule);
    msg += ": TO must have the same wildcards as FROM";
    return Status::InvalidArgument(msg);
  }
  if (!HasWildcard(r.from) && HasWildcard(r.to)) {
    std::string msg(rule);
    msg += ": TO has wildcards but FROM has none";
    return Status::InvalidArgument(msg);
  }
  r.prefix = !HasWildcard(r.from);
  rules_.push_back(std::move(r));
  return Status::Ok();
}

Status SubjectMap::AddLattice(std::string_view rule) {
  const size_t eq = rule.find('=');
  if (eq == std::string_view::npos) {
    return Status::InvalidArgument("expected FROM=TO lattice names, got '" + std::string(rule) + "'");
  }
  const std::string from(rule.substr(0, eq)), to(rule.substr(eq + 1));
  for (const std::string& name : {from, to}) {
    if (name.empty() || name.find_first_of(".*> \t") != std::string::npos) {
      return Status::InvalidArgument("invalid lattice name '" + name + "'");
    }
  }
  return AddMap("wasmbus.evt." + from + ".>=wasmbus.evt." + to + ".>");
}

std::optional<std::string> SubjectMap::Apply(std::string_view subject) const {
  if (rules_.empty()) return std::nullopt;
  const std::vector<std::string> tokens = Tokens(subject);
  for (const Rule& r : rules_) {
    if (r.prefix) {
      if (tokens.size() < r.from.size() ||
          !std::equal(r.from.begin(), r.from.end(), tokens.begin())) {
        continue;
      }
      std::string out = Join(r.to);
      if (tokens.size() > r.from.size()) {
        out += '.';
        out += Join(tokens, r.from.size());
      }
      return out;
    }
    std::vector<std::string> stars;
    std::string rest;
    bool match = true;
    size_t i = 0;
    for (; i < r.from.size() && match; ++i) {
      if (r.from[i] == ">") {
        if (tokens.size() <= i) match = false;
        else rest = Join(tokens, i);
        i = tokens.size();
        break;
      }
      if (i >= tokens.size()) match = false;
      else if (r.from[i] == "*") stars.push_back(tokens[i]);
      else if (r.from[i] != tokens[i]) match = false;
    }
    if (!match || i != tokens.size()) continue;
    std::string out;
    size_t star = 0;
    for (size_t k = 0; k < r.to.size(); ++k) {
      if (k > 0) out += '.';
      if (r.to[k] == "*") out += stars[star++];
      else if (r.to[k] == ">") out += rest;
      else out += r.to[k];
    }
    return out;
  }
  return std::nullopt;
}

}  // namespace evtape::replay
