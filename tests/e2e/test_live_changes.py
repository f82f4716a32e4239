"""The live changes feed, GET /api/v1/changes (docs/gateway.md "Live
changes"), against real services, PostgreSQL and gateway instances: a
change made through another gateway instance, or by a service (kefuctl),
reaches a stream within 1 s; an event names the kind of thing, never which
one; a burst is one event per topic; a reconnecting EventSource
(Last-Event-ID) is told every topic; no credentials is 401, and a revoked session's stream ends; a slow
request runs beside live events and log-ins without holding them up; a
client that stops reading its stream is cut while a quiet one is kept; the
listener makes its database connection again when it is lost; stopping the
gateway ends its streams at once; the stream limit answers 503. Every JSON
response is checked against schemas/openapi.yaml (tests/lib/http_api.py)."""
import http.client
import json
import os
import re
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
from http_api import Contract, HttpApi, Response  # noqa: E402
from kefu_system import System  # noqa: E402

S = None
OTHER = None       # a second gateway instance: its own port, the same database
EDGE = None        # a third: connection_timeout_s 2, stream_limit 1
PASSWORD = "变化流 correct horse"
CHANGES = "/api/v1/changes"
TOPICS = ["ticket", "clock", "escalation", "workorder", "inspection", "callback", "settlement", "claim"]
COOKIE = re.compile(r"^kefu_session=(kefu_[A-Za-z0-9_-]{43});")


def ticket_body(text="实时变化的报修"):
    return {"channel": "web", "kind": "repair", "customer": {"id": "C1001"}, "description": text}


class Stream:
    """One GET /api/v1/changes, read event by event on its own socket."""

    def __init__(self, address, token=None, cookie=None, rcvbuf=None, last_event_id=None):
        host, port = address.rsplit(":", 1)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(10)
        self.sock.connect((host, int(port)))
        headers = "GET %s HTTP/1.1\r\nHost: %s\r\nAccept: text/event-stream\r\n" % (CHANGES, address)
        if token:
            headers += "Authorization: Bearer %s\r\n" % token
        if cookie:
            headers += "Cookie: kefu_session=%s\r\n" % cookie
        if last_event_id:
            headers += "Last-Event-ID: %s\r\n" % last_event_id
        self.sock.sendall((headers + "\r\n").encode())
        self.raw = b""
        self.text = ""      # the body, chunked encoding removed
        self.closed = False
        self.status, self.headers = self._head()

    def _recv(self, timeout):
        self.sock.settimeout(max(timeout, 0.01))
        try:
            got = self.sock.recv(65536)
        except socket.timeout:
            return
        except (ConnectionResetError, OSError):
            got = b""
        if not got:
            self.closed = True
        self.raw += got

    def _head(self):
        deadline = time.monotonic() + 10
        while b"\r\n\r\n" not in self.raw and not self.closed and time.monotonic() < deadline:
            self._recv(deadline - time.monotonic())
        head, _, self.raw = self.raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        assert lines[0].startswith("HTTP/1.1 "), lines
        headers = dict((k.strip().lower(), v.strip()) for k, v in (line.split(":", 1) for line in lines[1:]))
        return int(lines[0].split()[1]), headers

    def _dechunk(self):
        while True:
            line, sep, rest = self.raw.partition(b"\r\n")
            if not sep:
                return
            size = int(line.split(b";")[0], 16)
            if len(rest) < size + 2:
                return
            if size == 0:
                self.closed = True
            self.text += rest[:size].decode("utf-8")
            self.raw = rest[size + 2:]

    def next_block(self, timeout):
        """The next block ("event: x\\ndata: …" or a comment), or None at
        the time-out or the end."""
        deadline = time.monotonic() + timeout
        while "\n\n" not in self.text and not self.closed and time.monotonic() < deadline:
            self._recv(deadline - time.monotonic())
            self._dechunk()
        if "\n\n" not in self.text:
            return None
        block, _, self.text = self.text.partition("\n\n")
        return block

    @staticmethod
    def topic_of(block):
        """The event's topic (its data checked), or None for a comment or
        the retry line."""
        fields = dict(line.split(": ", 1) for line in block.split("\n") if not line.startswith(":"))
        if "event" not in fields:
            return None
        assert json.loads(fields["data"]) == {"topic": fields["event"]}, block   # the kind, not which one
        assert set(fields) <= {"id", "event", "data"}, block
        return fields["event"]

    def wait_event(self, topic, timeout):
        """Reads blocks until the event of this topic; returns its data
        (checked), or None when it did not come in time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            block = self.next_block(deadline - time.monotonic())
            if block is None:
                return None
            if self.topic_of(block) == topic:
                return block
        return None

    def wait_closed(self, timeout):
        deadline = time.monotonic() + timeout
        while not self.closed and time.monotonic() < deadline:
            self._recv(deadline - time.monotonic())
            self._dechunk()
        return self.closed

    def close(self):
        self.sock.close()


def open_stream(address=None, **kw):
    """A stream that has begun (200, text/event-stream, retry first)."""
    s = Stream(address or S.config.gateway_http, **kw)
    assert s.status == 200, (s.status, s.headers, s.raw[:300])
    assert s.headers["content-type"] == "text/event-stream", s.headers
    assert s.headers["cache-control"] == "no-store", s.headers
    Contract.get().check("GET", CHANGES, Response(200, list(s.headers.items()), b""))
    first = s.next_block(5)
    assert first == "retry: 1000", first
    return s


def extra_gateway(name, **settings):
    """Another gateway instance of the same system, with its own
    services.gateway settings."""
    services = {k: dict(v) for k, v in S.config.data["services"].items()}
    services["gateway"] = dict(services["gateway"], http="127.0.0.1:%d" % h.free_port(), **settings)
    cfg = h.write_config(S.tmp, S.cluster, name=name + ".yaml", services=services)
    svc = h.Service("gateway", cfg, instance=name, logdir=S.tmp, env=S.env)
    S.services[svc.instance] = svc
    svc.start().wait_ready()
    return cfg


def log_in(address=None):
    api = HttpApi(address or S.config.gateway_http)
    r = api.post("/api/v1/session", {"staff": "A101", "password": PASSWORD})
    assert r.status == 201, r
    m = COOKIE.match(r.headers.get("set-cookie", ""))
    assert m, r.headers
    S.passwords.append(m.group(1))
    return m.group(1), r.json["csrf"]


def setup_module():
    global S, OTHER, EDGE
    S = System("live")
    S.kefuctl("admin", "staff", "password", "A101", stdin=PASSWORD + "\n")
    S.passwords.append(PASSWORD)
    S.start_services(["intake", "dispatch", "gateway"])
    OTHER = extra_gateway("gateway-other")
    EDGE = extra_gateway("gateway-edge", connection_timeout_s=2, stream_limit=1)


def teardown_module():
    if S:
        S.shutdown()


def test_no_or_bad_credentials_are_401():
    for api in (HttpApi(S.config.gateway_http), HttpApi(S.config.gateway_http, token="kefu_" + "x" * 43),
                HttpApi(S.config.gateway_http, token="not a token")):
        r = api.get(CHANGES)
        assert (r.status, r.json["code"]) == (401, "unauthenticated"), r
    revoked = S.make_token("CC01")
    S.kefuctl("admin", "tokens", "revoke", str(S.sql("SELECT max(id) FROM auth.tokens")[0][0]))
    r = HttpApi(S.config.gateway_http, token=revoked).get(CHANGES)
    assert (r.status, r.json["code"]) == (401, "unauthenticated"), r
    # no POST in the contract to check it against: the error body by hand
    r = HttpApi(S.config.gateway_http, token=S.token).post(CHANGES, {}, check=False)
    assert (r.status, r.headers["allow"], r.json["code"]) == (405, "GET", "method_not_allowed"), r


def test_a_change_through_another_instance_reaches_the_stream_within_1s():
    stream = open_stream(token=S.token)
    try:
        other = HttpApi(OTHER.gateway_http, token=S.token)
        r = other.post("/api/v1/tickets", ticket_body())
        done = time.monotonic()
        assert r.status == 201, r
        assert stream.wait_event("ticket", 1.0) is not None, "no ticket event within 1 s: %r" % stream.text
        print("ticket event %.0f ms after the other instance answered" % ((time.monotonic() - done) * 1000))
        # dispatch starts its clocks from the ticket's message: those too
        assert stream.wait_event("clock", 10) is not None, stream.text
    finally:
        stream.close()


def test_a_change_by_a_service_reaches_the_stream_within_1s():
    stream = open_stream(OTHER.gateway_http, token=S.token)
    try:
        S.kefuctl("submit", "--channel", "hotline", "--kind", "repair", "--customer", "C1002",
                  "--product", "AC-3200", "--description", "命令行提交")
        done = time.monotonic()
        assert stream.wait_event("ticket", 1.0) is not None, "no ticket event within 1 s: %r" % stream.text
        print("ticket event %.0f ms after kefuctl returned" % ((time.monotonic() - done) * 1000))
    finally:
        stream.close()


def test_every_topic_is_named_and_a_burst_is_coalesced():
    S.quiet()
    stream = open_stream(token=S.token)
    conn = S.cluster.connect()
    conn.autocommit = True
    try:
        # 30 transactions, each notifying every topic (and two that are none
        # a client may see), as fast as they go
        t0 = time.monotonic()
        with conn.cursor() as cur:
            for _ in range(30):
                cur.execute("SELECT pg_notify('kefu_changes', t) FROM unnest(%s::text[]) t",
                            (TOPICS + ["access", "no-such-topic"],))
        burst = time.monotonic() - t0
        counts = {}
        while len(counts) < len(TOPICS):
            block = stream.next_block(2)
            assert block is not None, (counts, stream.text)
            topic = stream.topic_of(block)
            if topic:
                counts[topic] = counts.get(topic, 0) + 1
        assert sorted(counts) == sorted(TOPICS), counts
        # a later change: whatever the burst made came before its event
        with conn.cursor() as cur:
            cur.execute("SELECT pg_notify('kefu_changes', 'ticket')")
        tail = []
        while True:
            block = stream.next_block(2)
            assert block is not None, (tail, stream.text)
            tail.append(block)
            if stream.topic_of(block) == "ticket":
                break
        for block in tail[:-1]:
            topic = stream.topic_of(block)
            if topic:
                counts[topic] = counts.get(topic, 0) + 1
        # at most one event per topic per 150 ms gap (and one the quiet system made)
        most = int(burst / 0.15) + 2
        assert max(counts.values()) <= most, (counts, burst)
        print("30 x %d notifications in %.0f ms: events %s" % (len(TOPICS) + 2, burst * 1000, counts))
    finally:
        conn.close()
        stream.close()


def test_events_carry_ids_and_a_reconnection_is_told_everything_may_have_changed():
    stream = open_stream(token=S.token)
    try:
        S.sql("SELECT pg_notify('kefu_changes', 'claim')")
        block = stream.wait_event("claim", 1.0)
        assert block is not None and re.match(r"^id: \d+\n", block), block
    finally:
        stream.close()
    # an EventSource coming back sends the last id it saw: it missed what
    # changed meanwhile, so its first batch names every topic
    again = open_stream(token=S.token, last_event_id=block.split("\n")[0][4:])
    try:
        first = again.next_block(1.0)
        assert first is not None, again.text
        topics = [again.topic_of(first)]
        while len(topics) < len(TOPICS):
            block = again.next_block(1.0)
            assert block is not None and not block.startswith("id: "), (topics, block)   # one batch
            topics.append(again.topic_of(block))
        assert sorted(topics) == sorted(TOPICS), topics
    finally:
        again.close()


def test_a_revoked_session_ends_its_stream():
    cookie, csrf = log_in()
    stream = open_stream(cookie=cookie)
    try:
        other = HttpApi(OTHER.gateway_http, cookie=cookie, csrf=csrf)
        assert other.delete("/api/v1/session").status == 204
        t0 = time.monotonic()
        assert stream.wait_closed(5), "the stream of a logged-out session is still open: %r" % stream.text
        print("stream ended %.0f ms after log-out" % ((time.monotonic() - t0) * 1000))
    finally:
        stream.close()
    r = HttpApi(S.config.gateway_http, cookie=cookie).get(CHANGES)
    assert (r.status, r.json["code"]) == (401, "unauthenticated"), r


def test_a_slow_request_beside_live_events_and_log_ins():
    stream = open_stream(token=S.token)
    conn = S.cluster.connect()
    conn.autocommit = False
    done = {}
    try:
        cur = conn.cursor()
        cur.execute("LOCK TABLE dispatch.sla_clocks IN ACCESS EXCLUSIVE MODE")   # the board waits for it
        t0 = time.monotonic()

        def slow():
            done["slow"] = HttpApi(S.config.gateway_http, token=S.token).get("/api/v1/sla/board")
            done["slow_at"] = time.monotonic()
        thread = threading.Thread(target=slow)
        thread.start()
        h.wait_until(lambda: S.sql("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
                                   " WHERE c.relname = 'sla_clocks' AND NOT l.granted")[0][0] > 0,
                     10, "sla.board to wait for the lock")
        api = HttpApi(OTHER.gateway_http, token=S.token)
        rounds = 0
        while time.monotonic() - t0 < 5:
            r = api.post("/api/v1/tickets", ticket_body("慢请求旁的报修"))
            answered = time.monotonic()
            assert r.status == 201, r
            assert stream.wait_event("ticket", 1.0) is not None, "round %d: no event within 1 s" % rounds
            assert time.monotonic() - answered < 1.0
            log_in()
            rounds += 1
        assert rounds >= 3, rounds
        assert "slow" not in done, "the slow request finished before the lock was released"
        conn.commit()
        thread.join(30)
        assert done["slow"].status == 200, done["slow"]
        assert done["slow_at"] - t0 >= 5, done["slow_at"] - t0
    finally:
        conn.close()
        stream.close()


def test_a_quiet_stream_is_kept_and_one_not_read_is_cut():
    # connection_timeout_s is 2: a quiet stream gets a comment every second
    stream = open_stream(EDGE.gateway_http, token=S.token)
    try:
        comments = 0
        t0 = time.monotonic()
        while comments < 4:
            block = stream.next_block(3)
            assert block is not None, "the quiet stream ended after %.1f s" % (time.monotonic() - t0)
            comments += block.startswith(":")
        assert time.monotonic() - t0 > 2.5          # longer than connection_timeout_s
        S.sql("SELECT pg_notify('kefu_changes', 'ticket')")
        assert stream.wait_event("ticket", 1.0) is not None, stream.text
    finally:
        stream.close()
    edge = S.services["gateway-edge"]
    cuts = len(edge.events("connection_cut"))
    # a client that never reads: its small buffers fill, then it is cut
    h.wait_until(lambda: S.sql("SELECT count(*) FROM pg_stat_activity"
                               " WHERE application_name = 'kefu-gateway-changes'")[0][0] >= 1, 10, "a listener")
    stuck = h.wait_until(lambda: _stream_or_none(EDGE.gateway_http, rcvbuf=1024), 10, "a stream place free")
    try:
        def notified_until_cut():
            if len(edge.events("connection_cut")) > cuts:
                return True
            S.sql("SELECT pg_notify('kefu_changes', t) FROM unnest(%s::text[]) t", (TOPICS,))
            return False
        # one batch of every topic per coalescing gap (150 ms): a steady flow of events
        h.wait_until(notified_until_cut, 60, "the cut of a stream nobody reads", interval=0.16)
        reasons = [e.get("reason") for e in edge.events("connection_cut")[cuts:]]
        assert any("response" in r for r in reasons), reasons
    finally:
        stuck.close()
    # its place is free again
    h.wait_until(lambda: _stream_or_none(EDGE.gateway_http), 10, "a new stream after the cut").close()


def _stream_or_none(address, rcvbuf=None):
    s = Stream(address, token=S.token, rcvbuf=rcvbuf)
    if s.status == 200:
        return s
    s.close()
    return None


def test_the_stream_limit_is_503():
    first = h.wait_until(lambda: _stream_or_none(EDGE.gateway_http), 10, "a stream place free")
    try:
        r = HttpApi(EDGE.gateway_http, token=S.token).get(CHANGES)
        assert (r.status, r.json["code"], r.headers["retry-after"]) == (503, "unavailable", "1"), r
        assert "stream_limit" in r.json["message"], r.json
    finally:
        first.close()


def test_the_listener_connects_again_when_its_connection_is_lost():
    stream = open_stream(token=S.token)
    try:
        # as the gateway's own role, which may end its own connections
        killed = S.cluster.sql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                               " WHERE application_name = 'kefu-gateway-changes'", role="kefu_gateway")[0][0]
        assert killed >= 1, killed
        # back, listening, it counts every topic as changed (what happened
        # meanwhile is unknown): that event says it listens again
        assert stream.wait_event("ticket", 10) is not None, stream.text
        HttpApi(OTHER.gateway_http, token=S.token).post("/api/v1/tickets", ticket_body())
        assert stream.wait_event("ticket", 1.0) is not None, stream.text
    finally:
        stream.close()


def test_stopping_the_gateway_ends_its_streams_at_once():
    address = extra_gateway("gateway-stopped").gateway_http
    svc = S.services["gateway-stopped"]
    stream = open_stream(address, token=S.token)
    try:
        t0 = time.monotonic()
        svc.stop()
        elapsed = time.monotonic() - t0
        assert stream.wait_closed(1), stream.text
        assert elapsed < 5, elapsed
    finally:
        stream.close()
