#!/usr/bin/env python3
"""dims.py SCENARIOS.tsv: the README table of dimension values x scenario-line counts
(classified from the capture names and descriptions)."""
import re, sys, collections
rows=[l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip() and not l.startswith("#")]
C=collections.Counter
def variant(cap):
    m=re.search(r"\.(s96|tiny|reord|cutch|cutsh)\.pcap$",cap)
    return m.group(1) if m else "whole"
def base(cap): return re.sub(r"(\.(s96|tiny|reord|cutch|cutsh))?\.pcap$","",cap)
dims=collections.OrderedDict()
def add(d,k): dims.setdefault(d,C())[k]+=1
for cap,sel,exp,alts,opts,desc in rows:
    b=base(cap); v=variant(cap); d=desc.lower()
    add("capture condition", {"whole":"whole capture","s96":"snaplen 96 (tcpdump -s 96)","tiny":"16-byte segments","reord":"reordered + retransmitted + overlapping","cutch":"stopped after the ClientHello","cutsh":"stopped after the server's first data"}[v] if "noise" not in cap else "port-443 noise capture")
    if "analyst without the ca" in d: add("analyst", "without --ca-file")
    else: add("analyst","with --ca-file" if "--ca-file" in opts else "default options")
    srv = ("squid ssl-bump" if b.startswith("squid") else "HTTP.sys stand-in" if "stand-in" in d.split(";")[0] else
           "haproxy" if "haproxy" in d.split(";")[0] else "nginx" if "nginx" in d.split(";")[0] else
           "gnutls-serv" if "gnutls" in d.split(";")[0] else "s_server" if "s_server" in d.split(";")[0] else "other (no listener, reset, plain HTTP)")
    add("server", srv)
    cl = ("IP-HTTPS-like (python, NULL)" if "ip-https-like" in d else "python ssl" if "python" in d else
          "openssl s_client" if "s_client" in d or "sclient" in b else "gnutls-cli" if "gcli" in b or "gnutls-cli" in d else
          "curl" if "curl" in d else "replayed browser hello" if b.startswith("replay") else "other")
    add("client", cl)
    if "tls 1.3" in d or "tls13" in b: add("TLS version", "TLS 1.3")
    elif "tls 1.0" in d: add("TLS version","TLS 1.0 (refused)")
    else: add("TLS version","TLS 1.2 (or negotiated)")
    if b.startswith("cc-"): add("client certificate", re.match(r"cc-.*?-(none|right|wrong|expired)-",b).group(1))
    m=re.match(r"(nginx|haproxy|gnutls|s_server|standin)-(ok|expired|notyet|wrongname|selfsigned|appliance|foreignroot|nointer|inspected)-",b)
    if m: add("server certificate", m.group(2))
    elif b.startswith("squid"): add("server certificate","re-signed by squid ssl-bump")
    m=re.search(r"-(alert|silent|accept)$",b)
    if m: add("client behaviour", {"alert":"rejects with an alert","silent":"closes silently (FIN)","accept":"accepts, data both ways"}[m.group(1)])
    add("expected", exp)
for k,c in dims.items():
    print("| **%s** | %s |" % (k, ", ".join("%s %d"%kv for kv in c.most_common())))
print(len(rows))
