// Subject rewriting for replay: --map FROM=TO (repeatable, first match wins) and --lattice
// FROM=TO (shorthand for --map wasmbus.evt.FROM.>=wasmbus.evt.TO.>).
//
// FROM is a subject filter. A literal FROM maps that subject and, as a token prefix, every
// subject below it ("a.b=x" turns a.b into x and a.b.c.d into x.c.d). Wildcards capture: each
// `*` in FROM binds one token, a final `>` binds the remaining tokens, and TO must contain the
// same number of `*` (filled in order) and a final `>` exactly when FROM has one. Pure value
// type; thread-safe for concurrent Apply calls.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "format/status.h"

namespace evtape::replay {

class SubjectMap {
 public:
  // Adds "FROM=TO". InvalidArgument with a one-line reason on a malformed rule.
  Status AddMap(std::string_view rule);
  // Adds "FROM=TO" lattice names (single tokens, no wildcards).
  Status AddLattice(std::string_view rule);
  bool empty() const { return rules_.empty(); }
  // The rewritten subject, or nullopt when no rule matches (the subject stays as it is).
  std::optional<std::string> Apply(std::string_view subject) const;

 private:
  struct Rule {
    std::vector<std::string> from, to;
    bool prefix = false;  // literal FROM: also matches subjects below it
  };
  std::vector<Rule> rules_;
};

}  // namespace evtape::replay
