#!/bin/bash
# diff-memory.sh - ppv-analyze diff --metric alloc|alloc-self on runs of
# growable (PROG) recorded with -g fine:
#   1. the same program recorded twice: exit 0, even with no threshold at
#      all (allocations do not depend on timing);
#   2. parse() allocating 64 KiB more per call: exit 1, parse named in the
#      text, Markdown and JSON outputs, the growth exact in bytes; with
#      alloc-self, parse alone;
#   3. --min-delta as a size, before or after --metric;
#   4. the same against a JSON baseline;
#   5. --folded weighted by bytes allocated;
#   6. a run without allocation events, and a --min-delta in the wrong
#      unit: exit 2 with a message saying what to do.
# usage: diff-memory.sh PROG     env: PPV_RECORD, PPV_ANALYZE
set -u
prog=$1
work=$(mktemp -d "${TMPDIR:-/tmp}/ppv-diffmem-it.XXXXXX")
trap 'rm -rf "$work"' EXIT
ulimit -c 0

fail() { echo "FAIL: $*"; exit 1; }

# 20 calls of parse() x 64 KiB
GROWTH=1310720
RULE=(--metric alloc --threshold 10 --min-delta 64K --noise-floor 1)

record() {
	local out=$1
	shift
	"$PPV_RECORD" -o "$work/$out" "$@" >/dev/null 2>"$work/rec.err" ||
		{ cat "$work/rec.err"; fail "ppv-record $* failed"; }
}

# shellcheck source=diff-lib.sh
. "$(dirname "$0")/diff-lib.sh"

# json_check FILE PYTHON-EXPR: the expression over the document d must be true.
json_check() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
f = {x["name"]: x for x in d["functions"]}
if not eval(sys.argv[2]):
    sys.exit("false: " + sys.argv[2])' "$work/$1" "$2" || { cat "$work/$1"; fail "$1: $2"; }
}

record a -g fine -- "$prog"
record b -g fine -- "$prog"
record grow -g fine -- "$prog" --grow
record plain -- "$prog"

# 1. the same program twice: not a byte of difference
run_diff 0 same.txt "${RULE[@]}" "$work/a" "$work/b"
has same.txt "Verdict: OK, no function regressed"
has same.txt "alloc base"
run_diff 0 same.json --json --metric alloc --threshold 0 --noise-floor 0 "$work/a" "$work/b"
json_check same.json 'all(x["metric_delta_bytes"] == 0 and x["status"] == "unchanged" for x in d["functions"])'
json_check same.json 'f["parse"]["base"]["alloc_bytes"] == 20 * 256'

# 2. parse() allocates more
run_diff 1 grow.txt "${RULE[@]}" "$work/a" "$work/grow"
grep -qE '^REGRESSED +parse ' "$work/grow.txt" || { cat "$work/grow.txt"; fail "parse not marked"; }
grep -qE '^Verdict: REGRESSION in (.*, )?parse(,|$)' "$work/grow.txt" ||
	{ cat "$work/grow.txt"; fail "verdict does not name parse"; }
for fn in transform emit; do
	! grep -qE "^REGRESSED +$fn " "$work/grow.txt" || { cat "$work/grow.txt"; fail "$fn flagged"; }
done
has grow.txt "bytes allocated (inclusive) grew by more than 10% and by more than 64.00 KiB"
run_diff 1 grow.md --markdown "${RULE[@]}" "$work/a" "$work/grow"
has grow.md "regressed | \`parse\` |"
has grow.md "| Allocated base |"
run_diff 1 grow.json --json "${RULE[@]}" "$work/a" "$work/grow"
json_check grow.json 'd["rule"]["metric"] == "alloc" and d["rule"]["min_delta_bytes"] == 65536'
json_check grow.json "f['parse']['regressed'] and f['parse']['metric_delta_bytes'] == $GROWTH"
json_check grow.json "f['parse']['delta']['alloc_bytes'] == $GROWTH and 'metric_delta_ns' not in f['parse']"
json_check grow.json "f['main']['delta']['alloc_bytes_incl'] == $GROWTH"
json_check grow.json 'not f["transform"]["regressed"] and not f["emit"]["regressed"]'
# self: parse is the only function that allocates more itself
run_diff 1 self.json --json --metric alloc-self --threshold 10 "$work/a" "$work/grow"
json_check self.json '[x["name"] for x in d["functions"] if x["regressed"]] == ["parse"]'
# allocating less again is an improvement
run_diff 0 back.txt "${RULE[@]}" "$work/grow" "$work/a"
grep -qE '^improved +parse ' "$work/back.txt" || { cat "$work/back.txt"; fail "no improvement"; }

# 3. --min-delta is a size, read whichever of --min-delta and --metric comes first
run_diff 0 min-2m.txt --min-delta 2M --metric alloc "$work/a" "$work/grow"
run_diff 1 min-1m.txt --metric alloc --min-delta 1M "$work/a" "$work/grow"
run_diff 0 min-exact.txt --metric alloc-self --min-delta $GROWTH "$work/a" "$work/grow"
run_diff 1 min-below.txt --metric alloc-self --min-delta $((GROWTH - 1)) "$work/a" "$work/grow"

# 4. a JSON baseline
"$PPV_ANALYZE" json -o "$work/base.json" "$work/a" || fail "ppv-analyze json -o failed"
run_diff 0 base-same.txt "${RULE[@]}" "$work/base.json" "$work/b"
has base-same.txt "(saved report)"
run_diff 1 base-grow.json --json "${RULE[@]}" "$work/base.json" "$work/grow"
json_check base-grow.json "d['base']['source'] == 'report' and f['parse']['metric_delta_bytes'] == $GROWTH"

# 5. flame graphs of the difference weigh bytes allocated (self)
run_diff 1 flame.txt --metric alloc-self --folded "$work/d.folded" --svg "$work/d.svg" "$work/a" "$work/grow"
awk -v g=$GROWTH '$1 ~ /(^|;)parse$/ { n++; if ($3 - $2 != g) bad = 1 } END { exit !(n == 1 && !bad) }' \
	"$work/d.folded" || { cat "$work/d.folded"; fail "folded: parse does not grow by $GROWTH bytes"; }
grep -q '<svg' "$work/d.svg" || fail "no SVG written"

# 6. errors
run_diff 2 plain.txt --metric alloc "$work/plain" "$work/grow"
has plain.txt.err "'$work/plain' has no allocation events: record with ppv-record -g fine or --memory"
run_diff 2 plain2.txt --metric alloc-self "$work/a" "$work/plain"
has plain2.txt.err "'$work/plain' has no allocation events"
run_diff 0 plain-time.txt --threshold 1000 "$work/plain" "$work/a"
run_diff 2 unit1.txt --min-delta 5ms --metric alloc "$work/a" "$work/b"
has unit1.txt.err "--min-delta takes a size with --metric alloc (e.g. 64K, 1M), not the duration '5ms'"
run_diff 2 unit2.txt --min-delta 64K "$work/a" "$work/b"
has unit2.txt.err "--min-delta takes a duration with --metric total"
run_diff 2 unit3.txt --metric alloc --min-delta lots "$work/a" "$work/b"
run_diff 2 metric.txt --metric memory "$work/a" "$work/b"
has metric.txt.err "--metric takes total, self, alloc or alloc-self"
echo "PASS"
