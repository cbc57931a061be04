# evtape_build_flags: standard, warnings and sanitizers for evtape's own targets only
# (the ccache standard_settings/standard_warnings pattern). Third-party code never links it.
add_library(evtape_build_flags INTERFACE)
add_library(evtape::build_flags ALIAS evtape_build_flags)
target_compile_features(evtape_build_flags INTERFACE cxx_std_20)
target_compile_options(evtape_build_flags INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Wimplicit-fallthrough)
if(EVTAPE_WERROR)
  target_compile_options(evtape_build_flags INTERFACE -Werror)
endif()
foreach(san IN LISTS EVTAPE_SANITIZERS)
  target_compile_options(evtape_build_flags INTERFACE -fsanitize=${san} -fno-omit-frame-pointer
                         -fno-sanitize-recover=all)
  target_link_options(evtape_build_flags INTERFACE -fsanitize=${san})
endforeach()
# EVTAPE_FUZZ: coverage instrumentation for libFuzzer in all of evtape's code (the fuzz
# executables add -fsanitize=fuzzer themselves, fuzz/CMakeLists.txt).
if(EVTAPE_FUZZ)
  target_compile_options(evtape_build_flags INTERFACE -fsanitize=fuzzer-no-link)
endif()
