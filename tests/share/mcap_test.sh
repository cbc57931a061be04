#!/usr/bin/env bash
# evtape export --format mcap, checked by the MCAP project's own TypeScript reader (@mcap/core
# from the npm registry: a test-only tool, installed here into WORK_DIR/node_modules once):
# see mcap_check.js for what is compared. The input is a fixture with a disconnect gap, a
# recorder restart, a text and a binary payload added.
#   mcap_test.sh EVTAPE FIXTURE_RECORDING WORK_DIR
set -euo pipefail
evtape=$1 fixture=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v node >/dev/null && command -v npm >/dev/null || fail "node and npm are needed (Debian: nodejs npm)"

mkdir -p "$work"
if [ ! -f "$work/node_modules/@mcap/core/package.json" ]; then
  (cd "$work" && npm install --silent --no-audit --no-fund --no-save @mcap/core@2 >/dev/null) \
    || fail "npm install @mcap/core failed"
fi

"$evtape" cat "$fixture" >"$tmp/in.jsonl"
time_of() { sed -n "${1}p" "$tmp/in.jsonl" | grep -o '"time":"[^"]*"' | head -1 | cut -d'"' -f4; }
gap() {  # REASON AFTER_LINE COUNT
  printf '{"gap":{"reason":"%s","start":"%s","end":"%s","count":%s,"after_seq":%s,"detail":"x"}}\n' \
    "$1" "$(time_of "$2")" "$(time_of $(($2 + 1)))" "$3" "$2"
}
n=$(wc -l <"$tmp/in.jsonl")
last=$(time_of "$n")
next=$(date -u -d "@$(( $(date -u -d "${last%.*}Z" +%s) + 1 ))" +%Y-%m-%dT%H:%M:%S)  # a second on
{ sed -n 1,40p "$tmp/in.jsonl"; gap disconnect 40 null
  sed -n 41,90p "$tmp/in.jsonl"; gap restart 90 3
  sed -n '91,$p' "$tmp/in.jsonl"
  echo "{\"seq\":100000,\"time\":\"${next}.000000001Z\",\"subject\":\"app.text\",\"payload_text\":\"plain text\"}"
  echo "{\"seq\":100001,\"time\":\"${next}.000000002Z\",\"subject\":\"app.bin\",\"payload_b64\":\"AP8BAg==\"}"
} >"$tmp/input.jsonl"
"$evtape" import "$tmp/input.jsonl" -o "$tmp/rec" 2>"$tmp/err" || fail "import: $(cat "$tmp/err")"
"$evtape" cat "$tmp/rec" >"$tmp/expected.jsonl"
"$evtape" export --format mcap "$tmp/rec" -o "$tmp/out.mcap" 2>"$tmp/err" || fail "export: $(cat "$tmp/err")"
NODE_PATH="$work/node_modules" node "$here/mcap_check.js" "$tmp/out.mcap" "$tmp/expected.jsonl"

# A file that exists is refused (exit 2); a missing input fails (exit 1) leaving nothing.
set +e
"$evtape" export --format mcap "$tmp/rec" -o "$tmp/out.mcap" 2>/dev/null; rc=$?
[ "$rc" = 2 ] || fail "existing -o: exit $rc"
"$evtape" export --format mcap "$tmp/none" -o "$tmp/x.mcap" 2>/dev/null; rc=$?
[ "$rc" = 1 ] && [ ! -e "$tmp/x.mcap" ] && [ ! -e "$tmp/x.mcap.partial" ] || fail "missing input: exit $rc"
"$evtape" export --format csv "$tmp/rec" -o "$tmp/y" 2>/dev/null; rc=$?
[ "$rc" = 2 ] || fail "--format csv: exit $rc"
set -e
