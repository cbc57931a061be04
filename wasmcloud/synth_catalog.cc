#include "wasmcloud/synth_catalog.h"

#include <algorithm>

namespace evtape::wasmcloud::synth {
namespace {

// A sample of the host's NAME_ADJECTIVES / NAME_NOUNS word lists.
constexpr std::array<const char*, 9> kAdjectives = {
    "sparkling", "floral", "holy", "quiet", "rapid", "misty", "bold", "ancient", "calm"};
constexpr std::array<const char*, 8> kNouns = {"meadow", "forest", "wildflower", "river",
                                               "canyon", "glade",  "summit",     "harbor"};
constexpr std::array<const char*, 8> kApps = {"checkout", "inventory", "petclinic", "gateway",
                                              "billing",  "search",    "auth",      "media"};

}  // namespace

std::string AppName(uint32_t a) {
  std::string name = kApps[a % kApps.size()];
  if (a < kApps.size()) return name;
  std::string round = std::to_string(a / kApps.size());
  return name + "-" + round;
}

std::string WadmId(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!ok) c = '_';
  }
  return out;
}

std::string FriendlyName(ids::IdRng& rng) {
  std::string adjective = kAdjectives[rng.Below(kAdjectives.size())];
  std::string noun = kNouns[rng.Below(kNouns.size())];
  std::string digits = std::to_string(rng.Below(10000));
  digits.insert(0, 4 - std::min<size_t>(4, digits.size()), '0');
  return adjective + "-" + noun + "-" + digits;
}

}  // namespace evtape::wasmcloud::synth
