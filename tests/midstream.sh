#!/bin/sh
# Captures started late (issue 12, item 2): mid-stream variants of every
# bundled capture, written by tests/midstream/make-midstream.py.
#  - without their SYNs (the whole handshake visible), every connection that
#    carried payload gets its original's verdict;
#  - started at any frame from 2 to 40, nothing crashes, and an answer said
#    with "high" confidence is the original's category or one of its
#    alternatives (resign-gateway.pcap excepted: its evidence is the
#    connection that a late start removes);
#  - a capture starting inside a record passes over to the next boundary.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$TLSDIAG" "$SRCDIR" "$tmp" <<'PY'
import glob, importlib.util, json, os, struct, subprocess, sys
tlsdiag, srcdir, tmp = sys.argv[1:4]
make = os.path.join(srcdir, 'tests/midstream/make-midstream.py')
n = 0

def tap(good, what):
    global n
    n += 1
    print(('ok' if good else 'not ok') + f' {n} - {what}')


def verdicts_of(paths, o):
    """{file: {client port: (category, confidence, alternatives, bytes)}}; None if tlsdiag failed.
    One run for many files: each file's connections are its own."""
    r = subprocess.run([tlsdiag, '--json'] + o + paths, capture_output=True, text=True)
    if r.returncode > 1:
        return None
    out = {p: {} for p in paths}
    for line in r.stdout.splitlines():
        j = json.loads(line)
        if j.get('type') == 'flow':
            d = j['diagnosis']
            out[j['file']][j['client']['port']] = (d['category'], d['confidence'],
                                                   {a['category'] for a in d['alternatives']},
                                                   j['tcp']['bytes_client'] + j['tcp']['bytes_server'])
    return out

def verdicts(path, o):
    r = verdicts_of([path], o)
    return r and r[path]

spec = importlib.util.spec_from_file_location('make_midstream', make)
mm = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mm)
opts = mm.expected_options(srcdir)

def variant(src, name='v.pcap', **how):
    dst = os.path.join(tmp, name)
    with open(src, 'rb') as i, open(dst, 'wb') as o:
        o.write(mm.variant(i.read(), **how))
    return dst

for f in sorted(glob.glob(os.path.join(srcdir, 'captures/*.pcap'))):
    name = os.path.basename(f)
    o = opts.get(name, [])
    orig = verdicts(f, o)
    data = open(f, 'rb').read()
    if data[20:24] != b'\x01\0\0\0' or not any(mm.tcp_of(p[2]) for p in mm.packets(data)):
        # TCP only inside a tunnel, or another link type: the rewriter finds no SYN to drop.
        tap(True, f'{name} without its SYNs # SKIP no Ethernet/IP/TCP frame to rewrite')
    else:
        got = verdicts(variant(f, from_payload=True), o)
        want = {p: v[0] for p, v in orig.items() if v[3] > 0}
        have = {p: v[0] for p, v in (got or {}).items()}
        tap(got is not None and have == want, f'{name} without its SYNs: {sorted(have.values())} = {sorted(want.values())}')
    if name == 'resign-gateway.pcap':
        continue
    wrong = []
    starts = {variant(f, name=f'start{k}.pcap', start=k): k for k in range(2, 41)}
    runs = verdicts_of(list(starts), o)
    if runs is None:
        wrong.append('exit > 1')
        runs = {}
    for path, got in runs.items():
        k = starts[path]
        for port, (cat, conf, _, _) in got.items():
            if conf == 'high' and port in orig and cat != orig[port][0] and cat not in orig[port][2]:
                wrong.append(f'start {k}: {cat} high, original {orig[port][0]}')
    tap(not wrong, f'{name} started at frames 2-40: no crash, no other high verdict {wrong[:3]}')

nginx = os.path.join(srcdir, 'captures/tls12-ok-nginx.pcap')
v = variant(nginx, start=6, trim_bytes=100)
text = subprocess.run([tlsdiag, v], capture_output=True, text=True).stdout
tap("the server's first 869 bytes passed over to a record boundary" in text,
    'started inside the ServerHello record: passed over to the next record boundary')
tap(list(verdicts(v, []).values())[0][:2] == ('ok', 'medium'), 'the handshake seen from its middle: ok, medium')
v = variant(nginx, start=10)
r = subprocess.run([tlsdiag, '--json', v], capture_output=True, text=True).stdout.splitlines()[0]
tap(json.loads(r)['diagnosis']['rule'] == 'before-capture', 'only application data: before-capture')

# Started while the server's data was in flight (captures/gen/make-inflight.sh,
# a server-side capture of a slow link): every start at a frame that
# carries data whose acknowledgment lags what the other side had already
# sent. The bytes between were sent before the start and never come; the
# stream goes on after them instead of waiting. The gap is worked out here
# from the capture's own sequence numbers.
inflight = os.path.join(srcdir, 'captures/inflight-server-side.pcap')
pk = list(mm.packets(open(inflight, 'rb').read()))
sent = {}
lagging = []
for i, p in enumerate(pk, 1):
    t = mm.tcp_of(p[2])
    ip, tcp, pay, key = t
    fr = p[2]
    sport = fr[tcp] << 8 | fr[tcp + 1]
    seq, ack = struct.unpack('>II', fr[tcp + 4:tcp + 12])
    side = 'server' if sport == 443 else 'client'
    other = 'client' if side == 'server' else 'server'
    if fr[tcp + 13] & 0x02:
        sent = {}
    if len(fr) > pay and sent.get(other, ack) != ack and (sent[other] - ack) % 2**32 < 2**31:
        # the first later data segment of the other side starts at sent[other]
        lagging.append((i, other, (sent[other] - ack) % 2**32))
    end = (seq + len(fr) - pay) % 2**32
    if len(fr) > pay and (side not in sent or (end - sent[side]) % 2**32 < 2**31):
        sent[side] = end
tap(len(lagging) > 0, f'inflight-server-side.pcap has starts with data in flight: {lagging}')
for k, side, gap in lagging:
    v = variant(inflight, name=f'inflight{k}.pcap', start=k)
    r = subprocess.run([tlsdiag, '--json', v], capture_output=True, text=True).stdout.splitlines()
    j = json.loads(r[0]) if r else {}
    tcp = j.get('tcp', {})
    side_bytes = tcp.get('bytes_' + side, 0)
    alerts = j.get('tls', {}).get('alert', {}).values()
    tap(tcp.get(side + '_not_captured') == gap and side_bytes > 0 and j['tls'][side]['records'] > 0 and
        all(a.get('encrypted') for a in alerts),
        f'started at frame {k}: the {gap} bytes the {side} had in flight are missing, its later records '
        f'read, its alerts taken as encrypted '
        f'({tcp.get(side + "_not_captured")}, {side_bytes} bytes)')
print(f'1..{n}')
PY
