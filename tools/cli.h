// The evtape command line: `evtape VERB [options]`. Main() is what tools/main.cc calls.
#pragma once

namespace evtape::cli {

int Main(int argc, char** argv);

}  // namespace evtape::cli
