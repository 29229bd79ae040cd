#!/usr/bin/env python3
"""Check tlsdiag --json output: jsonl.py FILE [EXPR ...]

Exit 0 when FILE is valid JSON Lines -- one "flow" object per line (and "certificate"
objects, counted in ncert), then exactly one "summary" object, last -- and every EXPR (a Python expression) is true. Otherwise say
on stdout, as TAP comments, what failed. Outputs of a million lines are streamed: only
the first 1000 flows are kept whole.

Names an EXPR can use:
  summary   the summary object          n       the number of flow objects
  ncert     the number of certificate objects
  flows     the first 1000 flows        flow(i) flow number i (1-based, among those kept)
  g(o, "a.b.c", default=None)           a dotted path into an object
  tally["path"]                         collections.Counter of that path's value over ALL
                                        flows, for the paths in TALLY below
"""
import collections
import json
import sys

TALLY = ("stage", "diagnosis.category", "tcp.reassembled", "tcp.bytes_client", "tcp.syn_count",
         "tcp.packets", "tls.seen", "caps")
KEEP = 1000
MISSING = object()


def g(o, path, default=None):
    for k in path.split("."):
        if not isinstance(o, dict) or k not in o:
            return default
        o = o[k]
    return o


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    flows, summary, n, ncert = [], None, 0, 0
    tally = {p: collections.Counter() for p in TALLY}
    try:
        with open(argv[1], encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                obj = json.loads(line)
                if summary is not None:
                    print("# line %d follows the summary" % lineno)
                    return 1
                if obj.get("type") == "summary":
                    summary = obj
                    continue
                if obj.get("type") == "certificate":
                    ncert += 1
                    continue
                if obj.get("type") != "flow":
                    print("# line %d: type %r" % (lineno, obj.get("type")))
                    return 1
                n += 1
                if n <= KEEP:
                    flows.append(obj)
                for p in TALLY:
                    v = g(obj, p, MISSING)
                    tally[p][json.dumps(v) if isinstance(v, list) else v] += 1
    except (OSError, ValueError) as e:
        print("# not JSON Lines: %s" % e)
        return 1
    if summary is None:
        print("# no summary line")
        return 1
    env = {"summary": summary, "n": n, "ncert": ncert, "flows": flows, "flow": lambda i: flows[i - 1], "g": g,
           "tally": tally, "MISSING": MISSING}
    bad = 0
    for expr in argv[2:]:
        try:
            ok = eval(expr, env)  # the test's own expressions
        except Exception as e:  # a missing key is a failed check, not a crash
            ok = False
            print("# %s: %s: %s" % (expr, type(e).__name__, e))
        if not ok:
            bad += 1
            print("# false: %s" % expr)
    if bad:
        s = {k: summary.get(k) for k in ("connections", "connections_not_tracked", "categories")}
        print("# (flows: %d; summary: %s)" % (n, json.dumps(s)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
