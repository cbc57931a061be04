// The CLI's shared argument handling (tools/verb_util): unknown verbs, stray arguments.
#include <catch2/catch.hpp>

#include "tests/testutil/testutil.h"

namespace {

using evtape::testutil::RunEvtape;

TEST_CASE("a stray argument's usage error names it", "[cli]") {
  auto r = RunEvtape({"synth", "--hosts", "1", "surplus-word", "-o", "/tmp/never"});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err == "evtape synth: unexpected argument 'surplus-word' (see 'evtape synth --help')\n");
}

TEST_CASE("unknown and missing verbs are usage errors", "[cli]") {
  auto unknown = RunEvtape({"frobnicate"});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err == "evtape: unknown verb 'frobnicate' (see 'evtape --help')\n");
  auto none = RunEvtape({});
  CHECK(none.exit_code == 2);
  CHECK(none.err == "evtape: missing verb (see 'evtape --help')\n");
  auto version = RunEvtape({"--version"});
  CHECK(version.exit_code == 0);
  CHECK(version.out.rfind("evtape ", 0) == 0);
}

}  // namespace
