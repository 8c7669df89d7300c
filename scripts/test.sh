#!/bin/bash
# test.sh - install what is missing, build, and run the whole test suite:
# first a normal build (unit and integration tests), then an ASan+UBSan
# build of the unit tests (-fno-sanitize-recover=all, so any report fails),
# then the integration tests again with that build's ppv-analyze on the
# traces the normal recorder writes.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --tests

meson setup build --wipe >/dev/null 2>&1 || meson setup build >/dev/null
meson compile -C build
meson test -C build --print-errorlogs

meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false \
	-Dc_args=-fno-sanitize-recover=all --wipe >/dev/null 2>&1 ||
	meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false \
		-Dc_args=-fno-sanitize-recover=all >/dev/null
meson compile -C build-asan
meson test -C build-asan --print-errorlogs --suite unit

meson configure build -Dtest_analyzer="$PWD/build-asan/analyzer/cli/ppv-analyze"
meson test -C build --print-errorlogs --suite integration
meson configure build -Dtest_analyzer=
