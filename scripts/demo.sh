#!/bin/bash
# demo.sh - install what is missing, build, record the bundled web API
# example at fine granularity (calls, I/O, allocations), print every
# report and write its flame graph, HTML and JSON.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

[ -d build ] || meson setup build >/dev/null
meson compile -C build >/dev/null

A=build/analyzer/cli/ppv-analyze
rm -rf webapi.ppv
build/recorder/launcher/ppv-record -g fine -o webapi.ppv -- build/examples/webapi
for cmd in "summary" "hotspots -n 10" "chart -n 10" "tree --depth 4" "callgraph webapi.ppv db_query_users" "io" "memory -n 10" "info"; do
	echo
	echo "== ppv-analyze $cmd"
	# shellcheck disable=SC2086
	case $cmd in *webapi.ppv*) $A $cmd ;; *) $A $cmd webapi.ppv ;; esac
done
$A json -o webapi-report.json webapi.ppv
$A flame --svg webapi-flame.svg webapi.ppv
$A flame -o webapi.folded webapi.ppv
$A report --html webapi-report.html webapi.ppv
echo
echo "== written: webapi-flame.svg (interactive flame graph), webapi.folded (folded"
echo "   stacks for flamegraph.pl, inferno, speedscope), webapi-report.html (the"
echo "   whole report in one page), webapi-report.json (schema: docs/report-schema.json)"
