#!/usr/bin/env python3
"""Run tlsdiag on the scenario matrix and compare with tests/matrix/scenarios.tsv.

  run.py TLSDIAG SRCDIR [SCENARIOS.tsv]

Runs `tlsdiag --json OPTIONS CAPTURE` once per (capture, options) of scenarios.tsv (from
SRCDIR, so that option paths like tests/pki/root.pem work), finds each line's connection
by its two endpoints, and prints, as TAP comments: (a) the confusion table expected x
got, (b) every wrong cell with its confidence and rule, (c) the number of wrong answers
given with confidence high; then the TAP lines, one per scenario line, and the plan.
A line passes when tlsdiag's category is the expected one or one of the acceptable
alternatives; expected "none" passes when tlsdiag reports no such connection.
Exit status 0 when every line passes, 1 otherwise.
"""
import json
import os
import shlex
import subprocess
import sys

ORDER = ["ok", "tcp-refused", "tcp-timeout", "tcp-reset", "proxy-connect-failed",
         "non-tls-responder", "protocol-version", "null-cipher-rejected", "tls-inspection",
         "wrong-backend", "cert-untrusted", "cert-expired", "cert-not-yet-valid",
         "cert-name-mismatch", "client-cert-missing", "client-cert-untrusted-ca",
         "handshake-failed", "incomplete", "none"]
ABBR = {"ok": "ok", "tcp-refused": "refu", "tcp-timeout": "tout", "tcp-reset": "rst",
        "proxy-connect-failed": "prox", "non-tls-responder": "ntls", "protocol-version": "pver",
        "null-cipher-rejected": "null", "tls-inspection": "insp", "wrong-backend": "wbck",
        "cert-untrusted": "untr", "cert-expired": "expd", "cert-not-yet-valid": "nyv",
        "cert-name-mismatch": "name", "client-cert-missing": "ccmi",
        "client-cert-untrusted-ca": "ccun", "handshake-failed": "hsf", "incomplete": "inc",
        "none": "none"}


def endpoints(sel):
    c, s = sel.split(">")
    return c, s


def main():
    tlsdiag, srcdir = sys.argv[1], sys.argv[2]
    tsv = sys.argv[3] if len(sys.argv) > 3 else os.path.join(srcdir, "tests/matrix/scenarios.tsv")
    capdir = os.environ.get("MATRIX_CAPTURES", "tests/matrix/captures")
    lines = []
    for raw in open(tsv):
        if not raw.strip() or raw.startswith("#"):
            continue
        cap, sel, exp, alts, opts, desc = raw.rstrip("\n").split("\t")
        lines.append(dict(cap=cap, sel=sel, exp=exp,
                          alts=[] if alts == "-" else alts.split(","),
                          opts=[] if opts == "-" else shlex.split(opts), desc=desc))
    runs = {}
    for ln in lines:
        key = (ln["cap"], tuple(ln["opts"]))
        if key not in runs:
            cmd = [tlsdiag, "--json"] + list(key[1]) + [os.path.join(capdir, ln["cap"])]
            p = subprocess.run(cmd, cwd=srcdir, capture_output=True, text=True, timeout=120)
            flows = []
            for out in p.stdout.splitlines():
                try:
                    o = json.loads(out)
                except ValueError:
                    continue
                if o.get("type") == "flow":
                    flows.append(o)
            runs[key] = (flows, p.returncode, p.stderr.strip())
        flows, rc, err = runs[key]
        c, s = endpoints(ln["sel"])
        got, conf, rule, note = "none", "-", "-", ""
        for f in flows:
            fc = "%s:%s" % (f.get("client", {}).get("ip"), f.get("client", {}).get("port"))
            fs = "%s:%s" % (f.get("server", {}).get("ip"), f.get("server", {}).get("port"))
            if (fc, fs) in ((c, s), (s, c)):
                d = f.get("diagnosis", {})
                got, conf, rule = d.get("category", "?"), d.get("confidence", "?"), d.get("rule") or "-"
                if (fc, fs) == (s, c):
                    note = " (client and server swapped)"
                break
        if rc == 2 and not flows:
            note += " (tlsdiag exit 2: %s)" % err.splitlines()[-1] if err else " (tlsdiag exit 2)"
        ln.update(got=got, conf=conf, rule=rule, note=note,
                  ok=(got == ln["exp"] or got in ln["alts"]) and not note.startswith(" (client"))

    def out(s=""):
        print(("# " + s).rstrip())

    n = len(lines)
    wrong = [ln for ln in lines if not ln["ok"]]
    out("scenario matrix: %d connections (scenario lines), %d right, %d wrong" % (n, n - len(wrong), len(wrong)))
    out()
    out("(a) confusion table: rows = expected, columns = got (a row's count in its own column")
    out("    includes none of the accepted alternatives; 'alt' = got an acceptable alternative)")
    cols = [c for c in ORDER if any(ln["got"] == c for ln in lines)]
    cols += sorted(set(ln["got"] for ln in lines) - set(ORDER))
    rows = [r for r in ORDER if any(ln["exp"] == r for ln in lines)]
    w = 26
    out(" " * w + "".join("%5s" % ABBR.get(c, c[:4]) for c in cols) + "  alt  all")
    for r in rows:
        cells = []
        for c in cols:
            k = sum(1 for ln in lines if ln["exp"] == r and ln["got"] == c and (c == r or not ln["ok"]))
            cells.append("%5s" % (k if k else "."))
        alt = sum(1 for ln in lines if ln["exp"] == r and ln["ok"] and ln["got"] != r)
        tot = sum(1 for ln in lines if ln["exp"] == r)
        out("%-*s" % (w, r) + "".join(cells) + "%5s%5s" % (alt if alt else ".", tot))
    out("    columns: " + ", ".join("%s=%s" % (ABBR.get(c, c[:4]), c) for c in cols))
    out()
    out("(b) wrong cells: capture | connection | expected [alternatives] | got (confidence, rule)")
    for ln in wrong:
        out("  %s | %s | %s [%s] | %s (%s, %s)%s" % (ln["cap"], ln["sel"], ln["exp"],
            ",".join(ln["alts"]) or "-", ln["got"], ln["conf"], ln["rule"], ln["note"]))
        out("      %s%s" % (ln["desc"], ("  {" + " ".join(ln["opts"]) + "}") if ln["opts"] else ""))
    out()
    high = [ln for ln in wrong if ln["conf"] == "high"]
    out("(c) wrong answers given with confidence high: %d (goal: 0)" % len(high))
    byconf = {}
    for ln in wrong:
        byconf[ln["conf"]] = byconf.get(ln["conf"], 0) + 1
    out("    wrong by confidence: " + (", ".join("%s %d" % kv for kv in sorted(byconf.items())) or "none"))
    # a silent close proves nothing by itself: a certificate verdict drawn from one is an
    # inference (doc/diagnosis.md, client-dropped-*), medium at best
    silent = [ln for ln in lines if ln["ok"] and ln["conf"] == "high" and ln["got"] != "ok"
              and ("bare FIN" in ln["desc"] or "silent close" in ln["desc"]
                   or "closes silently" in ln["desc"])]
    out("(d) right answers stated with confidence high where the client closed silently: %d" % len(silent))
    for ln in silent:
        out("  %s | %s | %s (%s, %s)" % (ln["cap"], ln["sel"], ln["got"], ln["conf"], ln["rule"]))
    out()
    for i, ln in enumerate(lines, 1):
        print("%s %d - %s %s%s: expected %s%s, got %s (%s)" % (
            "ok" if ln["ok"] else "not ok", i, ln["cap"], ln["sel"],
            (" {" + " ".join(ln["opts"]) + "}") if ln["opts"] else "", ln["exp"],
            (" or " + "/".join(ln["alts"])) if ln["alts"] else "", ln["got"], ln["conf"]))
    print("1..%d" % n)
    return 0 if not wrong else 1


if __name__ == "__main__":
    sys.exit(main())
