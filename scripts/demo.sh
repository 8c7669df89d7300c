#!/bin/bash
# demo.sh - install what is missing, build, record the bundled web API
# example and print every report that exists.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

[ -d build ] || meson setup build >/dev/null
meson compile -C build >/dev/null

rm -rf webapi.ppv
build/recorder/launcher/ppv-record -o webapi.ppv -- build/examples/webapi
echo
echo "== ppv-analyze info webapi.ppv"
build/analyzer/cli/ppv-analyze info webapi.ppv
echo
echo "== ppv-analyze dump webapi.ppv (first 40 events)"
build/analyzer/cli/ppv-analyze dump -n 40 webapi.ppv
