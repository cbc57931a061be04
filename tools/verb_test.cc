// Placeholder until the verb's issue lands.
#include <iostream>

#include "tools/verbs.h"

namespace evtape::cli {

int RunTest(const Args& /*args*/) {
  std::cerr << "evtape test: not implemented yet\n";
  return 1;
}

}  // namespace evtape::cli
