#!/usr/bin/env bash
# Builds the .deb with CPack from a configured, built tree, unpacks it into a clean directory
# (dpkg-deb -x: no root needed, nothing installed on this machine) and checks what a user
# gets: the binary runs (--version), every verb has its man page, the completions are in the
# directories bash-completion and zsh read, and the package declares its library dependencies.
#   package_test.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

(cd "$tmp" && cpack --config "$build/CPackConfig.cmake" -B "$tmp/out" >"$tmp/cpack.log" 2>&1) \
  || { cat "$tmp/cpack.log"; fail "cpack failed"; }
deb=$(ls "$tmp"/out/evtape_*.deb)
[ -f "$deb" ] || fail "no .deb in $tmp/out"
dpkg-deb -f "$deb" Package | grep -qx evtape || fail "package name"
dpkg-deb -f "$deb" Depends | grep -q libnats || fail "Depends lacks libnats: $(dpkg-deb -f "$deb" Depends)"
root=$tmp/root
dpkg-deb -x "$deb" "$root"
version=$("$root/usr/bin/evtape" --version)
echo "$version" | head -1 | grep -qx "evtape $(dpkg-deb -f "$deb" Version)" \
  || fail "installed evtape --version says '$version'"
for verb in $("$root/usr/bin/evtape" help --verbs); do
  [ -s "$root/usr/share/man/man1/evtape-$verb.1.gz" ] || fail "no man page for $verb"
done
[ -s "$root/usr/share/man/man1/evtape.1.gz" ] || fail "no evtape.1"
[ -s "$root/usr/share/bash-completion/completions/evtape" ] || fail "no bash completion"
[ -s "$root/usr/share/zsh/vendor-completions/_evtape" ] || fail "no zsh completion"
if command -v man >/dev/null; then
  LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$root/usr/share/man/man1/evtape-info.1.gz" \
    2>"$tmp/man.err" | grep -q 'evtape-info - summarise' || fail "man cannot render evtape-info"
  [ ! -s "$tmp/man.err" ] || fail "man warnings: $(cat "$tmp/man.err")"
fi
echo "ok: $(basename "$deb") ($(stat -c %s "$deb") bytes) installs and runs: $(echo "$version" | head -1)"
