#!/bin/sh
# Captures that lost a segment (tcpdump's "packets dropped by kernel", a
# SPAN port that cannot keep up): every bundled capture with one of its
# first 25 data-carrying frames dropped, each in turn. The connections
# themselves went as they went (the peers got the segment; only the
# capture lost it), so a verdict said with high confidence must be the
# original's category or one of its alternatives; "incomplete" (rules
# capture-hole, ok-hole) is the honest answer. resign-gateway.pcap is left
# out: its verdict rests on an earlier connection, which a loss may remove.
# A capture that lost only the bare FINs lost no data: every verdict stays
# what it was, confidence included.
# A real capture with a lost segment (captures/inflight-server-side.pcap,
# the ServerHello segment dropped) says capture-hole and names the side.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$TLSDIAG" "$SRCDIR" "$tmp" <<'PY'
import importlib.util, json, os, struct, subprocess, sys
tlsdiag, srcdir, tmp = sys.argv[1:4]
n = 0
MEDIUM_BOUND = 2

def tap(good, what):
    global n
    n += 1
    print(('ok' if good else 'not ok') + f' {n} - {what}')

spec = importlib.util.spec_from_file_location('mm', os.path.join(srcdir, 'tests/midstream/make-midstream.py'))
mm = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mm)

opts = mm.expected_options(srcdir)

def verdicts(paths, o):
    r = subprocess.run([tlsdiag, '--json'] + o + paths, capture_output=True, text=True)
    out = {p: {} for p in paths}
    for line in r.stdout.splitlines():
        j = json.loads(line)
        if j.get('type') == 'flow':
            d = j['diagnosis']
            out[j['file']][j['client']['port']] = (d['category'], d['confidence'],
                                                   {a['category'] for a in d['alternatives']}, j)
    return out if r.returncode <= 1 else None

def without(data, pk, k, name):
    path = os.path.join(tmp, name)
    with open(path, 'wb') as o:
        o.write(data[:24])
        for i, p in enumerate(pk, 1):
            if i != k:
                o.write(struct.pack('<IIII', p[0], p[1], len(p[2]), p[3]) + bytes(p[2]))
    return path

variants = 0
all_medium = []
for name, o in opts.items():
    if name == 'resign-gateway.pcap':
        continue
    src = os.path.join(srcdir, 'captures', name)
    data = open(src, 'rb').read()
    if struct.unpack('<I', data[:4])[0] != 0xa1b2c3d4:
        continue  # pcapng or another byte order: the writer here is for plain pcap
    pk = list(mm.packets(data))
    frames = [i for i, p in enumerate(pk, 1) if (t := mm.tcp_of(p[2])) and len(p[2]) > t[2]][:25]
    if not frames:
        continue
    orig = verdicts([src], o)[src]
    paths = {without(data, pk, k, f'{name}.d{k}.pcap'): k for k in frames}
    # One run each: the variants share their connections' addresses, ports
    # and sequence numbers, so in one run a connection still open at the end
    # of one file would go on in the next.
    got = {}
    for path in paths:
        r = verdicts([path], o)
        if r is None:
            got = None
            break
        got.update(r)
    wrong, medium = [], []
    for path, conns in (got or {}).items():
        for port, (cat, conf, _, _) in conns.items():
            if port not in orig or cat == orig[port][0] or cat in orig[port][2] or cat == 'incomplete':
                continue
            (wrong if conf == 'high' else medium).append(f'frame {paths[path]} dropped: {cat} {conf}, '
                                                         f'original {orig[port][0]}')
    variants += len(paths)
    fins = [i for i, p in enumerate(pk, 1) if (t := mm.tcp_of(p[2])) and len(p[2]) <= t[2] and p[2][t[1] + 13] & 0x01]
    if fins:
        path = os.path.join(tmp, f'{name}.nofin.pcap')
        with open(path, 'wb') as out:
            out.write(data[:24])
            for i, p in enumerate(pk, 1):
                if i not in fins:
                    out.write(struct.pack('<IIII', p[0], p[1], len(p[2]), p[3]) + bytes(p[2]))
        got_fin = verdicts([path], o)
        changed = [(port, orig[port][:2], v[:2]) for port, v in (got_fin or {}).get(path, {}).items()
                   if port in orig and v[:2] != orig[port][:2] and orig[port][0] != 'incomplete']
        tap(got_fin is not None and not changed, f'{name} without its {len(fins)} bare FINs: the same verdicts {changed[:2]}')
    tap(got is not None and not wrong, f'{name}, one of {len(frames)} data frames dropped: no other high verdict {wrong[:3]}')
    if medium:
        print(f'# {name}: other verdicts at medium or low confidence: {medium[:3]}')
    all_medium += [f'{name} {m}' for m in medium]
print(f'# {variants} variants')
# Left (2026-12-07): midstream-late-start.pcap's two, a capture started
# late, where no loss can be judged (no start of the sequence space).
# The bound keeps the count from creeping back up (it was 20, then 2).
tap(len(all_medium) <= MEDIUM_BOUND,
    f'{len(all_medium)} verdicts of another cause at medium or low confidence (at most {MEDIUM_BOUND}): {all_medium[:4]}')

# The real capture's TLS 1.2 ServerHello segment (its first server data) dropped.
src = os.path.join(srcdir, 'captures/inflight-server-side.pcap')
data = open(src, 'rb').read()
pk = list(mm.packets(data))
first_server = next(i for i, p in enumerate(pk, 1)
                    if (t := mm.tcp_of(p[2])) and len(p[2]) > t[2] and p[2][t[1]:t[1] + 2] == b'\x01\xbb')
path = without(data, pk, first_server, 'inflight-no-serverhello.pcap')
conns = verdicts([path], [])[path]
first = min(conns)
cat, conf, _, j = conns[first]
tap(cat == 'incomplete' and j['diagnosis']['rule'] == 'capture-hole' and j['tcp'].get('server_hole') is True
    and not j['tcp'].get('client_hole'),
    f'inflight-server-side.pcap without frame {first_server} (the ServerHello): capture-hole, the server\'s ({cat}, {j["diagnosis"]["rule"]})')
print(f'1..{n}')
PY
