#!/bin/bash
# hot-path.sh - the disassembly check of the recorder's enter/exit hooks:
# prints __cyg_profile_func_enter and __cyg_profile_func_exit from
# libppv-recorder.so and, for each, the common path (from the entry to the
# first ret), its instruction count, and whether it holds any call,
# syscall or lock-prefixed instruction (it must hold none: every unusual
# case leaves through a jmp, a tail call, to a cold function).
# usage: bench/hot-path.sh [LIBRARY]   (default build-bench/recorder/libppv-recorder.so)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
lib=${1:-$here/../build-bench/recorder/libppv-recorder.so}
[ -f "$lib" ] || { echo "hot-path: no $lib (build it first)" >&2; exit 1; }

dis=$(objdump -d --no-show-raw-insn "$lib")
status=0
for fn in __cyg_profile_func_enter __cyg_profile_func_exit; do
	listing=$(printf '%s\n' "$dis" | awk -v f="<$fn>:" '$2 == f {on = 1} on && /^$/ {on = 0} on')
	[ -n "$listing" ] || { echo "hot-path: $fn not found in $lib" >&2; exit 1; }
	common=$(printf '%s\n' "$listing" | awk 'NR > 1 && !done {print} /\tret/ {done = 1}')
	n=$(printf '%s\n' "$common" | grep -c $'\t' || true)
	bad=$(printf '%s\n' "$common" | grep -E $'\t(call|syscall|lock|sysenter|int )' || true)
	exits=$(printf '%s\n' "$listing" | grep -E $'\tjmp +[0-9a-f]+ <' | grep -v "<$fn+" | sed 's/.*<\(.*\)>/\1/' | sort -u | tr '\n' ' ')
	echo "== $fn"
	printf '%s\n' "$listing"
	echo "-- common path: $n instructions up to the first ret;" \
		"call/syscall/lock on it: ${bad:-none}; out-of-line exits (tail jmp): ${exits:-none}"
	[ -z "$bad" ] || status=1
done
exit $status
