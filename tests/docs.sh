#!/bin/sh
# The documentation agrees with the program: every fact is documented, every
# option is in the man page, and every example in the README runs and prints
# what the README shows.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$TLSDIAG" --list-facts | awk '{print $1}' | sort >"$tmp/facts"
sed -n 's/^| `\([^`]*\)` |.*/\1/p' "$SRCDIR/doc/facts.md" | sort >"$tmp/documented"
diff "$tmp/facts" "$tmp/documented" >"$tmp/diff"
ok $? "doc/facts.md lists exactly the facts of --list-facts"
sed 's/^/# /' "$tmp/diff"

missing=""
for opt in $("$TLSDIAG" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
	grep -q -- "$(echo "$opt" | sed 's/-/\\\\-/g')" "$SRCDIR/doc/tlsdiag.1" || missing="$missing $opt"
done
[ -z "$missing" ]
ok $? "every option of --help is in doc/tlsdiag.1${missing:+ (missing:$missing)}"

if command -v groff >/dev/null 2>&1; then
	warnings=$(groff -man -ww -z "$SRCDIR/doc/tlsdiag.1" 2>&1)
	[ -z "$warnings" ]
	ok $? "the man page renders without warnings"
fi

# README examples: a ```console block whose first line is "$ src/tlsdiag ARGS"
# followed by the output, run from the top of the tree.
python3 - "$SRCDIR/README.md" "$tmp" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
for i, block in enumerate(re.findall(r"```console\n(.*?)```", text, re.S)):
    lines = block.splitlines()
    open("%s/example%d.cmd" % (sys.argv[2], i), "w").write(lines[0][2:] + "\n")
    open("%s/example%d.out" % (sys.argv[2], i), "w").write("\n".join(lines[1:]) + "\n")
PY
n=0
for cmd in "$tmp"/example*.cmd; do
	[ -e "$cmd" ] || break
	n=$((n + 1))
	out="${cmd%.cmd}.out"
	(cd "$SRCDIR" && TLSDIAG_BIN="$TLSDIAG" sh -c "$(sed "s#^src/tlsdiag#\"\$TLSDIAG_BIN\"#" "$cmd")") 2>&1 | normalize >"$tmp/got"
	normalize <"$out" | diff - "$tmp/got" >"$tmp/diff"
	ok $? "README example: $(cat "$cmd")"
	sed 's/^/# /' "$tmp/diff" | head -20
done
[ "$n" -ge 3 ]
ok $? "the README has at least three examples ($n)"

# doc/tlsdiag.1: every example after a '.\" docs-example: ARGS' line (an
# .EX block) is what "tlsdiag ARGS" prints, run from the top of the tree:
# its lines appear in the output, consecutive and in order.
python3 - "$SRCDIR/doc/tlsdiag.1" "$tmp" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
for i, (args, block) in enumerate(re.findall(r'^\.\\" docs-example: (.*)\n\.EX\n(.*?)^\.EE$', text, re.S | re.M)):
    open("%s/man%d.args" % (sys.argv[2], i), "w").write(args + "\n")
    open("%s/man%d.out" % (sys.argv[2], i), "w").write(block.replace("\\-", "-").replace("\\e", "\\"))
PY
k=0
for a in "$tmp"/man*.args; do
	[ -e "$a" ] || break
	k=$((k + 1))
	(cd "$SRCDIR" && eval "set -- $(cat "$a")" && "$TLSDIAG" "$@") >"$tmp/man-got" 2>&1
	python3 -c 'import sys; sys.exit(0 if open(sys.argv[1]).read() in open(sys.argv[2]).read() else 1)' \
		"${a%.args}.out" "$tmp/man-got"
	ok $? "doc/tlsdiag.1 example: tlsdiag $(cat "$a")"
done
[ "$k" -ge 1 ]
ok $? "doc/tlsdiag.1 has a checked example ($k)"

# doc/rules.md: every ```rules example loads on top of the defaults and
# shows up in --list-rules.
python3 - "$SRCDIR/doc/rules.md" "$tmp" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
for i, block in enumerate(re.findall(r"```rules\n(.*?)```", text, re.S)):
    open("%s/doc%d.rules" % (sys.argv[2], i), "w").write(block)
PY
m=0
for f in "$tmp"/doc*.rules; do
	[ -e "$f" ] || break
	m=$((m + 1))
	id=$(sed -n 's/^rule \([^ ]*\) {/\1/p' "$f" | head -1)
	"$TLSDIAG" --rules "$f" --list-rules >"$tmp/list" 2>&1
	[ $? -eq 0 ] && grep -q "^$id " "$tmp/list"
	ok $? "doc/rules.md example $m (rule $id) loads"
	sed 's/^/# /' "$tmp/list" | grep -i error
done
[ "$m" -ge 2 ]
ok $? "doc/rules.md has rule examples ($m)"

# doc/rules.md, Errors: every ```broken-rules file, saved as site.rules and
# loaded with --rules, prints exactly the ```rules-error line that follows it
# and exits 2. The examples are read from the page, so it cannot drift.
python3 - "$SRCDIR/doc/rules.md" "$tmp" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
pairs = re.findall(r"```broken-rules\n(.*?)```\s*```rules-error\n(.*?)```", text, re.S)
if len(pairs) != text.count("```broken-rules\n"):
    sys.exit("doc/rules.md: a ```broken-rules block without its ```rules-error block")
for i, (rules, message) in enumerate(pairs):
    open("%s/broken%d.rules" % (sys.argv[2], i), "w").write(rules)
    open("%s/broken%d.msg" % (sys.argv[2], i), "w").write(message)
PY
ok $? "doc/rules.md: every broken-rules example has its message"
e=0
for f in "$tmp"/broken*.rules; do
	[ -e "$f" ] || break
	e=$((e + 1))
	mkdir -p "$tmp/err$e"
	cp "$f" "$tmp/err$e/site.rules"
	(cd "$tmp/err$e" && "$TLSDIAG" --rules site.rules --list-rules >stdout 2>stderr; echo $? >rc)
	[ "$(cat "$tmp/err$e/rc")" -eq 2 ] && [ ! -s "$tmp/err$e/stdout" ] &&
		diff "${f%.rules}.msg" "$tmp/err$e/stderr" >"$tmp/diff"
	ok $? "doc/rules.md error example $e: $(head -c 60 "${f%.rules}.msg" | head -1)"
	sed 's/^/# /' "$tmp/diff"
done
[ "$e" -ge 3 ]
ok $? "doc/rules.md has error examples ($e)"

# doc/json.md: every key --json writes for the bundled captures (one run
# with -w too, for the written_* keys) is documented: a key of the page's
# tables (its "Facts in JSON" rows before doc/facts.md), a fact of
# doc/facts.md (with the JSON type its facts.md type says), or a member of a
# certificate record. The page's examples are what the program writes.
for f in "$SRCDIR"/captures/*.pcap; do
	(cd "$SRCDIR" && "$TLSDIAG" --json "captures/${f##*/}")
done >"$tmp/all.json" 2>/dev/null
(cd "$SRCDIR" && "$TLSDIAG" --json -w "$tmp/w.pcapng" captures/multi-connection.pcap) >>"$tmp/all.json" 2>/dev/null
python3 - "$SRCDIR/doc/json.md" "$SRCDIR/doc/facts.md" "$tmp/all.json" >"$tmp/json-undocumented" <<'PY'
import json, re, sys
page, facts_md, out = sys.argv[1:4]
text = open(page).read()
section, doc = None, {"flow": {}, "cert": {}, "summary": {}}
for line in text.splitlines():
    if line.startswith("## "):
        section = {"## `flow`": "flow", "## Facts in JSON": "flow", "## `certificate`": "cert",
                   "## `summary`": "summary"}.get(line.strip())
    m = re.match(r"\| `([^`]+)` \| ([^|]*) \|", line)
    if section and m:
        doc[section][m.group(1)] = m.group(2).strip()
facts = {}
for line in open(facts_md):
    m = re.match(r"\| `([^`]+)` \| ([^|]*) \|", line)
    if m:
        facts[m.group(1)] = m.group(2).strip()
# The diagnosis categories the page lists, and the cap names.
diag = re.search(r"^\| `diagnosis\.category` \|.*$", text, re.M).group(0)
categories = set(re.findall(r"`([a-z-]+)`", diag.split("|")[3]))
caps = set(re.findall(r"`([a-z-]+)`", re.search(r"^\| `caps` \|.*$", text, re.M).group(0).split("|")[3]))
json_type = {"bool": (bool,), "number": (int, float), "frame": (int,), "time": (int, float),
             "string": (str,), "list": (list,), "chain": (list,)}
doc_type = {"boolean": (bool,), "number": (int, float), "string": (str,), "object": (dict,),
            "list": (list,), "string or null": (str, type(None))}
bad = set()
def check(path, value, types):
    if types is None:
        bad.add("%s (undocumented)" % path)
    elif not isinstance(value, types) or (bool not in types and isinstance(value, bool)):
        bad.add("%s (a %s, not as documented)" % (path, type(value).__name__))
def walk_cert(cert):
    for k, v in cert.items():
        check("certificate %s" % k, v, doc_type.get(doc["cert"].get(k), None if k not in doc["cert"] else ()))
        if isinstance(v, list):
            for item in v:
                check("certificate %s[]" % k, item, (str,))
def walk_flow(obj, prefix):
    for k, v in obj.items():
        path = prefix + k
        if path in doc["flow"]:
            check(path, v, doc_type.get(doc["flow"][path], ()))
            if isinstance(v, dict):
                walk_flow(v, path + ".")
            elif isinstance(v, list):
                for item in v:
                    if isinstance(item, dict):
                        walk_flow(item, path + "[].")
                    else:
                        check(path + "[]", item, (str,))
        elif path in facts:
            check(path, v, json_type.get(facts[path], ()))
            if facts[path] == "list":
                for item in v:
                    check(path + "[]", item, (str,))
        elif isinstance(v, dict) and any(f.startswith(path + ".") for f in facts):
            walk_flow(v, path + ".")
        else:
            bad.add("flow %s (undocumented)" % path)
n = 0
for line in open(out):
    o = json.loads(line)
    n += 1
    if o.get("type") == "flow":
        walk_flow(o, "")
        if o["diagnosis"]["category"] not in categories:
            bad.add("diagnosis.category %s (not listed)" % o["diagnosis"]["category"])
    elif o.get("type") == "certificate":
        walk_cert(o)
    else:
        for k, v in o.items():
            check("summary " + k, v, doc_type.get(doc["summary"].get(k), None if k not in doc["summary"] else ()))
            if k == "libnids":
                for kk, vv in v.items():
                    check("summary libnids." + kk, vv, doc_type.get(doc["summary"].get("libnids." + kk), None if "libnids." + kk not in doc["summary"] else ()))
            elif k in ("categories", "caps"):
                for kk in v:
                    if kk not in (categories if k == "categories" else caps):
                        bad.add("summary %s.%s (not listed)" % (k, kk))
for b in sorted(bad):
    print(b)
if n < 10 or not any('"written_packets"' in l for l in open(out)):
    print("too few JSON lines (%d), or no -w run" % n)
PY
[ $? -eq 0 ] && [ ! -s "$tmp/json-undocumented" ]
ok $? "doc/json.md (and doc/facts.md) document every key --json writes, with its type"
sed 's/^/# /' "$tmp/json-undocumented" | head -20

python3 - "$SRCDIR/doc/json.md" "$SRCDIR" "$TLSDIAG" <<'PY'
import json, re, subprocess, sys
text = open(sys.argv[1]).read()
# Each example is the first record of its type that the command writes.
bad = 0
examples = re.findall(r"<!-- json-example: (\S+) -->\n```json\n(.*?)```", text, re.S)
for capture, block in examples:
    shown = json.loads(block)
    lines = subprocess.run([sys.argv[3], "--json", capture], cwd=sys.argv[2],
                           capture_output=True, text=True).stdout.splitlines()
    got = next((json.loads(l) for l in lines if json.loads(l).get("type") == shown.get("type")), {})
    if shown != {k: got.get(k) for k in shown}:
        print("# the %s example of %s differs" % (shown.get("type"), capture))
        bad += 1
sys.exit(1 if bad or len(examples) < 2 else 0)
PY
ok $? "doc/json.md: the examples are what --json writes"

# No documentation points at material that does not ship: the design notes
# (DESIGN.md), the reference fact sheet (directaccess-facts.md) or its seed
# articles (seeds/), nor its numbered rows ("facts 3.1"); the docs cite the
# public sources themselves.
python3 - "$SRCDIR" >"$tmp/dangling" <<'PY'
import os, re, sys
top = sys.argv[1]
bad = re.compile(r"DESIGN\.md|directaccess-facts|fact sheet|seed article|(?<![\w/])seeds/|reference/seeds/"
                 r"|\bfacts (?:[0-9]+\.[0-9]+|[0-9]+\b(?! [a-z])|Q[0-9]+)", re.I)
for d, dirs, files in os.walk(top):
    dirs[:] = [x for x in dirs if not x.startswith(".") and x not in ("work", "autom4te.cache")]
    for f in files:
        path = os.path.join(d, f)
        rel = os.path.relpath(path, top)
        if not (f.endswith(".md") or re.match(r"doc/.*\.[1-9]$", rel) or rel.startswith("rules/")):
            continue
        for n, line in enumerate(open(path, errors="replace"), 1):
            if bad.search(line):
                print("%s:%d: %s" % (rel, n, line.strip()[:100]))
PY
grep -v '^doc/diagnosis\.md:' "$tmp/dangling" >"$tmp/dangling-other"
[ ! -s "$tmp/dangling-other" ]
ok $? "no doc mentions DESIGN.md, directaccess-facts or seeds/"
sed 's/^/# /' "$tmp/dangling-other" | head -20
grep '^doc/diagnosis\.md:' "$tmp/dangling" >"$tmp/dangling-diagnosis"
[ ! -s "$tmp/dangling-diagnosis" ]
ok $? "doc/diagnosis.md cites the public sources, not DESIGN.md, directaccess-facts or seeds/"
sed 's/^/# /' "$tmp/dangling-diagnosis" | head -20

# doc/diagnosis.md: a section per default rule.
missing=""
for id in $("$TLSDIAG" --list-rules | awk '{print $1}'); do
	grep -q "^### \`$id\`" "$SRCDIR/doc/diagnosis.md" || missing="$missing $id"
done
[ -z "$missing" ]
ok $? "doc/diagnosis.md explains every default rule${missing:+ (missing:$missing)}"
done_testing
