#!/bin/bash
# install-deps.sh - install, from Debian 12's packages, whatever PerProVis
# needs to build and run its example; with --tests, also what only the
# test suite uses (Chromium for the HTML report's browser test, the JSON
# Schema validator). Non-interactive; idempotent: apt-get runs only when
# something is missing.
set -euo pipefail

PKGS=(
	build-essential pkg-config meson ninja-build
	libzstd-dev libelf-dev libdw-dev
	libcriterion-dev libjansson-dev zlib1g-dev
	liblttng-ust-dev lttng-tools libbabeltrace2-dev babeltrace2
	procps
)
[ "${1:-}" = --tests ] && PKGS+=(python3-jsonschema chromium fonts-liberation)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || { echo "install-deps: run as root, or install sudo" >&2; exit 1; }
	SUDO=sudo
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/dev/null
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
