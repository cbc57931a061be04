# All dependencies come from Debian packages (tools/dev.sh installs them).
find_package(PkgConfig REQUIRED)
# Never find_package(cnats) on Debian: its config references a static archive that is not
# shipped and fails hard. pkg-config works; the target is PkgConfig::NATS (our own wrapper
# library is evtape::nats, in nats/).
pkg_check_modules(NATS REQUIRED IMPORTED_TARGET GLOBAL libnats>=3.4)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(zstd CONFIG REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS program_options)
find_package(Threads REQUIRED)
find_package(ZLIB REQUIRED)  # CRC32 of MCAP export (offline/mcap.cc)
if(EVTAPE_BUILD_TESTS)
  find_package(Catch2 2 REQUIRED)
  include(Catch)
endif()
