#!/bin/sh
# Captures that lost more than one segment, or got them out of order: each
# bundled capture rewritten 12 times by a seeded generator (so every run
# makes the same variants), in turn with two frames dropped at random, with
# every frame dropped at a 10 % chance, and with two neighbouring frames
# swapped and one frame dropped. tests/loss.sh drops one data frame at a
# time; this is the messier capture of a busy SPAN port. The connections
# went as they went (only the capture lost packets), so a verdict said with
# high confidence must be the original's category or one of its
# alternatives, or "incomplete". resign-gateway.pcap is left out (its
# verdict rests on an earlier connection, which a loss may remove).
#
# Before the fixes of 2026-12-07 this found 12 such verdicts: "tcp-refused"
# for a reset after a lost SYN-ACK (the client had sent its ClientHello),
# "null-cipher-rejected" after a lost plaintext answer in a capture that
# also lost the SYN, "ok" for a lost HTTP refusal.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null 2>&1 || skip_all "no python3"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$TLSDIAG" "$SRCDIR" "$tmp" <<'PY'
import importlib.util, json, os, random, struct, subprocess, sys
tlsdiag, srcdir, tmp = sys.argv[1:4]
spec = importlib.util.spec_from_file_location('mm', os.path.join(srcdir, 'tests/midstream/make-midstream.py'))
mm = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mm)
n = 0

def tap(good, what):
    global n
    n += 1
    print(('ok' if good else 'not ok') + f' {n} - {what}')

def verdicts(path, o):
    r = subprocess.run([tlsdiag, '--json'] + o + [path], capture_output=True, text=True)
    if r.returncode > 1:
        return None
    out = {}
    for line in r.stdout.splitlines():
        j = json.loads(line)
        if j.get('type') == 'flow':
            d = j['diagnosis']
            out[j['client']['port']] = (d['category'], d['confidence'], {a['category'] for a in d['alternatives']})
    return out

def variant(pk, trial, rng):
    if trial % 3 == 0:  # two frames dropped
        drop = set(rng.sample(range(len(pk)), 2))
        return [p for i, p in enumerate(pk) if i not in drop]
    if trial % 3 == 1:  # each frame dropped at 10 %
        return [p for p in pk if rng.random() > 0.10]
    keep = list(pk)     # two neighbours swapped, one frame dropped
    k = rng.randrange(1, len(keep) - 1)
    keep[k], keep[k + 1] = keep[k + 1], keep[k]
    del keep[rng.randrange(len(keep))]
    return keep

rng = random.Random(7)
judged, failed, high, medium = 0, [], [], 0
for name, o in mm.expected_options(srcdir).items():
    if name == 'resign-gateway.pcap':
        continue
    src = os.path.join(srcdir, 'captures', name)
    data = open(src, 'rb').read()
    if struct.unpack('<I', data[:4])[0] != 0xa1b2c3d4:
        continue  # pcapng or another byte order: the writer here is for plain pcap
    pk = list(mm.packets(data))
    if len(pk) < 4:
        continue
    orig = verdicts(src, o)
    for trial in range(12):
        path = os.path.join(tmp, f'{name}.{trial}.pcap')
        with open(path, 'wb') as f:
            f.write(data[:24])
            for p in variant(pk, trial, rng):
                f.write(struct.pack('<IIII', p[0], p[1], len(p[2]), p[3]) + bytes(p[2]))
        got = verdicts(path, o)
        if got is None:
            failed.append(f'{name} variant {trial}')
            continue
        for port, (cat, conf, _) in got.items():
            if port not in orig:
                continue
            judged += 1
            ocat, _, oalts = orig[port]
            if cat == ocat or cat in oalts or cat == 'incomplete':
                continue
            if conf == 'high':
                high.append(f'{name} variant {trial}: {cat} high, original {ocat}')
            else:
                medium += 1
        os.unlink(path)
tap(not failed, f'every variant read (exit 0 or 1) {failed[:3]}')
tap(not high, f'{judged} connections judged: no verdict of another cause with high confidence {high[:4]}')
print(f'# {medium} verdicts of another cause at medium or low confidence')
print(f'1..{n}')
PY
