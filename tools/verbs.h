// Every verb's entry point: takes the words after the verb name, returns the exit code.
// One file per verb (tools/verb_NAME.cc); the table in cli.cc lists them.
#pragma once

#include <string>
#include <vector>

namespace evtape::cli {

using Args = std::vector<std::string>;

int RunRecord(const Args& args);
int RunCapture(const Args& args);
int RunReplay(const Args& args);
int RunDemo(const Args& args);
int RunInfo(const Args& args);
int RunCat(const Args& args);
int RunImport(const Args& args);
int RunVerify(const Args& args);
int RunRecover(const Args& args);
int RunSlice(const Args& args);
int RunMerge(const Args& args);
int RunRedact(const Args& args);
int RunLint(const Args& args);
int RunSynth(const Args& args);
int RunTest(const Args& args);
int RunBundle(const Args& args);
int RunReport(const Args& args);
int RunExport(const Args& args);

}  // namespace evtape::cli
