#!/bin/bash
# analyze-speed.sh - analyzer throughput and memory: events per second and
# peak RSS of `ppv-analyze summary`, `tree` and `json` on large traces (the
# call-dense fib micro benchmark and, when bench/get-lua.sh has built it,
# the instrumented Lua interpreter running bench/workloads/bench.lua), with
# `ppv-analyze info` (reading and merging only) as the baseline, and
# `uftrace report` / `uftrace graph` on the same binaries when uftrace is
# installed. Then the exports: folded stacks (`flame`) and the Chrome
# timeline (whole, and with --min-duration 10us), next to `uftrace dump
# --flame-graph` and `uftrace dump --chrome`, each once, output counted as
# it streams (not stored). Each analysis runs REPS times (default 3); the
# best time is kept. FIB_N (32) and LUA_N (7: about 140 M events) size the workloads.
# Run by hand, never in the test suite.
#
# usage: bench/analyze-speed.sh [BUILD_DIR]   (default build-bench, release)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
build=${1:-$top/build-bench}
reps=${REPS:-3}
fib_n=${FIB_N:-32}

if [ ! -x "$build/analyzer/cli/ppv-analyze" ]; then
	meson setup "$build" "$top" --buildtype=release >/dev/null
fi
meson compile -C "$build" >/dev/null
rec=$build/recorder/launcher/ppv-record
ana=$build/analyzer/cli/ppv-analyze
work=$(mktemp -d "${TMPDIR:-/tmp}/ppv-anaspeed.XXXXXX")
trap 'rm -rf "$work"' EXIT

cc -O2 -g -finstrument-functions -o "$work/fib" "$here/fib.c"
workloads=("fib:$work/fib $fib_n")
lua=$here/lua/lua-instrumented
[ -x "$lua" ] && workloads+=("lua:$lua $here/workloads/bench.lua ${LUA_N:-7}")

# best_of CMD...: prints "seconds maxrss_kib" of the fastest of $reps runs
best_of() {
	local best="" t
	for _ in $(seq "$reps"); do
		/usr/bin/time -o "$work/time" -f "%e %M" "$@" >/dev/null 2>&1 || true
		t=$(tail -1 "$work/time")
		if [ -z "$best" ] || awk -v a="${t% *}" -v b="${best% *}" 'BEGIN {exit !(a < b)}'; then
			best=$t
		fi
	done
	echo "$best"
}

# export_row WORKLOAD LABEL EVENTS CMD...: time CMD once, its output piped to wc -c
export_row() {
	local w=$1 label=$2 ev=$3 t0 t1 bytes
	shift 3
	t0=$(date +%s.%N)
	bytes=$("$@" 2>/dev/null | wc -c)
	t1=$(date +%s.%N)
	awk -v w="$w" -v c="$label" -v e="$ev" -v a="$t0" -v b="$t1" -v n="$bytes" 'BEGIN {
		printf "%-5s %-28s %9.2f s %10.1f MiB  (%.1f M events/s)\n", w, c, b - a, n / 1048576,
			e / (b - a) / 1e6 }'
}

export_rows() {
	local name=$1 events=$2
	export_row "$name" "ppv flame (folded)" "$events" "$ana" flame "$work/$name.ppv"
	export_row "$name" "ppv timeline --max-size 0" "$events" \
		"$ana" timeline --max-size 0 "$work/$name.ppv"
	export_row "$name" "ppv timeline (default 256M)" "$events" "$ana" timeline "$work/$name.ppv"
	export_row "$name" "ppv timeline --min-duration 10us" "$events" \
		"$ana" timeline --min-duration 10us "$work/$name.ppv"
	if [ -d "$work/$name.uftrace" ]; then
		export_row "$name" "uftrace dump --flame-graph" "$events" \
			uftrace dump --flame-graph -d "$work/$name.uftrace"
		export_row "$name" "uftrace dump --chrome" "$events" \
			uftrace dump --chrome -d "$work/$name.uftrace"
	fi
}

printf '%-5s %-16s %12s %9s %12s %10s\n' workload command events seconds "M events/s" "peak MiB"
for w in "${workloads[@]}"; do
	name=${w%%:*}
	cmd=${w#*:}
	# shellcheck disable=SC2086
	"$rec" -o "$work/$name.ppv" -- $cmd >/dev/null 2>&1
	events=$("$ana" info "$work/$name.ppv" | awk '/^ *events:? / {gsub(/[^0-9]/, "", $2); s += $2} END {print s}')
	[ -n "$events" ] && [ "$events" -gt 0 ] || events=$("$ana" dump --all "$work/$name.ppv" | wc -l)
	for sub in info summary tree json; do
		read -r sec kib < <(best_of "$ana" "$sub" "$work/$name.ppv")
		awk -v w="$name" -v c="ppv $sub" -v e="$events" -v s="$sec" -v k="$kib" 'BEGIN {
			printf "%-5s %-16s %12d %9.2f %12.1f %10.1f\n", w, c, e, s, (s > 0 ? e / s / 1e6 : 0), k / 1024 }'
	done
	if command -v uftrace >/dev/null; then
		# shellcheck disable=SC2086
		uftrace record -d "$work/$name.uftrace" $cmd >/dev/null 2>&1 || true
		for sub in report graph; do
			read -r sec kib < <(best_of uftrace "$sub" -d "$work/$name.uftrace")
			awk -v w="$name" -v c="uftrace $sub" -v e="$events" -v s="$sec" -v k="$kib" 'BEGIN {
				printf "%-5s %-16s %12d %9.2f %12.1f %10.1f\n", w, c, e, s, (s > 0 ? e / s / 1e6 : 0), k / 1024 }'
		done
	fi
	du -sb "$work/$name.ppv" | awk -v w="$name" '{printf "%-5s trace on disk: %.1f MiB\n", w, $1 / 1048576}'
	export_rows "$name" "$events"
done
echo "(best of $reps runs; events = events in the trace, the same count used for uftrace's rate;" \
	"machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'))"
