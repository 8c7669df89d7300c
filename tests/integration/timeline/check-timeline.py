#!/usr/bin/python3
"""check-timeline.py - validate ppv-analyze timeline output.

usage: check-timeline.py chrome FILE [KEY=VALUE...]
       check-timeline.py speedscope FILE [KEY=VALUE...]

FILE may be gzip-compressed (.gz). Chrome keys: calls=N (exact number of
X events), name.NAME=N (X events of NAME), names=A,B (the set of X names),
min_dur_ns=N (no X shorter), tid=T (every X on thread T), threads=N
(threads with X events), main_named=1 (each process's main thread is
named by an M event; other threads' names depend on when the recorder saw
them), instants=N (i events).
Speedscope keys: opens=N (O events in all), profiles=N, frames=A,B (names
that must be among the shared frames).

Chrome: every X event must nest per (pid, tid): a call lies within the
call that was open when it began, or starts after it ended. Speedscope:
per profile, O/C balanced, each C closing the frame last opened, "at"
non-decreasing and within startValue..endValue.
"""
import collections
import decimal
import gzip
import json
import sys


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def load(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return json.load(f, parse_float=decimal.Decimal)


def ns(us):
    v = us * 1000
    if v != int(v):
        fail("time %s us is not a whole number of ns" % us)
    return int(v)


def check_nesting(calls):
    """calls: list of (start, end, name) of one thread."""
    calls.sort(key=lambda c: (c[0], -c[1]))
    stack = []
    for start, end, name in calls:
        while stack and not (stack[-1][0] <= start and end <= stack[-1][1]):
            top = stack.pop()
            if top[1] > start:
                fail("%s [%d, %d] overlaps %s [%d, %d] without nesting"
                     % (name, start, end, top[2], top[0], top[1]))
        stack.append((start, end, name))


def chrome(doc, want):
    if doc.get("displayTimeUnit") != "ns" or not isinstance(doc.get("otherData"), dict):
        fail("displayTimeUnit or otherData missing")
    evs = doc["traceEvents"]
    threads = collections.defaultdict(list)
    names = collections.Counter()
    named = set()
    instants = 0
    for e in evs:
        for k in ("ph", "pid", "tid"):
            if k not in e:
                fail("event without %s: %r" % (k, e))
        if e["ph"] == "X":
            start = ns(e["ts"])
            dur = ns(e["dur"])
            if not isinstance(e["args"].get("self_ns"), int) or e["args"]["self_ns"] > dur:
                fail("bad self_ns in %r" % e)
            if "min_dur_ns" in want and dur < int(want["min_dur_ns"]):
                fail("%s lasts %d ns, below the minimum" % (e["name"], dur))
            if "tid" in want and e["tid"] != int(want["tid"]):
                fail("%s on thread %d" % (e["name"], e["tid"]))
            threads[(e["pid"], e["tid"])].append((start, start + dur, e["name"]))
            names[e["name"]] += 1
        elif e["ph"] == "M" and e["name"] == "thread_name":
            named.add((e["pid"], e["tid"]))
        elif e["ph"] == "i":
            instants += 1
            if e.get("s") != "t":
                fail("instant not thread-scoped: %r" % e)
        elif e["ph"] not in ("M", "C"):
            fail("unexpected phase %r" % e["ph"])
    for calls in threads.values():
        check_nesting(calls)
    total = sum(names.values())
    if doc["otherData"]["calls"] != total:
        fail("otherData.calls %s, X events %d" % (doc["otherData"]["calls"], total))
    for k, v in want.items():
        if k == "calls" and total != int(v):
            fail("%d X events, expected %s" % (total, v))
        elif k.startswith("name.") and names[k[5:]] != int(v):
            fail("%d X events of %s, expected %s" % (names[k[5:]], k[5:], v))
        elif k == "names" and set(names) != set(v.split(",")):
            fail("X names %s, expected %s" % (sorted(names), v))
        elif k == "threads" and len(threads) != int(v):
            fail("%d threads with calls, expected %s" % (len(threads), v))
        elif k == "main_named":
            mains = {t for t in threads if t[0] == t[1]}
            if not mains or mains - named:
                fail("main threads %s, named %s" % (sorted(mains), sorted(named)))
        elif k == "instants" and instants != int(v):
            fail("%d instants, expected %s" % (instants, v))


def check_profile(p, nframes):
    if p["type"] != "evented" or p["unit"] != "nanoseconds":
        fail("profile %s: not evented in ns" % p["name"])
    stack, last, opens = [], None, 0
    for i, e in enumerate(p["events"]):
        if last is not None and e["at"] < last:
            fail("profile %s: event %d goes back in time" % (p["name"], i))
        last = e["at"]
        if not 0 <= e["frame"] < nframes:
            fail("profile %s: event %d has no frame" % (p["name"], i))
        if e["type"] == "O":
            stack.append(e["frame"])
            opens += 1
        elif e["type"] != "C" or not stack or stack.pop() != e["frame"]:
            fail("profile %s: event %d closes the wrong frame" % (p["name"], i))
    if stack:
        fail("profile %s: %d frames left open" % (p["name"], len(stack)))
    if p["events"] and (p["startValue"] != p["events"][0]["at"] or p["endValue"] != last):
        fail("profile %s: startValue/endValue do not bound the events" % p["name"])
    return opens


def speedscope(doc, want):
    if doc.get("$schema") != "https://www.speedscope.app/file-format-schema.json":
        fail("no speedscope $schema")
    frames = [f["name"] for f in doc["shared"]["frames"]]
    opens = sum(check_profile(p, len(frames)) for p in doc["profiles"])
    for k, v in want.items():
        if k == "opens" and opens != int(v):
            fail("%d O events, expected %s" % (opens, v))
        elif k == "profiles" and len(doc["profiles"]) != int(v):
            fail("%d profiles, expected %s" % (len(doc["profiles"]), v))
        elif k == "frames" and set(v.split(",")) - set(frames):
            fail("frames lack %s" % (set(v.split(",")) - set(frames)))


def main():
    kind, path = sys.argv[1], sys.argv[2]
    want = dict(a.split("=", 1) for a in sys.argv[3:])
    doc = load(path)
    {"chrome": chrome, "speedscope": speedscope}[kind](doc, want)


main()
