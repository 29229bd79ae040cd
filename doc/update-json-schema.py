"""Write doc/json-schema.json, the JSON Schema (draft 2020-12) of every
record `tlsdiag --json` writes, from `tlsdiag --list-facts` (the facts of a
flow and their types), the category lists of doc/json.md and the JSON forms
below, which are src/report_json.c's (doc/json.md, "Facts in JSON").
Usage: python3 doc/update-json-schema.py src/tlsdiag doc/json.md doc/json-schema.json
(tests/schema.sh checks that the file is what this writes, and validates the
output of every bundled capture against it)."""
import json
import re
import subprocess
import sys

tlsdiag, page, path = sys.argv[1:4]
text = open(page).read()


def listed(key):
    row = re.search(r"^\| `%s` \|.*$" % re.escape(key), text, re.M).group(0)
    return sorted(set(re.findall(r"`([a-z0-9-]+)`", row.split("|")[3])))


S = {"type": "string"}
INT = {"type": "integer", "minimum": 0}
NUM = {"type": "number"}
BOOL = {"type": "boolean"}
STRS = {"type": "array", "items": S}
SHA256 = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
MD5 = {"type": "string", "pattern": "^[0-9a-f]{32}$"}
TS = {"type": "string", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z$|^-?[0-9]+$"}
DATE = {"type": "string", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$|^-?[0-9]+$"}
FACT_TYPES = {
    "bool": BOOL, "number": NUM, "frame": {"type": "integer", "minimum": 1}, "time": NUM,
    "string": S, "list": STRS,
}
LEAF_KEPT = ["subject", "issuer", "not_before", "not_after", "expired", "not_yet_valid", "days_left",
             "minutes_since_issue", "parse_error"]
# name -> {JSON key: schema} written in its place (None: not written)
FORMS = {
    "tls.client_hello.ja3": {"ja3": MD5, "ja3_string": S},
    "tls.client_hello.ja3_hash": None,
    "tls.client_hello.alpn": {"alpn": STRS},
    "tls.server_hello.ja3s": {"ja3s": MD5, "ja3s_string": S,
                              "ja4s": {"type": "string", "pattern": "^t[0-9a-z]{2}[0-9]{2}[0-9A-Za-z]{2}_[0-9a-f]{4}_[0-9a-f]{12}$"}},
    "tls.server_hello.ja3s_hash": None,
    "tls.client_hello.ja4": {"ja4": {"type": "string", "pattern": "^[tq][0-9a-z]{2}[di][0-9]{4}[0-9A-Za-z]{2}_[0-9a-f]{12}_[0-9a-f]{12}$"}},
    "x509.server.chain": {"chain": {"type": "array", "items": SHA256}},
    "x509.client.chain": {"chain": {"type": "array", "items": SHA256}},
    "x509.client_auth.ca_names": {"ca_names": STRS},
}


def obj(props, required=()):
    o = {"type": "object", "properties": props, "additionalProperties": False}
    if required:
        o["required"] = list(required)
    return o


facts = {}
for line in subprocess.run([tlsdiag, "--list-facts"], capture_output=True, text=True, check=True).stdout.splitlines():
    name, typ, _ = line.split(None, 2)
    parts = name.split(".")
    if len(parts) == 4 and parts[0] == "x509" and parts[2] == "leaf" and parts[3] not in LEAF_KEPT:
        continue
    form = FORMS.get(name, {parts[-1]: FACT_TYPES.get(typ)})
    if form is None:
        continue
    node = facts
    for p in parts[:-1]:
        node = node.setdefault(p, {})
    for k, v in form.items():
        if v is None:
            sys.exit("%s: a fact of type %s has no JSON form here" % (name, typ))
        node[k] = v


def tree(node):
    return obj({k: (v if "type" in v else tree(v)) for k, v in node.items()})


flow_head = {
    "type": {"enum": ["flow"]},
    "ts": TS,
    "uid": {"type": "string", "pattern": "^C[0-9A-Za-z]{17}$"},
    "community_id": {"type": "string", "pattern": "^1:[A-Za-z0-9+/]{27}=$"},
    "id": {"type": "integer", "minimum": 1},
    "file": S,
    "duration": {"type": "number", "minimum": 0},
    "packets_client": INT,
    "packets_server": INT,
    "resumed": BOOL,
    "last_alert": S,
}
categories = {"enum": listed("diagnosis.category")}
confidence = {"enum": ["high", "medium", "low"]}
diagnosis = obj({
    "category": categories,
    "windows_error": {"type": ["string", "null"]},
    "confidence": confidence,
    "evidence_class": {"enum": ["decisive", "inferred", "circumstance"]},
    "rule": {"type": ["string", "null"]},
    "summary": S,
    "evidence": {"type": "array", "items": obj({"frame": {"type": "integer", "minimum": 1}, "detail": S},
                                               ["frame", "detail"])},
    "explanation": S,
    "remedy": S,
    "alternatives": {"type": "array", "items": obj({"category": categories, "confidence": confidence,
                                                    "rule": S, "summary": S},
                                                   ["category", "confidence", "rule", "summary"])},
}, ["category", "windows_error", "confidence", "evidence_class", "rule", "summary", "evidence",
    "explanation", "remedy", "alternatives"])
findings = {"type": "array", "items": obj({"category": {"enum": listed("findings[].category")}, "rule": S,
                                           "summary": S}, ["category", "rule", "summary"])}
flow_props = dict(flow_head)
flow_props.update(tree(facts)["properties"])
flow_props["diagnosis"] = diagnosis
flow_props["findings"] = findings
flow = obj(flow_props, ["type", "ts", "uid", "id", "file", "duration", "packets_client", "packets_server",
                        "stage", "diagnosis", "findings"])

certificate = obj({
    "type": {"enum": ["certificate"]},
    "ts": TS,
    "sha256": SHA256,
    "sha1": {"type": "string", "pattern": "^[0-9a-f]{40}$"},
    "parsed": BOOL,
    "error": S,
    "subject": S, "issuer": S, "cn": S,
    "san_dns": STRS, "san_ip": STRS,
    "serial": {"type": "string", "pattern": "^-?[0-9A-F]+$"},
    "not_before": DATE, "not_after": DATE,
    "key_type": S, "key_bits": INT, "signature_algorithm": S,
    "self_signed": BOOL, "ca": BOOL,
    "eku": STRS, "crl_urls": STRS, "aia_urls": STRS,
    "ja4x": {"type": "string", "pattern": "^[0-9a-f]{12}_[0-9a-f]{12}_[0-9a-f]{12}$"},
}, ["type", "ts", "sha256", "sha1", "parsed"])

counts = {"type": "object", "additionalProperties": INT}
summary = obj({
    "type": {"enum": ["summary"]},
    "files": INT, "files_failed": INT, "packets": INT, "bytes": INT, "connections": INT,
    "certificates": INT,
    "connections_not_tracked": INT, "connections_not_tracked_memory": INT, "stray_packets": INT,
    "peak_connections": INT,
    "libnids": obj({"streams": INT, "warnings": INT, "evicted": INT}, ["streams", "warnings", "evicted"]),
    "capture": obj({"received": INT, "dropped": INT, "ifdropped": INT, "cut": INT},
                   ["received", "dropped", "ifdropped", "cut"]),
    "seconds": {"type": "number", "minimum": 0},
    "categories": counts,
    "caps": counts,
    "servers": {"type": "array", "items": obj({"server": S, "sni": S, "connections": INT, "categories": counts},
                                              ["server", "connections", "categories"])},
    "servers_others": INT,
    "written_connections": INT, "written_packets": INT, "write_failed": BOOL,
}, ["type", "files", "files_failed", "packets", "bytes", "connections", "certificates",
    "connections_not_tracked", "connections_not_tracked_memory", "stray_packets", "peak_connections",
    "libnids", "seconds", "categories", "caps", "servers"])

schema = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "tlsdiag --json: one record per line",
    "description": "Written by doc/update-json-schema.py from tlsdiag --list-facts and doc/json.md; do not edit.",
    "oneOf": [{"$ref": "#/$defs/flow"}, {"$ref": "#/$defs/certificate"}, {"$ref": "#/$defs/summary"}],
    "$defs": {"flow": flow, "certificate": certificate, "summary": summary},
}
open(path, "w").write(json.dumps(schema, indent=1) + "\n")
