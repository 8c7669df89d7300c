#!/bin/bash
# lttng-record.sh - ppv-record --backend lttng end to end: exit statuses,
# exact perprovis event counts read back with babeltrace2, the vtid context,
# the statedump, the PPV_* annotations of examples/webapi, and which
# session daemon ppv-record stops (only the one it started).
#
# usage: lttng-record.sh LTTNG_LIB S-FIB S-THREADS S-EXIT S-SEGV WEBAPI
# env: PPV_RECORD. Exit 77 (SKIP) when no session daemon can be reached or
# started, with the reason on stdout.
set -u
lib=$1 fib=$2 threads=$3 sexit=$4 segv=$5 webapi=$6
export PPV_RECORDER_LTTNG_LIB=$lib

for t in lttng lttng-sessiond babeltrace2; do
	command -v "$t" >/dev/null || { echo "SKIP: $t is not installed"; exit 77; }
done

# A private /run/lttng and /dev/shm (root only): the session daemons seen
# here are this test's own, whatever other users of the machine run.
# shellcheck source=lttng-ns.sh
. "$(dirname "$0")/lttng-ns.sh"
ppv_lttng_private_ns "$0" "$@"

work=$(mktemp -d "${TMPDIR:-/tmp}/ppv-lttng-it.XXXXXX")
test_daemon=""
cleanup() {
	if [ -n "$test_daemon" ]; then
		kill -TERM "$test_daemon" 2>/dev/null
		for _ in $(seq 100); do kill -0 "$test_daemon" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$test_daemon" 2>/dev/null
	fi
	rm -rf "$work"
}
trap cleanup EXIT
ulimit -c 0

fail() { echo "FAIL: $*"; exit 1; }

pidfile() {
	if [ "$(id -u)" -eq 0 ]; then echo /var/run/lttng/lttng-sessiond.pid
	else echo "${LTTNG_HOME:-$HOME}/.lttng/lttng-sessiond.pid"; fi
}

alive() {  # a process that exists and is not a zombie
	local st
	st=$(awk '{ sub(/.*\) /, ""); print $1 }' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# record NAME WANT_STATUS PROG ARGS...: ppv-record into $work/NAME, then
# babeltrace2 it into $work/NAME.txt.
record() {
	local name=$1 want=$2 status
	shift 2
	"$PPV_RECORD" --backend lttng -o "$work/$name" -- "$@" >"$work/$name.out" 2>"$work/$name.err"
	status=$?
	cat "$work/$name.err"
	if grep -q "cannot start lttng-sessiond\|lttng-sessiond is not installed" "$work/$name.err"; then
		echo "SKIP: no LTTng session daemon reachable and none can be started"
		exit 77
	fi
	[ "$status" -eq "$want" ] || fail "$name: exit status $status, expected $want"
	grep -q "CTF trace written to $work/$name" "$work/$name.err" ||
		fail "$name: no summary line naming the trace directory"
	babeltrace2 "$work/$name" >"$work/$name.txt" 2>"$work/$name.bterr" ||
		{ cat "$work/$name.bterr"; fail "$name: babeltrace2 cannot read the trace"; }
}

count() { grep -c -- "$1" "$2"; }

# expect_events NAME ENTRIES THREADS PROGNAME
expect_events() {
	local t=$work/$1.txt n
	n=$(count ' perprovis:func_entry: ' "$t")
	[ "$n" -eq "$2" ] || fail "$1: $n func_entry events, expected $2"
	n=$(count ' perprovis:func_exit: ' "$t")
	[ "$n" -eq "$2" ] || fail "$1: $n func_exit events, expected $2"
	n=$(grep ' perprovis:func_entry: ' "$t" | grep -c "vtid = [0-9]*, procname = \"$4\" }, { addr = 0x")
	[ "$n" -eq "$2" ] || fail "$1: only $n func_entry events carry vtid, procname and addr"
	n=$(grep ' perprovis:func_entry: ' "$t" | grep -o 'vtid = [0-9]*' | sort -u | wc -l)
	[ "$n" -eq "$3" ] || fail "$1: events from $n threads, expected $3"
	grep -q " lttng_ust_statedump:bin_info: .*path = \".*/$4\"" "$t" ||
		fail "$1: no statedump bin_info for $4 (addresses could not be symbolized)"
	grep -q ' lttng_ust_statedump:build_id: ' "$t" || fail "$1: no statedump build_id events"
	echo "$1: $2 func_entry and $2 func_exit events, $3 thread(s), statedump present"
}

# 1. No daemon running: ppv-record starts one and stops exactly that one.
if ! lttng list >/dev/null 2>&1; then
	record fib 0 "$fib" 20
	expect_events fib 21892 1 s-fib
	pid=$(sed -n 's/.*stopped the lttng-sessiond it had started (pid \([0-9]*\)).*/\1/p' \
		"$work/fib.err")
	[ -n "$pid" ] || fail "ppv-record started a session daemon but did not report stopping it"
	alive "$pid" && fail "the session daemon ppv-record started (pid $pid) still runs"
	lttng list >/dev/null 2>&1 && fail "a session daemon is still reachable after ppv-record"
	echo "ppv-record started lttng-sessiond pid $pid and stopped it"
else
	echo "note: a session daemon already runs; not checking the start-and-stop path"
fi

# 2. A daemon ppv-record did not start must keep running.
if ! lttng list >/dev/null 2>&1; then
	out=$(lttng-sessiond --daemonize --no-kernel 2>&1) ||
		{ echo "SKIP: cannot start lttng-sessiond: $out"; exit 77; }
	test_daemon=$(cat "$(pidfile)") || fail "no pid file for the test's lttng-sessiond"
fi
daemon=$(cat "$(pidfile)" 2>/dev/null)
record fib2 0 "$fib" 20
expect_events fib2 21892 1 s-fib
grep -q "stopped the lttng-sessiond" "$work/fib2.err" &&
	fail "ppv-record stopped a session daemon it did not start"
lttng list >/dev/null 2>&1 || fail "the session daemon is gone after ppv-record"
if [ -n "$daemon" ]; then
	alive "$daemon" || fail "lttng-sessiond pid $daemon died during ppv-record"
fi
lttng list 2>/dev/null | grep -q 'ppv-record-' && fail "ppv-record left its session behind"

# 3. Threads, errno and exit statuses are the program's.
record threads 0 "$threads" 1000
expect_events threads 24009 9 s-threads
record sexit 3 "$sexit" 3
expect_events sexit 201 1 s-exit
record segv 139 "$segv"

# 4. The annotations: scopes, I/O (kind, fd, bytes, duration, err, name), errors.
record webapi 0 "$webapi"
t=$work/webapi.txt
[ "$(count 'perprovis:scope_entry: .*{ name = "data_processing" }' "$t")" -eq 19 ] ||
	fail "webapi: expected 19 data_processing scope_entry events"
[ "$(count 'perprovis:scope_exit: .*{ name = "data_processing" }' "$t")" -eq 19 ] ||
	fail "webapi: expected 19 data_processing scope_exit events"
[ "$(count 'perprovis:scope_entry: .*{ name = "load_config" }' "$t")" -eq 1 ] ||
	fail "webapi: expected one load_config scope_entry (PPV_FUNCTION)"
[ "$(count 'perprovis:io: .*{ kind = 4, fd = -1, bytes = [0-9]*, duration_ns = [1-9][0-9]*, err = 0, name = "query_users" }' "$t")" -eq 19 ] ||
	fail "webapi: expected 19 successful query_users database I/O events"
[ "$(count 'perprovis:io: .*{ kind = 4, fd = -1, bytes = 0, duration_ns = [1-9][0-9]*, err = 110, name = "query_users" }' "$t")" -eq 1 ] ||
	fail "webapi: expected one query_users I/O failing with ETIMEDOUT (110)"
[ "$(count 'perprovis:io: .*{ kind = 3, fd = -1, bytes = [1-9][0-9]*, duration_ns = [0-9]*, err = 0, name = "send_response" }' "$t")" -eq 20 ] ||
	fail "webapi: expected 20 send_response network I/O events"
[ "$(count ' perprovis:error: .*{ code = 0 }' "$t")" -eq 1 ] ||
	fail "webapi: expected one perprovis:error event"
echo "webapi: scopes, I/O and errors as annotated"

# 5. An existing trace is kept without --force and replaced with it.
"$PPV_RECORD" --backend lttng -o "$work/webapi" -- "$fib" 5 >/dev/null 2>"$work/again.err" &&
	fail "ppv-record overwrote an existing CTF trace without --force"
grep -q 'already holds a trace' "$work/again.err" || fail "no message for an existing trace"
"$PPV_RECORD" --backend lttng --force -o "$work/webapi" -- "$fib" 5 >/dev/null 2>&1 ||
	fail "--force did not replace the trace"
[ "$(babeltrace2 "$work/webapi" | grep -c ' perprovis:func_entry: ')" -eq 16 ] ||
	fail "--force: the replaced trace does not hold exactly fib(5)'s 16 entries"
[ "$(babeltrace2 "$work/webapi" | grep -c 'perprovis:io: ')" -eq 0 ] ||
	fail "--force: events of the old trace remain"
echo "ok"
