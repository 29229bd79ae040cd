"""A minimal STARTTLS server for captures/gen/make-starttls.sh: speaks just
enough SMTP, IMAP, POP3, NNTP, IRC, XMPP or MySQL for `openssl s_client
-starttls PROTO` to upgrade, then TLS with the tests/pki chain (Python's
ssl, i.e. OpenSSL). With --refuse the server answers the upgrade command
with a refusal and closes. Stand-ins where Debian's real servers (inn2,
ngircd, prosody, mariadb) would take a whole configuration to bring up.
usage: starttls_server.py smtp|imap|pop3|nntp|irc|xmpp|mysql PORT [--refuse]"""
import socket
import struct
import ssl
import sys

proto, port = sys.argv[1], int(sys.argv[2])
refuse = "--refuse" in sys.argv
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain("tests/pki/leaf.pem", "tests/pki/leaf.key")
ctx.load_verify_locations("tests/pki/inter.pem")


def lines(f):
    for raw in f:
        yield raw.decode("ascii", "replace").strip()


def smtp(c, f):
    c.sendall(b"220 mail.contoso.test ESMTP tlsdiag\r\n")
    for line in lines(f):
        verb = line.split(" ")[0].upper()
        if verb in ("EHLO", "HELO"):
            c.sendall(b"250-mail.contoso.test\r\n250-PIPELINING\r\n250 STARTTLS\r\n")
        elif verb == "STARTTLS":
            c.sendall(b"454 4.7.0 TLS not available due to local problem\r\n" if refuse
                      else b"220 2.0.0 Ready to start TLS\r\n")
            return not refuse
        else:
            c.sendall(b"502 5.5.2 Error: command not recognized\r\n")
    return False


def imap(c, f):
    c.sendall(b"* OK [CAPABILITY IMAP4rev1 STARTTLS] tlsdiag ready\r\n")
    for line in lines(f):
        tag, _, cmd = line.partition(" ")
        cmd = cmd.upper()
        if cmd.startswith("CAPABILITY"):
            c.sendall(b"* CAPABILITY IMAP4rev1 STARTTLS\r\n" + tag.encode() + b" OK done\r\n")
        elif cmd.startswith("STARTTLS"):
            c.sendall(tag.encode() + (b" NO TLS not available\r\n" if refuse else b" OK Begin TLS negotiation now\r\n"))
            return not refuse
        else:
            c.sendall(tag.encode() + b" BAD unknown\r\n")
    return False


def pop3(c, f):
    c.sendall(b"+OK tlsdiag POP3 ready\r\n")
    for line in lines(f):
        cmd = line.upper()
        if cmd.startswith("CAPA"):
            c.sendall(b"+OK\r\nSTLS\r\nUSER\r\n.\r\n")
        elif cmd.startswith("STLS"):
            c.sendall(b"-ERR TLS not available\r\n" if refuse else b"+OK Begin TLS negotiation\r\n")
            return not refuse
        else:
            c.sendall(b"-ERR unknown\r\n")
    return False


def nntp(c, f):
    # RFC 4642: STARTTLS answered 382 (580 when TLS cannot be started).
    c.sendall(b"200 news.contoso.test NNTP tlsdiag ready\r\n")
    for line in lines(f):
        cmd = line.upper()
        if cmd.startswith("CAPABILITIES"):
            c.sendall(b"101 Capability list:\r\nVERSION 2\r\nREADER\r\nSTARTTLS\r\n.\r\n")
        elif cmd.startswith("STARTTLS"):
            c.sendall(b"580 Can not initiate TLS negotiation\r\n" if refuse else b"382 Continue with TLS negotiation\r\n")
            return not refuse
        else:
            c.sendall(b"500 What?\r\n")
    return False


def irc(c, f):
    # IRCv3 tls extension: 670 RPL_STARTTLS, 691 ERR_STARTTLS.
    # s_client reads every line as "prefix numeric": a NOTICE would end it.
    c.sendall(b":irc.contoso.test 020 * :Please wait while we process your connection.\r\n")
    for line in lines(f):
        if line.upper().startswith("STARTTLS"):
            c.sendall(b":irc.contoso.test 691 * :STARTTLS failed (no certificate)\r\n" if refuse
                      else b":irc.contoso.test 670 * :STARTTLS successful, proceed with TLS handshake\r\n")
            return not refuse
    return False


def xmpp(c, f):
    # RFC 6120 5.4: features offer <starttls/>; <proceed/> or <failure/>.
    buf = b""
    while b">" not in buf:
        buf += c.recv(1024)
    c.sendall(b"<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
              b"xmlns:stream='http://etherx.jabber.org/streams' id='tlsdiag1' from='contoso.test' version='1.0'>"
              b"<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>"
              b"</stream:features>")
    buf = b""
    while b"/>" not in buf:
        more = c.recv(1024)
        if not more:
            return False
        buf += more
    if refuse:
        c.sendall(b"<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:stream>")
        return False
    c.sendall(b"<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
    return True


def mysql(c, f):
    # HandshakeV10 (MySQL client/server protocol): the capability flags say
    # CLIENT_SSL (0x0800), unless --refuse; the client's 32-byte SSL request
    # is followed by its ClientHello.
    caps = 0xf7ff if refuse else 0xffff
    body = (b"\x0a" + b"8.0.36-tlsdiag\x00" + struct.pack("<I", 7) + b"abcdefgh\x00" +
            struct.pack("<H", caps) + b"\x21" + struct.pack("<H", 2) + struct.pack("<H", 0x81ff) +
            b"\x15" + b"\x00" * 10 + b"ijklmnopqrst\x00" + b"mysql_native_password\x00")
    c.sendall(struct.pack("<I", len(body))[:3] + b"\x00" + body)
    if refuse:
        c.recv(100)
        return False
    head = b""
    while len(head) < 36:
        more = c.recv(36 - len(head))
        if not more:
            return False
        head += more
    return True


s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port))
s.listen(1)
c, _ = s.accept()
f = c.makefile("rb")
if {"smtp": smtp, "imap": imap, "pop3": pop3, "nntp": nntp, "irc": irc, "xmpp": xmpp, "mysql": mysql}[proto](c, f):
    t = ctx.wrap_socket(c, server_side=True)
    t.sendall(b"hello over TLS\r\n")
    t.recv(100)
    t.close()
else:
    c.close()
