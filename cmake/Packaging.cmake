# `cpack` in the build directory (./tools/dev.sh package) builds build/evtape_<version>_<arch>.deb: the binary, its
# man pages and its bash and zsh completions (the install rules in tools/CMakeLists.txt).
# Library dependencies are computed by dpkg-shlibdeps (dpkg-dev).
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME evtape)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "evtape maintainers <evtape@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "record, replay and test NATS and wasmCloud lattice events")
set(CPACK_PACKAGE_DESCRIPTION
    "evtape records NATS messages (by default wasmCloud lattice events) into compressed,\
 crash-tolerant recordings, replays them faithfully, and tests event consumers.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS nats-server)
set(CPACK_STRIP_FILES ON)
include(CPack)
