// Placeholder until the verb's issue lands.
#include <iostream>

#include "tools/verbs.h"

namespace evtape::cli {

int RunRedact(const Args& /*args*/) {
  std::cerr << "evtape redact: not implemented yet\n";
  return 1;
}

}  // namespace evtape::cli
