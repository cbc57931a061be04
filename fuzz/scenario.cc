// Fuzz target: `evtape test` scenario files (harness/scenario.h LoadScenario) from any bytes.
// Invariants: no crash and no exception; a file is either loaded or refused with one line
// (no line break) that starts with the file's path, with an InvalidArgument (bad content).
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_util.h"
#include "harness/scenario.h"

using namespace evtape;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::ScratchDir::Clear();
  // A fixture that exists, for scenarios naming "fixture.jsonl".
  fuzz::ScratchDir::WriteFile("fixture.jsonl", "");
  std::string path = fuzz::ScratchDir::WriteFile(
      "scenario.json", std::string_view(reinterpret_cast<const char*>(data), size));
  auto loaded = harness::LoadScenario(path);
  if (!loaded.ok()) {
    const std::string& m = loaded.status().message();
    FUZZ_CHECK(m.starts_with(path));
    FUZZ_CHECK(m.find('\n') == std::string::npos);
    FUZZ_CHECK(loaded.status().code() == Status::Code::kInvalidArgument);
  } else {
    FUZZ_CHECK(loaded->path == path);
  }
  return 0;
}
