#!/bin/sh
# The HTML report (--html FILE, issue 14): well-formed and self-contained
# (tests/html_check.py), markup from a hostile capture escaped, one row per
# connection and a section per failure, bounded on thousands of
# connections, written at the end of a live capture, refused where -w's file
# is refused; and, where Debian's chromium is (or can be) installed, a
# headless screenshot whose ladder area is drawn (tests/png_ladder.py).
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null 2>&1 || skip_all "no python3"
tmp=$(mktemp -d)
pids=""
trap 'kill $pids 2>/dev/null; rm -rf "$tmp"' EXIT
check="$SRCDIR/tests/html_check.py"

# Markup in the SNI, the certificate's subject, the CONNECT request and the
# proxy's answer (captures/gen/make-hostile-names.sh): text on the page,
# never markup.
(cd "$SRCDIR" && "$TLSDIAG" --html "$tmp/hostile.html" captures/hostile-names.pcap) >"$tmp/out" 2>&1
[ $? -eq 1 ]
ok $? "hostile-names.pcap: analyzed, failures (exit 1)"
python3 "$check" "$tmp/hostile.html" \
	--text '<script>alert(2)</script>' --text 'CN=\<script\>alert(1)\</script\>' \
	--text 'O=\<img src=x onerror=alert(3)\>' --text 'HTTP/1.1 403 <script>alert(5)</script>' \
	--text 'Server <b onmouseover=alert(6)>x</b>' --text '"><script>alert(8)</script>' \
	--absent '<script>alert' --absent '<img' --absent '<b onm' --absent '"><script' >"$tmp/problems"
ok $? "hostile names: well-formed, self-contained, every name shown as text and none as markup"
sed 's/^/# /' "$tmp/problems"

# Every bundled capture on one page.
(cd "$SRCDIR" && "$TLSDIAG" --html "$tmp/all.html" captures/*.pcap) >"$tmp/all.txt" 2>&1
python3 "$check" "$tmp/all.html" >"$tmp/problems"
ok $? "all bundled captures: well-formed and self-contained"
sed 's/^/# /' "$tmp/problems"
conns=$(sed -n 's/^== \([0-9]*\) connection.*/\1/p' "$tmp/all.txt")
oks=$(grep -c '^  diagnosis: ok ' "$tmp/all.txt")
rows=$(grep -c '^<tr data-cat=' "$tmp/all.html")
sections=$(grep -c '^<section class="conn"' "$tmp/all.html")
ladders=$(grep -c '<svg class="lad"' "$tmp/all.html")
drawn_ok=$oks
[ "$oks" -gt 20 ] && drawn_ok=20
[ "$rows" -eq "$conns" ] && [ "$sections" -eq $((conns - oks + drawn_ok)) ] && [ "$ladders" -eq "$sections" ]
ok $? "a row per connection ($rows of $conns), a section with a ladder per failure and per ok up to 20 ($sections)"
grep -q 'tls.client_hello.null_suites = 2' "$tmp/all.html" && grep -q 'Remedy:' "$tmp/all.html" &&
	grep -q 'Server certificates:' "$tmp/all.html" && grep -q '<svg class="chart"' "$tmp/all.html"
ok $? "the page has the evidence, the remedies, the certificate chains and the bar chart"

# Thousands of connections (the benchmark's generator): the page stays
# bounded and says what it left out.
python3 "$SRCDIR/bench/gen-capture.py" "$SRCDIR/bench/templates.pcap" --size 48000000 --out "$tmp/big.pcap" >/dev/null 2>&1
"$TLSDIAG" --html "$tmp/big.html" "$tmp/big.pcap" >"$tmp/big.txt" 2>&1
big=$(sed -n 's/^== \([0-9]*\) connection.*/\1/p' "$tmp/big.txt")
size=$(wc -c <"$tmp/big.html")
[ "${big:-0}" -ge 5000 ] && [ "$size" -lt $((32 << 20)) ] && grep -q 'Left out to keep the page small' "$tmp/big.html" &&
	grep -q 'failed connections not drawn' "$tmp/big.html" && grep -q 'are rows of the table only' "$tmp/big.html"
ok $? "$big connections: a page of $size bytes (under 32 MiB) that says what it left out"
python3 "$check" "$tmp/big.html" >"$tmp/problems"
ok $? "the bounded page is well-formed"
sed 's/^/# /' "$tmp/problems" | head -5

# Like -w's file: created before any input is read, never '-' or an input.
"$TLSDIAG" --html /nonexistent-dir/x.html "$SRCDIR/captures/tls13-ok.pcap" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/err")" -eq 1 ]
ok $? "--html into a missing directory: one line, exit 2, nothing analyzed ($(cat "$tmp/err"))"
"$TLSDIAG" --html - "$SRCDIR/captures/tls13-ok.pcap" >/dev/null 2>&1
[ $? -eq 2 ]
ok $? "--html - is refused"
cp "$SRCDIR/captures/tls13-ok.pcap" "$tmp/in.pcap"
"$TLSDIAG" --html "$tmp/in.pcap" "$tmp/in.pcap" >/dev/null 2>&1
[ $? -eq 2 ] && cmp -s "$tmp/in.pcap" "$SRCDIR/captures/tls13-ok.pcap"
ok $? "--html naming an input is refused and the input is left alone"

# At the end of a live capture: a refused connection on the loopback.
if [ "$(id -u)" -eq 0 ]; then
	port=$((40000 + ($$ + 7) % 20000))
	before=$(wc -l </proc/net/packet)
	timeout 30 "$TLSDIAG" -i lo -p "$port" --html "$tmp/live.html" >"$tmp/live.txt" 2>&1 &
	tdpid=$!
	pids="$tdpid"
	i=0
	while [ "$(wc -l </proc/net/packet)" -le "$before" ] && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.1; done
	python3 -c 'import socket,sys
try: socket.create_connection(("127.0.0.1", int(sys.argv[1])), 3)
except OSError: pass' "$port"
	sleep 1
	kill -INT "$tdpid"
	wait "$tdpid"
	pids=""
	python3 "$check" "$tmp/live.html" --text 'tcp-refused' --text 'lo' >"$tmp/problems" 2>&1
	ok $? "-i lo --html: the page is written when the capture ends, with the refused connection"
	sed 's/^/# /' "$tmp/problems"
else
	skip "live capture needs root"
fi

# A real browser: chromium headless renders the page; the ladder area of
# the screenshot must be drawn. Installed when it can be (root, apt-get).
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "# installing chromium for the screenshot test"
	timeout 600 apt-get install -y chromium >/dev/null 2>&1 || true
fi
if command -v chromium >/dev/null 2>&1; then
	(cd "$SRCDIR" && "$TLSDIAG" --html "$tmp/one.html" captures/iphttps-null-rejected.pcap) >/dev/null 2>&1
	mkdir -p "$tmp/profile"
	timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$tmp/profile" \
		--screenshot="$tmp/shot.png" --window-size=1200,2000 "file://$tmp/one.html" >/dev/null 2>&1
	python3 "$SRCDIR/tests/png_ladder.py" "$tmp/shot.png" >"$tmp/found" 2>&1
	ok $? "chromium renders the page: lifelines, arrows and the red decisive step in the ladder area"
	cat "$tmp/found"
	[ -n "$TLSDIAG_KEEP_SCREENSHOT" ] && cp "$tmp/shot.png" "$TLSDIAG_KEEP_SCREENSHOT"
	# The script at work: the page's own script with two clicks on the
	# diagnosis column (descending) and the category filter set to ok
	# appended (and its hash in the CSP changed to match), read back from
	# the DOM chromium built.
	(cd "$SRCDIR" && "$TLSDIAG" --html "$tmp/m.html" captures/multi-connection.pcap captures/tcp-timeout.pcap) >/dev/null 2>&1
	python3 - "$tmp/m.html" "$tmp/m2.html" <<'PY'
import base64, hashlib, re, sys
s = open(sys.argv[1]).read()
js = re.search(r"<script>(.*?)</script>", s, re.S).group(1)
more = js + ("var th=document.querySelectorAll('#conns th')[4];th.click();th.click();"
             "var c=document.getElementById('cat');c.value='ok';c.dispatchEvent(new Event('change'));")
h = lambda t: base64.b64encode(hashlib.sha256(t.encode()).digest()).decode()
open(sys.argv[2], "w").write(s.replace(h(js), h(more)).replace(js, more))
PY
	timeout 120 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$tmp/profile" --dump-dom \
		"file://$tmp/m2.html" 2>/dev/null | grep -o '<tr data-cat="[^"]*"[^>]*>' >"$tmp/rows"
	printf '%s\n' '<tr data-cat="tcp-timeout" style="display: none;">' '<tr data-cat="tcp-refused" style="display: none;">' \
		'<tr data-cat="ok">' '<tr data-cat="null-cipher-rejected" style="display: none;">' | diff - "$tmp/rows" >"$tmp/diff"
	ok $? "in chromium the table sorts by a column and filters by category"
	sed 's/^/# /' "$tmp/diff"
else
	skip "chromium is not installed and cannot be (apt-get install chromium): no screenshot"
	skip "chromium is not installed: the table's script is not run"
fi
done_testing
