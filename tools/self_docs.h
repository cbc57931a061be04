// What evtape says about itself, all generated from the one source of truth the verbs already
// have (the verb table in cli.cc, each verb's VerbHelp and its Boost.Program_options
// description), so --help, the man pages and the shell completions never disagree:
//   evtape --version                        version, format versions, libraries
//   evtape help --man [VERB]                evtape(1) or evtape-VERB(1) as roff
//   evtape help --completion bash|zsh       a completion script
//   evtape help --verbs                     the verb names, one a line
// A verb's options are obtained by running it with the hidden word kManWord or kFlagsWord
// (ParseArgs answers those before parsing anything) with std::cout captured: no verb has a
// second copy of its flags. The build runs these to make the installed man pages and
// completions (tools/CMakeLists.txt). Thread-compatible; writes to the given streams only.
#pragma once

#include <ostream>
#include <span>
#include <string>

#include "tools/flags.h"

namespace evtape::cli {

// A row of the verb table.
struct VerbEntry {
  const char* name;
  const char* summary;
  int (*run)(const Args&);
};

// Hidden words a verb's ParseArgs answers (see above); never shown in --help.
inline constexpr const char* kManWord = "--help-man";
inline constexpr const char* kFlagsWord = "--help-flags";

// evtape VERB --help-man: the verb's page as roff.
void PrintVerbManPage(const VerbHelp& help, const po::options_description& options,
                      std::ostream& out);
// evtape VERB --help-flags: one option a line, "--long[ -s]\tVALUE" (VALUE empty for a switch).
void PrintFlagList(const po::options_description& options, std::ostream& out);

void PrintVersion(std::ostream& out);
// `evtape help ...` with the words after "help"; `usage` prints the top-level help text.
int RunHelp(std::span<const VerbEntry> verbs, const Args& args, void (*usage)(std::ostream&));

}  // namespace evtape::cli
