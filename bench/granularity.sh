#!/bin/bash
# granularity.sh - what each recording granularity costs, against the
# unrecorded run of the same binary in the same script (runs interleaved):
# Lua 5.4 from Debian's source package running bench/workloads/bench.lua
# (bench/get-lua.sh), and an I/O-heavy program (bench/io-heavy.c: 64-byte
# pwrite/pread on a file and write/read on a pipe, one malloc per round).
# Granularities: coarse (calls >= 100 us, I/O, annotations), medium
# (default: every call, I/O), fine (medium + every allocation), and medium
# with --no-io. For each: seconds (min/median), ratio to the unrecorded
# median, events in the trace, bytes per event on disk, and ns added per
# recorded event ((median recorded - median base) / events).
#
# usage: bench/granularity.sh [-n RUNS] [-b BUILD_DIR] [-w "lua io"]
#            [--lua-scale S] [--io-rounds N]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
runs=5
build=$root/build-bench
workloads="lua io"
lua_scale=7
io_rounds=200000

while [ $# -gt 0 ]; do
	case $1 in
	-n) runs=$2; shift 2 ;;
	-b) build=$(cd "$2" && pwd); shift 2 ;;
	-w) workloads=$2; shift 2 ;;
	--lua-scale) lua_scale=$2; shift 2 ;;
	--io-rounds) io_rounds=$2; shift 2 ;;
	-h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "granularity: unknown argument: $1 (see --help)" >&2; exit 2 ;;
	esac
done

record=$build/recorder/launcher/ppv-record
analyze=$build/analyzer/cli/ppv-analyze
for f in "$record" "$analyze"; do
	[ -e "$f" ] || { echo "granularity: missing $f; build first:" \
		"meson setup build-bench --buildtype=release && meson compile -C build-bench" >&2; exit 1; }
done

out=$here/out
mkdir -p "$out"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ppv-gran.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cc -O2 -finstrument-functions -o "$out/io-heavy" "$here/io-heavy.c"
lua=
case " $workloads " in *" lua "*) lua=$("$here/get-lua.sh" | tail -1) ;; esac

levels="coarse medium fine medium-noio"

workload_cmd() {
	case $1 in
	lua) cmd=("$lua" "$here/workloads/bench.lua" "$lua_scale") ;;
	io) cmd=("$out/io-heavy" "$io_rounds" "$tmp/io-heavy.dat") ;;
	*) echo "granularity: unknown workload $1" >&2; exit 2 ;;
	esac
}

run_one() { # LEVEL WORKLOAD: sets $secs; trace in $tmp/LEVEL-WORKLOAD
	local level=$1 wl=$2 dir=$tmp/$1-$2 t0 t1
	local -a pre=()
	rm -rf "$dir"
	workload_cmd "$wl"
	case $level in
	base) ;;
	medium-noio) pre=("$record" -o "$dir" -g medium --no-io --) ;;
	*) pre=("$record" -o "$dir" -g "$level" --) ;;
	esac
	t0=$EPOCHREALTIME
	"${pre[@]}" "${cmd[@]}" >"$tmp/stdout" 2>"$tmp/stderr" ||
		{ cat "$tmp/stderr" >&2; echo "granularity: $level $wl failed" >&2; exit 1; }
	t1=$EPOCHREALTIME
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.6f", b - a}')
}

min() { tr ' ' '\n' | grep . | sort -g | head -1; }
median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

echo "# granularity: $(date -u +%FT%TZ), $runs runs each, interleaved"
echo "# host: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs, Linux $(uname -r)," \
	"load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# lua: ${lua:-none} bench/workloads/bench.lua $lua_scale; io: io-heavy $io_rounds"

declare -A T E B K
for wl in $workloads; do
	echo "# $wl: running..." >&2
	for ((i = 1; i <= runs; i++)); do
		for level in base $levels; do
			run_one "$level" "$wl"
			T[$wl,$level]+="$secs "
		done
	done
	for level in $levels; do
		"$analyze" info "$tmp/$level-$wl" >"$tmp/info"
		E[$wl,$level]=$(sed -n 's/^ *processes: .*events: \([0-9]*\).*/\1/p' "$tmp/info" | head -1)
		K[$wl,$level]=$(grep -m1 '^ *events:' "$tmp/info" | sed 's/^ *events: *//')
		B[$wl,$level]=$(du -sb "$tmp/$level-$wl" | cut -f1)
		grep -q 'lost: 0' "$tmp/info" || echo "WARNING: $level $wl lost events" >&2
	done
	rm -rf "$tmp"/*-"$wl"
done

echo
printf '%-5s %-12s %17s %6s %11s %7s %11s\n' load level "rec s min/med" ratio events "B/ev" "ns/event"
for wl in $workloads; do
	bmin=$(min <<<"${T[$wl,base]}")
	bmed=$(median <<<"${T[$wl,base]}")
	printf '%-5s %-12s %8.3f/%-8.3f %6.2f %11s %7s %11s\n' "$wl" unrecorded "$bmin" "$bmed" 1 - - -
	for level in $levels; do
		rmin=$(min <<<"${T[$wl,$level]}")
		rmed=$(median <<<"${T[$wl,$level]}")
		awk -v wl="$wl" -v l="$level" -v e="${E[$wl,$level]}" -v b="${B[$wl,$level]}" \
			-v bmed="$bmed" -v rmin="$rmin" -v rmed="$rmed" 'BEGIN {
				printf "%-5s %-12s %8.3f/%-8.3f %6.2f %11d %7.2f %11.1f\n", wl, l, rmin, rmed,
					rmed / bmed, e, (e ? b / e : 0), (e ? (rmed - bmed) * 1e9 / e : 0)
			}'
	done
done
echo
echo "# events by type (last run of each):"
for wl in $workloads; do
	for level in $levels; do
		echo "  $wl $level: ${K[$wl,$level]}"
	done
done
