"""Dispatch's request endpoint (services.dispatch.api) seen from outside: the
SLA reads sla.board, sla.clocks, sla.due and sla.report answer as
schemas/replies/ says (every reply is checked by the client,
tests/lib/intake_client.py), a branch filter confines what comes back,
invalid bodies are refused `invalid` naming the field, and nothing of a
customer's contact data is in any answer.

The clocks are fixture rows written as the owner, already warned and, when
red, already breached, so the dispatcher's SLA timer leaves them alone.
"Now" is the injected clock: Tue 24 Nov 2026 10:00 CST."""
import datetime
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from intake_client import IntakeClient  # noqa: E402
from kefu_system import System  # noqa: E402

CST = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=CST)
MIN = datetime.timedelta(minutes=1)
S = None
API = None


def clock(ticket, branch, started, due, warn, warned=None, breached=None, state="running", stopped=None):
    S.sql("INSERT INTO dispatch.sla_clocks (ticket_id, branch_id, clock, policy, target_kind, target_amount, "
          "time_kind, starts_on, stops_on, warn_percent, repeat_minutes, state, started_at, due_at, warn_at, "
          "warned_at, breached_at, stopped_at) VALUES (%s, %s, 'first_response', 'fixture', 'minutes', 60, "
          "'calendar', 'ticket_created', 'first_reply', 80, 60, %s, %s, %s, %s, %s, %s, %s)",
          (ticket, branch, state, started, due, warn, warned, breached, stopped))


def setup_module():
    global S, API
    S = System("slareads", clock_us=int(NOW.timestamp() * 1_000_000))
    # SH01: red (30 min overdue, breached and escalated); SH02: yellow (10 min left); SZ01: green
    clock(9001, "SH01", NOW - 90 * MIN, NOW - 30 * MIN, NOW - 42 * MIN, warned=NOW - 42 * MIN,
          breached=NOW - 30 * MIN)
    clock(9002, "SH02", NOW - 50 * MIN, NOW + 10 * MIN, NOW - 2 * MIN, warned=NOW - 2 * MIN)
    clock(9003, "SZ01", NOW - 5 * MIN, NOW + 300 * MIN, NOW + 240 * MIN)
    clock(9004, "SH02", NOW - 120 * MIN, NOW - 60 * MIN, NOW - 72 * MIN, state="stopped", stopped=NOW - 80 * MIN)
    S.sql("INSERT INTO dispatch.escalations (clock_id, ticket_id, kind, level, recipient_name, recipient_email, "
          "reason, at) SELECT id, 9001, 'escalation', 'team_lead', '李组长', 'lead@example.cn', 'breached', %s "
          "FROM dispatch.sla_clocks WHERE ticket_id = 9001", (NOW - 30 * MIN,))
    S.start_service("dispatch").wait_ready()
    API = IntakeClient(S.config.dispatch_api, timeout_ms=30000, token=S.token)


def teardown_module():
    if API:
        API.close()
    if S:
        S.shutdown()


def ok(name, body):
    reply = API.request(name, body)   # checked against schemas/replies/ on arrival
    assert reply is not None and reply["ok"] is True, (name, body, reply)
    assert "lead@example.cn" not in json.dumps(reply, ensure_ascii=False), reply
    return reply["result"]


def refused(name, body):
    reply = API.request(name, body)
    assert reply is not None and reply["ok"] is False, (name, body, reply)
    return reply["error"]["code"], reply["error"]["message"]


def test_board_counts_by_worst_clock_and_a_branch_filter_confines_it():
    board = ok("sla.board", {})
    assert board["at"] == "2026-11-24T02:00:00.000000Z", board
    assert board["branches"] == [{"branch": "SH01", "green": 0, "yellow": 0, "red": 1},
                                 {"branch": "SH02", "green": 0, "yellow": 1, "red": 0},
                                 {"branch": "SZ01", "green": 1, "yellow": 0, "red": 0}], board
    assert [(t["colour"], t["branch"], t["ticket_id"], t["minutes_left"]) for t in board["tickets"]] == [
        ("red", "SH01", 9001, -30), ("yellow", "SH02", 9002, 10)], board
    only = ok("sla.board", {"branch": "SH02"})
    assert [b["branch"] for b in only["branches"]] == ["SH02"], only
    assert {t["branch"] for t in only["tickets"]} == {"SH02"}, only


def test_clocks_of_a_ticket_with_its_escalations():
    got = ok("sla.clocks", {"ticket_id": 9001})
    assert (got["branch"], got["timezone"]) == ("SH01", "Asia/Shanghai"), got
    assert [(c["clock"], c["state"], c["status"], c["remaining_seconds"]) for c in got["clocks"]] == [
        ("first_response", "running", "breached", -1800)], got
    assert [(e["kind"], e["level"], e["recipient"]) for e in got["escalations"]] == [
        ("escalation", "team_lead", "李组长")], got
    assert refused("sla.clocks", {"ticket_id": 424242}) == (
        "not_found", "body.ticket_id: ticket 424242 has no SLA clocks")


def test_due_from_the_branch_calendar():
    got = ok("sla.due", {"branch": "SH01", "minutes": 240, "at": "2025-01-27T16:00:00+08:00"})
    assert (got["start"], got["due"], got["business_seconds"]) == (
        "2025-01-27T08:00:00.000000Z", "2025-02-05T02:00:00.000000Z", 14400), got
    assert (got["calendar"], got["missing_holiday_years"]) == ("cn", []), got
    # no "at": the dispatcher's clock, to the second
    assert ok("sla.due", {"branch": "SZ01", "working_days": 1})["start"] == "2026-11-24T02:00:00.000000Z"
    assert refused("sla.due", {"branch": "XX", "minutes": 60}) == ("not_found", 'body.branch: no branch "XX"')


def test_report_per_branch_and_a_branch_filter_confines_it():
    rows = ok("sla.report", {})["rows"]
    assert [(r["branch"], r["clock"], r["clocks"], r["met"], r["breached"], r["open"]) for r in rows] == [
        ("SH01", "first_response", 1, 0, 1, 0), ("SH02", "first_response", 2, 1, 0, 1),
        ("SZ01", "first_response", 1, 0, 0, 1)], rows
    rows = ok("sla.report", {"branches": ["SH02"], "from": "2026-11-01", "to": "2026-12-01"})["rows"]
    assert [(r["branch"], r["from"], r["to"], r["median_seconds"]) for r in rows] == [
        ("SH02", "2026-11-01", "2026-12-01", 2400)], rows
    assert refused("sla.report", {"branches": ["SH02", "XX"]}) == (
        "invalid", 'body.branches: unknown branch "XX" (expected one of: SH01, SH02, SZ01)')


def test_invalid_bodies_are_refused_with_the_field():
    cases = [
        ("sla.board", {"branch": "SH 01"}, "body.branch: "),
        ("sla.clocks", {"ticket_id": -1}, "body.ticket_id: "),
        ("sla.due", {"branch": "SH01"}, "body: the amount is missing"),
        ("sla.due", {"branch": "SH01", "working_days": 2, "calendar_time": True}, "body.calendar_time: "),
        ("sla.report", {"to": "2026-12-01"}, "body.to: given without \"from\""),
        ("sla.report", {"clocks": ["arival"]}, 'body.clocks: unknown clock "arival"'),
    ]
    for name, body, want in cases:
        code, message = refused(name, body)
        assert code == "invalid" and message.startswith(want), (name, body, code, message)


def as_(staff, name, body):
    client = IntakeClient(S.config.dispatch_api, timeout_ms=30000, token=S.token_of(staff))
    try:
        return client.request(name, body)
    finally:
        client.close()


def test_staff_of_one_branch_read_nothing_of_another_through_every_sla_read():
    # A201 is an agent of SH02; RM-SH the regional manager of SH (SH01, SH02)
    board = as_("A201", "sla.board", {})["result"]
    assert [b["branch"] for b in board["branches"]] == ["SH02"], board
    assert {t["branch"] for t in board["tickets"]} <= {"SH02"}, board
    assert as_("A201", "sla.clocks", {"ticket_id": 9001})["error"] == {
        "code": "not_found", "message": "body.ticket_id: ticket 9001 has no SLA clocks"}
    assert as_("A201", "sla.clocks", {"ticket_id": 9002})["ok"]
    rows = as_("A201", "sla.report", {})["result"]["rows"]
    assert {r["branch"] for r in rows} == {"SH02"}, rows
    due = as_("A201", "sla.due", {"branch": "SH01", "minutes": 60})
    assert due["error"] == {"code": "not_found", "message": 'body.branch: no branch "SH01"'}, due
    regional = as_("RM-SH", "sla.board", {})["result"]
    assert [b["branch"] for b in regional["branches"]] == ["SH01", "SH02"], regional
    # the same through kefuctl
    shown = S.kefuctl_as("A201", "clocks", "9001", check=False)
    assert shown.returncode == 1, shown
    assert "SH01" not in S.kefuctl_as("A201", "board").stdout
    assert as_("DS01", "sla.board", {})["error"]["code"] == "forbidden"
