"""Rewrite the table of doc/facts.md from `tlsdiag --list-facts`, keeping the
prose above it. Usage: python3 doc/update-facts-table.py src/tlsdiag doc/facts.md
(tests/docs.sh checks that the two agree)."""
import subprocess
import sys

tlsdiag, path = sys.argv[1:3]
text = open(path).read()
head = text[:text.index("| name | type | meaning |")]
rows = ["| name | type | meaning |", "|---|---|---|"]
for line in subprocess.run([tlsdiag, "--list-facts"], capture_output=True, text=True, check=True).stdout.splitlines():
    name, typ, doc = line.split(None, 2)
    rows.append("| `%s` | %s | %s |" % (name, typ, doc.replace("|", "\\|")))
open(path, "w").write(head + "\n".join(rows) + "\n")
