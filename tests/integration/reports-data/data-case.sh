#!/bin/bash
# data-case.sh - record a program with ppv-record, then check ppv-analyze's
# chart, io and json reports on it: exact output where it does not depend
# on timing (counts, bytes, errors), normalized output where it does, and
# every JSON report validated against docs/report-schema.json.
#
# usage: data-case.sh CASE PROG
#   CASE webapi:    examples/webapi (scopes, database and network I/O, errors)
#   CASE fib:       s-fib 20 (recursion, exact call counts)
#   CASE deep:      s-deep 10000 (call tree depth cap)
#   CASE truncated: s-fib 25 with its .ppv file cut in half
#   CASE usage:     exit statuses and messages of bad invocations
# env: PPV_RECORD, PPV_ANALYZE; SCHEMA (docs/report-schema.json), EXPECTED (expected/)
set -u
case_name=$1 prog=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/ppv-rd.XXXXXX")
trap 'rm -rf "$work"' EXIT
ulimit -c 0

fail() { echo "FAIL: $*"; exit 1; }
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

# jsonschema is installed for Debian's python only (not for a pyenv one).
PY=/usr/bin/python3
if ! "$PY" -c 'import jsonschema' 2>/dev/null; then
	echo "SKIP: $PY cannot import jsonschema (install python3-jsonschema)"
	exit 77
fi

# same NAME EXPECTED: $work/NAME must equal the text EXPECTED.
same() {
	diff -u <(printf '%s\n' "$2") "$work/$1" || fail "$1 differs from what was expected"
}

# check JSON [PATH=VALUE...]: schema validation plus exact values.
check() {
	local file=$1
	shift
	"$PY" "$here/check-report.py" "$SCHEMA" "$file" "$@" || fail "JSON report $file"
}

# Durations become <t>, the MB/s column <rate>, runs of spaces one space.
normalize_io() {
	sed -E 's/[0-9]+(\.[0-9]+)? (ns|us|ms|s)\b/<t>/g; s/<t> +<t> +([0-9.]+|-) /<t> <t> <rate> /; s/ +/ /g' "$1"
}

case_webapi() {
	# The annotated I/O only: the client thread's read() calls, which the
	# recorder sees on its own, vary in number with timing (the I/O suite
	# checks them).
	RECORD_OPTS=--no-io record "$prog"
	analyze calls chart --by calls --ascii --width 70
	diff -u "$EXPECTED/webapi-chart-calls.txt" "$work/calls" || fail "chart --by calls"
	analyze errors chart --by errors --width 70
	diff -u "$EXPECTED/webapi-chart-errors.txt" "$work/errors" || fail "chart --by errors"
	analyze io-bytes chart --by io --width 70
	diff -u "$EXPECTED/webapi-chart-io.txt" "$work/io-bytes" || fail "chart --by io"

	analyze time chart --ascii --width 100
	head -2 "$work/time" | diff -u <(printf 'Top 13 of 13 functions by total time\n\n') - ||
		fail "chart header"
	[ "$(tail -n +3 "$work/time" | grep -cE '^[a-z_]+ +\| #* [0-9.]+ (ns|us|ms|s) \([0-9.]+%\)$')" -eq 13 ] ||
		{ cat "$work/time"; fail "chart rows are not 'name | ### time (pct%)'"; }
	for f in main client_main handle_request db_query_users process_rows data_processing; do
		grep -q "^$f " "$work/time" || fail "chart lacks $f"
	done
	analyze top3 chart -n 3 --ascii --width 100
	[ "$(wc -l <"$work/top3")" -eq 5 ] && head -1 "$work/top3" | grep -qx 'Top 3 of 13 functions by total time' ||
		{ cat "$work/top3"; fail "chart -n 3"; }
	COLUMNS=50 "$PPV_ANALYZE" chart --ascii "$work/trace" >"$work/cols" || fail "chart with COLUMNS"
	[ "$(awk '{ if (length > m) m = length } END { print m }' "$work/cols")" -eq 50 ] ||
		{ cat "$work/cols"; fail "chart is not \$COLUMNS=50 wide"; }

	analyze io io
	normalize_io "$work/io" >"$work/io.norm"
	diff -u "$EXPECTED/webapi-io.txt" "$work/io.norm" || fail "io report"

	analyze json json -o "$work/report.json"
	[ -s "$work/json" ] && fail "json -o FILE also wrote to stdout"
	check "$work/report.json" \
		format='"perprovis-report"' schema_version=1 granularity='"medium"' \
		summary/total_function_calls=4398 summary/total_errors=2 summary/calls=4398 \
		summary/io_ops=40 summary/io_bytes=49980 summary/processes=1 summary/threads=2 \
		function_profiles/fill_row/call_count=1520 function_profiles/validate_row/calls=1520 \
		function_profiles/score_row/calls=1216 function_profiles/data_processing/kind='"scope"' \
		function_profiles/data_processing/calls=19 function_profiles/load_config/calls=1 \
		function_profiles/handle_request/errors=1 function_profiles/db_query_users/errors=1 \
		function_profiles/db_query_users/io_bytes=48640 function_profiles/db_query_users/io_errors=1 \
		function_profiles/send_response/io_ops=20 function_profiles/send_response/io_bytes=1340 \
		io_profiles/by_kind/database/ops=20 io_profiles/by_kind/database/bytes=48640 \
		io_profiles/by_kind/database/errors=1 io_profiles/by_kind/network/bytes=1340 \
		io_profiles/by_name/0/name='"query_users"' io_profiles/by_function/0/function='"db_query_users"' \
		call_graph/callers/db_query_users/handle_request/calls=20 \
		call_graph/callees/process_rows/data_processing/calls=19 \
		call_graph/callers/main/'<root>'/calls=1 call_graph/callers/client_main/'<root>'/calls=1 \
		caveats/lost_events=0 caveats/unfinished_calls=0 caveats/unmatched_exits=0 \
		caveats/truncated=false processes/0/complete=true 'threads/1?' 'start_time?' 'end_time?'
	analyze compact json --compact
	[ "$(wc -l <"$work/compact")" -eq 1 ] || fail "json --compact is not one line"
	check "$work/compact" summary/total_function_calls=4398
}

case_fib() {
	record "$prog" 20
	analyze calls chart --by calls --ascii --width 40
	same calls "Top 2 of 2 functions by calls

fib  | ########################### 21891
main |  1"
	analyze io io
	same io "No I/O recorded (ppv-record traces I/O calls unless --no-io; annotate other I/O with ppv_io_begin()/ppv_io_end())."
	analyze json json
	check "$work/json" \
		summary/total_function_calls=21892 function_profiles/fib/calls=21891 \
		function_profiles/main/calls=1 call_graph/callers/fib/fib/calls=21890 \
		call_graph/callers/fib/main/calls=1 call_graph/callees/main/fib/calls=1 \
		top_functions_by_time/0/function='"main"' top_functions_by_time/1/function='"fib"' \
		call_tree/children/0/function='"main"' call_tree/children/0/children/0/calls=1 \
		io_profiles/by_kind='{}' io_profiles/by_name='[]' caveats/truncated=false
}

case_deep() {
	local path=call_tree i
	record "$prog" 10000
	analyze json json
	# main at depth 1, then down, down, ... : the node at depth 128 has its child cut
	for ((i = 0; i < 128; i++)); do path+=/children/0; done
	check "$work/json" \
		function_profiles/down/calls=20002 call_tree/max_depth=128 \
		"$path/function=\"down\"" "$path/children=[]" "$path/children_omitted=1" \
		"$path/calls=2"
	analyze shallow json --max-depth 3
	check "$work/shallow" call_tree/max_depth=3 \
		call_tree/children/0/children/0/children/0/children_omitted=1 \
		call_tree/children/0/children/0/children/0/children='[]'
}

case_truncated() {
	local f size
	record "$prog" 25
	f=$(ls "$work/trace"/*.ppv)
	size=$(stat -c %s "$f")
	head -c $((size / 2)) "$f" >"$f.cut" && mv "$f.cut" "$f"
	for cmd in chart io json; do
		analyze "$cmd" "$cmd"
		grep -q '^ppv-analyze: warning: .*torn chunk' "$work/$cmd.err" ||
			{ cat "$work/$cmd.err"; fail "$cmd gave no warning for a truncated trace"; }
	done
	grep -qx 'note: the trace is truncated (a process file ends in a torn chunk): its last events are missing' \
		"$work/chart" || fail "chart does not note the truncation"
	grep -q '^note: the trace is truncated' "$work/io" || fail "io does not note the truncation"
	check "$work/json" caveats/truncated=true processes/0/complete=false 'function_profiles/fib/calls?'
	"$PY" -c 'import json, sys
d = json.load(open(sys.argv[1]))
n = d["function_profiles"]["fib"]["calls"]
sys.exit(0 if 0 < n < 242785 and d["caveats"]["unfinished_calls"] > 0 else 1)' "$work/json" ||
		fail "a truncated trace should have some fib calls and unfinished ones"
}

case_usage() {
	record "$prog" 5
	expect 2 "--by takes time, self, calls" chart --by bogus "$work/trace"
	expect 2 "-n takes a number" chart -n 0 "$work/trace"
	expect 2 "--width takes a number" chart --width x "$work/trace"
	expect 2 "missing TRACE" chart --ascii
	expect 2 "too many operands" io "$work/trace" "$work/trace"
	expect 2 "unknown option" io --bogus "$work/trace"
	expect 2 "--max-depth takes a positive number" json --max-depth -1 "$work/trace"
	expect 2 "--pid takes a process id" json --pid x "$work/trace"
	analyze mem chart --by memory
	same mem "No function has any bytes allocated (inclusive) recorded."
	expect 1 "error:" json "$work/no-such-trace"
	expect 1 "cannot create '$work/no/dir/r.json'" json -o "$work/no/dir/r.json" "$work/trace"
	for cmd in chart io json; do
		"$PPV_ANALYZE" "$cmd" --help >"$work/help" 2>&1 || fail "$cmd --help"
		grep -q "^Usage: ppv-analyze $cmd " "$work/help" || fail "$cmd --help text"
		grep -q -- "--time-range" "$work/help" || fail "$cmd --help lacks the common options"
	done
	# the common options reach the analyzer: fib hidden, its calls are main's
	analyze excl chart --by calls --ascii --width 30 -N fib
	same excl "Top 1 of 2 functions by calls

main | ##################### 1"
}

"case_$case_name"
echo "ok"
