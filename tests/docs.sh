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

# doc/diagnosis.md: a section per default rule.
missing=""
for id in $("$TLSDIAG" --list-rules | awk '{print $1}'); do
	grep -q "^### \`$id\`" "$SRCDIR/doc/diagnosis.md" || missing="$missing $id"
done
[ -z "$missing" ]
ok $? "doc/diagnosis.md explains every default rule${missing:+ (missing:$missing)}"
done_testing
