# diff-lib.sh - helpers of the diff scripts (diff-case.sh, diff-memory.sh).
# They expect $work, fail() and $PPV_ANALYZE from the script.

# run_diff WANT NAME ARGS...: ppv-analyze diff ARGS > $work/NAME; exit status must be WANT.
run_diff() {
	local want=$1 name=$2 rc
	shift 2
	"$PPV_ANALYZE" diff "$@" >"$work/$name" 2>"$work/$name.err"
	rc=$?
	if [ "$rc" != "$want" ]; then
		cat "$work/$name" "$work/$name.err"
		fail "ppv-analyze diff $* exited with $rc, not $want"
	fi
}

has() { grep -qF -- "$2" "$work/$1" || { cat "$work/$1"; fail "$1 lacks: $2"; }; }
lacks() { ! grep -qF -- "$2" "$work/$1" || { cat "$work/$1"; fail "$1 has: $2"; }; }
