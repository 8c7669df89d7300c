#!/bin/bash
# launcher-cases.sh - ppv-record as a user meets it: missing and
# non-executable programs, an existing trace, bad options, exit statuses
# and deaths by signal passed through, signals forwarded.
# env: PPV_RECORD, PPV_COUNT
set -u
work=$(mktemp -d "${TMPDIR:-/tmp}/ppv-launch.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
fail() { echo "FAIL: $*"; exit 1; }

expect() { # expect STATUS PATTERN -- ppv-record args...
	local want=$1 pattern=$2
	shift 3
	"$PPV_RECORD" "$@" >out 2>err
	local got=$?
	[ "$got" -eq "$want" ] || { cat err; fail "ppv-record $*: status $got, expected $want"; }
	if [ -n "$pattern" ]; then
		grep -q -- "$pattern" err || { cat err; fail "ppv-record $*: no '$pattern' on stderr"; }
	fi
	echo "ok: ppv-record $* -> $got"
}

expect 127 "command not found" -- -o t1 -- no-such-program-xyz
printf '#!/bin/sh\nexit 0\n' >notexec.sh
expect 126 "Permission denied" -- -o t2 -- ./notexec.sh
expect 2 "Usage\|--help" -- --frobnicate -- /bin/true
expect 2 "no PROGRAM" -- -o t3
expect 0 "" -- --help
expect 1 "cannot create" -- -o /proc/no/such/dir -- /bin/true

expect 0 "trace written" -- -o t4 -- /bin/true
expect 1 "already holds a trace" -- -o t4 -- /bin/true
expect 0 "trace written" -- -o t4 --force -- /bin/true
expect 3 "" -- -o t5 -- /bin/sh -c 'exit 3'
expect 143 "killed by signal 15" -- -o t6 -- /bin/sh -c 'kill -TERM $$'
[ -d true.ppv ] && fail "default directory created too early"
expect 0 "" -- /bin/true
[ -d true.ppv ] || fail "default output should be true.ppv"

# A signal sent to ppv-record reaches the program, which dies of it.
"$PPV_RECORD" -o t7 -- /bin/sleep 30 >out 2>err &
rec=$!
for _ in $(seq 100); do
	pgrep -P "$rec" >/dev/null && break
	sleep 0.05
done
# (SIGTERM: a non-interactive shell starts background jobs with SIGINT ignored)
kill -TERM "$rec"
wait "$rec"
status=$?
[ "$status" -eq 143 ] || { cat err; fail "SIGTERM forwarding: status $status, expected 143"; }
echo "ok: SIGTERM forwarded -> 143"
echo "all launcher cases passed"
