#!/usr/bin/env python3
"""Checks of a tlsdiag --html page (tests/html.sh): well-formed (every
element closed, in order), self-contained (no src, no href but #fragments,
no url(), no http: or https: in any attribute, one inline script that the
Content-Security-Policy allows by its hash), no event-handler attribute.

usage: html_check.py PAGE [--text STRING]... [--absent STRING]...
  --text STRING    STRING must be in the page's text (after unescaping)
  --absent STRING  STRING must not be in the page's source
Prints one line per problem; exit status 1 when there is one."""
import base64, hashlib, re, sys
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Check(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.problems, self.text = [], [], []
        self.scripts, self.script_text, self.in_script, self.csp = 0, "", False, None

    def attrs_ok(self, tag, attrs):
        for k, v in attrs:
            v = v or ""
            if k.startswith("on"):
                self.problems.append("event handler attribute %s on <%s>" % (k, tag))
            if k in ("src", "srcset", "action", "formaction", "poster", "xlink:href", "data", "background"):
                self.problems.append("attribute %s on <%s>: %r" % (k, tag, v[:60]))
            if k == "href" and not v.startswith("#"):
                self.problems.append("href leaving the page on <%s>: %r" % (tag, v[:60]))
            if re.search(r"https?:|url\(|//", v, re.I) and not (k == "content" and tag == "meta"):
                self.problems.append("a reference in %s on <%s>: %r" % (k, tag, v[:60]))
        if tag == "meta" and dict(attrs).get("http-equiv", "").lower() == "content-security-policy":
            self.csp = dict(attrs).get("content", "")

    def handle_starttag(self, tag, attrs):
        self.attrs_ok(tag, attrs)
        if tag == "script":
            self.scripts += 1
            self.in_script = True
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.attrs_ok(tag, attrs)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append("</%s> closes <%s>" % (tag, self.stack[-1] if self.stack else "nothing"))
            return
        self.stack.pop()
        if tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.in_script:
            self.script_text += data
        else:
            self.text.append(data)


def main():
    args = sys.argv[1:]
    page = args.pop(0)
    want, absent = [], []
    while args:
        opt, val = args.pop(0), args.pop(0)
        (want if opt == "--text" else absent).append(val)
    src = open(page, encoding="utf-8").read()
    c = Check()
    c.feed(src)
    c.close()
    p = c.problems
    if c.stack:
        p.append("not closed: %s" % " ".join(c.stack))
    if not src.startswith("<!DOCTYPE html>"):
        p.append("no <!DOCTYPE html>")
    if c.scripts != 1:
        p.append("%d <script> elements, not 1" % c.scripts)
    if re.search(r"url\(|@import", src):
        p.append("url() or @import in the page")
    if not c.csp or "default-src 'none'" not in c.csp:
        p.append("no Content-Security-Policy with default-src 'none'")
    else:
        h = "'sha256-%s'" % base64.b64encode(hashlib.sha256(c.script_text.encode()).digest()).decode()
        if h not in c.csp:
            p.append("the CSP does not allow the page's script (%s)" % h)
    text = "".join(c.text)
    for w in want:
        if w not in text:
            p.append("not in the text: %r" % w)
    for a in absent:
        if a in src:
            p.append("in the source: %r" % a)
    for line in p:
        print(line)
    sys.exit(1 if p else 0)


main()
