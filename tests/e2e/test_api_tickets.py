"""The REST API of tickets and SLA (docs/gateway.md "Tickets", "SLA and work
orders"): every operation through kefu-gateway against the real intake and
dispatch, its success and each error it can give, an Idempotency-Key
replayed, a list walked with cursors, the report as CSV, and another
branch's ticket answered 404 (not 403, which would tell it exists).

Every response is checked against schemas/openapi.yaml by
tests/lib/http_api.py (status declared for the operation, body valid
against its schema)."""
import csv
import io
import json
import os
import sys
import urllib.parse
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
from kefu_system import System  # noqa: E402

S = None


def setup_module():
    global S
    S = System("api-tickets", dispatch={"assign_retry_ms": 200})
    S.start_services(["intake", "dispatch", "gateway"])


def teardown_module():
    for c in _clients.values():
        c.close()
    if S:
        S.shutdown()


# -- talking HTTP ------------------------------------------------------------
_clients = {}


def call(method, path, body=None, staff="CC01", headers=None, raw=None, token=None):
    """One request as a staff member (their bearer token), or with `token`
    ("" for none), on one kept-alive connection per caller; returns the
    response, checked against the contract (tests/lib/http_api.py)."""
    key = (staff, token)
    if key not in _clients:
        _clients[key] = S.http(token=token) if token is not None else S.http(staff=staff)
    path, _, query = path.partition("?")
    kw = dict(headers=headers, query=urllib.parse.parse_qsl(query, keep_blank_values=True) or None)
    if raw is not None:
        return _clients[key].request(method, path, raw=raw, **kw)
    return _clients[key].request(method, path, body=body, **kw)


def ok(resp, status=200):
    assert resp.status == status, (resp.status, resp.text)
    return resp.json


def refused(resp, status, code, text=""):
    assert (resp.status, resp.json["code"]) == (status, code), (resp.status, resp.text)
    assert text in resp.json["message"], resp.json


def new_customer(n):
    """A new customer of region SH (SH01 serves it), one per call: no two
    submits join each other's ticket."""
    return {"name": "测试客户%d" % n, "phone": "1391234%04d" % n, "address": "上海市徐汇区测试路%d号" % n,
            "region": "SH"}


_numbers = iter(range(1, 10000))


def submit(staff="CC01", key=None, token=None, **fields):
    """A complaint unless fields say otherwise: a ticket with running clocks
    and no visit, so that the few repairs find a technician free."""
    body = {"channel": "hotline", "kind": "complaint", "customer": new_customer(next(_numbers)),
            "product": {"code": "AC-3200"}, "description": "空调不制冷"}
    body.update(fields)
    headers = {"Idempotency-Key": key} if key else {}
    return call("POST", "/api/v1/tickets", body, staff=staff, headers=headers, token=token)


def ticket_in(branch, kind="complaint"):
    """A new open ticket of that branch (C1004 lives in SZ01's region)."""
    if branch == "SZ01":
        body = ok(submit(customer={"id": "C1004"}, product={"code": "WH-60"}, kind=kind), 201)
    else:
        body = ok(submit(kind=kind), 201)
    assert body["branch"] == branch, body
    return body["ticket_id"]


def assigned_order(tid):
    h.wait_until(lambda: S.sql("SELECT status FROM dispatch.work_orders WHERE ticket_id = %s", (tid,))
                 == [("assigned",)], 60, "ticket %s assigned" % tid)
    return S.sql("SELECT id, technician_id FROM dispatch.work_orders WHERE ticket_id = %s", (tid,))[0]


# -- tickets -------------------------------------------------------------------
def test_submit_show_and_idempotent_replay():
    key = str(uuid.uuid4())
    first = ok(submit(key=key), 201)
    assert (first["status"], first["joined"], first["branch"]) == ("open", False, "SH01"), first
    again = ok(submit(key=key), 201)
    assert again["ticket_id"] == first["ticket_id"], (first, again)
    assert S.sql("SELECT count(*) FROM intake.tickets WHERE request_id = %s", (key,)) == [(1,)]
    shown = ok(call("GET", "/api/v1/tickets/%d" % first["ticket_id"]))
    assert (shown["ticket"]["id"], shown["ticket"]["request_id"]) == (first["ticket_id"], key), shown
    assert shown["history"], shown
    # a body request_id other than the key's is refused
    refused(submit(key=key, request_id=str(uuid.uuid4())), 400, "invalid")


def test_submit_refusals_change_nothing():
    S.quiet()       # what earlier tests set going has landed
    before = S.sql("SELECT count(*), max(updated_at) FROM intake.tickets")
    refused(submit(kind="repairs"), 400, "invalid", "kind")
    refused(submit(customer={"id": "C9999"}), 404, "not_found", "C9999")
    refused(submit(staff="QC01"), 403, "forbidden")
    refused(submit(token=""), 401, "unauthenticated")
    resp = call("POST", "/api/v1/tickets", token="kefu_" + "x" * 40, body={"kind": "repair"})
    refused(resp, 401, "unauthenticated")
    assert resp.headers.get("www-authenticate", "").startswith("Bearer"), resp.headers
    # the body's media type, its JSON, its size
    refused(call("POST", "/api/v1/tickets", raw=b'{"kind": "repair"}', headers={"Content-Type": "text/plain"}),
            400, "invalid")
    refused(call("POST", "/api/v1/tickets", raw=b'{"kind": ', headers={"Content-Type": "application/json"}),
            400, "invalid")
    big = {"channel": "hotline", "kind": "repair", "customer": {"id": "C1002"}, "description": "x" * 70000}
    refused(call("POST", "/api/v1/tickets", big), 413, "too_large")
    refused(submit(key="not a key!"), 400, "invalid", "Idempotency-Key")
    assert S.sql("SELECT count(*), max(updated_at) FROM intake.tickets") == before


def test_show_refusals_and_branch_confinement():
    sh = ticket_in("SH01")
    refused(call("GET", "/api/v1/tickets/999999999"), 404, "not_found")
    refused(call("GET", "/api/v1/tickets/abc"), 400, "invalid", "ticket_id")
    refused(call("GET", "/api/v1/tickets/%d" % sh, staff="DS01"), 403, "forbidden")
    refused(call("GET", "/api/v1/tickets/%d" % sh, token=""), 401, "unauthenticated")
    # SZ01's agent: SH01's ticket does not exist for them, wherever they look
    for path in ("/api/v1/tickets/%d", "/api/v1/tickets/%d/clocks", "/api/v1/tickets/%d/work-orders"):
        refused(call("GET", path % sh, staff="A301"), 404, "not_found")
    refused(call("POST", "/api/v1/tickets/%d/events" % sh, {"event": "first_reply"}, staff="A301"),
            404, "not_found")
    assert ok(call("GET", "/api/v1/tickets/%d" % sh, staff="A101"))["ticket"]["id"] == sh


def test_list_filters_and_refusals():
    sz = ticket_in("SZ01")
    mine = ok(call("GET", "/api/v1/tickets?branch=SZ01&status=open&limit=500", staff="A301"))["tickets"]
    assert sz in [t["id"] for t in mine] and {t["branch"] for t in mine} == {"SZ01"}, mine
    # the SH01 agent sees none of SZ01's
    theirs = ok(call("GET", "/api/v1/tickets?limit=500", staff="A101"))["tickets"]
    assert sz not in [t["id"] for t in theirs] and {t["branch"] for t in theirs} <= {"SH01"}, theirs
    refused(call("GET", "/api/v1/tickets?status=bogus"), 400, "invalid", "status")
    refused(call("GET", "/api/v1/tickets?limit=abc"), 400, "invalid", "limit")
    refused(call("GET", "/api/v1/tickets?status=open&status=closed"), 400, "invalid", "status")
    refused(call("GET", "/api/v1/tickets?colour=red"), 400, "invalid", "colour")
    refused(call("GET", "/api/v1/tickets", staff="DS01"), 403, "forbidden")


def test_list_walked_with_cursors():
    for _ in range(5):
        ticket_in("SH01")
    everything = [t["id"] for t in ok(call("GET", "/api/v1/tickets?branch=SH01&limit=500"))["tickets"]]
    assert len(everything) >= 5, everything
    seen, path, pages = [], "/api/v1/tickets?branch=SH01&limit=2", 0
    while path:
        resp = call("GET", path)
        page = ok(resp)
        seen += [t["id"] for t in page["tickets"]]
        pages += 1
        cursor = page.get("next_cursor")
        if cursor:
            assert 'rel="next"' in resp.headers.get("link", ""), resp.headers
            path = "/api/v1/tickets?branch=SH01&limit=2&cursor=" + cursor
        else:
            path = None
        assert pages <= len(everything), "the walk does not end"
    assert seen == everything, (seen, everything)
    refused(call("GET", "/api/v1/tickets?cursor=%21%21"), 400, "invalid", "cursor")


def test_events_recorded_replayed_and_refused():
    tid = ticket_in("SH01")
    path = "/api/v1/tickets/%d/events" % tid
    key = str(uuid.uuid4())
    first = ok(call("POST", path, {"event": "first_reply", "note": "已联系客户"}, headers={"Idempotency-Key": key}),
               201)
    assert (first["ticket_id"], first["event"], first["replayed"]) == (tid, "first_reply", False), first
    again = ok(call("POST", path, {"event": "first_reply", "note": "已联系客户"}, headers={"Idempotency-Key": key}),
               201)
    assert (again["history_id"], again["replayed"]) == (first["history_id"], True), again
    history = ok(call("GET", "/api/v1/tickets/%d" % tid))["history"]
    assert [e["event"] for e in history].count("first_reply") == 1, history
    refused(call("POST", path, {"event": "resumed"}), 409, "conflict")
    refused(call("POST", path, {"event": "paused"}), 400, "invalid", "reason")
    refused(call("POST", path, {"event": "first_reply"}, staff="QC01"), 403, "forbidden")
    refused(call("POST", "/api/v1/tickets/999999999/events", {"event": "first_reply"}), 404, "not_found")


# -- SLA reads ----------------------------------------------------------------
def test_due():
    due = ok(call("GET", "/api/v1/sla/due?branch=SH01&minutes=60&at=2026-01-05T09:00:00%2B08:00"))
    assert (due["branch"], due["business_seconds"]) == ("SH01", 3600), due
    assert due["due"].startswith("2026-01-05T02:00:00"), due
    days = ok(call("GET", "/api/v1/sla/due?branch=SH01&working_days=1&calendar_time=false"))
    assert days["branch"] == "SH01", days
    refused(call("GET", "/api/v1/sla/due?branch=SH01&minutes=soon"), 400, "invalid", "minutes")
    refused(call("GET", "/api/v1/sla/due?branch=SH01&minutes=60&calendar_time=perhaps"), 400, "invalid",
            "calendar_time")
    refused(call("GET", "/api/v1/sla/due?branch=XX99&minutes=60"), 404, "not_found", "XX99")
    refused(call("GET", "/api/v1/sla/due?branch=SH01&minutes=60", staff="DS01"), 403, "forbidden")


def test_board_clocks_and_work_orders():
    tid = ticket_in("SH01", kind="repair")
    wo, _ = assigned_order(tid)
    board = ok(call("GET", "/api/v1/sla/board?branch=SH01"))
    assert [b["branch"] for b in board["branches"]] == ["SH01"], board
    assert sum(board["branches"][0][c] for c in ("green", "yellow", "red")) >= 1, board
    # no CSV for the board: JSON whatever the Accept header says
    resp = call("GET", "/api/v1/sla/board?branch=SH01", headers={"Accept": "text/csv"})
    assert resp.headers["content-type"].startswith("application/json"), resp.headers
    refused(call("GET", "/api/v1/sla/board?branch=s h"), 400, "invalid", "branch")
    clocks = ok(call("GET", "/api/v1/tickets/%d/clocks" % tid))
    assert clocks["ticket_id"] == tid and clocks["clocks"], clocks
    refused(call("GET", "/api/v1/tickets/999999999/clocks"), 404, "not_found")
    orders = ok(call("GET", "/api/v1/tickets/%d/work-orders" % tid))
    assert [(w["work_order_id"], w["status"]) for w in orders["work_orders"]] == [(wo, "assigned")], orders
    refused(call("GET", "/api/v1/tickets/999999999/work-orders"), 404, "not_found")
    refused(call("GET", "/api/v1/tickets/%d/work-orders" % tid, staff="DS01"), 403, "forbidden")


def test_report_json_and_csv():
    ticket_in("SH01")
    ticket_in("SZ01")
    S.quiet()       # their clocks started: JSON and CSV read the same rows
    rows = ok(call("GET", "/api/v1/sla/report"))["rows"]
    assert {"SH01", "SZ01"} <= {r["branch"] for r in rows}, rows
    resp = call("GET", "/api/v1/sla/report", headers={"Accept": "text/csv"})
    assert resp.status == 200 and resp.headers["content-type"].startswith("text/csv"), (resp.status, resp.headers)
    table = list(csv.reader(io.StringIO(resp.text)))
    columns = "branch,branch_name,from,to,clock,clocks,met,breached,open,median_seconds,p90_seconds".split(",")
    assert table[0] == columns, table[0]
    assert [(r[0], r[4], int(r[5])) for r in table[1:]] == [(r["branch"], r["clock"] or "", r["clocks"])
                                                           for r in rows], (table, rows)
    # chosen branches and clocks go in a body (lists are no query parameters)
    clock = rows[0]["clock"]
    chosen = ok(call("POST", "/api/v1/sla/report", {"branches": ["SZ01"], "clocks": [clock]}))["rows"]
    assert chosen and {(r["branch"], r["clock"]) for r in chosen} == {("SZ01", clock)}, chosen
    resp = call("POST", "/api/v1/sla/report", {"branches": ["SZ01"]}, headers={"Accept": "text/csv"})
    assert resp.status == 200 and resp.text.startswith("branch,branch_name,"), (resp.status, resp.text)
    refused(call("GET", "/api/v1/sla/report?branches=SH01"), 400, "invalid", "branches")
    refused(call("POST", "/api/v1/sla/report", {"branches": ["NOPE"]}), 400, "invalid", "branches")
    refused(call("GET", "/api/v1/sla/report?from=2026-13-01&to=2026-14-01"), 400, "invalid", "from")
    refused(call("GET", "/api/v1/sla/report", staff="DS01"), 403, "forbidden")


# -- work orders ------------------------------------------------------------------
def test_diagnosis_and_done_report():
    tid = ticket_in("SH01", kind="repair")
    wo, tech = assigned_order(tid)
    diag = {"fault_code": "component_failure", "parts": [{"code": "AC-CAP-35", "quantity": 1}],
            "labour_minutes": 60, "distance_m": 5000, "photos": ["diag/api-1.jpg"]}
    path = "/api/v1/work-orders/%d/diagnosis" % wo
    refused(call("POST", path, diag, staff="A101"), 403, "forbidden")
    refused(call("POST", path, dict(diag, fault_code="gremlins"), staff=tech), 400, "invalid", "fault_code")
    refused(call("POST", "/api/v1/work-orders/999999999/diagnosis", diag, staff=tech), 404, "not_found")
    out = ok(call("POST", path, diag, staff=tech), 201)
    assert (out["work_order_id"], out["ticket_id"]) == (wo, tid), out
    refused(call("POST", path, diag, staff=tech), 409, "conflict")

    done = {"parts": [{"code": "AC-CAP-35", "quantity": 1}], "labour_minutes": 60, "distance_m": 5000,
            "cause": "component_failure", "photos": ["done/api-1.jpg"]}
    path = "/api/v1/work-orders/%d/report" % wo
    refused(call("POST", path, done, staff="A101"), 403, "forbidden")
    refused(call("POST", path, dict(done, labour_minutes=-1), staff=tech), 400, "invalid", "labour_minutes")
    refused(call("POST", "/api/v1/work-orders/abc/report", done, staff=tech), 400, "invalid", "work_order_id")
    out = ok(call("POST", path, done, staff=tech), 201)
    assert (out["work_order_id"], out["ticket_id"], out["status"]) == (wo, tid, "completed"), out
    refused(call("POST", path, done, staff=tech), 409, "conflict")


# -- customers and screen pops ------------------------------------------------------
def test_customers_found_by_phone_and_name():
    found = ok(call("POST", "/api/v1/customers/search", {"phone": "138-1234-5678"}))["customers"]
    assert [c["id"] for c in found] == ["C1001"], found
    found = ok(call("POST", "/api/v1/customers/search", {"name": "张", "limit": 5}, staff="A101"))["customers"]
    assert "C1001" in [c["id"] for c in found], found
    # SZ01's agent finds no SH01 customer
    assert ok(call("POST", "/api/v1/customers/search", {"phone": "13812345678"}, staff="A301"))["customers"] == []
    refused(call("POST", "/api/v1/customers/search", {"phone": "13812345678", "name": "x"}), 400, "invalid")
    refused(call("POST", "/api/v1/customers/search", {"phone": "abc"}), 400, "invalid", "phone")
    refused(call("POST", "/api/v1/customers/search", {"name": "x", "limit": "many"}), 400, "invalid", "limit")
    refused(call("POST", "/api/v1/customers/search", {"name": "x"}, staff="DS01"), 403, "forbidden")


def test_screen_pop_from_the_phone_system_to_the_agent():
    cti = S.make_token(account="cti-sh")
    pop = ok(call("POST", "/api/v1/screen-pops", {"phone": "13812345678"}, token=cti), 201)
    assert len(pop["id"]) == 22 and "5678" not in pop["id"], pop
    assert pop["link"] == "/console/pop/" + pop["id"], pop
    shown = ok(call("GET", "/api/v1/screen-pops/" + pop["id"], staff="A101"))
    assert shown["customer"]["id"] == "C1001", shown
    refused(call("GET", "/api/v1/screen-pops/" + "A" * 22, staff="A101"), 404, "not_found")
    refused(call("GET", "/api/v1/screen-pops/short", staff="A101"), 400, "invalid", "id")
    refused(call("GET", "/api/v1/screen-pops/" + pop["id"], staff="DS01"), 403, "forbidden")
    refused(call("POST", "/api/v1/screen-pops", {"phone": "call me"}, token=cti), 400, "invalid", "phone")
    refused(call("POST", "/api/v1/screen-pops", {"phone": "13812345678"}, staff="QC01"), 403, "forbidden")
    refused(call("POST", "/api/v1/screen-pops", {"phone": "13812345678"}, token=""), 401, "unauthenticated")
