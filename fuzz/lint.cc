// Fuzz target: `evtape lint`'s checks (wasmcloud/lint_check.h) on any message.
// The input is a subject (sometimes a lattice subject with a known event name), a reply, a
// header block and a payload (sometimes a CloudEvent envelope around fuzzed data).
// Invariants: no crash and no exception on any bytes; every finding names a rule of AllRules()
// with that rule's severity and has a message.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_util.h"
#include "wasmcloud/lint_check.h"
#include "wasmcloud/lint_schema.h"

using namespace evtape;
namespace lint = evtape::wasmcloud::lint;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  uint8_t shape = in.U8();
  std::string subject;
  std::string type;
  if ((shape & 1) != 0) {
    auto events = lint::AllEvents();
    const auto& ev = events[in.Range(0, events.size() - 1)];
    subject = std::string(lint::kSubjectPrefix) + "default." + std::string(ev.name);
    type = std::string(lint::kTypePrefix) + std::string(ev.name);
  } else {
    subject = in.Bytes(80);
  }
  std::string reply = in.Bytes(40);
  std::string headers = in.Bytes(80);
  std::string payload;
  if ((shape & 2) != 0) {
    // A plausible envelope with fuzzed data, so the per-event field checks are reached.
    payload = R"({"specversion":"1.0","id":"01HZX","type":")" + type +
              R"(","source":"NABC","datacontenttype":"application/json","time":"2026-01-01T00:00:00Z","data":)" +
              std::string(in.Rest()) + "}";
  } else {
    payload = std::string(in.Rest());
  }
  FUZZ_CHECK(lint::IsLatticeSubject(subject) == subject.starts_with(lint::kSubjectPrefix));
  std::vector<lint::Finding> findings;
  lint::LintMessage(subject, reply, headers, payload, &findings);
  for (const auto& f : findings) {
    const lint::RuleInfo* rule = nullptr;
    for (const auto& r : lint::AllRules()) {
      if (f.rule == r.id) rule = &r;
    }
    FUZZ_CHECK(rule != nullptr);
    FUZZ_CHECK(rule->severity == f.severity);
    FUZZ_CHECK(!f.message.empty());
  }
  return 0;
}
