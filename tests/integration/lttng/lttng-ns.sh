# lttng-ns.sh - sourced by the LTTng test scripts. ppv_lttng_private_ns
# SCRIPT ARGS... re-executes SCRIPT in a private mount namespace with its
# own /run/lttng and /dev/shm (root only), so that the session daemons the
# test sees, starts and stops are its own, whatever else runs on the
# machine. Without root or unshare it returns and the test uses the
# machine's daemon, if any.
ppv_lttng_private_ns() {
	[ -z "${PPV_LTTNG_IT_INNER:-}" ] || return 0
	if [ "$(id -u)" -eq 0 ] && unshare --mount --propagation private -- true 2>/dev/null; then
		export PPV_LTTNG_IT_INNER=1
		exec unshare --mount --propagation private -- bash -c '
			mkdir -p /run/lttng &&
			mount -t tmpfs ppv-it-run /run/lttng &&
			mount -t tmpfs ppv-it-shm /dev/shm || exit 1
			exec bash "$0" "$@"' "$@"
	fi
	echo "note: no private mount namespace; using the session daemon of this machine, if any"
}
