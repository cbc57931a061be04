// `evtape record --stream NAME`: the flags it adds to the record verb and its run
// (tools/verb_record_stream.cc), so that verb_record.cc only dispatches.
#pragma once

#include "tools/flags.h"

namespace evtape::cli {

// Adds --stream, --since, --start-seq and --follow.
void AddStreamDrainOptions(po::options_description* d);
// Runs the drain for a parsed record command line that has --stream; returns the exit code.
int RunRecordStream(const VerbHelp& help, const po::variables_map& vm);

}  // namespace evtape::cli
