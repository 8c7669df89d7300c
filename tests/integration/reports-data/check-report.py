#!/usr/bin/python3
"""check-report.py - validate a ppv-analyze JSON report against
docs/report-schema.json, then check exact values.

usage: check-report.py SCHEMA REPORT [PATH=VALUE | PATH?]...
  PATH is '/'-separated object keys and array indices; VALUE is JSON
  (1520, "main", true). PATH? only requires the path to exist.
Exit: 0 ok, 1 a check failed, 77 jsonschema is not installed."""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("SKIP: python3-jsonschema is not installed for %s" % sys.executable)
    sys.exit(77)

# The call tree nests two levels per frame; deep recursion needs room.
sys.setrecursionlimit(100000)


def lookup(doc, path):
    for key in path.split("/"):
        if isinstance(doc, list):
            doc = doc[int(key)]
        else:
            doc = doc[key]
    return doc


def main():
    schema = json.load(open(sys.argv[1]))
    doc = json.load(open(sys.argv[2]))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    for e in errors[:20]:
        print("schema: /%s: %s" % ("/".join(map(str, e.path)), e.message[:300]))
    bad = bool(errors)
    for check in sys.argv[3:]:
        path, eq, want = check.partition("=")
        try:
            got = lookup(doc, path.rstrip("?"))
        except (KeyError, IndexError, ValueError, TypeError):
            print("missing: %s" % path)
            bad = True
            continue
        if eq and got != json.loads(want):
            print("wrong: %s = %s, expected %s" % (path, json.dumps(got), want))
            bad = True
    print("report %s: %s" % (sys.argv[2], "FAILED" if bad else "ok"))
    return 1 if bad else 0


sys.exit(main())
