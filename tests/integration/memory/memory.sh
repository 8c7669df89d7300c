#!/bin/bash
# memory.sh PROGRAM EXPECTED - record mem-calls and check every allocation
# and release made inside its f_* functions: kind, size and count per
# function (EXPECTED), which addresses were never freed, that nothing was
# recorded outside a function (the recorder's own rings and buffers would
# be), and which switches turn recording allocations on.
# env: PPV_RECORD, PPV_ANALYZE
set -u
prog=$1
expected=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/ppv-mem.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# rec NAME OPTIONS...: record the program into $work/NAME, dump it.
rec() {
	local name=$1
	shift
	"$PPV_RECORD" -o "$work/$name" "$@" -- "$prog" >"$work/$name.out" 2>"$work/$name.err" ||
		{ cat "$work/$name.err" "$work/$name.out"; fail "ppv-record $* failed"; }
	grep -qx "mem-calls done" "$work/$name.out" || { cat "$work/$name.out"; fail "$name: program output changed"; }
	"$PPV_ANALYZE" dump "$work/$name" >"$work/$name.dump" ||
		fail "ppv-analyze dump $name failed"
}

# Per thread, the innermost function of each alloc/free line ("-" outside
# any function); lines "FUNC TYPE KIND SIZE COUNT" for f_* and "-", then
# "unmatched FUNC N" (frees of addresses not allocated before) and
# "retained FUNC N" (allocations never freed) for f_* functions.
summarize() {
	awk '
	$3 == "enter" { d[$2]++; fn[$2, d[$2]] = $4; next }
	$3 == "exit" { if (d[$2] > 0) d[$2]--; next }
	$3 == "alloc" || $3 == "free" {
		f = d[$2] > 0 ? fn[$2, d[$2]] : "-"
		addr = $5; sub(/^addr=/, "", addr)
		size = $6; sub(/^size=/, "", size)
		if (f ~ /^f_/ && f != "f_thread" || f == "-")
			n[f " " $3 " " $4 " " size]++
		if ($3 == "alloc") { live[addr] = f; next }
		if (addr in live) delete live[addr]
		else if (f ~ /^f_/) unmatched[f]++
	}
	END {
		for (k in n) print k, n[k]
		for (f in unmatched) print "unmatched", f, unmatched[f]
		for (a in live) if (live[a] ~ /^f_/ && live[a] != "f_thread") retained[live[a]]++
		for (f in retained) print "retained", f, retained[f]
	}' "$1" | LC_ALL=C sort
}

count_events() { # count_events DUMP: alloc and free lines
	grep -cE '^ *[0-9.]+ +[0-9]+/[0-9]+ +(alloc|free) ' "$1"
}

# Fine granularity records every allocation.
rec fine -g fine
summarize "$work/fine.dump" >"$work/fine.sum"
diff -u "$expected" "$work/fine.sum" || fail "-g fine: allocations differ from $expected"
echo "ok: -g fine records exactly the expected allocations"

# Only the program's 3 anonymous mappings (a ring would be a fourth).
n=$(grep -cE ' alloc +mmap ' "$work/fine.dump")
[ "$n" -eq 3 ] || fail "-g fine: $n anonymous mappings recorded, expected 3"
echo "ok: the recorder's rings are not recorded"

# The default (medium) records none; --memory adds them at medium.
rec medium
n=$(count_events "$work/medium.dump")
[ "$n" -eq 0 ] || fail "default granularity: $n allocation events, expected none"
echo "ok: the default granularity records no allocation"

rec medium-memory --memory
summarize "$work/medium-memory.dump" >"$work/medium-memory.sum"
diff -u "$expected" "$work/medium-memory.sum" || fail "--memory: allocations differ from $expected"
echo "ok: --memory records them at the default granularity"

rec fine-no-memory -g fine --no-memory
n=$(count_events "$work/fine-no-memory.dump")
[ "$n" -eq 0 ] || fail "-g fine --no-memory: $n allocation events, expected none"
echo "ok: -g fine --no-memory records none"
