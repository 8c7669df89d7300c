#!/bin/bash
# equivalence.sh - one deterministic program recorded with the native
# backend and with --backend lttng must give identical call counts, call
# trees and I/O counts (compared by equivalence.py on ppv-analyze json).
#
# usage: equivalence.sh LTTNG_LIB PROG [ARGS...]
# env: PPV_RECORD, PPV_ANALYZE. Exit 77 (SKIP) when no session daemon can
# be reached or started, with the reason on stdout.
set -u
here=$(cd "$(dirname "$0")" && pwd)

for t in lttng lttng-sessiond; do
	command -v "$t" >/dev/null || { echo "SKIP: $t is not installed"; exit 77; }
done
# shellcheck source=lttng-ns.sh
. "$here/lttng-ns.sh"
ppv_lttng_private_ns "$0" "$@"

export PPV_RECORDER_LTTNG_LIB=$1
shift

work=$(mktemp -d "${TMPDIR:-/tmp}/ppv-equiv.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# --no-io: the LTTng backend records only explicit I/O annotations, not the
# native recorder's automatic I/O interposition.
"$PPV_RECORD" --no-io -o "$work/native" -- "$@" >/dev/null 2>"$work/native.err" ||
	{ cat "$work/native.err"; fail "native recording failed"; }
"$PPV_RECORD" --backend lttng -o "$work/lttng" -- "$@" >/dev/null 2>"$work/lttng.err"
status=$?
if grep -q "cannot start lttng-sessiond" "$work/lttng.err"; then
	cat "$work/lttng.err"
	echo "SKIP: no LTTng session daemon reachable and none can be started"
	exit 77
fi
[ "$status" -eq 0 ] || { cat "$work/lttng.err"; fail "lttng recording failed ($status)"; }
for b in native lttng; do
	"$PPV_ANALYZE" json -o "$work/$b.json" "$work/$b" 2>"$work/$b.aerr" ||
		{ cat "$work/$b.aerr"; fail "ppv-analyze json on the $b trace failed"; }
done
/usr/bin/python3 "$here/equivalence.py" "$work/native.json" "$work/lttng.json"
