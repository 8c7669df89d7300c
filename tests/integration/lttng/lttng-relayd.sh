#!/bin/bash
# lttng-relayd.sh - the "many processes and hosts" recipe of docs/lttng.md
# on loopback: a session streamed to an lttng-relayd listening on 127.0.0.1
# only (unique ports), two programs traced at once through
# libppv-recorder-lttng.so, and the merged trace under the relay daemon's
# output directory read back as one.
#
# usage: lttng-relayd.sh LTTNG_LIB S-FIB S-THREADS
# Exit 77 (SKIP) when the daemons cannot be started, with the reason.
set -u
lib=$1 fib=$2 threads=$3

for t in lttng lttng-sessiond lttng-relayd babeltrace2; do
	command -v "$t" >/dev/null || { echo "SKIP: $t is not installed"; exit 77; }
done

# Private /run/lttng and /dev/shm, as in lttng-record.sh.
# shellcheck source=lttng-ns.sh
. "$(dirname "$0")/lttng-ns.sh"
ppv_lttng_private_ns "$0" "$@"

work=$(mktemp -d "${TMPDIR:-/tmp}/ppv-relayd-it.XXXXXX")
sess="ppv-relayd-it-$$"
sessiond="" relayd=""

stop_pid() {  # TERM, wait up to 10 s, KILL
	[ -n "$1" ] || return 0
	kill -TERM "$1" 2>/dev/null || return 0
	for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
	kill -KILL "$1" 2>/dev/null
}
cleanup() {
	lttng destroy "$sess" >/dev/null 2>&1
	stop_pid "$relayd"
	stop_pid "$sessiond"
	rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "FAIL: $*"; exit 1; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if ! lttng list >/dev/null 2>&1; then
	out=$(lttng-sessiond --daemonize --no-kernel 2>&1) ||
		{ echo "SKIP: cannot start lttng-sessiond: $out"; exit 77; }
	sessiond=$(cat /var/run/lttng/lttng-sessiond.pid 2>/dev/null ||
		cat "${LTTNG_HOME:-$HOME}/.lttng/lttng-sessiond.pid")
fi

# Three free consecutive ports (control, data, live) picked from the pid.
base=$((20000 + ($$ * 7) % 30000))
for _ in $(seq 50); do
	listening "$base" || listening $((base + 1)) || listening $((base + 2)) || break
	base=$((base + 3))
done
mkdir "$work/relayd"
lttng-relayd -C "tcp://127.0.0.1:$base" -D "tcp://127.0.0.1:$((base + 1))" \
	-L "tcp://127.0.0.1:$((base + 2))" -o "$work/relayd" >"$work/relayd.log" 2>&1 &
relayd=$!
for _ in $(seq 100); do
	listening "$base" && listening $((base + 1)) && break
	kill -0 "$relayd" 2>/dev/null || { cat "$work/relayd.log"; echo "SKIP: lttng-relayd exited"; relayd=""; exit 77; }
	sleep 0.1
done
listening "$base" || { cat "$work/relayd.log"; echo "SKIP: lttng-relayd does not listen"; exit 77; }

run() { out=$("$@" 2>&1) || fail "$*: $out"; }
run lttng create "$sess" --ctrl-url="tcp://127.0.0.1:$base" --data-url="tcp://127.0.0.1:$((base + 1))"
# A blocking channel, as ppv-record's lossless mode: the counts below are
# exact only if no sub-buffer is ever discarded.
run lttng enable-channel -u -s "$sess" --blocking-timeout=inf ppv
run lttng enable-event -u -s "$sess" -c ppv 'perprovis:*,lttng_ust_statedump:*'
run lttng add-context -u -s "$sess" -c ppv -t vpid -t vtid -t procname
run lttng start "$sess"

# Two processes at once, as ppv-record would start each.
export LD_PRELOAD=$lib LTTNG_UST_REGISTER_TIMEOUT=5000 PPV_LTTNG=1 LTTNG_UST_ALLOW_BLOCKING=1
"$fib" 20 >/dev/null & p1=$!
"$threads" 1000 >/dev/null & p2=$!
wait "$p1" || fail "s-fib failed"
wait "$p2" || fail "s-threads failed"
unset LD_PRELOAD

run lttng stop "$sess"
run lttng destroy "$sess"
stop_pid "$relayd"
relayd=""

# HOSTNAME/SESSION-DATE/ust/... under the relay daemon's output directory.
meta=$(find "$work/relayd" -path "*/$sess-*/ust/*" -name metadata | head -1)
[ -n "$meta" ] || { find "$work/relayd"; fail "no CTF trace of $sess under the relayd output"; }
echo "trace: ${meta#"$work/relayd/"}"
babeltrace2 "$work/relayd" >"$work/all.txt" 2>"$work/bt.err" ||
	{ cat "$work/bt.err"; fail "babeltrace2 cannot read the relayed trace"; }
n=$(grep ' perprovis:func_entry: ' "$work/all.txt" | grep -c 'procname = "s-fib"')
[ "$n" -eq 21892 ] || fail "s-fib: $n func_entry events, expected 21892"
n=$(grep ' perprovis:func_exit: ' "$work/all.txt" | grep -c 'procname = "s-threads"')
[ "$n" -eq 24009 ] || fail "s-threads: $n func_exit events, expected 24009"
n=$(grep ' perprovis:func_entry: ' "$work/all.txt" | grep -o 'vpid = [0-9]*' | sort -u | wc -l)
[ "$n" -eq 2 ] || fail "events of $n processes in the merged trace, expected 2"
n=$(grep -c ' lttng_ust_statedump:start: ' "$work/all.txt")
[ "$n" -eq 2 ] || fail "$n statedumps, expected one per process"
echo "merged trace: s-fib 21892 and s-threads 24009 function entries from 2 processes"

# ppv-analyze reads the relay daemon's output as one trace of both processes
"$PPV_ANALYZE" summary "$work/relayd" >"$work/summary" 2>"$work/summary.err" ||
	{ cat "$work/summary.err"; fail "ppv-analyze summary on the relayed trace failed"; }
# "processes:    PID1, PID2"
grep -qE '^  processes: +[0-9]+, [0-9]+$' "$work/summary" ||
	{ cat "$work/summary"; fail "ppv-analyze does not see exactly two processes"; }
grep -qE '^  calls: +45901$' "$work/summary" ||
	{ cat "$work/summary"; fail "ppv-analyze: not 21892 + 24009 calls"; }
"$PPV_ANALYZE" hotspots --sort calls "$work/relayd" >"$work/hot" 2>&1 ||
	{ cat "$work/hot"; fail "ppv-analyze hotspots on the relayed trace failed"; }
grep -qE '^ +21891 .* fib$' "$work/hot" || { cat "$work/hot"; fail "fib's 21891 calls not found"; }
grep -qE '^ +16000 .* leaf$' "$work/hot" || { cat "$work/hot"; fail "leaf's 16000 calls not found"; }
echo "ppv-analyze: 45901 calls of 2 processes in the merged trace"
echo "ok"
