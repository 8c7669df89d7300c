#!/bin/bash
# timeline-case.sh - record a program with ppv-record, then check
# ppv-analyze timeline (Chrome trace JSON, gzip, speedscope) and
# ppv-analyze callgrind on it: documents parsed and validated by
# check-timeline.py (nesting, balance, exact call counts), callgrind files
# parsed by callgrind_annotate.
#
# usage: timeline-case.sh CASE PROG
#   CASE fib:       s-fib 20: exact counts, --min-duration, gzip, callgrind
#   CASE threads:   s-threads 200: one track and one profile per thread, --thread
#   CASE deep:      s-deep 3000: deep nesting in every format
#   CASE webapi:    examples/webapi: I/O counters, error instants, scopes
#   CASE usage:     exit statuses and messages of bad invocations
# env: PPV_RECORD, PPV_ANALYZE
set -u
case_name=$1 prog=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/ppv-tl.XXXXXX")
trap 'rm -rf "$work"' EXIT
ulimit -c 0

fail() { echo "FAIL: $*"; exit 1; }
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

PY=/usr/bin/python3
command -v callgrind_annotate >/dev/null || { echo "SKIP: no callgrind_annotate (valgrind)"; exit 77; }

check() {
	"$PY" "$here/check-timeline.py" "$@" || fail "check-timeline.py $*"
}

# written NAME: the number of calls the stderr line of run NAME says were written.
written() {
	sed -nE 's/^ppv-analyze timeline: wrote ([0-9]+) calls .*/\1/p' "$work/$1.err"
}

# cg_calls FILE CALLER CALLEE: the calls= count of that edge, via callgrind_annotate --tree=caller.
cg_calls() {
	callgrind_annotate --threshold=100 --tree=caller --auto=no "$1" >"$work/cg.tree" 2>&1 ||
		{ cat "$work/cg.tree"; fail "callgrind_annotate cannot read $1"; }
	awk -v caller="$2" -v callee="$3" '
		$0 ~ "< [^ ]*:" caller " \\(" { line = $0; sub(/.*\(/, "", line); sub(/x\).*/, "", line); gsub(/,/, "", line); n = line }
		$0 ~ "\\*  [^ ]*:" callee "( |$)" { if (n != "") { print n; exit } }
		/^$/ { n = "" }' "$work/cg.tree"
}

case_fib() {
	local total=21892 kept dropped
	record "$prog" 20
	analyze chrome timeline -o "$work/fib.json"
	[ -s "$work/chrome" ] && fail "timeline -o FILE also wrote to stdout"
	grep -qE "^ppv-analyze timeline: wrote $total calls to $work/fib.json \([0-9.]+ (KiB|MiB)\); 0 dropped$" \
		"$work/chrome.err" || { cat "$work/chrome.err"; fail "stderr summary line"; }
	check chrome "$work/fib.json" calls=$total name.fib=21891 name.main=1 names=fib,main threads=1 main_named=1 instants=0
	grep -q '"name":"process_name"' "$work/fib.json" || fail "no process_name"

	analyze short timeline --min-duration 2us -o "$work/short.json"
	kept=$(written short)
	dropped=$(sed -nE 's/.*; ([0-9]+) dropped \(shorter than 2.00 us\)$/\1/p' "$work/short.err")
	[ -n "$kept" ] && [ -n "$dropped" ] && [ $((kept + dropped)) -eq $total ] && [ "$dropped" -gt 0 ] ||
		{ cat "$work/short.err"; fail "--min-duration: written + dropped != $total"; }
	check chrome "$work/short.json" calls="$kept" min_dur_ns=2000 name.main=1

	# without --min-duration, --max-size leaves out the shortest calls
	analyze capped timeline --max-size 200K -o "$work/capped.json"
	kept=$(written capped)
	dropped=$(sed -nE 's/.*; ([0-9]+) dropped \(shorter than .*, to stay under --max-size.*/\1/p' \
		"$work/capped.err")
	[ -n "$kept" ] && [ -n "$dropped" ] && [ $((kept + dropped)) -eq $total ] && [ "$dropped" -gt 0 ] ||
		{ cat "$work/capped.err"; fail "--max-size: written + dropped != $total"; }
	[ "$(stat -c %s "$work/capped.json")" -le 204800 ] || fail "--max-size 200K wrote more than 200 KiB"
	check chrome "$work/capped.json" calls="$kept" name.main=1

	analyze gz timeline -o "$work/fib.json.gz"
	gzip -t "$work/fib.json.gz" || fail "-o FILE.gz is not gzip"
	check chrome "$work/fib.json.gz" calls=$total
	"$PPV_ANALYZE" timeline --gzip "$work/trace" 2>/dev/null | gzip -dc >"$work/piped.json" ||
		fail "--gzip to a pipe does not decompress"
	check chrome "$work/piped.json" calls=$total

	analyze ss timeline --format speedscope -o "$work/fib.speedscope.json"
	check speedscope "$work/fib.speedscope.json" opens=$total profiles=1 frames=main,fib

	analyze sel timeline -F fib -o "$work/sel.json"
	check chrome "$work/sel.json" calls=21891 names=fib
	analyze excl timeline -N fib -o "$work/excl.json"
	check chrome "$work/excl.json" calls=1 names=main
	analyze none timeline --pid 1 -o "$work/none.json"
	check chrome "$work/none.json" calls=0

	analyze cg callgrind -o "$work/callgrind.out.fib"
	head -2 "$work/callgrind.out.fib" | diff -u <(printf '# callgrind format\nversion: 1\n') - ||
		fail "callgrind header"
	callgrind_annotate --threshold=100 --auto=no "$work/callgrind.out.fib" >"$work/cg.txt" 2>&1 ||
		{ cat "$work/cg.txt"; fail "callgrind_annotate rejects the file"; }
	grep -qE 'PROGRAM TOTALS' "$work/cg.txt" && grep -qE 's-fib\.c:fib ' "$work/cg.txt" &&
		grep -qE 's-fib\.c:main ' "$work/cg.txt" || { cat "$work/cg.txt"; fail "callgrind_annotate output"; }
	[ "$(cg_calls "$work/callgrind.out.fib" main fib)" = 1 ] || fail "main -> fib is not 1 call"
	[ "$(cg_calls "$work/callgrind.out.fib" fib fib)" = 21890 ] || fail "fib -> fib is not 21890 calls"
	# main (not recursive) holds everything: its inclusive cost is the program's total
	callgrind_annotate --threshold=100 --inclusive=yes --auto=no "$work/callgrind.out.fib" >"$work/incl.txt" 2>&1
	local tot main_incl
	tot=$(awk '/PROGRAM TOTALS/ { print $1; exit }' "$work/incl.txt")
	main_incl=$(awk '/s-fib\.c:main / { print $1; exit }' "$work/incl.txt")
	[ -n "$tot" ] && [ "$tot" = "$main_incl" ] || { cat "$work/incl.txt"; fail "main inclusive $main_incl != total $tot"; }
}

case_threads() {
	local tid
	record "$prog" 200
	analyze chrome timeline -o "$work/t.json"
	# main + 8 x (thread_main + 200 x (work + 2 leaf))
	check chrome "$work/t.json" calls=$((1 + 8 * (1 + 200 * 3))) threads=9 main_named=1 name.work=1600 name.leaf=3200
	analyze ss timeline --format speedscope -o "$work/t.ss.json"
	check speedscope "$work/t.ss.json" profiles=9 opens=$((1 + 8 * 601)) frames=main,thread_main,work,leaf
	tid=$("$PY" -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(sorted({e["tid"] for e in d["traceEvents"] if e["ph"] == "X" and e["tid"] != e["pid"]})[0])' "$work/t.json")
	analyze one timeline --thread "$tid" -o "$work/one.json"
	check chrome "$work/one.json" calls=601 tid="$tid" threads=1
	analyze cg callgrind -o "$work/callgrind.out.t"
	[ "$(cg_calls "$work/callgrind.out.t" work leaf)" = 3200 ] || fail "work -> leaf is not 3200 calls"
	[ "$(cg_calls "$work/callgrind.out.t" thread_main work)" = 1600 ] || fail "thread_main -> work"
}

case_deep() {
	record "$prog" 3000
	analyze chrome timeline -o "$work/d.json"
	check chrome "$work/d.json" name.down=6002 threads=1 main_named=1
	analyze ss timeline --format speedscope -o "$work/d.ss.json"
	check speedscope "$work/d.ss.json" profiles=1 frames=down
	analyze cg callgrind -o "$work/callgrind.out.d"
	callgrind_annotate --auto=no "$work/callgrind.out.d" >/dev/null 2>&1 || fail "callgrind_annotate on deep"
}

case_webapi() {
	record "$prog"
	analyze chrome timeline -o "$work/w.json"
	# one failed database query and one ppv_mark_error(): two instants.
	# I/O bytes: 49980 annotated, plus the 1340 the client thread read(),
	# which the recorder sees on its own.
	check chrome "$work/w.json" calls=4398 threads=2 main_named=1 name.data_processing=19 instants=2
	"$PY" -c 'import json, sys
d = json.load(open(sys.argv[1]))
c = [e for e in d["traceEvents"] if e["ph"] == "C" and e["name"] != "resident set"]
total = sum(v for e in c for v in e["args"].values())
sys.exit(0 if total == 51320 and all(e["name"] == "I/O bytes per 10 ms" for e in c) else 1)' "$work/w.json" ||
		fail "I/O counters do not add up to the 51320 bytes recorded"
	grep -q '"name":"failed database","cat":"io,error"' "$work/w.json" || fail "no failed-I/O instant"
	analyze cg callgrind -o "$work/callgrind.out.w"
	grep -qx 'summary: [0-9]* 51320 2' "$work/callgrind.out.w" || fail "callgrind summary ioB/errors"
	[ "$(cg_calls "$work/callgrind.out.w" handle_request db_query_users)" = 20 ] ||
		fail "handle_request -> db_query_users is not 20 calls"
}

case_usage() {
	record "$prog" 5
	expect 2 "--format takes chrome or speedscope" timeline --format svg "$work/trace"
	expect 2 "--min-duration takes a duration" timeline --min-duration soon "$work/trace"
	expect 2 "--max-size takes a size" timeline --max-size huge "$work/trace"
	expect 2 "--min-duration applies to --format chrome" timeline --format speedscope --min-duration 1us "$work/trace"
	expect 2 "missing TRACE" timeline
	expect 2 "unknown option" callgrind --bogus "$work/trace"
	expect 1 "cannot create '$work/no/dir/t.json'" timeline -o "$work/no/dir/t.json" "$work/trace"
	expect 1 "cannot create '$work/no/dir/cg'" callgrind -o "$work/no/dir/cg" "$work/trace"
	expect 1 "error:" timeline -o "$work/gone.json" "$work/no-such-trace"
	[ -e "$work/gone.json" ] && fail "a failed timeline left its output file"
	for cmd in timeline callgrind; do
		"$PPV_ANALYZE" "$cmd" --help >"$work/help" 2>&1 || fail "$cmd --help"
		grep -q "^Usage: ppv-analyze $cmd " "$work/help" || fail "$cmd --help text"
		grep -q -- "--time-range" "$work/help" || fail "$cmd --help lacks the common options"
	done
}

"case_$case_name"
echo "ok"
