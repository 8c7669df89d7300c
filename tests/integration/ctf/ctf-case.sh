#!/bin/bash
# ctf-case.sh - record s-fib under a real LTTng session with
# liblttng-ust-cyg-profile-fast.so preloaded (no PerProVis recorder), and
# check that ppv-analyze reads the CTF trace through babeltrace2 with exact
# call counts, no losses, and names from the statedump's module map.
#
# usage: ctf-case.sh S-FIB N
# env: PPV_ANALYZE. Uses the running lttng-sessiond, or starts one (root:
# `lttng-sessiond --daemonize --no-kernel`) and stops only that one at exit.
# Exit 77 (skip) when no session daemon can be had.
set -u
prog=$1 n=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/ppv-ctf.XXXXXX")
sess="ppv_it_ctf_$$_$RANDOM"
started_pid=""

cleanup() {
	lttng destroy "$sess" >/dev/null 2>&1
	if [ -n "$started_pid" ]; then
		kill -TERM "$started_pid" 2>/dev/null
		for _ in $(seq 100); do
			kill -0 "$started_pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$started_pid" 2>/dev/null && kill -KILL "$started_pid" 2>/dev/null
	fi
	rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }

command -v lttng >/dev/null || skip "lttng (lttng-tools) is not installed"
preload=liblttng-ust-cyg-profile-fast.so
ldconfig -p 2>/dev/null | grep -q "$preload" || skip "$preload (liblttng-ust1) is not installed"

if ! lttng list >/dev/null 2>&1; then
	[ "$(id -u)" -eq 0 ] || skip "no lttng-sessiond reachable, and starting one is done as root only here"
	command -v lttng-sessiond >/dev/null || skip "lttng-sessiond is not installed"
	if ! out=$(lttng-sessiond --daemonize --no-kernel 2>&1); then
		skip "lttng-sessiond failed to start: $out"
	fi
	started_pid=$(cat /var/run/lttng/lttng-sessiond.pid 2>/dev/null)
	[ -n "$started_pid" ] || skip "lttng-sessiond started but wrote no pid file"
	lttng list >/dev/null 2>&1 || skip "lttng-sessiond (pid $started_pid) is not reachable"
fi

run() { "$@" >>"$work/lttng.log" 2>&1 || fail "$* (see below)
$(cat "$work/lttng.log")"; }
run lttng create "$sess" --output="$work/trace"
# big enough sub-buffers that nothing is discarded: the counts must be exact
run lttng enable-channel -u -s "$sess" --subbuf-size=1M --num-subbuf=8 ch
run lttng enable-event -u -s "$sess" -c ch 'lttng_ust_cyg_profile_fast:*'
run lttng enable-event -u -s "$sess" -c ch 'lttng_ust_statedump:*'
run lttng add-context -u -s "$sess" -c ch -t vpid -t vtid -t procname
run lttng start "$sess"
LD_PRELOAD=$preload "$prog" "$n" >"$work/prog.out" 2>&1 || fail "$prog exited with $?"
run lttng stop "$sess"
run lttng destroy "$sess"

# fib(n) makes 2*fib(n+1)-1 calls
a=0 b=1
for ((i = 0; i < n + 1; i++)); do t=$((a + b)); a=$b; b=$t; done
fib_calls=$((2 * a - 1))

"$PPV_ANALYZE" summary "$work/trace" >"$work/summary.out" 2>"$work/summary.err" ||
	fail "summary exited with $?: $(cat "$work/summary.err")"
cat "$work/summary.out"
grep -Eq "^  calls: +$((fib_calls + 1))\$" "$work/summary.out" ||
	fail "summary: expected $((fib_calls + 1)) calls (main + fib)"
grep -Eq '^  lost: +0 events' "$work/summary.out" || fail "summary: events were lost"
grep -Eq '^  threads: +1$' "$work/summary.out" || fail "summary: expected 1 thread"

"$PPV_ANALYZE" hotspots --sort calls "$work/trace" >"$work/hot.out" 2>"$work/hot.err" ||
	fail "hotspots exited with $?: $(cat "$work/hot.err")"
cat "$work/hot.out"
# the binary is on disk with the build-id the statedump recorded: names resolve
grep -Eq "(^| )$fib_calls +.* fib\$" "$work/hot.out" || fail "hotspots: no fib with $fib_calls calls"
grep -Eq "(^| )1 +.* main\$" "$work/hot.out" || fail "hotspots: no main with 1 call"
echo "ok: $fib_calls calls of fib read from the CTF trace"
