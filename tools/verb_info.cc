// Placeholder until the verb's issue lands.
#include <iostream>

#include "tools/verbs.h"

namespace evtape::cli {

int RunInfo(const Args& /*args*/) {
  std::cerr << "evtape info: not implemented yet\n";
  return 1;
}

}  // namespace evtape::cli
