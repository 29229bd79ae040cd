"""Validate JSON Lines against doc/json-schema.json with the subset of JSON
Schema it uses ($ref to #/$defs, oneOf, type, enum, required, properties,
additionalProperties, items, pattern, minimum), in the standard library
alone; when the jsonschema module is installed, with it too.
Usage: python3 tests/json_schema_check.py SCHEMA FILE.json...
Prints one line per invalid record and exits 1 if there was one."""
import json
import re
import sys

TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


def is_type(v, t):
    if t == "integer":
        return isinstance(v, int) and not isinstance(v, bool)
    if t == "number":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    return isinstance(v, TYPES[t])


def errors(root, s, v, path):
    if "$ref" in s:
        ref = s["$ref"]
        if not ref.startswith("#/"):
            raise ValueError("only local references: %s" % ref)
        target = root
        for p in ref[2:].split("/"):
            target = target[p]
        yield from errors(root, target, v, path)
        return
    if "oneOf" in s:
        results = [list(errors(root, sub, v, path)) for sub in s["oneOf"]]
        matched = sum(1 for r in results if not r)
        if matched != 1:
            # The branch whose "type" member fits says what is wrong.
            for sub, r in zip(s["oneOf"], results):
                d = root
                for p in sub.get("$ref", "#")[2:].split("/"):
                    d = d[p] if p else d
                if isinstance(v, dict) and v.get("type") in d.get("properties", {}).get("type", {}).get("enum", ()):
                    yield from r
                    return
            yield "%s: matches %d of the oneOf schemas" % (path or "/", matched)
        return
    t = s.get("type")
    if t is not None:
        ts = t if isinstance(t, list) else [t]
        if not any(is_type(v, x) for x in ts):
            yield "%s: %s is not of type %s" % (path or "/", json.dumps(v)[:60], "/".join(ts))
            return
    if "enum" in s and v not in s["enum"]:
        yield "%s: %s is not one of %s" % (path or "/", json.dumps(v)[:60], s["enum"])
    if "pattern" in s and isinstance(v, str) and not re.search(s["pattern"], v):
        yield "%s: %s does not match %s" % (path or "/", json.dumps(v)[:60], s["pattern"])
    if "minimum" in s and is_type(v, "number") and v < s["minimum"]:
        yield "%s: %s is below %s" % (path or "/", v, s["minimum"])
    if isinstance(v, dict):
        props = s.get("properties", {})
        for k in s.get("required", ()):
            if k not in v:
                yield "%s: %s is required" % (path or "/", k)
        for k, x in v.items():
            if k in props:
                yield from errors(root, props[k], x, path + "/" + k)
            elif s.get("additionalProperties") is False:
                yield "%s: %s is not allowed" % (path or "/", k)
            elif isinstance(s.get("additionalProperties"), dict):
                yield from errors(root, s["additionalProperties"], x, path + "/" + k)
    if isinstance(v, list) and "items" in s:
        for i, x in enumerate(v):
            yield from errors(root, s["items"], x, "%s/%d" % (path, i))


def main():
    schema = json.load(open(sys.argv[1]))
    try:
        import jsonschema
        real = jsonschema.Draft202012Validator(schema)
    except ImportError:
        real = None
    bad = n = 0
    for name in sys.argv[2:]:
        for lineno, line in enumerate(open(name), 1):
            record = json.loads(line)
            n += 1
            found = list(errors(schema, schema, record, ""))
            if real is not None:
                if real.is_valid(record) != (not found):
                    found.append("the jsonschema module disagrees: %s" %
                                 ([e.message[:80] for e in real.iter_errors(record)] or "valid"))
            for e in found[:5]:
                print("%s:%d: %s" % (name, lineno, e))
            bad += bool(found)
    print("# %d records, %d invalid%s" % (n, bad, "" if real is None else " (checked with jsonschema too)"))
    return 1 if bad else 0


sys.exit(main())
