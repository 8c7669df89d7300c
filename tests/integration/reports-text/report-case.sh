#!/bin/bash
# report-case.sh - record a test program, run the text reports listed in an
# expected file and compare their output, with wall-clock values masked.
#
# usage: report-case.sh EXPECTED PROG [ARGS...]
#   Every line of EXPECTED that starts with "$ ppv-analyze " is a command to
#   run (TRACE stands for the recorded trace); the lines after it, up to the
#   next command, are its expected output. A command that exits nonzero is
#   followed by "[exit N]". Standard error is not compared.
#
# Masking: a duration ("656.56 us") becomes "T", a percentage "P%", and
# runs of spaces before a word, digit or "(" become one space (masked
# values change column widths). Spaces before tree glyphs are kept, so the
# tree's shape is compared exactly, as are call counts, names and order.
# Wall-clock dates, pids, tids, thread names and the event count (clock
# samples depend on run time) are masked too.
# env: PPV_RECORD, PPV_ANALYZE (paths of the built tools); PPV_UPDATE_EXPECTED=1
# rewrites EXPECTED with this run's output (review the diff before keeping it).
set -u
expected=$1
shift
work=$(mktemp -d "${TMPDIR:-/tmp}/ppv-rt.XXXXXX")
trap 'rm -rf "$work"' EXIT

fail() { echo "FAIL: $*"; exit 1; }

normalize() {
	perl -pe '
		s/\d+(?:\.\d+)? (?:ns|us|ms|s)(?![\w-])/T/g;
		s/\d+\.\d%/P%/g;
		s/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/WALL/g;
		s/^(  command: +)\S*\//$1/;
		s/^(  process(?:es)?: +).*/$1PID/;
		s/^(  events: +)\d+/$1N/;
		s/^    \d+\/\d+ +\S+ +(calls \d+) +total .*/    PID\/TID NAME $1 total T/;
		s/ {2,}(?=[\w(])/ /g;
	'
}

"$PPV_RECORD" -o "$work/trace" -- "$@" >"$work/prog.out" 2>"$work/record.err" ||
	{ cat "$work/record.err"; fail "ppv-record $* failed"; }

grep '^\$ ppv-analyze ' "$expected" >"$work/commands" || fail "no commands in $expected"
while IFS= read -r line; do
	read -r -a argv <<<"${line#\$ ppv-analyze }"
	for i in "${!argv[@]}"; do
		[ "${argv[$i]}" = TRACE ] && argv[$i]=$work/trace
	done
	echo "$line"
	"$PPV_ANALYZE" "${argv[@]}" >"$work/out" 2>"$work/err"
	status=$?
	normalize <"$work/out"
	[ "$status" -eq 0 ] || echo "[exit $status]"
	if [ "$status" -gt 2 ]; then
		cat "$work/err" >&2
	fi
done <"$work/commands" >"$work/actual"

if [ "${PPV_UPDATE_EXPECTED:-0}" = 1 ]; then
	cp "$work/actual" "$expected"
fi
diff -u "$expected" "$work/actual" || fail "report output differs from $expected"
echo "ok"
