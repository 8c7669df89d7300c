#!/usr/bin/python3
"""flame-case.py - record a test program and check `ppv-analyze flame` on it.

usage: flame-case.py fib|threads|deep PROG [ARGS...]
env: PPV_RECORD, PPV_ANALYZE (paths of the built tools).

Checks, for every program: folded stacks with --by calls against the call
counts the program must make (computed here from its algorithm), time
weights summing to the summary's total_ns (from the JSON report), the
flame chart's lines adding up to the folded stacks, and the SVG flame
graph and flame chart parsed as XML: well-formed, the expected frames
present, every frame inside its parent, children no wider than it.
"""
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

NS = '{http://www.w3.org/2000/svg}'
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print('FAIL: ' + what)


def analyze(*args, status=0):
    r = subprocess.run([os.environ['PPV_ANALYZE']] + list(args), capture_output=True, text=True)
    if r.returncode != status:
        sys.exit('ppv-analyze %s: exit %d, expected %d\n%s' %
                 (' '.join(args), r.returncode, status, r.stderr))
    return r


def folded(text):
    """Lines "stack N" as (stack, N) in order."""
    out = []
    for line in text.splitlines():
        stack, _, n = line.rpartition(' ')
        check(stack and n.isdigit(), 'folded line %r has the form "stack COUNT"' % line)
        out.append((stack, int(n)))
    return out


def fib_calls_by_depth(n):
    """Calls of fib at each recursion depth (1: the call from main)."""
    depth = collections.Counter()
    todo = [(n, 1)]
    while todo:
        k, d = todo.pop()
        depth[d] += 1
        if k >= 2:
            todo += [(k - 1, d + 1), (k - 2, d + 1)]
    return depth


def expected_calls(kind, arg):
    if kind == 'fib':
        d = fib_calls_by_depth(arg)
        return [('main', 1)] + [(';'.join(['main'] + ['fib'] * k), d[k]) for k in sorted(d)]
    if kind == 'deep':
        return [('main', 1)] + [(';'.join(['main'] + ['down'] * k), 2) for k in range(1, arg + 2)]
    return [('main', 1), ('thread_main', 8), ('thread_main;work', 8 * arg),
            ('thread_main;work;leaf', 16 * arg)]


def frames(svg_path):
    """Every <g class="f"> of an SVG as (name, x, y, width)."""
    root = ET.parse(svg_path).getroot()
    check(root.tag == NS + 'svg', 'the root element is <svg>')
    check(root.find(NS + 'script') is not None, 'the script is inline')
    check(root.find(NS + 'style') is not None, 'the CSS is inline')
    with open(svg_path) as f:
        text = f.read()
    check(text.count('http://') == 1 and 'href' not in text, 'nothing is fetched')
    out = []
    for g in root.iter(NS + 'g'):
        if 'f' not in g.get('class', '').split():
            continue
        r = g.find(NS + 'rect')
        name = g.find(NS + 'title').text.split('\n')[0]
        out.append((name, float(r.get('x')), float(r.get('y')), float(r.get('width'))))
    return root, out


def check_nesting(fr, up, what):
    """Each frame lies inside one frame of the row below (@up: rows grow upward)."""
    rows = collections.defaultdict(list)
    for f in fr:
        rows[f[2]].append(f)
    for y, row in rows.items():
        parent_y = y + 16 if up else y - 16
        if parent_y not in rows:
            continue
        for name, x, _, w in row:
            parents = [p for p in rows[parent_y] if p[1] - 0.01 <= x and x + w <= p[1] + p[3] + 0.01]
            check(len(parents) == 1, '%s: %s at x=%.3f y=%.1f lies inside its parent' % (what, name, x, y))
            if parents:
                p = parents[0]
                kids = sum(k[3] for k in row if p[1] - 0.01 <= k[1] and k[1] + k[3] <= p[1] + p[3] + 0.01)
                check(kids <= p[3] + 0.05, '%s: children of %s are no wider than it' % (what, p[0]))


def check_graph(work, trace, calls):
    svg = os.path.join(work, 'flame.svg')
    analyze('flame', '--svg', svg, trace)
    _, fr = frames(svg)
    names = {f[0] for f in fr}
    want = {s.split(';')[-1] for s, _ in calls} | {'all'}
    check(want <= names, 'SVG frames %s include %s' % (sorted(names), sorted(want)))
    root = [f for f in fr if f[0] == 'all']
    check(len(root) == 1 and abs(root[0][3] - 1180) < 0.01, 'the root spans the graph')
    check(root and max(f[2] for f in fr) == root[0][2], 'flames grow upward from the root')
    check_nesting(fr, True, 'flame graph')
    analyze('flame', '--svg', svg, '--icicle', '--title', 'T <&>', trace)
    root, fr = frames(svg)
    check(root.find(NS + 'text').text == 'T <&>', 'the title is the one given')
    check([f[2] for f in fr if f[0] == 'all'] == [60.0], 'an icicle has its root at the top')
    check_nesting(fr, False, 'icicle')


def check_chart(work, trace, timed, nthreads):
    lines = folded(analyze('flame', '--flamechart', trace).stdout)
    sums = collections.Counter()
    for s, n in lines:
        sums[s] += n
    check(dict(sums) == dict(timed), 'flame chart lines add up to the folded stacks')
    check(all(a[0] != b[0] for a, b in zip(lines, lines[1:])) or nthreads > 1,
          'adjacent equal stacks are merged')
    if nthreads == 1:
        check(lines[0][0] == 'main' and lines[-1][0] == 'main', 'the chart starts and ends in main')
    svg = os.path.join(work, 'chart.svg')
    analyze('flame', '--flamechart', '--svg', svg, trace)
    _, fr = frames(svg)
    lanes = [f for f in fr if f[0].startswith('thread ')]
    check(len(lanes) == nthreads, '%d lanes for %d threads' % (len(lanes), nthreads))
    check_nesting(fr, True, 'flame chart')


def main():
    kind, prog, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    arg = int(args[0])
    work = tempfile.mkdtemp(prefix='ppv-flame.')
    try:
        trace = os.path.join(work, 'trace')
        r = subprocess.run([os.environ['PPV_RECORD'], '-o', trace, '--', prog] + args,
                           capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit('ppv-record %s failed (exit %d):\n%s' % (prog, r.returncode, r.stderr))
        calls = expected_calls(kind, arg)
        got = folded(analyze('flame', '--by', 'calls', trace).stdout)
        if kind == 'threads':
            got, calls = sorted(got), sorted(calls)
        check(got == calls, 'folded --by calls:\n%s\nexpected:\n%s' % (got[:30], calls[:30]))
        out = os.path.join(work, 'calls.folded')
        analyze('flame', '--by', 'calls', '-o', out, trace)
        with open(out) as f:
            check(sorted(folded(f.read())) == sorted(got), '-o writes the same stacks')
        timed = folded(analyze('flame', trace).stdout)
        total = json.loads(analyze('json', trace).stdout)['summary']['total_ns']
        check(sum(n for _, n in timed) == total, 'time weights sum to total_ns %d' % total)
        check({s for s, _ in timed} <= {s for s, _ in calls}, 'timed stacks are the call paths')
        check_graph(work, trace, calls)
        check_chart(work, trace, timed, 9 if kind == 'threads' else 1)
        r = analyze('flame', '--by', 'memory', trace, status=1)
        check('no allocation events' in r.stderr, '--by memory says there are no allocations')
        analyze('flame', '--by', 'bytes', trace, status=2)
        r = analyze('flame', '-o', os.path.join(work, 'no', 'such'), trace, status=1)
        check('cannot create' in r.stderr, 'an output file that cannot be created is an error')
    finally:
        shutil.rmtree(work)
    if failures:
        sys.exit('%d check(s) failed' % len(failures))
    print('ok')


main()
