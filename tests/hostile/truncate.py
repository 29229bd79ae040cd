#!/usr/bin/env python3
"""truncate.py TLSDIAG CAPTURE TMPDIR: tlsdiag on cuts of a classic pcap file.

Every length from 0 to the file's size within the first and the last 200 bytes, each
packet boundary and the bytes either side of it, and every STRIDE-th length in between
(STRIDE from the environment, default 10). Each cut is analyzed with --json, every fourth
with the text report too. Prints one result line per property, "ok DESCRIPTION" or
"not ok DESCRIPTION", after "# " lines that name the failing cuts (at most 5 each);
tests/hostile.sh turns them into TAP.

What is right for a cut of N bytes (K = whole packets in the first N bytes):
  N = 0                  exit 2, stderr one line: "tlsdiag: FILE: empty file, not a capture"
  0 < N < 24             exit 2, one line: "tlsdiag: FILE: truncated dump file; tried to read
                         M file header bytes, only got L" (libpcap's words and numbers)
  N on a packet boundary nothing on stderr; exit 0 when every connection is "ok", else 1
  otherwise              exit 2, one line "tlsdiag: FILE: truncated dump file; ... (after
                         frame K)"
and always: stdout is JSON Lines, the summary last, with packets K and files_failed 0 or 1
as the file did or did not fail; the text report ends with the "==" summary; no crash.
"""
import json
import os
import re
import struct
import subprocess
import sys


def boundaries(data):
    off, out = 24, [24]
    while off + 16 <= len(data):
        caplen = struct.unpack("<I", data[off + 8:off + 12])[0]
        off += 16 + caplen
        if off > len(data):
            break
        out.append(off)
    return out


def lengths(size, bounds, stride):
    ls = set(range(0, min(200, size + 1)))
    ls |= set(range(max(0, size - 199), size + 1))
    ls |= set(range(0, size + 1, stride))
    for b in bounds:
        ls |= {b - 1, b, b + 1}
    return sorted(x for x in ls if 0 <= x <= size)


def main(argv):
    tlsdiag, capture, tmp = argv[1:4]
    stride = int(os.environ.get("STRIDE", "10"))
    with open(capture, "rb") as f:
        data = f.read()
    bounds = boundaries(data)
    assert bounds[-1] == len(data), "not a little-endian classic pcap read to its end"
    cut = os.path.join(tmp, "cut.pcap")
    fails = {k: [] for k in ("status", "stderr", "json", "packets", "text")}
    runs = texts = 0
    for n in lengths(len(data), bounds, stride):
        with open(cut, "wb") as f:
            f.write(data[:n])
        whole = sum(1 for b in bounds[1:] if b <= n)
        r = subprocess.run([tlsdiag, "--json", "--max-connections", "16", cut],
                           capture_output=True, timeout=30)
        runs += 1
        err = r.stderr.decode(errors="replace").splitlines()
        pre = "tlsdiag: %s: " % cut
        if n == 0:
            want_rc, want_err = {2}, [re.escape(pre) + r"empty file, not a capture$"]
        elif n < 24:
            want_rc = {2}
            want_err = [re.escape(pre) + r"truncated dump file; tried to read \d+ file header "
                        r"bytes, only got \d+$"]
        elif n in bounds:
            want_rc, want_err = {0, 1}, []
        else:
            want_rc = {2}
            want_err = [re.escape(pre) + r"truncated dump file; .*\(after frame %d\)$" % whole]
        if r.returncode not in want_rc:
            fails["status"].append("%d bytes: exit %d" % (n, r.returncode))
        if len(err) != len(want_err) or not all(re.match(w, e) for w, e in zip(want_err, err)):
            fails["stderr"].append("%d bytes: %r" % (n, err))
        try:
            objs = [json.loads(l) for l in r.stdout.decode().splitlines()]
            assert objs and objs[-1]["type"] == "summary"
            assert all(o["type"] in ("flow", "certificate") for o in objs[:-1])
            s = objs[-1]
            flows = [o for o in objs[:-1] if o["type"] == "flow"]
        except (ValueError, AssertionError, KeyError) as e:
            fails["json"].append("%d bytes: %s" % (n, e or "no summary last"))
            continue
        failed = 1 if want_rc == {2} else 0
        if s["packets"] != whole or s["files_failed"] != failed:
            fails["packets"].append("%d bytes: packets %s files_failed %s, want %d %d"
                                    % (n, s["packets"], s["files_failed"], whole, failed))
        if n in bounds and r.returncode in (0, 1):
            all_ok = all(o["diagnosis"]["category"] == "ok" for o in flows)
            if r.returncode != (0 if all_ok else 1):
                fails["status"].append("%d bytes: exit %d with categories %s"
                                       % (n, r.returncode, s["categories"]))
        if runs % 4 == 0:
            texts += 1
            t = subprocess.run([tlsdiag, "--max-connections", "16", cut], capture_output=True,
                               timeout=30)
            lines = t.stdout.decode(errors="replace").splitlines()
            sums = [i for i, l in enumerate(lines) if l.startswith("== ")]
            if (t.returncode != r.returncode or t.stderr != r.stderr or len(sums) != 1 or
                    not lines[sums[0]].startswith("== %d connection" % len(flows))):
                fails["text"].append("%d bytes: exit %d, stderr %r, summary %r"
                                     % (n, t.returncode, t.stderr[:200],
                                        [lines[i] for i in sums]))
    what = {
        "status": "exit 2 when the cut is inside the file header or a packet, else 0 or 1 "
                  "(0 exactly when every connection is ok)",
        "stderr": "one stderr line naming the file and the reason (libpcap's, with the last "
                  "whole frame), none on a packet boundary",
        "json": "stdout is JSON Lines, flows (and certificates) then the summary last",
        "packets": "the summary counts exactly the whole packets before the cut; files_failed "
                   "1 exactly when the cut is inside the header or a packet",
        "text": "the text report agrees (exit status, stderr, one '== N connections' summary)",
    }
    print("# %d cuts of %s (%d bytes, %d packets), %d also as text"
          % (runs, os.path.basename(capture), len(data), len(bounds) - 1, texts))
    for k, msg in what.items():
        for f in fails[k][:5]:
            print("# %s" % f)
        print("%s %d cuts: %s" % ("not ok" if fails[k] else "ok", runs if k != "text" else texts,
                                  msg))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
