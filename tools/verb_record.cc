// Placeholder until the verb's issue lands.
#include <iostream>

#include "tools/verbs.h"

namespace evtape::cli {

int RunRecord(const Args& /*args*/) {
  std::cerr << "evtape record: not implemented yet\n";
  return 1;
}

}  // namespace evtape::cli
