#!/bin/bash
# mem-small.sh - what the memory wrappers cost per malloc(64) + free pair
# (bench/mem-small.c, timed inside the program), in four set-ups run
# interleaved RUNS times:
#   none         the program alone
#   preloaded    libppv-recorder.so preloaded, not recording (no PPV_DIR)
#   memory-off   ppv-record at the default granularity: recording, but
#                allocations are not (the wrappers pass straight through)
#   recording    ppv-record -g fine: every allocation recorded
# Prints min and median ns per pair, and each min's ratio to "none".
#
# usage: bench/mem-small.sh [-n RUNS] [-b BUILD_DIR] [-N PAIRS]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
runs=5
build=$root/build-bench
pairs=10000000

while [ $# -gt 0 ]; do
	case $1 in
	-n) runs=$2; shift 2 ;;
	-b) build=$(cd "$2" && pwd); shift 2 ;;
	-N) pairs=$2; shift 2 ;;
	-h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "mem-small: unknown argument: $1 (see --help)" >&2; exit 2 ;;
	esac
done

record=$build/recorder/launcher/ppv-record
lib=$build/recorder/libppv-recorder.so
for f in "$record" "$lib"; do
	[ -e "$f" ] || { echo "mem-small: missing $f; build first:" \
		"meson setup build-bench --buildtype=release && meson compile -C build-bench" >&2; exit 1; }
done

out=$here/out
mkdir -p "$out"
cc -O2 -fno-builtin -o "$out/mem-small" "$here/mem-small.c"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ppv-memsmall.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

setups="none preloaded memory-off recording"
run() { # run SETUP: print ns per pair
	local t="$tmp/t"
	rm -rf "$t"
	case $1 in
	none) "$out/mem-small" "$pairs" ;;
	preloaded) env -u PPV_DIR LD_PRELOAD="$lib" "$out/mem-small" "$pairs" ;;
	memory-off) "$record" -o "$t" -- "$out/mem-small" "$pairs" 2>/dev/null ;;
	recording) "$record" -g fine -o "$t" -- "$out/mem-small" "$pairs" 2>/dev/null ;;
	esac | awk '$1 == "ns_per_pair" { print $2 }'
}

for r in $(seq "$runs"); do
	for s in $setups; do
		run "$s" >>"$tmp/$s.txt"
	done
done

stats() { # stats FILE: min median
	sort -g "$1" | awk '{ v[NR] = $1 } END {
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.2f %.2f\n", v[1], m }'
}

read -r base_min _ < <(stats "$tmp/none.txt")
printf "%-11s %9s %9s %8s\n" setup "min ns" "med ns" "min/none"
for s in $setups; do
	read -r mn md < <(stats "$tmp/$s.txt")
	printf "%-11s %9s %9s %8.2f\n" "$s" "$mn" "$md" "$(echo "$mn / $base_min" | bc -l)"
done
echo "($runs runs each, $pairs malloc(64)+free pairs per run, interleaved)"
