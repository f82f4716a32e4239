"""kefu-gateway, the HTTP front (docs/gateway.md), against real services:
requests forwarded with the caller's bearer token or session cookie (and
its CSRF value), each refusal the documented status and {code, message}
body, keep-alive, HTTPS with a certificate made here by openssl, the body
limit, a client trickling one byte a second cut off, an unreachable service
as 503 with Retry-After, and a slow request (its table locked from here)
that does not hold up requests on other connections. Every response is
checked against schemas/openapi.yaml (tests/lib/http_api.py)."""
import hashlib
import http.client
import os
import select
import socket
import subprocess
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
from http_api import Contract, HttpApi  # noqa: E402
from kefu_system import System  # noqa: E402

S = None
EDGE = None        # a second gateway: short connection time-out, dispatch unreachable
TLS = None         # a third: HTTPS


def ticket_body(text="网关提交的报修", customer="C1001"):
    return {"channel": "web", "kind": "repair", "customer": {"id": customer}, "description": text}


def extra_gateway(name, **gateway):
    """Another gateway instance of the same system with its own
    services.gateway settings (a config file of its own)."""
    services = {k: dict(v) for k, v in S.config.data["services"].items()}
    services["gateway"] = dict({"http": "127.0.0.1:%d" % h.free_port()}, **gateway.pop("services_gateway"))
    for svc, api in gateway.pop("apis", {}).items():
        services[svc]["api"] = api
    cfg = h.write_config(S.tmp, S.cluster, name=name + ".yaml", services=services)
    svc = h.Service("gateway", cfg, instance=name, logdir=S.tmp, env=S.env)
    S.services[svc.instance] = svc
    svc.start().wait_ready()
    return cfg


def setup_module():
    global S, EDGE, TLS
    S = System("gateway", services={"gateway": {"per_ip_limit": 16}})     # the default (the harness raises it)
    S.start_services(["intake", "dispatch", "gateway"])
    EDGE = extra_gateway("gateway-edge", services_gateway={"connection_timeout_s": 2},
                         apis={"dispatch": "tcp://127.0.0.1:%d" % h.free_port()})
    key, cert = os.path.join(S.tmp, "gw.key"), os.path.join(S.tmp, "gw.crt")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    TLS = extra_gateway("gateway-tls", services_gateway={"tls_cert": cert, "tls_key": key})


def teardown_module():
    if S:
        S.shutdown()


def csrf_of(token):
    return hashlib.blake2b(b"kefu-csrf:" + token.encode(), digest_size=16).hexdigest()


def submit(api, **kw):
    r = api.post("/api/v1/tickets", ticket_body(**kw), headers={"Idempotency-Key": str(uuid.uuid4())})
    assert r.status == 201, r
    return r.json["ticket_id"]


def test_forwarding_with_a_bearer_token():
    api = S.http()
    ticket = submit(api)
    r = api.get("/api/v1/tickets/%d" % ticket)
    assert r.status == 200, r
    assert r.json["ticket"]["id"] == ticket
    assert r.headers["content-type"] == "application/json"
    r = api.get("/api/v1/tickets", query={"limit": 5, "kind": "repair"})
    assert r.status == 200, r
    assert ticket in [t["id"] for t in r.json["tickets"]]
    r = api.get("/api/v1/sla/board", query={"branch": "SH01"})
    assert r.status == 200, r
    # a service's own refusal keeps its code and message
    r = api.get("/api/v1/tickets/999999")
    assert (r.status, r.json["code"]) == (404, "not_found"), r


def test_idempotency_key_is_the_request_id():
    api = S.http()
    key = str(uuid.uuid4())
    first = api.post("/api/v1/tickets", ticket_body(), headers={"Idempotency-Key": key})
    again = api.post("/api/v1/tickets", ticket_body(), headers={"Idempotency-Key": key})
    assert (first.status, again.status) == (201, 201), (first, again)
    assert again.json["ticket_id"] == first.json["ticket_id"]
    r = api.post("/api/v1/tickets", dict(ticket_body(), request_id=str(uuid.uuid4())),
                 headers={"Idempotency-Key": key})
    assert (r.status, r.json["code"]) == (400, "invalid"), r
    assert "Idempotency-Key" in r.json["message"]
    r = api.post("/api/v1/tickets", ticket_body(), headers={"Idempotency-Key": "has space"})
    assert (r.status, r.json["code"]) == (400, "invalid"), r


def test_no_or_bad_credentials_are_401():
    r = S.http(token="").get("/api/v1/tickets/1")
    assert (r.status, r.json["code"]) == (401, "unauthenticated"), r
    assert r.headers["www-authenticate"].startswith("Bearer")
    r = S.http(token="kefu_" + "A" * 43).get("/api/v1/tickets/1")   # well-formed, unknown
    assert (r.status, r.json["code"]) == (401, "unauthenticated"), r
    r = S.http(token="").get("/api/v1/tickets/1", headers={"Authorization": "Basic Zm9vOmJhcg=="})
    assert (r.status, r.json["code"]) == (401, "unauthenticated"), r
    assert "Bearer" in r.json["message"]


def test_session_cookie_needs_csrf_to_change_anything():
    cookie = S.http(token="", cookie=S.token)
    ticket = submit(S.http())
    r = cookie.get("/api/v1/tickets/%d" % ticket)     # a read needs no CSRF value
    assert r.status == 200, r
    r = cookie.post("/api/v1/tickets", ticket_body())
    assert (r.status, r.json["code"]) == (403, "csrf"), r
    r = cookie.post("/api/v1/tickets", ticket_body(), headers={"X-CSRF-Token": csrf_of("kefu_other")})
    assert (r.status, r.json["code"]) == (403, "csrf"), r
    r = cookie.post("/api/v1/tickets", ticket_body(), headers={"X-CSRF-Token": csrf_of(S.token)})
    assert r.status == 201, r


def test_keep_alive_serves_many_requests_on_one_connection():
    api = S.http()
    ticket = submit(api)
    for _ in range(5):
        assert api.get("/api/v1/tickets/%d" % ticket).status == 200
    assert api.connections == 1


def test_https_with_a_self_signed_certificate():
    api = HttpApi(TLS.gateway_http, token=S.token, tls=True)
    ticket = submit(api)
    for _ in range(3):
        r = api.get("/api/v1/tickets/%d" % ticket)
        assert r.status == 200, r
    assert api.connections == 1
    # plain HTTP to the HTTPS port gets no HTTP answer
    with socket.create_connection(("127.0.0.1", int(TLS.gateway_http.rsplit(":", 1)[1])), timeout=10) as s:
        s.sendall(b"GET /api/v1/tickets/1 HTTP/1.1\r\nHost: x\r\n\r\n")
        got = s.recv(100)
    assert not got.startswith(b"HTTP/1.1 200"), got


def test_body_over_the_limit_is_413():
    r = S.http().post("/api/v1/tickets", ticket_body(text="长" * 30000))   # 90,000 bytes of UTF-8
    assert (r.status, r.json["code"]) == (413, "too_large"), r


def test_unknown_path_404_and_wrong_method_405():
    api = S.http()
    r = api.get("/api/v1/nothing-here", check=False)
    assert (r.status, r.json["code"]) == (404, "not_found"), r
    r = api.get("/index.html", check=False)
    assert (r.status, r.json["code"]) == (404, "not_found"), r
    r = api.request("DELETE", "/api/v1/tickets", check=False)
    assert (r.status, r.json["code"]) == (405, "method_not_allowed"), r
    assert r.headers["allow"] == "GET, HEAD, POST"
    assert sorted(r.json) == ["code", "message"]


def test_head_is_answered_like_get_without_a_body():
    api = S.http()
    get = api.get("/api/v1/tickets", query={"limit": 1})
    head = api.request("HEAD", "/api/v1/tickets", query={"limit": 1}, check=False)
    assert (head.status, head.body) == (200, b""), head
    assert head.headers["content-type"] == get.headers["content-type"]
    head = api.request("HEAD", "/api/v1/session", check=False)      # the sessions' path too
    assert (head.status, head.body) == (api.get("/api/v1/session", check=False).status, b""), head
    assert api.get("/api/v1/tickets", query={"limit": 1}).status == 200   # the connection goes on


def test_a_huge_content_length_is_413_and_the_connection_closed():
    port = int(S.config.gateway_http.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"GET /api/v1/tickets HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000000000\r\n\r\n")
        got = b""
        while True:                        # read to the end: the server closes it
            chunk = s.recv(4096)
            if not chunk:
                break
            got += chunk
    assert got.startswith(b"HTTP/1.1 413"), got
    assert b"too_large" in got, got


def test_bad_body_or_content_type_is_400():
    api = S.http()
    r = api.post("/api/v1/tickets", raw=b'{"channel": "web",', headers={"Idempotency-Key": None})
    assert (r.status, r.json["code"]) == (400, "invalid"), r
    assert r.json["message"].startswith("body:")
    r = api.post("/api/v1/tickets", raw=b"[1, 2]")
    assert (r.status, r.json["code"]) == (400, "invalid"), r
    r = api.post("/api/v1/tickets", raw=b'{"channel": "web"}', content_type="text/plain")
    assert (r.status, r.json["code"]) == (400, "invalid"), r
    assert r.json["message"].startswith("Content-Type:")
    r = api.post("/api/v1/tickets", dict(ticket_body(), colour="red"))    # the service's own check
    assert (r.status, r.json["code"]) == (400, "invalid"), r
    assert "colour" in r.json["message"]


def test_query_and_path_values_are_typed():
    api = S.http()
    for query, word in (({"limit": "ten"}, "limit"), ([("limit", 1), ("limit", 2)], "limit"),
                        ({"colour": "red"}, "colour")):
        r = api.get("/api/v1/tickets", query=query)
        assert (r.status, r.json["code"]) == (400, "invalid"), r
        assert word in r.json["message"], r
    r = api.get("/api/v1/tickets/abc")
    assert (r.status, r.json["code"]) == (400, "invalid"), r
    assert "ticket_id" in r.json["message"]
    r = api.get("/api/v1/tickets/1", query={"limit": 1})       # ticket.get takes no query
    assert (r.status, r.json["code"]) == (400, "invalid"), r


def test_service_down_is_503_with_retry_after():
    api = HttpApi(EDGE.gateway_http, token=S.token)
    t0 = time.monotonic()
    r = api.get("/api/v1/sla/board")
    assert (r.status, r.json["code"]) == (503, "unavailable"), r
    assert r.headers["retry-after"] == "1"
    assert time.monotonic() - t0 < 10
    # the same gateway still serves the services that are up
    assert api.get("/api/v1/tickets", query={"limit": 1}).status == 200


def test_a_client_sending_one_byte_a_second_is_cut_off():
    port = int(EDGE.gateway_http.rsplit(":", 1)[1])
    request = b"GET /api/v1/tickets?limit=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 100
    sent = 0
    t0 = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        closed = False
        while not closed and time.monotonic() - t0 < 15:
            try:
                s.sendall(request[sent:sent + 1])
                sent += 1
            except OSError:
                closed = True
                break
            readable, _, _ = select.select([s], [], [], 1.0)   # one byte a second
            if readable:   # the server closed it (or answered the cut request, then closed)
                try:
                    s.recv(1000)
                except OSError:
                    pass
                closed = True
    elapsed = time.monotonic() - t0
    assert closed, "still connected after %.1f s and %d bytes" % (elapsed, sent)
    assert elapsed < 10, elapsed                       # connection_timeout_s is 2
    assert sent < len(request)
    edge = S.services["gateway-edge"]
    h.wait_until(lambda: edge.events("connection_cut"), 10, "the cut logged")


def test_a_slow_request_does_not_hold_up_others():
    api = S.http()
    ticket = submit(api)
    conn = S.cluster.connect()
    conn.autocommit = False
    done = {}
    try:
        cur = conn.cursor()
        cur.execute("LOCK TABLE intake.tickets IN ACCESS EXCLUSIVE MODE")   # ticket.get waits for it

        def slow():
            done["slow"] = S.http().get("/api/v1/tickets/%d" % ticket)
            done["slow_at"] = time.monotonic()
        thread = threading.Thread(target=slow)
        thread.start()
        h.wait_until(lambda: S.sql("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
                                   " WHERE c.relname = 'tickets' AND NOT l.granted")[0][0] > 0,
                     10, "ticket.get to wait for the lock")
        # meanwhile, other connections get their answers from another service
        others = [S.http() for _ in range(3)]
        for other in others:
            r = other.get("/api/v1/sla/board")
            assert r.status == 200, r
        assert "slow" not in done, "the slow request finished before the lock was released"
        conn.commit()                                  # release: the slow one completes
        thread.join(30)
        assert done["slow"].status == 200, done["slow"]
    finally:
        conn.close()


def test_one_ip_address_gets_at_most_per_ip_limit_connections():
    port = int(S.config.gateway_http.rsplit(":", 1)[1])

    def served():
        """A new connection, kept alive, once it was answered (a client of
        an earlier test may still be closing: then None, and again)."""
        api = S.http()
        try:
            if api.get("/api/v1/nothing-here", check=False).status == 404:
                return api
        except (OSError, http.client.HTTPException):
            pass
        api.close()
        return None

    held = []
    try:
        for _ in range(16):                  # per_ip_limit (its default)
            held.append(h.wait_until(served, 10, "a connection served"))
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:   # the 17th
            got = b""
            try:
                s.sendall(b"GET /api/v1/nothing-here HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                got = s.recv(1000)
            except (ConnectionResetError, BrokenPipeError):
                pass
            assert got == b"", got           # closed unanswered
        held.pop().close()                   # one fewer: a new one is served again
        held.append(h.wait_until(served, 10, "a connection served after one closed"))
    finally:
        for api in held:
            api.close()
