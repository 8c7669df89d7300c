#!/bin/sh
# process-tree.sh PROGRAM - record a process tree in lossless mode and check
# that every process wrote a complete file and that no call is missing.
set -eu
prog=$1
fail() {
	echo "FAIL: $*" >&2
	exit 1
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

out=$("$PPV_RECORD" -o "$work/t.ppv" "$prog" 2>"$work/err") || {
	cat "$work/err" >&2
	fail "ppv-record failed"
}
[ "$out" = "tree done" ] || fail "program output changed: '$out'"

# Every process file ends with its END chunk (exec'd and _exit()ed too).
"$PPV_ANALYZE" info "$work/t.ppv" >"$work/info"
ended=$(grep -c 'ended: *cleanly' "$work/info")
files=$(ls "$work/t.ppv" | grep -c '\.ppv$')
[ "$ended" -eq "$files" ] || fail "$ended of $files process files ended cleanly"
grep -q 'lost: 0' "$work/info" || fail "events were lost"

calls() {
	"$PPV_ANALYZE" hotspots --limit 100 "$work/t.ppv" |
		awk -v f="$1" '$NF == f { print $1 }'
}
want() {
	got=$(calls "$1")
	[ "$got" = "$2" ] || fail "$1: $got calls, expected $2"
}
# leaf: 32 threads x 100, 50 children x 10, 4 exec'd images x 5, 7 after
# the failed exec.
want leaf 3727
want child 50
want thread_main 32
want after_failed_exec 1
# main: the recorder's process, and the images run by posix_spawn, system,
# fork+exec and vfork+exec.
want main 5
echo "ok: $files process files, all complete; 3727 leaf calls"
