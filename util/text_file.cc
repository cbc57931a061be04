#include "util/text_file.h"

#include <cerrno>
#include <cstdio>
#include <fstream>

namespace evtape {

Status WriteTextFileAtomically(const std::string& path, std::string_view text, const char* what) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.flush();
    if (!out) {
      std::remove(tmp.c_str());
      return Status::IOError(std::string("cannot write ") + what + " " + path);
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    std::remove(tmp.c_str());
    return Status::FromErrno(std::string("cannot write ") + what + " " + path, err);
  }
  return Status::Ok();
}

}  // namespace evtape
