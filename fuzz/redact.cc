// Fuzz target: `evtape redact`'s Redactor (wasmcloud/redact_map.h) with fuzzed rules, payloads
// and texts.
// Invariants: no crash and no exception; a rules document either applies or is refused with a
// message; the same seed and input give the same output (run twice); a payload that is JSON is
// still JSON after rewriting; a replacement never equals its original.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fuzz/fuzz_util.h"
#include "wasmcloud/redact_map.h"

using namespace evtape;
namespace redact = evtape::wasmcloud::redact;

namespace {

struct Item {
  bool payload;
  std::string bytes;
};

std::vector<std::string> Run(const redact::RuleSet& rules, uint64_t seed,
                             const std::vector<Item>& items,
                             std::unique_ptr<redact::Redactor>* keep) {
  auto last = std::make_unique<redact::Redactor>(rules, seed);
  for (const auto& i : items) {
    if (i.payload) {
      last->CollectPayload(i.bytes);
    } else {
      last->CollectText(i.bytes);
    }
  }
  last->Finish();
  std::vector<std::string> out;
  for (const auto& i : items) {
    out.push_back(i.payload ? last->RewritePayload(i.bytes) : last->RewriteText(i.bytes));
  }
  *keep = std::move(last);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  uint64_t seed = in.U64();
  redact::RuleSet rules = redact::DefaultRules();
  if (in.Bool()) {
    auto j = nlohmann::json::parse(in.Bytes(200), nullptr, /*allow_exceptions=*/false);
    if (!j.is_discarded()) {
      Status s = redact::ApplyRulesJson(j, &rules);
      FUZZ_CHECK(s.ok() || !s.message().empty());
      if (!s.ok()) rules = redact::DefaultRules();
    }
  }
  std::vector<Item> items;
  while (!in.empty()) {
    bool payload = in.Bool();
    items.push_back({payload, in.Bytes(payload ? 2048 : 100)});
  }
  std::unique_ptr<redact::Redactor> r;
  std::vector<std::string> first = Run(rules, seed, items, &r);
  std::vector<std::string> second = Run(rules, seed, items, &r);
  FUZZ_CHECK(first == second);
  for (size_t i = 0; i < items.size(); ++i) {
    if (!items[i].payload) continue;
    bool was_json = nlohmann::json::accept(items[i].bytes);
    if (was_json) FUZZ_CHECK(nlohmann::json::accept(first[i]));
  }
  for (const auto& [original, replacement] : r->mapping()) FUZZ_CHECK(original != replacement);
  return 0;
}
