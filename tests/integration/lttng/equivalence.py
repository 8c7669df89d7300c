#!/usr/bin/python3
"""equivalence.py NATIVE.json LTTNG.json - the same program recorded with
both backends must give identical call counts, call trees and I/O counts
(ppv-analyze json reports). Times differ and are not compared."""
import json
import sys


def functions(r):
    return {(f["name"], f["kind"]): (f["call_count"], f["errors"], f["io_ops"])
            for f in r["function_profiles"].values() if f["call_count"] or f["io_ops"]}


def tree(node):
    """(function, calls, children sorted by name): the shape, not the times."""
    kids = sorted((tree(c) for c in node.get("children", [])), key=lambda t: (t[0], t[1]))
    return (node["function"], node["calls"], tuple(kids))


def io(r):
    return {k: (v["ops"], v["bytes"], v["errors"]) for k, v in r["io_profiles"]["by_kind"].items()}


def main():
    native, lttng = (json.load(open(p)) for p in sys.argv[1:3])
    bad = 0
    for what, get in (("functions", functions), ("call tree", lambda r: tree(r["call_tree"])),
                      ("I/O", io)):
        a, b = get(native), get(lttng)
        if a != b:
            bad = 1
            print(f"FAIL: {what} differ between the native and the LTTng recording")
            if isinstance(a, dict):
                for k in sorted(set(a) | set(b), key=str):
                    if a.get(k) != b.get(k):
                        print(f"  {k}: native {a.get(k)}, lttng {b.get(k)}")
    if not native["summary"]["calls"]:
        bad = 1
        print("FAIL: the native recording has no calls")
    if not bad:
        print(f"ok: {native['summary']['calls']} calls, {len(functions(native))} functions, "
              f"{sum(v[0] for v in io(native).values())} I/O operations alike")
    return bad


if __name__ == "__main__":
    sys.exit(main())
