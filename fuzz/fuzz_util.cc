#include "fuzz/fuzz_util.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace evtape::fuzz {

format::Frame MakeFrame(Input* in, uint64_t seq, int64_t* time_ns) {
  format::Frame f;
  f.seq = seq;
  uint8_t shape = in->U8();
  // Times: mostly small steps forward, sometimes backwards or anywhere in int64 (the encoder
  // stores deltas, which must not overflow).
  uint64_t t = static_cast<uint64_t>(*time_ns);
  switch (shape & 3) {
    case 0:
    case 1:
      t += in->U64(3);
      break;
    case 2:
      t -= in->U64(3);
      break;
    case 3:
      t = in->U64();
      break;
  }
  *time_ns = static_cast<int64_t>(t);
  f.time_ns = *time_ns;
  f.mono_ns = (shape & 4) != 0 ? static_cast<int64_t>(in->U64()) : *time_ns / 3;
  f.subject = (shape & 8) != 0 ? "wasmbus.evt.default." + in->Bytes(16) : in->Bytes(64);
  if ((shape & 16) != 0) f.reply = in->Bytes(32);
  if ((shape & 32) != 0) f.headers = (shape & 64) != 0 ? "NATS/1.0\r\n" + in->Bytes(48) : in->Bytes(48);
  f.payload = in->Bytes((shape & 128) != 0 ? 4096 : 200);
  return f;
}

const std::string& ScratchDir::Path() {
  // Never destroyed: the exit handler below still needs it.
  static const std::string& path = *new std::string([] {
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") +
                       "/evtape-fuzz-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) {
      std::perror("evtape fuzz: mkdtemp");
      std::abort();
    }
    // Removed at exit (libFuzzer ends with exit()); a crash leaves it for inspection.
    std::atexit([] { std::filesystem::remove_all(Path()); });
    return tmpl;
  }());
  return path;
}

void ScratchDir::Clear() {
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(Path(), ec)) {
    std::filesystem::remove_all(e.path(), ec);
  }
}

std::string ScratchDir::WriteFile(const std::string& name, std::string_view bytes) {
  std::string path = Path() + "/" + name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return path;
}

}  // namespace evtape::fuzz
