#!/bin/bash
# io-small.sh - what automatic I/O recording adds to one small call: ns per
# read() and write() of 64 bytes on a pipe and on a regular file
# (bench/io-small.c, timed inside the program), for the same binary run
#   none         alone
#   preloaded    libppv-recorder.so preloaded, not recording (no PPV_DIR):
#                the wrappers' fast exit
#   io-off       under ppv-record --no-io: the fast exit again, but the
#                process now has a second thread (the recorder's writer),
#                and glibc's read()/write() take their multi-threaded path
#                (cancellation enable/disable around the system call),
#                which a multi-threaded program pays anyway
#   recording    under ppv-record (every call recorded)
# interleaved RUNS times. Prints min and median ns per call for each phase
# and set-up, the ns added (min - min of none) and the ratio of the mins
# to "none"; then the trace's bytes per recorded call. What recording an
# I/O call costs is "recording" minus "io-off".
#
# usage: bench/io-small.sh [-n RUNS] [-b BUILD_DIR] [-N CALLS] [-d DIR]
#   DIR holds the file written and read (default: $TMPDIR or /tmp).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
runs=5
build=$root/build-bench
calls=200000
dir=${TMPDIR:-/tmp}

while [ $# -gt 0 ]; do
	case $1 in
	-n) runs=$2; shift 2 ;;
	-b) build=$(cd "$2" && pwd); shift 2 ;;
	-N) calls=$2; shift 2 ;;
	-d) dir=$2; shift 2 ;;
	-h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "io-small: unknown argument: $1 (see --help)" >&2; exit 2 ;;
	esac
done

record=$build/recorder/launcher/ppv-record
lib=$build/recorder/libppv-recorder.so
for f in "$record" "$lib"; do
	[ -e "$f" ] || { echo "io-small: missing $f; build first:" \
		"meson setup build-bench --buildtype=release && meson compile -C build-bench" >&2; exit 1; }
done

out=$here/out
mkdir -p "$out"
cc -O2 -o "$out/io-small" "$here/io-small.c"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ppv-iosmall.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
file=$dir/ppv-io-small.$$

setups="none preloaded io-off recording"
phases="pipe-write pipe-read file-write file-read"
run() { # run SETUP: append "PHASE NS" lines to $tmp/SETUP.txt
	local t="$tmp/t-$1"
	rm -rf "$t"
	case $1 in
	none) "$out/io-small" "$calls" "$file" ;;
	preloaded) env -u PPV_DIR LD_PRELOAD="$lib" "$out/io-small" "$calls" "$file" ;;
	io-off) "$record" --no-io -o "$t" -- "$out/io-small" "$calls" "$file" 2>/dev/null ;;
	recording) "$record" -o "$t" -- "$out/io-small" "$calls" "$file" 2>/dev/null ;;
	esac >>"$tmp/$1.txt"
}

for _ in $(seq "$runs"); do
	for s in $setups; do
		run "$s"
	done
done

stats() { # stats SETUP PHASE: min median
	awk -v p="$2" '$1 == p { print $2 }' "$tmp/$1.txt" | sort -g | awk '{ v[NR] = $1 } END {
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.1f %.1f\n", v[1], m }'
}

printf "%-11s %-10s %9s %9s %9s %7s\n" phase setup "min ns" "med ns" "added" "ratio"
for p in $phases; do
	read -r base _ < <(stats none "$p")
	for s in $setups; do
		read -r mn md < <(stats "$s" "$p")
		printf "%-11s %-10s %9s %9s %9.1f %7.2f\n" "$p" "$s" "$mn" "$md" \
			"$(echo "$mn - $base" | bc -l)" "$(echo "$mn / $base" | bc -l)"
	done
done
bytes=$(du -cb "$tmp"/t-recording/*.ppv | awk 'END { print $1 }')
echo "trace: $bytes bytes for $((4 * calls)) recorded calls" \
	"($(echo "scale=2; $bytes / (4 * $calls)" | bc) bytes per call)"
echo "($runs runs each, $calls calls per phase and run, interleaved; times from CLOCK_MONOTONIC" \
	"around each call, so they include one clock read)"
