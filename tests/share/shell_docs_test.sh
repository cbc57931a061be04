#!/usr/bin/env bash
# The man pages and completions agree with --help, because both are rendered from it: for every
# verb, every option --help lists is in the man page (and no other), and the synopsis and every
# line of the help's notes appear in it verbatim; the bash completion offers the verb's flags
# and file names after a valued option; the zsh script parses.
#   shell_docs_test.sh EVTAPE
set -euo pipefail
evtape=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# The flags of an options listing ("  -o [ --output ] arg   text" lines).
help_flags() { grep -oE '^  (-[a-zA-Z] \[ )?--[a-z0-9-]+' | grep -oE -- '--[a-z0-9-]+' | sort -u; }

verbs=$("$evtape" help --verbs)
[ "$(echo "$verbs" | wc -l)" -ge 10 ] || fail "help --verbs lists too few verbs: $verbs"
"$evtape" help --man | grep -q '^\.TH EVTAPE 1' || fail "evtape.1 has no .TH"
for verb in $verbs; do
  "$evtape" "$verb" --help >"$tmp/help"
  # The man page as plain text: roff's \- and \e back to - and \, requests dropped.
  "$evtape" help --man "$verb" | sed -e 's/\\-/-/g' -e 's/\\e/\\/g' -e 's/\\&//g' \
    -e 's/\\f[BIR]//g' >"$tmp/man"
  grep -q "^\.TH EVTAPE-${verb^^} 1" "$tmp/man" || fail "$verb: no .TH header"
  help_flags <"$tmp/help" >"$tmp/hf"
  grep -A1 '^\.TP' "$tmp/man" | grep '^\.B' | grep -oE -- '--[a-z0-9-]+' | sort -u >"$tmp/mf"
  diff -u "$tmp/hf" "$tmp/mf" || fail "$verb: the man page's options differ from --help's"
  [ -s "$tmp/hf" ] || fail "$verb: no options found in --help"
  # Synopsis and every non-empty line after the options (notes, examples) appear verbatim.
  head -1 "$tmp/help" | sed 's/^Usage: //' >"$tmp/syn"
  grep -qxF -f "$tmp/syn" "$tmp/man" || fail "$verb: synopsis missing from the man page"
  awk 'seen && NF {print} /^$/ && opts {seen=1} /^Options|^[A-Z][a-z]+:$/ {opts=1}' "$tmp/help" \
    | grep -v '^  -' | grep -v '^Examples:$' | grep -vE '^[A-Z][^.]*:$' >"$tmp/notes" || true
  while IFS= read -r line; do
    grep -qxF -- "$line" "$tmp/man" || grep -qF -- "$(echo "$line" | sed 's/^ *//')" "$tmp/man" \
      || fail "$verb: help line missing from the man page: $line"
  done <"$tmp/notes"
done

# bash: complete verbs, a verb's flags, and file names after a valued option.
"$evtape" help --completion bash >"$tmp/evtape.bash"
complete_words() {  # WORD... -> COMPREPLY, one a line
  bash -c 'source "$0"; COMP_WORDS=("${@}"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1));
           _evtape; printf "%s\n" "${COMPREPLY[@]}"' "$tmp/evtape.bash" "$@"
}
complete_words evtape re | grep -qx record || fail "bash: 'evtape re' does not offer record"
complete_words evtape re | grep -qx redact || fail "bash: 'evtape re' does not offer redact"
complete_words evtape info --j | grep -qx -- --json || fail "bash: info --j does not offer --json"
touch "$tmp/rec-file.seg"
(cd "$tmp" && complete_words evtape cat --subject rec-) | grep -qx rec-file.seg \
  || fail "bash: no file names after a valued option"
complete_words evtape cat --payload-only --sub | grep -qx -- --subject \
  || fail "bash: cat --sub does not offer --subject"
# zsh: the script parses and names every verb.
"$evtape" help --completion zsh >"$tmp/_evtape"
zsh -n "$tmp/_evtape" || fail "zsh: the completion script does not parse"
for verb in $verbs; do grep -q "^    $verb) _arguments" "$tmp/_evtape" || fail "zsh: no $verb"; done
# A wrong help request is a usage error (exit 2, one line).
set +e; "$evtape" help --man no-such-verb 2>"$tmp/err"; rc=$?; set -e
[ "$rc" = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ] || fail "help --man no-such-verb: exit $rc"
# --version names the formats and libraries.
"$evtape" --version | grep -q '^segment format: writes version [0-9]' || fail "--version: no format"
"$evtape" --version | grep -q 'zstd .*nats.c ' || fail "--version: no libraries"
echo "ok: man pages and completions agree with --help for: $(echo $verbs)"
