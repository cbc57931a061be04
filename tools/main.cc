// Thin main: everything lives in the evtape_tools library so tests link the same code.
#include "tools/cli.h"

int main(int argc, char** argv) { return evtape::cli::Main(argc, argv); }
