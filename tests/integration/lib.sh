# lib.sh - helpers sourced by the integration scripts that record one
# program and run ppv-analyze on it. They expect $work (a scratch
# directory) and fail() from the script, and $PPV_RECORD and $PPV_ANALYZE
# from meson's environment.

# record PROGRAM ARGS...: ppv-record it into $work/trace, with the options
# in $RECORD_OPTS if set.
record() {
	"$PPV_RECORD" -o "$work/trace" ${RECORD_OPTS-} -- "$@" >"$work/rec.out" 2>"$work/rec.err" ||
		{ cat "$work/rec.err"; fail "ppv-record $* failed"; }
}

# analyze NAME CMD [ARGS...]: run ppv-analyze CMD on the trace into $work/NAME{,.err}.
analyze() {
	local name=$1 cmd=$2
	shift 2
	"$PPV_ANALYZE" "$cmd" "$@" "$work/trace" >"$work/$name" 2>"$work/$name.err" ||
		{ cat "$work/$name.err"; fail "ppv-analyze $cmd $* exited with $?"; }
}

# expect STATUS STDERR-PATTERN CMD...: exit status and a line of stderr.
expect() {
	local want=$1 pattern=$2 status
	shift 2
	"$PPV_ANALYZE" "$@" >"$work/out" 2>"$work/err"
	status=$?
	[ "$status" -eq "$want" ] || { cat "$work/err"; fail "ppv-analyze $*: status $status, expected $want"; }
	grep -qE -- "$pattern" "$work/err" || { cat "$work/err"; fail "ppv-analyze $*: no '$pattern' on stderr"; }
}
