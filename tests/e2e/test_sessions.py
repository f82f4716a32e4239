"""Log-in and sessions at the gateway (docs/gateway.md "Log-in and
sessions", docs/security.md "Passwords" and "Failed log-ins"): a staff
member logs in with their password and gets a session cookie (HttpOnly,
SameSite=Strict), which works for GETs as it is and for other methods only
with the X-CSRF-Token the log-in returned; log-out revokes it, the injected
clock expires it; a wrong password and an unknown id get the same 401 after
the same work; 10,000 bad log-ins from another address are throttled (429 +
Retry-After) while the gateway stays up and the real user still logs in
from their own address. Every response is checked against
schemas/openapi.yaml (tests/lib/http_api.py)."""
import base64
import hashlib
import http.client
import os
import re
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
from http_api import HttpApi  # noqa: E402
from kefu_system import System  # noqa: E402

S = None
HOUR = 3600 * 1000000
START = 1767571200000000   # 2026-01-05 00:00 UTC, a Monday
PASSWORD = "正确的马 battery staple"
SESSION = "/api/v1/session"
COOKIE = re.compile(r"^kefu_session=(kefu_[A-Za-z0-9_-]{43}); Path=/; HttpOnly; SameSite=Strict$")
TICKET = {"channel": "hotline", "kind": "repair", "customer": {"id": "C1002"},
          "product": {"code": "AC-3200"}, "description": "会话测试"}


class HttpFrom(HttpApi):
    """A gateway client whose connections come from a given loopback
    address (127.0.0.2, …): another client, as far as the gateway's
    per-address limits can tell."""

    def __init__(self, source, **kw):
        super().__init__(S.config.gateway_http, **kw)
        self.source = source

    def _connect(self):
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout,
                                               source_address=(self.source, 0))
        self.connections += 1


def log_in(staff="A101", password=PASSWORD, source="127.0.0.1"):
    """POSTs a log-in; returns (response, a client holding the session's
    cookie and CSRF value, or None)."""
    api = HttpFrom(source)
    r = api.post(SESSION, {"staff": staff, "password": password})
    if r.status != 201:
        return r, None
    m = COOKIE.match(r.headers.get("set-cookie", ""))
    assert m, r.headers
    S.passwords.append(m.group(1))   # the token: checked absent from every log
    return r, HttpFrom(source, cookie=m.group(1), csrf=r.json["csrf"])


def setup_module():
    global S
    S = System("sessions", clock_us=START)
    S.kefuctl("admin", "staff", "password", "A101", stdin=PASSWORD + "\n")
    S.passwords.append(PASSWORD)
    S.start_services(["intake", "gateway"])


def teardown_module():
    if S:
        S.shutdown()


def test_log_in_gives_an_http_only_strict_cookie_and_the_csrf_value():
    r, session = log_in()
    assert r.status == 201, r
    assert r.json["staff"] == "A101" and r.json["name"] == "李静", r.json
    assert r.json["roles"] == ["agent"] and r.json["branches"] == ["SH01"], r.json
    assert r.json["expires_at"] == "2026-01-05T12:00:00.000000Z", r.json
    assert re.fullmatch(r"[0-9a-f]{32}", r.json["csrf"]), r.json
    assert r.headers.get("cache-control") == "no-store", r.headers
    # the token is stored as its hash only, kind session, with its address
    rows = S.sql("SELECT kind, host(address), staff_id, revoked_at FROM auth.tokens "
                 "WHERE prefix = %s", (session.cookie[:12],))
    assert rows == [("session", "127.0.0.1", "A101", None)], rows
    digest = hashlib.blake2b(session.cookie.encode(), digest_size=32).hexdigest()
    assert S.cluster.scalar("SELECT count(*) FROM auth.tokens WHERE hash = %s", (digest,)) == 1
    # who is logged in, from the cookie alone
    who = session.get(SESSION)
    assert who.status == 200, who
    assert who.json == r.json, (who.json, r.json)
    # the gateway's role reads no table of auth, only its functions
    for query in ("SELECT password_hash FROM auth.staff", "SELECT hash FROM auth.tokens",
                  "SELECT * FROM auth.login_failures"):
        assert "permission denied" in S.cluster.sql_error_as("kefu_gateway", query), query


def test_the_cookie_works_for_a_get_and_for_a_post_only_with_the_csrf_value():
    r, session = log_in()
    assert r.status == 201, r
    listed = session.get("/api/v1/tickets")
    assert listed.status == 200, listed
    bare = HttpFrom("127.0.0.1", cookie=session.cookie)
    refused = bare.post("/api/v1/tickets", TICKET)
    assert refused.status == 403 and refused.json["code"] == "csrf", refused
    wrong = HttpFrom("127.0.0.1", cookie=session.cookie, csrf="0" * 32).post("/api/v1/tickets", TICKET)
    assert wrong.status == 403 and wrong.json["code"] == "csrf", wrong
    made = session.post("/api/v1/tickets", TICKET)
    assert made.status == 201, made
    # the ticket names its maker: the session's staff member
    actor = S.cluster.scalar("SELECT actor FROM intake.ticket_history WHERE ticket_id = %s AND event = 'created'",
                     (made.json["ticket_id"],))
    assert "A101" in actor, actor
    # GET, POST and DELETE only
    put = bare.request("PUT", SESSION, body={}, check=False)
    assert put.status == 405 and put.headers.get("allow") == "GET, HEAD, POST, DELETE", put


def test_wrong_password_and_unknown_staff_get_the_same_answer_after_the_same_work():
    api = HttpFrom("127.0.0.3")
    answers, seconds = {}, {}
    for staff, password in (("A101", "not the password"), ("NOBODY", PASSWORD), ("A201", PASSWORD)):
        took = []
        for _ in range(3):
            began = time.monotonic()
            r = api.post(SESSION, {"staff": staff, "password": password})
            took.append(time.monotonic() - began)
            assert r.status == 401, r
            assert "set-cookie" not in r.headers, r.headers
            answers.setdefault(staff, r.json)
        seconds[staff] = min(took)
    # A201 has no password at all: the same answer too
    assert answers["A101"] == answers["NOBODY"] == answers["A201"] == {
        "code": "unauthenticated", "message": "staff or password: not recognised"}, answers
    # an unknown id is checked against a dummy hash: no quick answer tells it apart
    assert seconds["NOBODY"] >= 0.25 * seconds["A101"], seconds
    assert seconds["A201"] >= 0.25 * seconds["A101"], seconds
    # bad bodies name the field, and count as no attempt
    for body, want in (({"staff": "A101"}, "password: missing"),
                       ({"staff": "A 101", "password": "x"}, "staff: not a staff id"),
                       ({"staff": "A101", "password": "x", "keep": True}, "body: unknown field")):
        r = api.post(SESSION, body)
        assert r.status == 400 and r.json["code"] == "invalid" and want in r.json["message"], (body, r)
    r = api.post(SESSION, raw=b"staff=A101", content_type="application/x-www-form-urlencoded")
    assert r.status == 400 and "Content-Type" in r.json["message"], r
    failures = S.sql("SELECT staff_id, host(address), count(*) FROM auth.login_failures "
                     "WHERE address = '127.0.0.3' GROUP BY 1, 2 ORDER BY 1")
    assert failures == [("A101", "127.0.0.3", 3), ("A201", "127.0.0.3", 3), ("NOBODY", "127.0.0.3", 3)], failures


def test_log_out_revokes_the_session_and_clears_the_cookie():
    r, session = log_in()
    assert r.status == 201, r
    assert session.get("/api/v1/tickets").status == 200
    no_csrf = HttpFrom("127.0.0.1", cookie=session.cookie).delete(SESSION)
    assert no_csrf.status == 403, no_csrf
    assert session.get(SESSION).status == 200
    out = session.delete(SESSION)
    assert out.status == 204, out
    assert out.headers.get("set-cookie") == "kefu_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0", \
        out.headers
    gone = session.get(SESSION)
    assert gone.status == 401 and gone.json["code"] == "unauthenticated", gone
    # every service refuses the token within its cache's 2 s
    h.wait_until(lambda: session.get("/api/v1/tickets").status == 401, timeout=10,
                 what="the logged-out cookie refused by intake")
    assert S.cluster.scalar("SELECT revoked_at IS NOT NULL FROM auth.tokens WHERE prefix = %s",
                    (session.cookie[:12],)) is True


def test_a_flood_of_session_reads_leaves_log_in_its_database_connections():
    # the session reads hang on a locked auth.tokens until the flood has
    # taken every connection they may use (their 503s show it); a log-in
    # must still reach the database
    lock = S.cluster.connect()
    lock.autocommit = False
    stop, statuses, seen = threading.Event(), {}, threading.Lock()

    def flood():
        token = "kefu_" + base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")
        api = HttpApi(S.config.gateway_http, token=token, timeout=120)
        try:
            while not stop.is_set():
                r = api.get(SESSION)
                with seen:
                    statuses[r.status] = statuses.get(r.status, 0) + 1
        finally:
            api.close()

    threads = []
    try:
        lock.cursor().execute("LOCK TABLE auth.tokens IN ACCESS EXCLUSIVE MODE")
        threads = [threading.Thread(target=flood) for _ in range(8)]
        for t in threads:
            t.start()
        h.wait_until(lambda: statuses.get(503, 0) > 0, timeout=60, what="the session reads out of connections")
        r = HttpFrom("127.0.0.7").post(SESSION, {"staff": "A101", "password": "not the password"})
        assert r.status == 401, (r, statuses)
    finally:
        stop.set()
        lock.rollback()
        lock.close()
        for t in threads:
            t.join(timeout=60)
    assert set(statuses) <= {401, 503}, statuses
    r, _ = log_in()
    assert r.status == 201, r


def test_a_deactivated_staff_member_cannot_open_a_session():
    S.kefuctl("admin", "staff", "password", "A301", stdin=PASSWORD + "\n")
    S.sql("UPDATE auth.staff SET active = false WHERE id = 'A301'")
    try:
        r, _ = log_in(staff="A301", source="127.0.0.6")
        assert r.status == 401 and r.json["code"] == "unauthenticated", r
        # deactivated (or left without a password) between the password check
        # and the session: session_open itself writes nothing and names no one
        for staff, digest in (("A301", "a" * 64), ("A201", "b" * 64)):
            rows = S.cluster.sql("SELECT * FROM auth.session_open(%s, %s, 'kefu_test', '127.0.0.6', "
                                 "now(), now() + interval '1 hour')", (staff, digest), role="kefu_gateway")
            assert rows == [], (staff, rows)
            assert S.cluster.scalar("SELECT count(*) FROM auth.tokens WHERE hash = %s", (digest,)) == 0, staff
        known = S.sql("SELECT staff_id FROM auth.login_addresses WHERE address = '127.0.0.6'")
        assert known == [], known
    finally:
        S.sql("UPDATE auth.staff SET active = true WHERE id = 'A301'")


def test_fifty_concurrent_wrong_log_ins_check_at_most_the_limits_passwords():
    # each attempt is counted before its password is checked, one after the
    # other per account and address: none passes on the same old count
    n, statuses, lock = 50, {}, threading.Lock()
    start = threading.Barrier(n)

    def guess(i):
        api = HttpFrom("127.0.0.5")
        try:
            start.wait(timeout=30)
            r = api.post(SESSION, {"staff": "Z900", "password": "guess %d" % i})
            with lock:
                statuses[r.status] = statuses.get(r.status, 0) + 1
        finally:
            api.close()

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sum(statuses.values()) == n, statuses
    assert set(statuses) <= {401, 429, 503}, statuses
    assert statuses.get(401, 0) + statuses.get(503, 0) <= 10, statuses
    assert statuses.get(429, 0) >= n - 10, statuses
    counted = S.cluster.scalar("SELECT count(*) FROM auth.login_failures WHERE staff_id = 'Z900'")
    assert counted == 10, (counted, statuses)


def test_ten_thousand_bad_log_ins_are_throttled_and_the_user_still_logs_in():
    # the user logged in from 127.0.0.1 before (the tests above): a known address
    attackers, per_thread = 4, 2500
    statuses, retry_after, errors = {}, set(), []
    lock = threading.Lock()

    def attack(n):
        api = HttpFrom("127.0.0.2")
        try:
            for i in range(per_thread):
                staff = "A101" if i % 2 else "X%d%04d" % (n, i)
                r = api.post(SESSION, {"staff": staff, "password": "guess %d %d" % (n, i)})
                with lock:
                    statuses[r.status] = statuses.get(r.status, 0) + 1
                    if r.status == 429:
                        retry_after.add(r.headers.get("retry-after"))
        except Exception as e:  # noqa: BLE001 (reported below)
            errors.append(repr(e))
        finally:
            api.close()

    threads = [threading.Thread(target=attack, args=(n,)) for n in range(attackers)]
    began = time.monotonic()
    for t in threads:
        t.start()
    # while the attack runs, the real user logs in from their own address
    h.wait_until(lambda: statuses.get(429, 0) > 100, timeout=120, what="the attack throttled")
    during, _ = log_in()
    assert during.status == 201, during
    for t in threads:
        t.join(timeout=600)
    assert not errors, errors[:3]
    assert sum(statuses.values()) == attackers * per_thread, statuses
    assert set(statuses) <= {401, 429, 503}, statuses
    # at most the address's 30 failures ever reached a password check
    assert statuses.get(401, 0) <= 30, statuses
    assert statuses[429] >= attackers * per_thread - 30 - statuses.get(503, 0), statuses
    assert all(v.isdigit() and 1 <= int(v) <= 900 for v in retry_after), retry_after
    assert S.cluster.scalar("SELECT count(*) FROM auth.login_failures WHERE address = '127.0.0.2'") <= 30
    print("10,000 bad log-ins in %.1f s: %s" % (time.monotonic() - began, statuses))
    assert S.services["gateway-1"].alive()
    # after the attack: the user again, from home; a new address is held back
    # on the attacked account only, and says for how long
    after, _ = log_in()
    assert after.status == 201, after
    elsewhere = HttpFrom("127.0.0.4").post(SESSION, {"staff": "A101", "password": PASSWORD})
    assert elsewhere.status == 429 and elsewhere.json["code"] == "rate_limited", elsewhere
    assert 1 <= int(elsewhere.headers["retry-after"]) <= 900, elsewhere.headers
    # the window passes (the injected clock): the new address may try again
    S.set_clock(START + HOUR // 2)
    later, _ = log_in(source="127.0.0.4")
    assert later.status == 201, later


def test_a_session_expires_by_the_clock():
    S.set_clock(START + HOUR)
    r, session = log_in()
    assert r.status == 201, r
    assert r.json["expires_at"] == "2026-01-05T13:00:00.000000Z", r.json
    S.set_clock(START + 13 * HOUR - 1000000)
    assert session.get(SESSION).status == 200
    assert session.get("/api/v1/tickets").status == 200
    S.set_clock(START + 13 * HOUR)
    gone = session.get(SESSION)
    assert gone.status == 401, gone
    h.wait_until(lambda: session.get("/api/v1/tickets").status == 401, timeout=10,
                 what="the expired cookie refused by intake")
