"""Dispatch's request endpoint (services.dispatch.api) seen from outside: the
SLA reads sla.board, sla.clocks, sla.due and sla.report answer as
schemas/replies/ says (every reply is checked by the client,
tests/lib/intake_client.py), a branch filter confines what comes back,
invalid bodies are refused `invalid` naming the field, and nothing of a
customer's contact data is in any answer.

The clocks are fixture rows written as the owner, already warned and, when
red, already breached, so the dispatcher's SLA timer leaves them alone.
"Now" is the injected clock: Tue 24 Nov 2026 10:00 CST; "today" on the
board is Tuesday in each branch's time zone (all Asia/Shanghai here), so
a clock stopped at 07:00 CST (23:00 UTC on Monday) is Tuesday's."""
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


def escalation(ticket, kind, level, at, may=("TL01", "DH01"), acknowledged=None):
    """An escalation record of the ticket's clock; returns its id."""
    return S.sql("INSERT INTO dispatch.escalations (clock_id, ticket_id, kind, level, recipient_name, "
                 "recipient_email, reason, at, recipient_staff, may_acknowledge, acknowledged_by, acknowledged_at) "
                 "SELECT id, %s, %s, %s, '李组长', 'lead@example.cn', 'breached', %s, %s, %s, %s, %s "
                 "FROM dispatch.sla_clocks WHERE ticket_id = %s RETURNING id",
                 (ticket, kind, level, at, may[0] if may else None, list(may) if may else None,
                  "TL01" if acknowledged else None, acknowledged, ticket))[0][0]


ESCALATED = {}


def setup_module():
    global S, API
    S = System("slareads", clock_us=int(NOW.timestamp() * 1_000_000))
    # SH01: red (30 min overdue, breached and escalated); SH02: yellow (10 min left); SZ01: green
    clock(9001, "SH01", NOW - 90 * MIN, NOW - 30 * MIN, NOW - 42 * MIN, warned=NOW - 42 * MIN,
          breached=NOW - 30 * MIN)
    clock(9002, "SH02", NOW - 50 * MIN, NOW + 10 * MIN, NOW - 2 * MIN, warned=NOW - 2 * MIN)
    clock(9003, "SZ01", NOW - 5 * MIN, NOW + 300 * MIN, NOW + 240 * MIN)
    clock(9004, "SH02", NOW - 120 * MIN, NOW - 60 * MIN, NOW - 72 * MIN, state="stopped", stopped=NOW - 80 * MIN)
    # SZ01's stopped clocks: met at 07:00 today (Monday in UTC), met at 23:30
    # yesterday, stopped 10 min late at 09:00 today (breached, unmarked), and
    # breached yesterday 15:00, stopped today (yesterday's breach)
    clock(9005, "SZ01", NOW - 210 * MIN, NOW - 150 * MIN, NOW - 162 * MIN, state="stopped", stopped=NOW - 180 * MIN)
    clock(9006, "SZ01", NOW - 660 * MIN, NOW - 600 * MIN, NOW - 612 * MIN, state="stopped", stopped=NOW - 630 * MIN)
    clock(9007, "SZ01", NOW - 130 * MIN, NOW - 70 * MIN, NOW - 82 * MIN, state="stopped", stopped=NOW - 60 * MIN)
    clock(9008, "SZ01", NOW - 1260 * MIN, NOW - 1140 * MIN, NOW - 1164 * MIN, warned=NOW - 1164 * MIN,
          breached=NOW - 1140 * MIN, state="stopped", stopped=NOW - 60 * MIN)
    ESCALATED["SH01"] = escalation(9001, "escalation", "team_lead", NOW - 30 * MIN)
    ESCALATED["SZ01"] = escalation(9008, "escalation", "department_head", NOW - 1080 * MIN, may=("DH01",))
    # none of these waits for an acknowledgement on the board: a warning, a
    # copy to a skipped level, one acknowledged, one nobody may acknowledge
    escalation(9008, "warning", "team_lead", NOW - 1164 * MIN)
    escalation(9008, "informed", "team_lead", NOW - 1140 * MIN, may=None)
    escalation(9008, "escalation", "team_lead", NOW - 1140 * MIN, acknowledged=NOW - 1100 * MIN)
    escalation(9008, "escalation", "team_lead", NOW - 1139 * MIN, may=None)
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
    assert (only["escalations"], only["today"]) == ([], [{"branch": "SH02", "met": 1, "breached": 0}]), only


def test_board_lists_the_escalations_not_acknowledged_oldest_first():
    board = ok("sla.board", {})
    assert board["escalations"] == [
        {"escalation_id": ESCALATED["SZ01"], "ticket_id": 9008, "branch": "SZ01", "clock": "first_response",
         "level": "department_head", "at": "2026-11-23T08:00:00.000000Z"},
        {"escalation_id": ESCALATED["SH01"], "ticket_id": 9001, "branch": "SH01", "clock": "first_response",
         "level": "team_lead", "at": "2026-11-24T01:30:00.000000Z"}], board
    only = ok("sla.board", {"branch": "SZ01"})
    assert [e["escalation_id"] for e in only["escalations"]] == [ESCALATED["SZ01"]], only


def test_board_counts_todays_outcomes_per_branch_in_its_time_zone():
    # SH01: 9001 breached at 09:30; SH02: 9004 met at 08:40; SZ01: 9005 met
    # at 07:00 and 9007 stopped late at 09:00; yesterday's 9006 and 9008 not
    assert ok("sla.board", {})["today"] == [{"branch": "SH01", "met": 0, "breached": 1},
                                            {"branch": "SH02", "met": 1, "breached": 0},
                                            {"branch": "SZ01", "met": 1, "breached": 1}]


def test_kefuctl_board_prints_todays_outcomes_and_the_escalations():
    table = S.kefuctl("board").stdout
    assert "today (each branch's own date)" in table and "escalations not acknowledged, oldest first" in table, table
    lines = table.splitlines()
    assert any(line.split() == ["SZ01", "1", "1"] for line in lines), table
    assert any(line.split() == [str(ESCALATED["SH01"]), "9001", "SH01", "first_response", "team_lead",
                                "2026-11-24T01:30:00.000000Z"] for line in lines), table
    reply = ok("sla.board", {})
    shown = S.kefuctl("board", json_out=True)
    assert (shown["escalations"], shown["today"]) == (reply["escalations"], reply["today"]), shown
    quiet = S.kefuctl("board", "--branch", "SH02").stdout
    assert "no escalation waits for an acknowledgement" in quiet, quiet


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
        ("SZ01", "first_response", 5, 2, 2, 1)], rows
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
    assert (board["escalations"], [t["branch"] for t in board["today"]]) == ([], ["SH02"]), board
    assert as_("A201", "sla.clocks", {"ticket_id": 9001})["error"] == {
        "code": "not_found", "message": "body.ticket_id: ticket 9001 has no SLA clocks"}
    assert as_("A201", "sla.clocks", {"ticket_id": 9002})["ok"]
    rows = as_("A201", "sla.report", {})["result"]["rows"]
    assert {r["branch"] for r in rows} == {"SH02"}, rows
    due = as_("A201", "sla.due", {"branch": "SH01", "minutes": 60})
    assert due["error"] == {"code": "not_found", "message": 'body.branch: no branch "SH01"'}, due
    regional = as_("RM-SH", "sla.board", {})["result"]
    assert [b["branch"] for b in regional["branches"]] == ["SH01", "SH02"], regional
    assert [e["escalation_id"] for e in regional["escalations"]] == [ESCALATED["SH01"]], regional
    assert [t["branch"] for t in regional["today"]] == ["SH01", "SH02"], regional
    assert as_("RM-SH", "sla.board", {"branch": "SZ01"})["result"]["escalations"] == []
    # the same through kefuctl
    shown = S.kefuctl_as("A201", "clocks", "9001", check=False)
    assert shown.returncode == 1, shown
    assert "SH01" not in S.kefuctl_as("A201", "board").stdout
    assert as_("DS01", "sla.board", {})["error"]["code"] == "forbidden"
