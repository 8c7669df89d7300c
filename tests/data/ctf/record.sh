#!/bin/bash
# (kept with the test traces: see README for how each one was recorded)
# record.sh NAME PRELOAD ARG NUM_SUBBUF READ_TIMER_US EVENTS... : record ./cyg-prog ARG into out/NAME
set -e
name=$1 pre=$2 arg=$3 nsub=$4 rtimer=$5; shift 5
s=ppvctf_${name}_$$
lttng create "$s" --output="$PWD/out/$name" >/dev/null
lttng enable-channel -u -s "$s" --subbuf-size=4096 --num-subbuf="$nsub" --read-timer="$rtimer" ch >/dev/null
for e in "$@"; do lttng enable-event -u -s "$s" -c ch "$e" >/dev/null; done
lttng add-context -u -s "$s" -c ch -t vpid -t vtid -t procname >/dev/null
lttng start "$s" >/dev/null
LD_PRELOAD=$pre ${PROG:-./cyg-prog} "$arg"
lttng stop "$s" >/dev/null
lttng destroy "$s" >/dev/null
