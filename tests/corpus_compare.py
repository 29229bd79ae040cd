"""Compare tlsdiag's JA3/JA4/JA3S hashes and chosen cipher suites with the
reference answers of other tools in the corpus MANIFEST.tsv. A reference value
counts as matched when tlsdiag reports it for some connection of the capture;
captures where tlsdiag reports no hello (STARTTLS, IPv6, SOCKS) are listed
as not comparable. Exit 1 on any value tlsdiag reports differently."""
import csv
import json
import subprocess
import sys

KEYS = {"ja3": ("client_hello", "ja3_hash"), "ja4": ("client_hello", "ja4"),
        "ja3s": ("server_hello", "ja3s_hash"), "cipher": ("server_hello", "cipher_suite")}
# Reference answers this project knowingly differs from (with the reason).
KNOWN = {("ja4__tls-non-ascii-alpn.pcap", "ja4"): "the current JA4 spec gives 'bd' for ALPN 0xba..0xad; the reference tool printed '99'"}


def reported(tlsdiag, path):
    out = subprocess.run([tlsdiag, "--json", "-p", "1-65535", path], capture_output=True, text=True).stdout
    got = {k: set() for k in KEYS}
    for line in out.splitlines():
        o = json.loads(line)
        tls = o.get("tls", {})
        for k, (grp, key) in KEYS.items():
            v = tls.get(grp, {}).get(key)
            if v:
                got[k].add(v)
    return got


def main():
    tlsdiag, corpus, manifest = sys.argv[1:4]
    matched = differ = not_comparable = 0
    for row in csv.DictReader(open(manifest), delimiter="\t"):
        ans = row["reference_answer"].split(" | ")[0].split(" ; ")[0]
        try:
            ref = json.loads(ans)
        except ValueError:
            continue
        got = reported(tlsdiag, corpus + "/" + row["file"])
        for k in KEYS:
            for v in ref.get(k, []):
                if v in got[k]:
                    matched += 1
                elif not got[k]:
                    not_comparable += 1
                elif (row["file"], k) in KNOWN:
                    print("known difference %s %s: %s" % (row["file"], k, KNOWN[(row["file"], k)]))
                else:
                    differ += 1
                    print("DIFFERENT %s %s: reference %s, tlsdiag %s" % (row["file"], k, v, sorted(got[k])))
    print("matched %d, different %d, not comparable %d" % (matched, differ, not_comparable))
    return 1 if differ else 0


sys.exit(main())
