"""The public-corpus figure (issue 12): of the reference values other tools
give for the captures in MANIFEST.tsv (JA3, JA3S, JA4, JA4S, negotiated
cipher and version, SNI), how many tlsdiag reports, run with default
options (or the options given after --). A value counts as found when some
connection of the capture reports it.

usage: corpus_score.py TLSDIAG PCAPDIR MANIFEST [-v] [-- OPTIONS...]

Values read: arkime JSON answers (ja3, ja3s, ja4, cipher, version); JA4's
JA4.1=, JA4S=, domain=; suricata's tls.sni=, tls.ja4=, tls.ja3.hash=,
tls.ja3s.hash=, tls.version=; zeek ssl.log version=, cipher=, server_name=.
Draft TLS 1.3 version names are left out (no tool spells them alike)."""
import csv
import json
import re
import subprocess
import sys


def norm_version(v):
    v = v.lower().replace(" ", "").replace(".", "").replace("v", "")
    return {"tls1": "tls10", "ssl3": "ssl30", "ssl2": "ssl20"}.get(v, v)


def reference(answer):
    """(kind, value) pairs of one MANIFEST reference_answer."""
    out = set()
    head = answer.split(" ; expected files")[0]
    for part in head.split(" | "):
        part = part.strip()
        if part.startswith("{"):
            try:
                ref = json.loads(part.split(" ; ")[0])
            except ValueError:
                continue
            for k in ("ja3", "ja3s", "ja4", "cipher"):
                out.update((k, v) for v in ref.get(k, []))
            out.update(("version", norm_version(v)) for v in ref.get("version", []) if "draft" not in v)
            continue
        for key, kind in (("JA4.1", "ja4"), ("JA4S", "ja4s"), ("domain", "sni"), ("tls.sni", "sni"),
                          ("tls.ja4", "ja4"), ("tls.ja3.hash", "ja3"), ("tls.ja3s.hash", "ja3s"),
                          ("cipher", "cipher"), ("server_name", "sni")):
            for m in re.finditer(r"(?:^| )" + re.escape(key) + r"=(\S+)", part):
                if m.group(1) != "-":
                    out.add((kind, m.group(1)))
        for m in re.finditer(r"(?:^| )(?:tls\.)?version=(TLS ?[0-9.]+|TLSv?[0-9.]+|SSLv?[0-9.]+)(?= |$)(?! draft)", part):
            out.add(("version", norm_version(m.group(1))))
    # A JA4 the MANIFEST line cut short is no reference value.
    return {(k, v) for k, v in out if k not in ("ja4", "ja4s") or v.count("_") == 2}


def reported(tlsdiag, path, opts):
    out = subprocess.run([tlsdiag, "--json"] + opts + [path], capture_output=True, text=True, timeout=120).stdout
    got = set()
    for line in out.splitlines():
        try:
            o = json.loads(line)
        except ValueError:
            continue
        ch = o.get("tls", {}).get("client_hello", {})
        sh = o.get("tls", {}).get("server_hello", {})
        for kind, v in (("ja3", ch.get("ja3")), ("ja4", ch.get("ja4")), ("sni", ch.get("sni")),
                        ("ja3s", sh.get("ja3s")), ("ja4s", sh.get("ja4s")),
                        ("cipher", sh.get("cipher_suite"))):
            if v:
                got.add((kind, v))
        if sh.get("selected_version"):
            got.add(("version", norm_version(sh["selected_version"])))
    return got


def main():
    args = sys.argv[1:]
    opts = args[args.index("--") + 1:] if "--" in args else []
    args = args[:args.index("--")] if "--" in args else args
    verbose = "-v" in args
    tlsdiag, pcaps, manifest = [a for a in args if a != "-v"][:3]
    found = total = 0
    for row in csv.DictReader(open(manifest), delimiter="\t"):
        ref = reference(row["reference_answer"])
        if not ref:
            continue
        got = reported(tlsdiag, pcaps + "/" + row["file"], opts)
        miss = sorted(ref - got)
        total += len(ref)
        found += len(ref) - len(miss)
        if verbose and miss:
            print("missed %s: %s" % (row["file"], ", ".join("%s=%s" % m for m in miss)))
    print("found %d of %d reference values (%.1f%%) with options: %s" %
          (found, total, 100.0 * found / total if total else 0, " ".join(opts) or "(default)"))


main()
