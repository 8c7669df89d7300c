#!/bin/sh
# html-case.sh FUNCTIONS PROGRAM [ARGS...] - record PROGRAM with ppv-record,
# write `ppv-analyze report --html`, load the page in headless Chromium and
# check the DOM after the page's scripts ran: the ready marker is set, no
# script error was caught, every function of the comma-separated FUNCTIONS
# has a hotspot row, "#sort=calls" puts the most-called function (per
# `ppv-analyze hotspots --sort calls`) first, and the flame graph is either
# embedded as <svg> or the page says why not. Then probe.html drives the page
# in an iframe: clicking headings must sort the hotspot table both ways, and
# clicking a flame graph frame must zoom it. A screenshot must render too.
# The error capture is checked as well: a copy of the page with a failing
# script must come back with data-ppv-error set.
# Exits 77 (meson's SKIP) when Chromium is not installed.
# Environment: PPV_RECORD, PPV_ANALYZE (tests/integration/meson.build);
# PPV_HTML_KEEP=DIR keeps the page, DOM dumps and screenshot in DIR.
set -u

if ! command -v chromium >/dev/null 2>&1; then
	echo "SKIP: chromium not installed (Debian package 'chromium')"
	exit 77
fi

here=$(cd "$(dirname "$0")" && pwd) || exit 1
funcs=$1
shift
tmp=$(mktemp -d /tmp/ppv-html-it.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL: $*"
	if [ -s "$tmp/chromium.log" ]; then
		echo "--- chromium stderr (last lines, D-Bus noise left out)"
		grep -v 'dbus' "$tmp/chromium.log" | tail -n 20
	fi
	exit 1
}

# chromium_run URL ARGS...: one headless run with a fresh profile, no network.
# It sets no variable but the global run counter: sh functions share the caller's.
runs=0
chromium_run() {
	runs=$((runs + 1))
	mkdir "$tmp/profile-$runs" || exit 1
	timeout 120 chromium --headless --no-sandbox --disable-gpu \
		--disable-background-networking --disable-component-update --disable-sync \
		--no-first-run --user-data-dir="$tmp/profile-$runs" "$@" 2>>"$tmp/chromium.log"
}

cd "$tmp" || exit 1
"$PPV_RECORD" -o "$tmp/trace.ppv" -- "$@" >"$tmp/program.out" 2>&1 ||
	fail "ppv-record $* exited with status $?"
"$PPV_ANALYZE" report --html "$tmp/report.html" --title "PerProVis <report> & test" \
	"$tmp/trace.ppv" || fail "ppv-analyze report exited with status $?"
[ -s "$tmp/report.html" ] || fail "no report written"
url="file://$tmp/report.html"

chromium_run "$url" --dump-dom >"$tmp/dom.html" || fail "chromium --dump-dom failed ($?)"
grep -q '<body[^>]*data-ppv-ready="1"' "$tmp/dom.html" ||
	fail "the page's script did not finish (no data-ppv-ready on <body>)"
if grep -q 'data-ppv-error="' "$tmp/dom.html"; then
	fail "script error: $(grep -o 'data-ppv-error="[^"]*"' "$tmp/dom.html")"
fi
# The error capture itself: a copy of the page with a failing script must show it.
sed 's|</main>|</main><script>ppvNoSuchFunction();</script>|' "$tmp/report.html" \
	>"$tmp/broken.html"
chromium_run "file://$tmp/broken.html" --dump-dom >"$tmp/broken-dom.html" ||
	fail "chromium --dump-dom (broken copy) failed ($?)"
grep -q 'data-ppv-error="[^"]*ppvNoSuchFunction' "$tmp/broken-dom.html" ||
	fail "the page does not record script errors in data-ppv-error"
grep -q '<title>PerProVis &lt;report&gt; &amp; test</title>' "$tmp/dom.html" ||
	fail "the title is missing or not escaped"

old_ifs=$IFS
IFS=,
for f in $funcs; do
	grep -q "<td class=\"fn\"[^>]*>$f</td>" "$tmp/dom.html" ||
		fail "no hotspot row for $f"
	grep -q "<span class=\"n\">$f</span>" "$tmp/dom.html" ||
		fail "$f is not in the call tree"
done
IFS=$old_ifs

# The first data row of the hotspot table: its function cell.
first_row() {
	sed -n '/<table id="ppv-hot"/,/<\/table>/p' "$1" |
		grep -o '<tr><td class="fn"[^>]*>[^<]*</td>' | head -n 1 |
		sed 's/.*>\([^<]*\)<\/td>$/\1/'
}

most_called=$("$PPV_ANALYZE" hotspots --sort calls -n 1 "$tmp/trace.ppv" |
	awk 'NR == 4 { print $NF }')
[ -n "$most_called" ] || fail "ppv-analyze hotspots --sort calls printed no row"
by_total=$(first_row "$tmp/dom.html")
chromium_run "$url#sort=calls" --dump-dom >"$tmp/dom-calls.html" ||
	fail "chromium --dump-dom (sorted) failed ($?)"
by_calls=$(first_row "$tmp/dom-calls.html")
[ "$by_calls" = "$most_called" ] ||
	fail "#sort=calls: first row '$by_calls', want '$most_called' (by total: '$by_total')"
grep -q 'aria-sort="descending">calls</th>' "$tmp/dom-calls.html" ||
	fail "#sort=calls: the calls heading is not marked sorted"

if grep -q '<div id="ppv-flame">' "$tmp/dom.html"; then
	sed -n '/<div id="ppv-flame">/,$p' "$tmp/dom.html" | grep -q '<svg' ||
		fail "the flame graph section has no <svg>"
else
	grep -q 'id="ppv-flame-missing"' "$tmp/dom.html" ||
		fail "neither a flame graph nor the reason it is missing"
	echo "note: no flame graph embedded: $(grep -o 'could not be drawn: [^<]*' "$tmp/dom.html")"
fi

# probe.html next to report.html drives it like a user (see probe.html).
cp "$here/probe.html" "$tmp/probe.html" || fail "no probe.html"
chromium_run "file://$tmp/probe.html" --allow-file-access-from-files --dump-dom \
	>"$tmp/probe-dom.html" || fail "chromium --dump-dom (probe) failed ($?)"
probe=$(grep -o '<body[^>]*>' "$tmp/probe-dom.html")
for want in 'data-ready="1"' 'data-sort-calls-desc="1"' 'data-sort-calls-asc="1"' \
	'data-sort-function-asc="1"' 'data-done="1"'; do
	case $probe in
	*"$want"*) ;;
	*) fail "probe: want $want in $probe" ;;
	esac
done
case $probe in
*data-probe-error* | *data-page-error*) fail "probe: script error: $probe" ;;
esac
if grep -q '<div id="ppv-flame">' "$tmp/dom.html"; then
	case $probe in
	*'data-flame-zoom="1"'*) ;;
	*) fail "probe: clicking a flame graph frame did not zoom: $probe" ;;
	esac
fi

chromium_run "$url" --window-size=1400,2400 --screenshot="$tmp/report.png" >/dev/null ||
	fail "chromium --screenshot failed ($?)"
[ "$(head -c 8 "$tmp/report.png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] ||
	fail "the screenshot is not a PNG"
[ "$(wc -c <"$tmp/report.png")" -gt 20000 ] || fail "the screenshot is nearly empty"

if [ -n "${PPV_HTML_KEEP:-}" ]; then
	mkdir -p "$PPV_HTML_KEEP" && cp "$tmp"/report.html "$tmp"/*dom*.html "$tmp"/report.png \
		"$PPV_HTML_KEEP"/
fi
echo "ok: report loads in chromium; functions: $funcs; by calls: $by_calls"
