#!/bin/bash
# controls-case.sh - production controls on recorded programs. Each case
# records PROG with one control and checks the functions' call counts in
# `ppv-analyze hotspots` (which do not depend on times), and that PROG's
# exit status and output are what they are without the recorder.
#
# usage: controls-case.sh CASE PROG
# env: PPV_RECORD, PPV_ANALYZE
set -u
case_name=$1 prog=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/ppv-ctl.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# record OPTIONS... -- ARGS...: PROG under ppv-record, then PROG alone; the
# exit status and the output must be the same (for a program that prints
# what it measured by the clock: the same lines; with $want_status set: the
# status the signal case expects, since alone SIGUSR2 kills it).
record() {
	local opts=() plain_status status
	while [ "$1" != "--" ]; do opts+=("$1"); shift; done
	shift
	"$prog" "$@" >"$work/plain.out" 2>/dev/null
	plain_status=${want_status:-$?}
	"$PPV_RECORD" "${opts[@]}" -o "$work/trace" -- "$prog" "$@" >"$work/rec.out" 2>"$work/rec.err"
	status=$?
	cat "$work/rec.err"
	[ "$status" -eq "$plain_status" ] || fail "exit status $status recorded, $plain_status alone"
	if [ -n "${timed:-}" ]; then
		diff -u <(cut -d' ' -f1 "$work/plain.out") <(cut -d' ' -f1 "$work/rec.out") ||
			fail "the program's output changed"
	elif [ -z "${want_status:-}" ]; then
		diff -u "$work/plain.out" "$work/rec.out" || fail "the program's output changed"
	fi
}

# calls FUNC: calls of FUNC in the hotspots report ("" if absent).
calls() {
	awk -v f="$1" '$NF == f { print $1 }' "$work/hotspots"
}

hotspots() {
	"$PPV_ANALYZE" hotspots "$work/trace" >"$work/hotspots" 2>"$work/hotspots.err" ||
		{ cat "$work/hotspots.err"; fail "ppv-analyze hotspots failed"; }
	cat "$work/hotspots"
}

# printed NAME: the count PROG printed as "NAME N".
printed() {
	awk -v n="$1" '$1 == n { print $2 }' "$work/rec.out"
}

expect_phases() {
	[ "$(calls phase_a)" = 100 ] || fail "phase_a: '$(calls phase_a)' calls, expected 100"
	[ -z "$(calls phase_b)" ] || fail "phase_b ran while paused, yet shows $(calls phase_b) calls"
	[ "$(calls phase_c)" = 100 ] || fail "phase_c: '$(calls phase_c)' calls, expected 100"
}

case $case_name in
signal)
	# Alone, the program dies of its first SIGUSR2; recorded, the signal
	# toggles recording and the program runs to its end.
	want_status=7 record --signal USR2 -- ; hotspots; expect_phases
	[ "$(cat "$work/rec.out")" = "sink 29700" ] || fail "the program's output changed"
	;;
signal-program-sigaction | signal-program-signal)
	# The program's own handler is called for each of the two signals.
	record --signal USR2 -- "${case_name#signal-program-}"; hotspots; expect_phases
	grep -qx "handler called 2 times" "$work/rec.out" || fail "the program's handler was not called twice"
	;;
signal-ignored-through-exec)
	# Started with SIGUSR2 ignored (a shell's trap ''), through a shell
	# that execs it: the program still inherits it ignored, as it does
	# unrecorded (neither ppv-record's forwarding nor the recorder's
	# handler in the shell may reset it to the default), and recording
	# is still toggled.
	plain=$(trap '' USR2; sh -c 'exec "$0" ignored' "$prog")
	[ "$plain" = "$(printf 'SIGUSR2 ignored\nsink 29700')" ] || fail "unrecorded output: $plain"
	(trap '' USR2; "$PPV_RECORD" -o "$work/trace" --signal USR2 -- sh -c 'exec "$0" ignored' "$prog") \
		>"$work/rec.out" 2>"$work/rec.err"
	[ "$(cat "$work/rec.out")" = "$plain" ] || { cat "$work/rec.err"; fail "recorded output: $(cat "$work/rec.out")"; }
	hotspots; expect_phases
	;;
api)
	"$PPV_RECORD" -o "$work/trace" -- "$prog" >"$work/rec.out" 2>"$work/rec.err"
	status=$?
	cat "$work/rec.err" "$work/rec.out"
	[ "$status" -eq 0 ] || fail "exit status $status"
	grep -qx "pause 0, again -EALREADY; resume 0, again -EALREADY; after stop -EALREADY" \
		"$work/rec.out" || fail "ppv_pause()/ppv_resume() returned something else"
	hotspots; expect_phases
	;;
delay)
	# early() runs 0-100 ms, late() 100-700 ms; recording starts at 300 ms.
	timed=1 record --delay 300ms -- 100 600; hotspots
	[ -z "$(calls early)" ] || fail "early() ran before the delay, yet shows $(calls early) calls"
	late=$(calls late) total=$(printed late)
	[ -n "$late" ] && [ "$late" -gt 0 ] || fail "late() is missing"
	[ "$late" -lt "$total" ] || fail "late(): $late calls recorded of $total: the delay did nothing"
	;;
duration)
	# early() runs 0-100 ms, late() 100-700 ms; recording ends at 200 ms:
	# about all of early() and a sixth of late().
	timed=1 record --duration 200ms -- 100 600; hotspots
	early=$(calls early) total=$(printed early)
	[ -n "$early" ] && [ $((early * 10)) -ge $((total * 9)) ] ||
		fail "early(): '$early' calls recorded of $total, expected nearly all"
	late=$(calls late) total=$(printed late)
	[ -z "$late" ] || [ $((late * 10)) -le $((total * 4)) ] ||
		fail "late(): $late calls recorded of $total, expected few"
	;;
max-size-rotate)
	record --max-size 1M --rotate 4 -- 50
	files=$(find "$work/trace" -name '*.ppv' | wc -l)
	bytes=$(find "$work/trace" -name '*.ppv' -printf '%s\n' | awk '{ s += $1 } END { print s }')
	ls -l "$work/trace"
	[ "$files" -ge 2 ] && [ "$files" -le 4 ] || fail "$files segment files, expected 2 to 4"
	[ "$bytes" -le $((1280 * 1024)) ] || fail "$bytes bytes kept, expected at most 1.25 MiB"
	"$PPV_ANALYZE" summary "$work/trace" >"$work/summary" 2>&1 || { cat "$work/summary"; fail "summary failed"; }
	cat "$work/summary"
	lost=$(awk '$1 == "lost:" { print $2 }' "$work/summary")
	[ -n "$lost" ] && [ "$lost" -gt 0 ] || fail "no events reported lost"
	grep -qE '[0-9] +tiny$' "$work/summary" || fail "the summary does not name tiny()"
	"$PPV_ANALYZE" info "$work/trace" >"$work/info" 2>&1 || { cat "$work/info"; fail "info failed"; }
	grep -q "segments:    $files kept, [0-9]* deleted" "$work/info" || { cat "$work/info"; fail "info does not list the segments"; }
	;;
*)
	fail "unknown case $case_name"
	;;
esac
echo ok
