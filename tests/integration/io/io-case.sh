#!/bin/bash
# io-case.sh EXPECTED PROG... - record each build of io-ops and check:
#  - it prints exactly what it prints unrecorded (results and errno);
#  - its I/O events, in order, with the function each is attributed to,
#    operation, class, kind, name, bytes and errno, match EXPECTED
#    (directory, ports and inodes masked; times and fd numbers left out);
#  - each build really calls the entry points it is meant to cover.
# Set IO_CASE_UPDATE=1 to rewrite EXPECTED from the first build.
set -u
expected=$1
shift
fail() {
	echo "FAIL: $*" >&2
	exit 1
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

# The entry points each build must import (nm -D): plain names, the
# _FORTIFY_SOURCE variants, and their 64-bit-offset names.
want_symbols() {
	case $(basename "$1") in
	io-ops) echo "open openat pread pwrite fopen read write readv writev fsync fdatasync" \
		"send recv sendto recvfrom sendmsg recvmsg connect accept accept4" \
		"close fclose fflush fread fwrite" ;;
	io-ops-fortify) echo "__open_2 __openat_2 __pread_chk __read_chk __recv_chk" \
		"__recvfrom_chk __fread_chk open pwrite fopen" ;;
	io-ops-fortify64) echo "__open64_2 __openat64_2 __pread64_chk __read_chk __recv_chk" \
		"__recvfrom_chk __fread_chk open64 pwrite64 fopen64" ;;
	esac
}

check_symbols() {
	local prog=$1 sym
	for sym in $(want_symbols "$prog"); do
		nm -D --undefined-only "$prog" | awk '{ print $2 }' | sed 's/@.*//' |
			grep -qx -- "$sym" || fail "$(basename "$prog") does not call $sym"
	done
}

# One line per I/O event of the dump: process (main or child), the
# function it is attributed to (the innermost open call on its thread),
# then the event's stable fields.
summarize() {
	local real
	real=$(cd "$work" && pwd -P)
	"$PPV_ANALYZE" dump "$work/trace" >"$work/dump" 2>"$work/dump.err" ||
		{ cat "$work/dump.err"; fail "ppv-analyze dump failed"; }
	awk '
	function field(name,   m) {
		if (match($0, " " name "=(\"[^\"]*\"|[^ ]*)")) {
			m = substr($0, RSTART + length(name) + 2, RLENGTH - length(name) - 2)
			gsub(/"/, "", m)
			return m
		}
		return "?"
	}
	{ split($2, pt, "/"); if (first == "") first = pt[1]; key = $2 }
	$3 == "enter" { d[key]++; st[key, d[key]] = $4 }
	$3 == "exit" { if (d[key] > 0) d[key]-- }
	$3 == "io" {
		printf "%s %s op=%s class=%s kind=%s name=%s bytes=%s err=%s\n",
			(pt[1] == first ? "main " : "child"), (d[key] > 0 ? st[key, d[key]] : "-"),
			field("op"), field("class"), field("kind"), field("name"),
			field("bytes"), field("err")
	}' "$work/dump" |
		sed -e "s|$real|WORK|g" -e "s|$work|WORK|g" -e 's/:[0-9][0-9]* /:PORT /' \
			-e 's/\(pipe\|socket\):\[[0-9]*\]/\1:[INO]/' |
		sort -s -k1,1
}

for prog in "$@"; do
	name=$(basename "$prog")
	check_symbols "$prog"
	rm -rf "$work/trace" "$work/plain"
	mkdir "$work/plain"
	"$prog" "$work/plain" >"$work/plain.out" 2>&1 || fail "$name failed unrecorded"
	rm -rf "$work/run"
	mkdir "$work/run"
	record "$prog" "$work/run"
	diff -u "$work/plain.out" "$work/rec.out" >&2 ||
		fail "$name: the recorded run printed something else"
	"$PPV_ANALYZE" info "$work/trace" >"$work/info"
	[ "$(grep -c 'ended: *cleanly' "$work/info")" -eq 2 ] ||
		{ cat "$work/info"; fail "$name: both process files must be complete"; }
	summarize | sed 's|WORK/run|DIR|g' >"$work/got"
	if [ "${IO_CASE_UPDATE:-0}" = 1 ]; then
		cp "$work/got" "$expected"
		echo "updated $expected from $name"
		exit 0
	fi
	diff -u "$expected" "$work/got" >&2 || fail "$name: I/O events differ from $expected"
	echo "ok: $name, $(wc -l <"$work/got") I/O events as expected"
done
