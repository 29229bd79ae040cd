#!/bin/sh
# The time rules (--handshake-timeout, --idle-timeout, the SYN patience)
# across input files and across long silences inside one file (issue 13).
# A connection still open when its file ends, followed by a file captured
# an hour later, was open when its capture ended: it must not be reported
# as "4 SYNs over 3600 s". Inside one file the silence was captured, and a
# connection is decided when its rule fired (its last packet plus the
# limit), as it would be live, not when the next packet happened to come.
#
# Inputs are bundled captures; the "hour later" copies have every
# timestamp moved by 3600 s (a rewrite of the pcap record headers).
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null 2>&1 || skip_all "no python3"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cap="$SRCDIR/captures"

# The inputs, made from two bundled captures (classic pcap, microseconds).
python3 - "$cap" "$tmp" <<'EOF' || skip_all "could not rewrite the captures"
import struct, sys
cap, tmp = sys.argv[1], sys.argv[2]
def records(path):
    d = open(path, "rb").read()
    assert struct.unpack("<I", d[:4])[0] == 0xA1B2C3D4, path + ": not a little-endian microsecond pcap"
    off, out = 24, []
    while off + 16 <= len(d):
        sec, usec, incl, orig = struct.unpack("<IIII", d[off:off + 16])
        out.append((sec, usec, orig, d[off + 16:off + 16 + incl]))
        off += 16 + incl
    return d[:24], out
def write(path, head, recs, shift=0):
    with open(path, "wb") as f:
        f.write(head)
        for sec, usec, orig, pkt in recs:
            f.write(struct.pack("<IIII", sec + shift, usec, len(pkt), orig) + pkt)
head, syn = records(cap + "/tcp-timeout.pcap")
_, ok = records(cap + "/tls13-ok.pcap")
write(tmp + "/later.pcap", head, ok, 3600)
# One file: the unanswered SYNs, then an hour of silence, then the later connection.
later = [(s + 3600, u, o, p) for s, u, o, p in ok]
write(tmp + "/syn-then-later.pcap", head, syn + later)
# A ClientHello never answered: tls13-ok up to its ClientHello (SYN,
# SYN-ACK, ACK, ClientHello), then nothing.
hello = ok[:4]
write(tmp + "/hello.pcap", head, hello)
# The same hello, then the later connection an hour later in the same file.
write(tmp + "/hello-then-later.pcap", head, hello + later)
EOF
# What the captures hold (captures/README.md): tcp-timeout.pcap has a SYN
# at 0 s and its retransmissions at about 1, 3 and 7 s, nothing after.

"$TLSDIAG" "$cap/tcp-timeout.pcap" >"$tmp/alone" 2>&1
grep -q "4 SYNs over 7.2 s" "$tmp/alone"
ok $? "tcp-timeout.pcap alone: 4 SYNs over 7.2 s ($(grep -o '[0-9]* SYNs over [0-9.]* s' "$tmp/alone"))"

"$TLSDIAG" "$cap/tcp-timeout.pcap" "$tmp/later.pcap" >"$tmp/two" 2>&1
grep -q "4 SYNs over 7.2 s" "$tmp/two"
ok $? "followed by a file an hour later: the same 7.2 s, not the gap ($(grep -o '[0-9]* SYNs over [0-9.]* s' "$tmp/two"))"
grep -q "diagnosis: tcp-timeout" "$tmp/two" && grep -q "diagnosis: ok" "$tmp/two"
ok $? "both connections keep their verdicts (tcp-timeout, ok)"
grep -q '^#1 .*tcp-timeout.pcap\]' "$tmp/two" && grep -q '^#2 .*later.pcap\]' "$tmp/two"
ok $? "the timed-out connection is reported before the later file's"

"$TLSDIAG" "$tmp/later.pcap" "$cap/tcp-timeout.pcap" >"$tmp/rev" 2>&1
grep -q "4 SYNs over 7.2 s" "$tmp/rev"
ok $? "files given latest first: still 7.2 s ($(grep -o '[0-9]* SYNs over [0-9.]* s' "$tmp/rev"))"

# One file, the hour of silence captured: the SYN is given up 35 s after
# its last retransmission (the SYN patience, src/conntrack.c), so the
# client was seen waiting 7.2 + 35 = 42 s, as a live run would say.
"$TLSDIAG" "$tmp/syn-then-later.pcap" >"$tmp/one" 2>&1
grep -q "4 SYNs over 42 s" "$tmp/one"
ok $? "one file with an hour of silence: decided 35 s after the last SYN, 42 s ($(grep -o '[0-9]* SYNs over [0-9.]* s' "$tmp/one"))"

# --handshake-timeout 2 on a ClientHello never answered.
"$TLSDIAG" --handshake-timeout 2 "$tmp/hello.pcap" >"$tmp/h1" 2>&1
"$TLSDIAG" --handshake-timeout 2 "$tmp/hello.pcap" "$tmp/later.pcap" >"$tmp/h2" 2>&1
grep -q "^#1" "$tmp/h1" && [ "$(grep -A30 '^#1' "$tmp/h1" | grep -m1 'diagnosis:')" = "$(grep -A30 '^#1' "$tmp/h2" | grep -m1 'diagnosis:')" ]
ok $? "an unanswered ClientHello at the end of a file: the same verdict whether or not a later file follows ($(grep -m1 'diagnosis:' "$tmp/h2" | sed 's/^ *//'))"
! grep -q "rule handshake-stalled" "$tmp/h2"
ok $? "it is not called stalled: the file ended before the 2 s were up"
"$TLSDIAG" --handshake-timeout 2 "$tmp/hello-then-later.pcap" >"$tmp/h3" 2>&1
grep -q "rule handshake-stalled" "$tmp/h3" && grep -Eq "no packet for 2(\.0)? s" "$tmp/h3"
ok $? "the same ClientHello with an hour of captured silence: stalled, no packet for 2 s ($(grep -m1 'no packet for' "$tmp/h3" | sed 's/^ *//'))"

# JSON says the same.
"$TLSDIAG" --json "$cap/tcp-timeout.pcap" "$tmp/later.pcap" >"$tmp/two.json" 2>&1
python3 -c '
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("type") == "summary" or r.get("diagnosis", {}).get("category") != "tcp-timeout":
        continue
    obs = r["tcp"]["observed"]
    sys.exit(0 if 7.0 < obs < 7.5 else 1)
sys.exit(1)
' "$tmp/two.json"
ok $? "JSON: tcp.observed is 7.2 s, not the gap"
done_testing
