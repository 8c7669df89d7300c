#!/bin/bash
# demo.sh - install what is missing, build, record the bundled web API
# example and print every report that exists.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

[ -d build ] || meson setup build >/dev/null
meson compile -C build >/dev/null

A=build/analyzer/cli/ppv-analyze
rm -rf webapi.ppv
build/recorder/launcher/ppv-record -o webapi.ppv -- build/examples/webapi
for cmd in "summary" "hotspots -n 10" "chart -n 10" "tree --depth 4" "callgraph webapi.ppv db_query_users" "io" "info"; do
	echo
	echo "== ppv-analyze $cmd"
	# shellcheck disable=SC2086
	case $cmd in *webapi.ppv*) $A $cmd ;; *) $A $cmd webapi.ppv ;; esac
done
$A json -o webapi-report.json webapi.ppv
echo
echo "== full JSON report written to webapi-report.json (schema: docs/report-schema.json)"
