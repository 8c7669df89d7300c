#!/bin/bash
# diff-case.sh - ppv-analyze diff on recorded runs of slowable (PROG):
#   1. the same program recorded twice: exit 0 both ways (no flapping:
#      generous thresholds, --min-delta and the noise floor);
#   2. parse() slowed by 200 ms: exit 1, parse named as regressed in the
#      text, Markdown and JSON outputs; with --metric self, parse alone;
#   3. the same against a JSON baseline saved with `ppv-analyze json -o`;
#   4. --folded and --svg with two traces, and refused with a baseline;
#   5. bad usage and unreadable inputs: exit 2.
# usage: diff-case.sh PROG     env: PPV_RECORD, PPV_ANALYZE
set -u
prog=$1
work=$(mktemp -d "${TMPDIR:-/tmp}/ppv-diff-it.XXXXXX")
trap 'rm -rf "$work"' EXIT
ulimit -c 0

fail() { echo "FAIL: $*"; exit 1; }

# The injected slowdown is 20 x 10 ms; a run's normal time is a few ms.
# A regression must grow by 100% and by 50 ms: scheduling noise on a loaded
# machine stays far below that, the slowdown far above.
RULE=(--threshold 100 --min-delta 50ms --noise-floor 1)

record() {
	local out=$1
	shift
	"$PPV_RECORD" -o "$work/$out" -- "$prog" "$@" >/dev/null 2>"$work/rec.err" ||
		{ cat "$work/rec.err"; fail "ppv-record $prog $* failed"; }
}

# shellcheck source=diff-lib.sh
. "$(dirname "$0")/diff-lib.sh"

# json_check FILE PYTHON-EXPR: the expression over the document d must be true.
json_check() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
if not eval(sys.argv[2]):
    sys.exit("false: " + sys.argv[2])' "$work/$1" "$2" || { cat "$work/$1"; fail "$1: $2"; }
}

record a
record b
record slow --slow

# 1. the same program twice: no regression, whichever run is the base
run_diff 0 same.txt "${RULE[@]}" "$work/a" "$work/b"
has same.txt "Verdict: OK, no function regressed"
lacks same.txt "REGRESSED"
run_diff 0 same-rev.txt "${RULE[@]}" "$work/b" "$work/a"
run_diff 0 same.md --markdown "${RULE[@]}" "$work/a" "$work/b"
has same.md "**Verdict: OK**"

# 2. parse() slowed down
run_diff 1 slow.txt "${RULE[@]}" "$work/a" "$work/slow"
grep -qE '^REGRESSED +parse ' "$work/slow.txt" || { cat "$work/slow.txt"; fail "parse not marked"; }
grep -qE '^Verdict: REGRESSION in (.*, )?parse(,|$)' "$work/slow.txt" ||
	{ cat "$work/slow.txt"; fail "verdict does not name parse"; }
for f in transform emit work; do
	! grep -qE "^REGRESSED +$f " "$work/slow.txt" || { cat "$work/slow.txt"; fail "$f flagged"; }
done
run_diff 1 slow.md --markdown "${RULE[@]}" "$work/a" "$work/slow"
has slow.md "**Verdict: regression** in "
has slow.md "regressed | \`parse\` |"
run_diff 1 slow.json --json "${RULE[@]}" "$work/a" "$work/slow"
json_check slow.json 'd["format"] == "perprovis-diff" and d["verdict"] == "regression"'
json_check slow.json '[f["name"] for f in d["functions"] if f["name"] == "parse"][0:1] == ["parse"]'
json_check slow.json 'all(f["regressed"] == (f["status"] == "regressed") for f in d["functions"])'
json_check slow.json 'next(f for f in d["functions"] if f["name"] == "parse")["regressed"]'
json_check slow.json 'next(f for f in d["functions"] if f["name"] == "parse")["delta"]["total_ns"] >= 190000000'
json_check slow.json 'not any(f["regressed"] for f in d["functions"] if f["name"] in ("transform", "emit", "work"))'
# self time: parse is the only function whose own time grew
run_diff 1 self.json --json --metric self "${RULE[@]}" "$work/a" "$work/slow"
json_check self.json '[f["name"] for f in d["functions"] if f["regressed"]] == ["parse"]'
# the slowdown shrinking back is an improvement, not a regression
run_diff 0 back.txt "${RULE[@]}" "$work/slow" "$work/a"
grep -qE '^improved +parse ' "$work/back.txt" || { cat "$work/back.txt"; fail "no improvement"; }

# 3. a JSON baseline instead of a trace
"$PPV_ANALYZE" json -o "$work/base.json" "$work/a" || fail "ppv-analyze json -o failed"
run_diff 0 base-same.txt "${RULE[@]}" "$work/base.json" "$work/b"
has base-same.txt "(saved report)"
run_diff 1 base-slow.txt "${RULE[@]}" "$work/base.json" "$work/slow"
grep -qE '^REGRESSED +parse ' "$work/base-slow.txt" || { cat "$work/base-slow.txt"; fail "baseline"; }
run_diff 1 base-slow.md --markdown "${RULE[@]}" "$work/base.json" "$work/slow"
has base-slow.md "regressed | \`parse\` |"
run_diff 1 base-slow.json --json "${RULE[@]}" "$work/base.json" "$work/slow"
json_check base-slow.json 'd["base"]["source"] == "report" and d["new"]["source"] == "trace"'
json_check base-slow.json 'next(f for f in d["functions"] if f["name"] == "parse")["regressed"]'
# a report against a report of the same run: nothing changes at all
"$PPV_ANALYZE" json -o "$work/slow.json.report" "$work/slow" || fail "json -o"
run_diff 0 two-reports.json --json --threshold 0 --noise-floor 0 "$work/slow.json.report" "$work/slow"
json_check two-reports.json 'all(f["status"] == "unchanged" and f["delta"]["total_ns"] == 0 for f in d["functions"])'

# 4. flame graphs of the difference need two traces
run_diff 1 flame.txt "${RULE[@]}" --folded "$work/d.folded" --svg "$work/d.svg" "$work/a" "$work/slow"
grep -qE '(^|;)parse [0-9]+ [0-9]+$' "$work/d.folded" || { head "$work/d.folded"; fail "folded"; }
grep -q '<svg' "$work/d.svg" || fail "no SVG written"
run_diff 2 flame-json.txt --svg "$work/x.svg" "$work/base.json" "$work/slow"
has flame-json.txt.err "need two traces"
[ ! -e "$work/x.svg" ] || fail "an SVG was written from a baseline"

# 5. bad usage and unreadable inputs
echo '{"format": "something-else"}' >"$work/other.json"
echo 'not a trace' >"$work/garbage"
run_diff 2 u1 "$work/a"
run_diff 2 u2 "$work/a" "$work/b" "$work/slow"
run_diff 2 u3 --threshold ten "$work/a" "$work/b"
run_diff 2 u4 --metric wall "$work/a" "$work/b"
run_diff 2 u5 --min-delta 5parsecs "$work/a" "$work/b"
run_diff 2 u6 --noise-floor 101 "$work/a" "$work/b"
run_diff 2 u7 --no-such-option "$work/a" "$work/b"
run_diff 2 u8 "$work/a" "$work/missing"
run_diff 2 u9 "$work/other.json" "$work/a"
has u9.err "not a PerProVis report"
run_diff 2 u10 "$work/garbage" "$work/a"
run_diff 0 help --help
has help "Exit status: 0 no regression, 1 a function regressed, 2 error."
echo "PASS"
