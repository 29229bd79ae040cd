"""A minimal STARTTLS server for captures/gen/make-starttls.sh: speaks just
enough SMTP, IMAP or POP3 for `openssl s_client -starttls PROTO` to upgrade,
then TLS with the tests/pki chain (Python's ssl, i.e. OpenSSL). With
--refuse the server answers the upgrade command with a refusal and closes.
usage: starttls_server.py smtp|imap|pop3 PORT [--refuse]"""
import socket
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


s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port))
s.listen(1)
c, _ = s.accept()
f = c.makefile("rb")
if {"smtp": smtp, "imap": imap, "pop3": pop3}[proto](c, f):
    t = ctx.wrap_socket(c, server_side=True)
    t.sendall(b"hello over TLS\r\n")
    t.recv(100)
    t.close()
else:
    c.close()
