#!/bin/bash
# get-lua.sh - build Lua 5.4 from Debian's source package with
# -finstrument-functions, into bench/lua/ (git-ignored). Idempotent.
# Needs root (or sudo) the first time: it adds a deb-src line and installs
# dpkg-dev.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$here/lua
bin=$out/lua-instrumented
[ -x "$bin" ] && { echo "$bin"; exit 0; }

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
if ! apt-get source --print-uris lua5.4 >/dev/null 2>&1; then
	echo "get-lua: adding a deb-src entry for bookworm" >&2
	$SUDO tee /etc/apt/sources.list.d/ppv-deb-src.sources >/dev/null <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	$SUDO apt-get update -q >/dev/null
fi
command -v dpkg-source >/dev/null || $SUDO env DEBIAN_FRONTEND=noninteractive \
	apt-get install -y -q --no-install-recommends dpkg-dev >/dev/null

mkdir -p "$out/src"
cd "$out/src"
[ -d lua5.4-* ] 2>/dev/null || apt-get source -q lua5.4 >/dev/null 2>&1
src=$(ls -d "$out"/src/lua5.4-*/src | head -1)
[ -f "$src/lua.c" ] || { echo "get-lua: no Lua sources in $out/src" >&2; exit 1; }

# Debian's patches expect a generated multiarch header.
mkdir -p "$out/obj"
echo "#define DEB_HOST_MULTIARCH \"$(gcc -dumpmachine)\"" >"$out/obj/lua5.4-deb-multiarch.h"

# The interpreter and its library, every function instrumented.
objs=()
for f in "$src"/*.c; do
	case $(basename "$f") in luac.c) continue ;; esac
	o=$out/obj/$(basename "${f%.c}").o
	cc -O2 -g -finstrument-functions -DLUA_USE_LINUX -DLUA_COMPAT_5_3 -I"$out/obj" \
		-c "$f" -o "$o"
	objs+=("$o")
done
cc -O2 -o "$bin" "${objs[@]}" -lm -ldl -Wl,-E
echo "$bin"
