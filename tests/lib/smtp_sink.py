"""smtp_sink — a small SMTP server on 127.0.0.1 for tests of the SMTP
notification adapter (docs/sla.md "Notifications"). Hand-written on
sockets (Python 3.11's smtpd is deprecated, aiosmtpd is not installed) so
that a test controls every failure:

    sink = SmtpSink(auth=("kefu", "s3cret")).start()
    certs = make_certificates(tmpdir)             # a test CA and the relay's certificate (openssl)
    sink = SmtpSink(auth=..., tls="starttls", cert=certs["relay"]).start()   # or tls="smtps"
    ... configure notify.smtp.port = sink.port ...
    sink.rcpt_reply = "451 4.3.0 mailbox busy"   # refuse every RCPT
    sink.silent = True                            # accept, never answer (a hung relay)
    sink.stop(); sink.start()                     # down, then up on the same port
    msg = sink.wait_messages(1)[0]                # dict: mail_from, rcpts, data, parsed

Replies follow RFC 5321; DATA is un-dot-stuffed; each accepted message is
parsed with the standard library's email package (policy.default), an
independent decoder of the adapter's RFC 2047 headers and base64 bodies.

TLS (the ssl module): tls="starttls" offers STARTTLS and, like real relays,
offers AUTH only once the session is encrypted (AUTH before it is refused
with 538); tls="smtps" speaks TLS from the first byte. The transcript marks
the moment a session becomes encrypted with the line "<tls>"; a handshake
the client broke off (a certificate it would not trust) is recorded in
tls_errors.
"""
import base64
import email
import email.policy
import os
import socket
import ssl
import subprocess
import threading
import time


def make_certificates(directory):
    """A throwaway CA, a certificate it issues to the relay (127.0.0.1 and
    localhost), and a self-signed one for the same names that no client
    trusts. Returns {"ca": path, "relay": (cert, key), "untrusted": (cert, key)}."""
    def run(*args):
        subprocess.run(["openssl"] + list(args), check=True, cwd=directory,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    names = "subjectAltName=IP:127.0.0.1,DNS:localhost"
    run("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-subj", "/CN=kefu test CA", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    run("req", "-new", *ec, "-keyout", "relay.key", "-out", "relay.csr", "-subj", "/CN=localhost")
    with open(os.path.join(directory, "relay.ext"), "w") as f:
        f.write(names + "\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
    run("x509", "-req", "-in", "relay.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "relay.pem", "-days", "2", "-extfile", "relay.ext")
    run("req", "-x509", *ec, "-keyout", "untrusted.key", "-out", "untrusted.pem", "-days", "2",
        "-subj", "/CN=localhost", "-addext", names)
    path = lambda name: os.path.join(directory, name)  # noqa: E731
    return {"ca": path("ca.pem"), "relay": (path("relay.pem"), path("relay.key")),
            "untrusted": (path("untrusted.pem"), path("untrusted.key"))}


class SmtpSink:
    def __init__(self, port=0, auth=None, eight_bit=False, tls=None, cert=None):
        self.port = port
        self.auth = auth                  # (user, password) to require, or None
        self.eight_bit = eight_bit        # offer 8BITMIME
        self.tls = tls                    # None, "starttls" or "smtps"
        self._tls_context = None
        if tls:
            self._tls_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self._tls_context.load_cert_chain(*cert)
        self.tls_errors = []              # handshakes that failed, as text
        self.rcpt_reply = None            # e.g. "451 4.3.0 busy": refuse every RCPT
        self.refuse = {}                  # address -> reply: refuse only these recipients
        self.silent = False               # accept connections but never answer
        self.messages = []                # accepted, in order
        self.sessions = 0                 # connections seen
        self.transcript = []              # every client line, as text
        self._lock = threading.Lock()
        self._listener = None
        self._thread = None

    # -- life ---------------------------------------------------------------
    def start(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", self.port))
        s.listen(8)
        s.settimeout(0.2)
        self.port = s.getsockname()[1]
        self._listener = s
        self._thread = threading.Thread(target=self._serve, args=(s,), daemon=True)
        self._thread.start()
        return self

    def stop(self):
        """Closes the listening socket: connections are refused until start()."""
        s, self._listener = self._listener, None
        if s:
            s.close()
        if self._thread:
            self._thread.join(15)
            self._thread = None

    def wait_messages(self, n, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self._lock:
                if len(self.messages) >= n:
                    return list(self.messages)
            time.sleep(0.05)
        raise AssertionError("SMTP sink: %d message(s) within %ds, got %d; last lines: %s"
                             % (n, timeout, len(self.messages), self.transcript[-12:]))

    # -- the server ---------------------------------------------------------
    def _serve(self, listener):
        while self._listener is listener:
            try:
                conn, _ = listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            with self._lock:
                self.sessions += 1
            try:
                conn.settimeout(10)
                if self.tls == "smtps":
                    conn = self._encrypt(conn)
                self._session(conn)
            except (OSError, ValueError):
                pass
            finally:
                conn.close()

    def _encrypt(self, conn):
        """The server side of a TLS handshake on conn; a failure is recorded and raised."""
        try:
            conn = self._tls_context.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError) as e:
            with self._lock:
                self.tls_errors.append(str(e))
            raise
        with self._lock:
            self.transcript.append("<tls>")
        return conn

    def _session(self, conn):
        f = conn.makefile("rb")
        encrypted = self.tls == "smtps"

        def say(line):
            conn.sendall(line.encode() + b"\r\n")

        def read():
            raw = f.readline(4096)
            if not raw:
                raise ValueError("client closed")
            line = raw.rstrip(b"\r\n").decode("utf-8", "replace")
            with self._lock:
                self.transcript.append(line)
            return line

        if self.silent:
            while f.readline(4096):       # until the client gives up and closes
                pass
            return
        say("220 sink.test ESMTP ready")
        authed = self.auth is None
        mail_from, rcpts = None, []
        while True:
            line = read()
            verb = line[:4].upper()
            if verb == "EHLO":
                ext = ["sink.test greets you"]
                if self.eight_bit:
                    ext.append("8BITMIME")
                if self.tls == "starttls" and not encrypted:
                    ext.append("STARTTLS")
                if self.auth and (encrypted or not self.tls):
                    ext.append("AUTH PLAIN LOGIN")
                ext.append("SIZE 1000000")
                for e in ext[:-1]:
                    say("250-" + e)
                say("250 " + ext[-1])
            elif verb == "HELO":
                say("250 sink.test")
            elif line.upper() == "STARTTLS" and self.tls == "starttls" and not encrypted:
                say("220 2.0.0 ready to start TLS")
                conn = self._encrypt(conn)
                f = conn.makefile("rb")
                encrypted = True                   # RFC 3207: the client starts again with EHLO
                authed, mail_from, rcpts = self.auth is None, None, []
            elif line.upper().startswith("AUTH") and self.tls and not encrypted:
                say("538 5.7.11 encryption required for requested authentication mechanism")
            elif line.upper().startswith("AUTH PLAIN"):
                if line.upper() == "AUTH PLAIN":
                    say("334 ")
                    line = "AUTH PLAIN " + read()
                token = base64.b64decode(line[11:]).split(b"\0")
                ok = self.auth and token[1:] == [self.auth[0].encode(), self.auth[1].encode()]
                authed = bool(ok)
                say("235 2.7.0 accepted" if ok else "535 5.7.8 bad credentials")
            elif line.upper().startswith("AUTH LOGIN"):
                if line.upper() == "AUTH LOGIN":
                    say("334 VXNlcm5hbWU6")
                    user = base64.b64decode(read()).decode()
                else:                              # the user name as an initial response
                    user = base64.b64decode(line[11:]).decode()
                say("334 UGFzc3dvcmQ6")
                password = base64.b64decode(read()).decode()
                authed = bool(self.auth) and (user, password) == tuple(self.auth)
                say("235 2.7.0 accepted" if authed else "535 5.7.8 bad credentials")
            elif verb == "MAIL":
                if not authed:
                    say("530 5.7.0 authentication required")
                    continue
                mail_from, rcpts = line[10:].split(">")[0].lstrip("<"), []
                say("250 2.1.0 ok")
            elif verb == "RCPT":
                if mail_from is None:
                    say("503 5.5.1 MAIL first")
                elif self.rcpt_reply:
                    say(self.rcpt_reply)
                elif line[8:].strip().strip("<>") in self.refuse:
                    say(self.refuse[line[8:].strip().strip("<>")])
                else:
                    rcpts.append(line[8:].strip().strip("<>"))
                    say("250 2.1.5 ok")
            elif verb == "DATA":
                if not rcpts:
                    say("503 5.5.1 RCPT first")
                    continue
                say("354 end with <CRLF>.<CRLF>")
                data = bytearray()
                while True:
                    raw = f.readline(65536)
                    if not raw:
                        raise ValueError("client closed in DATA")
                    if raw in (b".\r\n", b".\n"):
                        break
                    if raw.startswith(b".."):
                        raw = raw[1:]              # RFC 5321 4.5.2
                    data += raw
                msg = {"mail_from": mail_from, "rcpts": rcpts, "data": bytes(data),
                       "parsed": email.message_from_bytes(bytes(data), policy=email.policy.default)}
                with self._lock:
                    self.messages.append(msg)
                    n = len(self.messages)
                say("250 2.0.0 queued as SINK%d" % n)
                mail_from, rcpts = None, []
            elif verb == "RSET":
                mail_from, rcpts = None, []
                say("250 ok")
            elif verb == "QUIT":
                say("221 2.0.0 bye")
                return
            else:
                say("502 5.5.2 command not recognised")
