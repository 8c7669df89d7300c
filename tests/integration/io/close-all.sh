#!/bin/bash
# close-all.sh PROG - a program that closes and replaces every descriptor
# from 3 to 1023 (close, dup2, close_range, closefrom) keeps a complete
# trace with every call it made: the recorder's descriptors (the trace file
# and /proc/self/statm) are protected, and only the dup2() calls onto them
# fail (EBADF), which the unrecorded run never sees.
set -u
prog=$1
fail() {
	echo "FAIL: $*" >&2
	exit 1
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

plain=$("$prog") || fail "close-all failed unrecorded"
[ "$plain" = "$(printf 'dup2 failed: 0\ndone')" ] || fail "unrecorded output: $plain"
record "$prog"
[ "$(cat "$work/rec.out")" = "$(printf 'dup2 failed: 2\ndone')" ] ||
	fail "recorded output: $(cat "$work/rec.out")"

analyze info info
grep -q 'ended: *cleanly' "$work/info" || { cat "$work/info"; fail "the trace is not complete"; }
grep -q 'lost: 0' "$work/info" || { cat "$work/info"; fail "events were lost"; }

analyze hotspots hotspots --limit 20
calls=$(awk '$NF == "work" { print $1 }' "$work/hotspots")
[ "$calls" = 500 ] || { cat "$work/hotspots"; fail "work: '$calls' calls, expected 500"; }

# Every close() of the program is recorded: 2 rounds of 1021.
"$PPV_ANALYZE" dump "$work/trace" >"$work/dump" || fail "dump failed"
closes=$(grep -c ' op=close ' "$work/dump")
[ "$closes" -eq 2042 ] || fail "$closes close events, expected 2042"
echo "ok: trace complete after closing every descriptor; 500 work calls, $closes closes"
