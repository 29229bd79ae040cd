#!/bin/sh
# doc/json-schema.json: it is what doc/update-json-schema.py writes, and
# every record --json writes for the bundled captures (each alone, all in
# one run, and the golden runs with their options) validates against it.
# The certificate records of one run: each fingerprint once, before the
# first flow whose chain names it.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
schema="$SRCDIR/doc/json-schema.json"
check="$SRCDIR/tests/json_schema_check.py"

python3 "$SRCDIR/doc/update-json-schema.py" "$TLSDIAG" "$SRCDIR/doc/json.md" "$tmp/schema.json" &&
	diff "$schema" "$tmp/schema.json" >"$tmp/diff"
ok $? "doc/json-schema.json is up to date (python3 doc/update-json-schema.py src/tlsdiag doc/json.md doc/json-schema.json)"
sed 's/^/# /' "$tmp/diff" | head -20

for f in "$SRCDIR"/captures/*.pcap; do
	(cd "$SRCDIR/captures" && "$TLSDIAG" --json "${f##*/}") 2>/dev/null
done >"$tmp/each.json"
python3 "$check" "$schema" "$tmp/each.json" >"$tmp/out"
ok $? "every record of every bundled capture validates ($(tail -1 "$tmp/out" | sed 's/^# //'))"
grep -v "^# " "$tmp/out" | sed "s/^/# /" | head -20

(cd "$SRCDIR/captures" && "$TLSDIAG" --json *.pcap) >"$tmp/all.json" 2>/dev/null
python3 "$check" "$schema" "$tmp/all.json" >"$tmp/out"
ok $? "one run over all bundled captures validates ($(tail -1 "$tmp/out" | sed 's/^# //'))"
grep -v "^# " "$tmp/out" | sed "s/^/# /" | head -20

python3 "$check" "$schema" "$SRCDIR"/tests/golden/expected/*.json >"$tmp/out"
ok $? "the golden JSON outputs (runs with options) validate ($(tail -1 "$tmp/out" | sed 's/^# //'))"
grep -v "^# " "$tmp/out" | sed "s/^/# /" | head -20

python3 - "$tmp/all.json" >"$tmp/out" <<'PY'
import json, sys
written, first_use, n_flows = {}, {}, 0
for n, line in enumerate(open(sys.argv[1]), 1):
    o = json.loads(line)
    if o["type"] == "certificate":
        if o["sha256"] in written:
            print("line %d: certificate %s written again (first on line %d)" % (n, o["sha256"], written[o["sha256"]]))
        written[o["sha256"]] = n
    elif o["type"] == "flow":
        n_flows += 1
        for side in ("server", "client"):
            for fp in o.get("x509", {}).get(side, {}).get("chain", []):
                if fp not in written:
                    print("line %d: flow %d names certificate %s with no record before it" % (n, o["id"], fp))
    else:
        if o["certificates"] != len(written):
            print("summary: certificates %d, records %d" % (o["certificates"], len(written)))
if n_flows < 50 or len(written) < 10:
    print("too few flows (%d) or certificates (%d)" % (n_flows, len(written)))
PY
[ $? -eq 0 ] && [ ! -s "$tmp/out" ]
ok $? "each certificate is written once per run, before the first flow that names it"
grep -v "^# " "$tmp/out" | sed "s/^/# /" | head -20

(cd "$SRCDIR/captures" && "$TLSDIAG" --json *.pcap) 2>/dev/null | normalize >"$tmp/again.json"
normalize <"$tmp/all.json" | cmp -s - "$tmp/again.json"
ok $? "two runs write the same bytes (uids, order of the certificate records)"

# The validator refuses what the schema does not allow.
python3 - "$tmp/each.json" "$tmp" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
flow = next(json.loads(l) for l in lines if '"type":"flow"' in l)
cert = next(json.loads(l) for l in lines if '"type":"certificate"' in l)
bad = [dict(flow, extra=1), dict(flow, id="1"), dict(flow, uid="X1"), {k: v for k, v in flow.items() if k != "ts"},
       dict(flow, tcp=dict(flow["tcp"], packets="20")), dict(cert, sha256="F" * 64), dict(cert, san_dns="a,b"),
       dict(flow, diagnosis=dict(flow["diagnosis"], category="bogus")), {"type": "other"}]
for i, b in enumerate(bad):
    open("%s/bad%d.json" % (sys.argv[2], i), "w").write(json.dumps(b) + "\n")
PY
refused=0
for b in "$tmp"/bad*.json; do
	python3 "$check" "$schema" "$b" >/dev/null || refused=$((refused + 1))
done
[ "$refused" -eq 9 ]
ok $? "the validator refuses 9 of 9 invalid records ($refused)"
done_testing
