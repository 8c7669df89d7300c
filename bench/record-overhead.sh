#!/bin/bash
# record-overhead.sh - what recording costs: nanoseconds added per recorded
# call (one enter + one exit), the ratio recorded/unrecorded, bytes on disk
# per call and the recorder's peak memory, for a call-dense micro program
# (bench/fib.c) and for Lua 5.4 built from Debian's source package
# (bench/get-lua.sh) running bench/workloads/bench.lua, both compiled with
# -finstrument-functions. Every recorded run is compared with the same
# binary run without recording, in the same script, runs interleaved.
# Tools compared where installed: ppv (ppv-record, and the preloaded
# runtime alone, with the TSC and with CLOCK_MONOTONIC), uftrace record,
# LTTng-UST's liblttng-ust-cyg-profile-fast, and a "floor" (bench/
# floor-hooks.c: a TSC read and a 16-byte store per event, nothing else).
# Then the recorder's memory per thread, the cost of one clock read, and
# the hot-path disassembly check (bench/hot-path.sh).
#
# usage: bench/record-overhead.sh [-n RUNS] [-b BUILD_DIR] [-w "fib lua"]
#            [-t "ppv-record ppv ppv-mono floor uftrace lttng ppv-lttng"]
#            [--fib N] [--lua-scale S]
# Times are wall-clock seconds (bash $EPOCHREALTIME around the command);
# min and median over RUNS runs are printed (ns/call "min" is
# (min recorded - min baseline) / calls, "med" the same with medians).
# Traces go to a mktemp directory, removed at exit; binaries to bench/out/.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
runs=5
build=$root/build-bench
workloads="fib lua"
tools="ppv-record ppv ppv-mono floor uftrace lttng ppv-lttng"
fib_n=34
lua_scale=7

while [ $# -gt 0 ]; do
	case $1 in
	-n) runs=$2; shift 2 ;;
	-b) build=$(cd "$2" && pwd); shift 2 ;;
	-w) workloads=$2; shift 2 ;;
	-t) tools=$2; shift 2 ;;
	--fib) fib_n=$2; shift 2 ;;
	--lua-scale) lua_scale=$2; shift 2 ;;
	-h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "record-overhead: unknown argument: $1 (see --help)" >&2; exit 2 ;;
	esac
done

record=$build/recorder/launcher/ppv-record
analyze=$build/analyzer/cli/ppv-analyze
lib=$build/recorder/libppv-recorder.so
for f in "$record" "$analyze" "$lib"; do
	[ -e "$f" ] || { echo "record-overhead: missing $f; build first:" \
		"meson setup build-bench --buildtype=release && meson compile -C build-bench" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "record-overhead: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

out=$here/out
mkdir -p "$out"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ppv-bench.XXXXXX")
sessiond_pid=
cleanup() {
	[ -n "$sessiond_pid" ] && kill "$sessiond_pid" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

# ---- build what is measured --------------------------------------------------
cc -O2 -finstrument-functions -pthread -o "$out/fib" "$here/fib.c"
cc -O2 -shared -fPIC -fno-instrument-functions -o "$out/floor-hooks.so" "$here/floor-hooks.c"
cc -O2 -o "$out/clock-cost" "$here/clock-cost.c"
lua=
case " $workloads " in *" lua "*) lua=$("$here/get-lua.sh" | tail -1) ;; esac

# ---- which tools are here ----------------------------------------------------
have_uftrace=0
command -v uftrace >/dev/null && have_uftrace=1
lttng_lib=$(ldconfig -p 2>/dev/null | awk '/liblttng-ust-cyg-profile-fast\.so / {print $NF; exit}')
have_lttng=0
if command -v lttng >/dev/null && [ -n "$lttng_lib" ]; then
	if ! pgrep -x lttng-sessiond >/dev/null; then
		lttng-sessiond --daemonize --quiet 2>/dev/null && sessiond_pid=$(pgrep -nx lttng-sessiond) || true
	fi
	pgrep -x lttng-sessiond >/dev/null && have_lttng=1
fi
ppv_lttng_lib=$build/recorder/lttng/libppv-recorder-lttng.so
selected=
for t in $tools; do
	case $t in
	uftrace) [ $have_uftrace = 1 ] || { echo "(uftrace not installed: skipped)"; continue; } ;;
	lttng) [ $have_lttng = 1 ] || { echo "(lttng-tools/liblttng-ust-dev not usable: skipped)"; continue; } ;;
	ppv-lttng) [ $have_lttng = 1 ] && [ -f "$ppv_lttng_lib" ] ||
		{ echo "(ppv's LTTng backend not built or lttng not usable: skipped)"; continue; } ;;
	ppv-record | ppv | ppv-mono | floor) ;;
	*) echo "record-overhead: unknown tool $t" >&2; exit 2 ;;
	esac
	selected="$selected $t"
done

workload_cmd() { # WORKLOAD -> the command in array $cmd
	case $1 in
	fib) cmd=("$out/fib" "$fib_n") ;;
	lua) cmd=("$lua" "$here/workloads/bench.lua" "$lua_scale") ;;
	*) echo "record-overhead: unknown workload $1" >&2; exit 2 ;;
	esac
}

# run_one TOOL WORKLOAD: one run; sets $secs and $rss_kb; the trace (if any)
# is left in $tmp/TOOL-WORKLOAD.
run_one() {
	local tool=$1 wl=$2 dir=$tmp/$1-$2 t0 t1
	local -a pre=()
	rm -rf "$dir"
	workload_cmd "$wl"
	case $tool in
	base) ;;
	ppv-record) pre=("$record" -o "$dir" --) ;;
	ppv) pre=(env PPV_DIR="$dir" PPV_MODE=lossless PPV_QUIET=1 LD_PRELOAD="$lib") ;;
	ppv-mono) pre=(env PPV_DIR="$dir" PPV_MODE=lossless PPV_QUIET=1 PPV_CLOCK=monotonic LD_PRELOAD="$lib") ;;
	floor) pre=(env LD_PRELOAD="$out/floor-hooks.so") ;;
	uftrace) pre=(uftrace record --no-libcall -d "$dir") ;;
	lttng)
		lttng create ppv-bench-$$ --output="$dir" >/dev/null
		# Blocking channel: like ppv's lossless mode, a full buffer waits
		# instead of discarding, so both record every call.
		lttng enable-channel -u --subbuf-size=4M --num-subbuf=4 --blocking-timeout=inf ch >/dev/null
		lttng enable-event -u -c ch 'lttng_ust_cyg_profile_fast:*' >/dev/null
		lttng start >/dev/null
		pre=(env LTTNG_UST_ALLOW_BLOCKING=1 LD_PRELOAD="$lttng_lib") ;;
	ppv-lttng)
		# ppv-record --backend lttng's events on the same channel, with
		# the vtid context it adds (without it threads cannot be told apart)
		lttng create ppv-bench-$$ --output="$dir" >/dev/null
		lttng enable-channel -u --subbuf-size=4M --num-subbuf=4 --blocking-timeout=inf ch >/dev/null
		lttng enable-event -u -c ch 'perprovis:func_entry,perprovis:func_exit' >/dev/null
		lttng add-context -u -c ch -t vtid >/dev/null
		lttng start >/dev/null
		pre=(env LTTNG_UST_ALLOW_BLOCKING=1 PPV_LTTNG=1 LD_PRELOAD="$ppv_lttng_lib") ;;
	esac
	t0=$EPOCHREALTIME
	/usr/bin/time -f %M -o "$tmp/rss" "${pre[@]}" "${cmd[@]}" >"$tmp/stdout" 2>"$tmp/stderr"
	if [ "$tool" = lttng ] || [ "$tool" = ppv-lttng ]; then
		lttng stop >"$tmp/lttng-stop" 2>&1 # waits until the consumer has the data
		t1=$EPOCHREALTIME
		lttng destroy >/dev/null
		! grep -qi discarded "$tmp/lttng-stop" || { echo "lttng: $(grep -i discarded "$tmp/lttng-stop")"; }
	else
		t1=$EPOCHREALTIME
	fi
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.6f", b - a}')
	rss_kb=$(tail -1 "$tmp/rss")
}

min() { tr ' ' '\n' | grep . | sort -g | head -1; }
median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

echo "# record-overhead: $(date -u +%FT%TZ), $runs runs each, interleaved"
echo "# host: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs, Linux $(uname -r)," \
	"load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# ppv: $build; fib: $out/fib $fib_n; lua: ${lua:-none} bench/workloads/bench.lua $lua_scale"

declare -A T R C B
for wl in $workloads; do
	echo "# $wl: running$([ "$wl" = lua ] && echo " (the uftrace/lttng runs take a while)")..." >&2
	for ((i = 1; i <= runs; i++)); do
		for tool in base $selected; do
			run_one "$tool" "$wl"
			T[$wl,$tool]+="$secs "
			R[$wl,$tool]+="$rss_kb "
		done
	done
	# Calls from the last ppv-record trace (else the preloaded one):
	# calls = enter events. Check that the trace is complete.
	src=ppv-record
	[ -d "$tmp/ppv-record-$wl" ] || src=ppv
	calls=
	if [ -d "$tmp/$src-$wl" ]; then
		"$analyze" info "$tmp/$src-$wl" >"$tmp/info-$wl"
		calls=$(sed -n 's/^ *events: .*(enter \([0-9]*\),.*/\1/p' "$tmp/info-$wl" | head -1)
		exits=$(sed -n 's/^ *events: .*, exit \([0-9]*\),.*/\1/p' "$tmp/info-$wl" | head -1)
		lost=$(sed -n 's/^ *processes: .*lost: \([0-9]*\).*/\1/p' "$tmp/info-$wl" | head -1)
		[ "$calls" = "$exits" ] && [ "$lost" = 0 ] ||
			echo "WARNING: $wl trace: enter $calls, exit $exits, lost $lost" >&2
	fi
	[ -n "$calls" ] || { echo "record-overhead: no ppv trace to count calls from" >&2; exit 1; }
	C[$wl]=$calls
	for tool in $selected; do
		B[$wl,$tool]=0
		[ -d "$tmp/$tool-$wl" ] && B[$wl,$tool]=$(du -sb "$tmp/$tool-$wl" | cut -f1)
	done
	if [ -d "$tmp/ppv-mono-$wl" ]; then
		"$analyze" info "$tmp/ppv-mono-$wl" | grep -q 'clock: *monotonic' ||
			echo "WARNING: PPV_CLOCK=monotonic did not give a monotonic-clock trace" >&2
	fi
	rm -rf "$tmp"/*-"$wl"
done

echo
printf '%-5s %-10s %10s %17s %17s %15s %6s %7s %9s\n' workload tool calls "base s min/med" \
	"rec s min/med" "ns/call min/med" ratio "B/call" "dRSS MiB"
for wl in $workloads; do
	bmin=$(min <<<"${T[$wl,base]}")
	bmed=$(median <<<"${T[$wl,base]}")
	brss=$(median <<<"${R[$wl,base]}")
	for tool in $selected; do
		rmin=$(min <<<"${T[$wl,$tool]}")
		rmed=$(median <<<"${T[$wl,$tool]}")
		rrss=$(median <<<"${R[$wl,$tool]}")
		awk -v wl="$wl" -v tool="$tool" -v c="${C[$wl]}" -v bmin="$bmin" -v bmed="$bmed" \
			-v rmin="$rmin" -v rmed="$rmed" -v bytes="${B[$wl,$tool]}" -v brss="$brss" -v rrss="$rrss" \
			'BEGIN {
				printf "%-8s %-10s %10d %8.3f/%-8.3f %8.3f/%-8.3f %7.1f/%-7.1f %6.2f %7s %9.1f\n",
					wl, tool, c, bmin, bmed, rmin, rmed, (rmin - bmin) * 1e9 / c,
					(rmed - bmed) * 1e9 / c, rmed / bmed,
					(bytes > 0 ? sprintf("%.2f", bytes / c) : "-"), (rrss - brss) / 1024
			}'
	done
done
cat <<'EOF'
  ppv-record: the whole ppv-record command (includes embedding symbols after the run);
  ppv: the runtime preloaded as ppv-record does it, TSC clock; ppv-mono: the same with
  PPV_CLOCK=monotonic; floor: a TSC read + 16-byte store per event, no consumer, no file;
  B/call: du -b of the trace directory / calls; dRSS: peak RSS (largest process, GNU
  time %M) minus the baseline's, medians. calls = enter events in the ppv trace.
EOF

# ---- memory per thread ---------------------------------------------------------
echo
echo "# recorder memory per thread: fib 25 in 1 and 8 threads (all alive at once), ppv-record default ring"
declare -A M
for th in 1 8; do
	for ((i = 1; i <= 3; i++)); do
		for tool in base ppv; do
			rm -rf "$tmp/mem"
			if [ $tool = base ]; then
				/usr/bin/time -f %M -o "$tmp/rss" "$out/fib" 25 1 $th >/dev/null
			else
				/usr/bin/time -f %M -o "$tmp/rss" env PPV_DIR="$tmp/mem" PPV_QUIET=1 \
					LD_PRELOAD="$lib" "$out/fib" 25 1 $th >/dev/null
			fi
			M[$th,$tool]+="$(tail -1 "$tmp/rss") "
		done
	done
done
d1=$(($(median <<<"${M[1,ppv]}") - $(median <<<"${M[1,base]}")))
d8=$(($(median <<<"${M[8,ppv]}") - $(median <<<"${M[8,base]}")))
awk -v d1="$d1" -v d8="$d8" 'BEGIN {
	per = (d8 - d1) / 7
	printf "peak RSS added: %d KiB with 1 thread, %d KiB with 8 threads (+1 main thread)\n", d1, d8
	printf "=> %.0f KiB per recording thread; %.0f KiB per process (writer thread, zstd, chunk buffers)\n",
		per, d1 - per
}'

# ---- clock read cost and hot path ---------------------------------------------
echo
"$out/clock-cost"
echo
"$here/hot-path.sh" "$lib" | grep '^\(--\|==\)' || echo "WARNING: the hot path has a call, syscall or lock"
