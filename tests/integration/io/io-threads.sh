#!/bin/bash
# io-threads.sh PROG - threads doing I/O at once, reusing each other's
# descriptor numbers: exact counts of each operation on each class.
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

head -c 4096 /dev/zero >"$work/input"
record "$prog" "$work/input"
[ "$(cat "$work/rec.out")" = "failures: 0" ] || fail "output: $(cat "$work/rec.out")"
analyze info info
grep -q 'ended: *cleanly' "$work/info" || fail "the trace is not complete"
"$PPV_ANALYZE" dump "$work/trace" >"$work/dump" || fail "dump failed"
grep ' kind=' "$work/dump" | sed -E 's/.* (op=[a-z]+) fd=[0-9-]+ (class=[a-z]+) .* bytes=([0-9]+) .* err=([0-9]+)$/\1 \2 bytes=\3 err=\4/' |
	sort | uniq -c | awk '{ $1 = $1; print }' >"$work/got"
cat >"$work/want" <<'END'
2000 op=close class=file bytes=0 err=0
4000 op=close class=unix bytes=0 err=0
2000 op=open class=file bytes=0 err=0
2000 op=read class=file bytes=64 err=0
2000 op=read class=unix bytes=32 err=0
2000 op=write class=unix bytes=32 err=0
END
diff -u "$work/want" "$work/got" >&2 || fail "I/O events differ"
echo "ok: 14000 I/O events from 4 threads, each classified"
