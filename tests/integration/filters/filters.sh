#!/bin/bash
# filters.sh PROG PLUGIN_B EXPECTED - record s-filters with each
# recorder-side filter (-g coarse --threshold, -t, -D, -F, -N and
# combinations) and compare the call counts (hotspots, by name) and the
# shape of the calling-context tree with EXPECTED. Times are masked; the
# program's output and exit status must not change.
# env: PPV_RECORD, PPV_ANALYZE; PPV_UPDATE_EXPECTED=1 rewrites EXPECTED.
set -u
prog=$1 plugin_b=$2 expected=$3
work=$(mktemp -d "${TMPDIR:-/tmp}/ppv-filters.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() {
	echo "FAIL: $*"
	exit 1
}

# calls TRACE: "CALLS FUNCTION" per function, by name.
calls() {
	"$PPV_ANALYZE" hotspots --limit 100 "$1" >"$work/hot" 2>"$work/hot.err" ||
		{ cat "$work/hot.err"; fail "ppv-analyze hotspots failed"; }
	awk 'f && NF && !/^note:/ { print $1, $NF } /^ *calls /{ f = 1 }' "$work/hot" | sort -k2
	grep '^note:' "$work/hot"
}

# tree TRACE: the calling-context tree with times and shares masked.
tree() {
	"$PPV_ANALYZE" tree "$1" >"$work/tree" 2>"$work/tree.err" ||
		{ cat "$work/tree.err"; fail "ppv-analyze tree failed"; }
	perl -ne 'print "$1 $2\n" if /^\s*\S+ \S+\s+\S+%\s+(\d+)\s+\S+ \S+  (.*)$/' "$work/tree"
}

# case SHOW MODE [OPTIONS...]: record s-filters MODE with OPTIONS; SHOW is
# "tree" to print the tree too.
case_() {
	local show=$1 mode=$2 status out
	shift 2
	rm -rf "$work/t"
	out=$("$PPV_RECORD" -o "$work/t" "$@" -- "$prog" $mode 2>"$work/rec.err")
	status=$?
	[ "$status" -eq 3 ] || { cat "$work/rec.err"; fail "ppv-record $* -- s-filters $mode: status $status, expected 3"; }
	[ "$out" = "filters done" ] || fail "ppv-record $* -- s-filters $mode: output '$out'"
	echo "== ppv-record $* -- s-filters ${mode/$plugin_b/PLUGIN_B}"
	calls "$work/t"
	if [ "$show" = tree ]; then
		echo "-- tree"
		tree "$work/t"
	fi
}

{
	case_ tree tree
	case_ tree tree -g coarse --threshold 20ms
	case_ tree tree -t 20ms
	case_ tree tree -D 2
	case_ tree tree -F slow
	case_ tree tree -N slow
	case_ tree tree -F 'w*'
	case_ tree tree -F work -D 2
	case_ tree tree -F slow -N leaf
	case_ tree tree -F 'w*' -t 20ms
	case_ calls ends -t 20ms
	case_ calls "dlopen $plugin_b" -F 'plug_*'
	case_ calls "dlopen $plugin_b" -N 'plug_b*' -D 4
} >"$work/actual"

if [ "${PPV_UPDATE_EXPECTED:-0}" = 1 ]; then
	cp "$work/actual" "$expected"
fi
diff -u "$expected" "$work/actual" || fail "filtered recordings differ from $expected"
echo "ok"
