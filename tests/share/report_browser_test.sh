#!/usr/bin/env bash
# evtape report in a real browser: headless Chromium (Debian package `chromium`) loads the page
# from a file, with the network forbidden by the page's own Content-Security-Policy. Checks the
# DOM after the page's script ran (lanes, gap and restart marks, rate plot, info tables, event
# details), that the script ran to its end and logged to the console, that the console shows no
# JavaScript error, and that the page references nothing outside itself. Leaves a screenshot at
# OUT_DIR/report-screenshot.png for review.
#   report_browser_test.sh EVTAPE FIXTURE_RECORDING OUT_DIR
set -euo pipefail
evtape=$1 fixture=$2 out_dir=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v chromium >/dev/null || fail "chromium is not installed (./tools/dev.sh installs it)"

# The fixture as JSON lines with a disconnect gap after line 40 and a recorder restart after 90.
"$evtape" cat "$fixture" >"$tmp/in.jsonl"
time_of() { sed -n "${1}p" "$tmp/in.jsonl" | grep -o '"time":"[^"]*"' | head -1 | cut -d'"' -f4; }
gap() {  # REASON AFTER_LINE COUNT DETAIL
  printf '{"gap":{"reason":"%s","start":"%s","end":"%s","count":%s,"after_seq":%s,"detail":"%s"}}\n' \
    "$1" "$(time_of "$2")" "$(time_of $(($2 + 1)))" "$3" "$2" "$4"
}
{ sed -n 1,40p "$tmp/in.jsonl"; gap disconnect 40 null "server restarted"
  sed -n 41,90p "$tmp/in.jsonl"; gap restart 90 3 "recorder restarted"
  sed -n '91,$p' "$tmp/in.jsonl"; } >"$tmp/gaps.jsonl"
"$evtape" report "$tmp/gaps.jsonl" -o "$tmp/report.html" 2>"$tmp/report.err" \
  || fail "report failed: $(cat "$tmp/report.err")"
types=$(grep -o '"type":"[^"]*"' "$tmp/in.jsonl" | sort -u | wc -l)

# Nothing outside the page: no src or href at all, no URL other than the SVG namespace.
if grep -qiE '(src|href)=' "$tmp/report.html"; then fail "the page references a resource"; fi

chrome=(chromium --headless --no-sandbox --disable-gpu --user-data-dir="$tmp/profile"
        --enable-logging=stderr --v=0 --window-size=1400,1800)
timeout 120 "${chrome[@]}" --dump-dom "file://$tmp/report.html" >"$tmp/dom.html" 2>"$tmp/console.log" \
  || fail "chromium --dump-dom failed: $(tail -5 "$tmp/console.log")"
count() { grep -o "$1" "$tmp/dom.html" | wc -l; }
grep -q 'data-ready="1"' "$tmp/dom.html" || fail "the page's script did not run to its end"
[ "$(count '<g class="lane"')" = "$types" ] || fail "expected $types lanes, got $(count '<g class="lane"')"
[ "$(count '<rect class="gap"')" = 1 ] || fail "expected one gap mark"
[ "$(count '<rect class="restart"')" = 1 ] || fail "expected one restart mark"
[ "$(count '<details class="event"')" = "$types" ] || fail "expected $types event details"
for id in timeline rate summary types subjects sources gaps events filter; do
  grep -q "id=\"$id\"" "$tmp/dom.html" || fail "no element #$id"
done
grep -q "evtape-report: ready, $types lanes" "$tmp/console.log" \
  || fail "the page's console message is missing (is console logging captured?)"
if grep -E 'CONSOLE' "$tmp/console.log" | grep -vq 'evtape-report: ready'; then
  fail "console messages other than ours: $(grep CONSOLE "$tmp/console.log" | grep -v 'evtape-report: ready')"
fi
if grep -qE 'Uncaught|Refused to' "$tmp/console.log"; then
  fail "JavaScript error or blocked resource: $(grep -E 'Uncaught|Refused to' "$tmp/console.log")"
fi

mkdir -p "$out_dir"
timeout 120 "${chrome[@]}" --screenshot="$out_dir/report-screenshot.png" \
  "file://$tmp/report.html" >/dev/null 2>&1 || fail "chromium --screenshot failed"
[ -s "$out_dir/report-screenshot.png" ] || fail "no screenshot"
echo "ok: $types lanes, gap and restart marked, no console error; screenshot: $out_dir/report-screenshot.png"
