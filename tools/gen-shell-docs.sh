#!/usr/bin/env bash
# Writes the man pages and shell completions of an evtape binary into OUTDIR, as the package
# installs them (man/man1/*.1.gz, bash-completion/evtape, zsh/_evtape). Everything comes from
# the binary itself (`evtape help --man`, `--completion`), i.e. from the same text as --help.
#   tools/gen-shell-docs.sh build/evtape build/shell-docs
set -euo pipefail
evtape=$1 out=$2
rm -rf "$out"
mkdir -p "$out/man/man1" "$out/bash-completion" "$out/zsh"
"$evtape" help --man >"$out/man/man1/evtape.1"
for verb in $("$evtape" help --verbs); do
  "$evtape" help --man "$verb" >"$out/man/man1/evtape-$verb.1"
done
gzip -9n "$out"/man/man1/*.1  # Debian policy: compressed, no timestamp in the header
"$evtape" help --completion bash >"$out/bash-completion/evtape"
"$evtape" help --completion zsh >"$out/zsh/_evtape"
