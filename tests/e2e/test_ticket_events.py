"""People's events on a ticket (kefuctl event, request ticket.event) and
what they do to the SLA clocks (docs/sla.md "Clock life"): a complaint
runs through breach, two escalation levels, acknowledgement and
resolution; a pause keeps the remaining business time exactly; a reopened
ticket restarts the clocks its policy names; a repair's work order is
arranged, visited and completed; every refusal is specific and changes
nothing. SH01 is open 08:00-18:00 every day (Asia/Shanghai); time moves
through KEFU_CLOCK_FILE."""
import datetime
import os
import sys
import tempfile
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
from kefu_system import ROOT, System  # noqa: E402

S = None
CST = datetime.timezone(datetime.timedelta(hours=8))
MINUTE = 60 * 1_000_000


def us(*args):
    return int(datetime.datetime(*args, tzinfo=CST).timestamp() * 1_000_000)


MONDAY_0900 = us(2026, 11, 23, 9, 0)


def sla_with_ticket_callback(tmp):
    """The demo's SLA file, with the ticket's own `callback` clock (from
    ticket_resolved to callback_done) on complaints: these tests run
    without the callback service, and record callback_done themselves."""
    with open(os.path.join(ROOT, "deploy", "demo", "sla.yaml"), encoding="utf-8") as f:
        text = f.read()
    old = ("      complaint_decision: {hours: 24, time: calendar}\n"
           "      callback_due:       {days: 3, time: calendar}\n")
    assert old in text, "the demo's complaint policy"
    text = text.replace(old, "      complaint_decision: {hours: 24, time: calendar}\n"
                             "      callback:           {days: 3, time: calendar}\n")
    clock = "  - {name: callback_due, subject: callback,"
    assert clock in text, "the demo's callback clock"
    text = text.replace(clock, "  - callback\n" + clock, 1)
    path = os.path.join(tmp, "sla.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def setup_module():
    global S
    tmp = tempfile.mkdtemp(prefix="kefu-events-notify-")
    notify = os.path.join(tmp, "notifications.jsonl")
    S = System("events", clock_us=MONDAY_0900, dispatch={"sla_tick_ms": 100, "sla_file": sla_with_ticket_callback(tmp)},
               notify={"file": notify})
    S.start_services(["intake", "dispatch"])


def teardown_module():
    if S:
        try:
            assert S.check_messages() > 0
        finally:
            S.shutdown()


def submit(kind, customer, *extra):
    return S.kefuctl("submit", "--channel", "hotline", "--kind", kind, "--customer", customer,
                     "--description", "测试工单", *extra, json_out=True)["ticket_id"]


def event(tid, name, *extra, by=None, check=True):
    """kefuctl event as staff member `by` (default: the suite's caller, CC01)."""
    if by is None:
        return S.kefuctl("event", str(tid), name, *extra, check=check)
    return S.kefuctl_as(by, "event", str(tid), name, "--by", by, *extra, check=check)


def refused(tid, name, *extra, expect, by=None):
    """The event (made by `by`, default CC01) is refused with `expect` in its
    message and changes nothing (measured from a quiet system: dispatch's
    answers to earlier steps, such as the work order and its clocks, are in
    before the count is taken). Returns kefuctl's stderr."""
    S.quiet()
    before = S.sql("SELECT count(*) FROM intake.ticket_history WHERE ticket_id = %s", (tid,))
    status = S.sql("SELECT status, paused_reason FROM intake.tickets WHERE id = %s", (tid,))
    acks = escalations(tid)
    proc = event(tid, name, *extra, by=by, check=False)
    assert proc.returncode != 0, proc.stdout
    assert expect in proc.stderr, proc.stderr
    assert S.sql("SELECT count(*) FROM intake.ticket_history WHERE ticket_id = %s", (tid,)) == before
    assert S.sql("SELECT status, paused_reason FROM intake.tickets WHERE id = %s", (tid,)) == status
    S.quiet()
    assert escalations(tid) == acks
    return proc.stderr


def clock(tid, name):
    h.wait_until(lambda: S.sql("SELECT 1 FROM dispatch.sla_clocks WHERE ticket_id = %s AND clock = %s",
                               (tid, name)), 60, "clock %s of ticket %s" % (name, tid))
    row = S.sql("SELECT state, (extract(epoch FROM due_at) * 1e6)::bigint, "
                "(extract(epoch FROM warn_at) * 1e6)::bigint, remaining_us, breached_at IS NOT NULL, "
                "restarts FROM dispatch.sla_clocks WHERE ticket_id = %s AND clock = %s", (tid, name))[0]
    return dict(zip(("state", "due", "warn", "remaining", "breached", "restarts"), row))


def wait_state(tid, name, state):
    h.wait_until(lambda: clock(tid, name)["state"] == state, 60,
                 "clock %s of ticket %s to be %s" % (name, tid, state))
    return clock(tid, name)


def escalations(tid):
    return S.sql("SELECT e.id, e.kind, e.level, e.acknowledged_by FROM dispatch.escalations e "
                 "WHERE e.ticket_id = %s ORDER BY e.id", (tid,))


def history(tid):
    return S.ticket(tid)["history"]


def events(tid):
    return [e["event"] for e in history(tid)]


def wait_history(tid, name, n=1):
    h.wait_until(lambda: events(tid).count(name) >= n, 60, "%s in the history of %s" % (name, tid))


def on_board(tid, by=None):
    """The ticket's escalations waiting on the SLA board (kefuctl board
    --json, as `by` or the suite's caller): [(id, level)]."""
    board = S.kefuctl_as(by, "board", json_out=True) if by else S.kefuctl("board", json_out=True)
    return [(e["escalation_id"], e["level"]) for e in board["escalations"] if e["ticket_id"] == tid]


def today_sh01():
    """SH01's clocks met and breached today, from the SLA board."""
    today = S.kefuctl("board", "--branch", "SH01", json_out=True)["today"]
    assert [t["branch"] for t in today] == ["SH01"], today
    return today[0]["met"], today[0]["breached"]


def test_a_complaint_breaches_climbs_two_levels_is_acknowledged_and_resolved():
    S.set_clock(MONDAY_0900)
    tid = submit("complaint", "C1002")
    assert clock(tid, "first_response")["due"] == MONDAY_0900 + 60 * MINUTE
    met, breached = today_sh01()

    S.set_clock(MONDAY_0900 + 61 * MINUTE)                       # breached: team lead
    h.wait_until(lambda: [r[1:3] for r in escalations(tid)]
                 == [("warning", "team_lead"), ("escalation", "team_lead")], 60, "first escalation")
    assert today_sh01() == (met, breached + 1)                   # the breach is today's
    S.set_clock(MONDAY_0900 + 121 * MINUTE)                      # an hour on: department head
    h.wait_until(lambda: len(escalations(tid)) == 3, 60, "second escalation")
    rows = escalations(tid)
    assert rows[2][1:] == ("escalation", "department_head", None), rows
    # the wallboard lists both escalations (not the warning) to the branch's
    # people, and nothing of them to another branch's agent
    assert on_board(tid) == [(rows[1][0], "team_lead"), (rows[2][0], "department_head")]
    assert on_board(tid, by="A201") == []

    # who may acknowledge: the level's person (demo ladder: TL01, DH01, CD01,
    # GM01) and everyone above them, nobody else (docs/security.md)
    assert S.sql("SELECT recipient_staff, may_acknowledge FROM dispatch.escalations WHERE ticket_id = %s "
                 "ORDER BY id", (tid,)) == [("TL01", ["TL01", "DH01", "CD01", "GM01"]),
                                            ("TL01", ["TL01", "DH01", "CD01", "GM01"]),
                                            ("DH01", ["DH01", "CD01", "GM01"])]
    head = str(rows[2][0])
    err = refused(tid, "escalation_acknowledged", "--escalation", head, by="TL01",
                  expect="escalation %s went to the department_head; only DH01, CD01, GM01 (that level's "
                         "person or someone above them on the ladder) may acknowledge it, not TL01" % head)
    assert "forbidden" in err, err
    for outsider in ("A101", "HO01"):     # an agent of the branch; head office, who sees every branch
        err = refused(tid, "escalation_acknowledged", "--escalation", str(rows[1][0]), by=outsider,
                      expect="may acknowledge it, not %s" % outsider)
        assert "forbidden" in err, err

    # both levels acknowledge, each once, and the centre director (above
    # the team lead) acknowledges the team lead's warning
    event(tid, "escalation_acknowledged", "--escalation", str(rows[1][0]), by="TL01")
    event(tid, "escalation_acknowledged", "--escalation", head, by="DH01")
    event(tid, "escalation_acknowledged", "--escalation", str(rows[0][0]), by="CD01")
    h.wait_until(lambda: [r[3] for r in escalations(tid)] == ["CD01", "TL01", "DH01"],
                 60, "acknowledgements recorded by the dispatcher")
    assert on_board(tid) == []                                   # acknowledged: off the wallboard
    shown = S.kefuctl("clocks", str(tid)).stdout
    assert "acknowledged by" in shown and "DH01" in shown, shown
    refused(tid, "escalation_acknowledged", "--escalation", str(rows[1][0]), by="DH01",
            expect="was acknowledged by TL01")
    refused(tid, "escalation_acknowledged", "--escalation", "999999", expect="has no escalation 999999")

    # the reply stops first_response (breached); the decision and the resolution follow
    S.set_clock(MONDAY_0900 + 130 * MINUTE)
    event(tid, "first_reply", "--note", "已致电客户致歉")
    assert wait_state(tid, "first_response", "stopped")["breached"]
    event(tid, "complaint_decided", "--note", "补偿上门费")
    wait_state(tid, "complaint_decision", "stopped")
    # the late reply adds nothing to today's breaches; the decision is met
    assert today_sh01() == (met + 1, breached + 1)
    event(tid, "ticket_resolved", "--note", "客户接受处理方案")
    S.wait_ticket_status(tid, "resolved")
    assert wait_state(tid, "callback", "running")["due"] == MONDAY_0900 + 130 * MINUTE + 3 * 24 * 60 * MINUTE

    # stopped clocks never escalate again
    S.set_clock(MONDAY_0900 + 300 * MINUTE)
    S.quiet()
    assert len(escalations(tid)) == 3
    event(tid, "callback_done", "--note", "客户满意")
    wait_state(tid, "callback", "stopped")
    event(tid, "ticket_closed")
    S.wait_ticket_status(tid, "closed")
    wait_history(tid, "clock_stopped", 3)
    evs = events(tid)
    for name in ("escalation_acknowledged", "first_reply", "complaint_decided", "ticket_resolved",
                 "callback_done", "ticket_closed", "sla_escalated"):
        assert name in evs, (name, evs)
    acks = [e for e in history(tid) if e["event"] == "escalation_acknowledged"]
    assert [a["actor"] for a in acks] == ["TL01", "DH01", "CD01"]
    refused(tid, "first_reply", expect="is closed: reopen it first")


def test_a_pause_keeps_the_remaining_business_time_exactly():
    S.set_clock(MONDAY_0900)
    tid = submit("complaint", "C1005")
    assert clock(tid, "first_response")["warn"] == MONDAY_0900 + 48 * MINUTE

    S.set_clock(MONDAY_0900 + 30 * MINUTE)                       # 09:30, 30 business minutes left
    event(tid, "paused", "--reason", "waiting_customer", "--note", "客户出差，下周联系")
    paused = wait_state(tid, "first_response", "paused")
    assert paused["remaining"] == 30 * MINUTE
    assert wait_state(tid, "complaint_decision", "paused")["remaining"] == (24 * 60 - 30) * MINUTE

    # long past the original due instant: nothing fires while paused
    S.set_clock(us(2026, 11, 23, 17, 50))
    S.quiet()
    assert escalations(tid) == []
    refused(tid, "paused", "--reason", "waiting_parts", expect="already paused")
    shown = S.ticket(tid)["ticket"]
    assert (shown["paused_reason"], shown["paused_at"]) == ("waiting_customer", "2026-11-23T01:30:00.000000Z"), shown

    event(tid, "resumed")
    fr = wait_state(tid, "first_response", "running")
    assert S.ticket(tid)["ticket"]["paused_reason"] is None
    # 17:50 + 30 business minutes: 10 today, 20 after Tuesday's 08:00 opening
    assert fr["due"] == us(2026, 11, 24, 8, 20), fr
    # the warning was 18 business minutes ahead at 09:30: 17:50 + 10, then 08:00 + 8
    assert fr["warn"] == us(2026, 11, 24, 8, 8), fr
    # a calendar-time clock moves by the calendar time the pause took
    assert clock(tid, "complaint_decision")["due"] == us(2026, 11, 24, 17, 20)
    wait_history(tid, "clock_resumed")
    paused_entry = [e for e in history(tid) if e["event"] == "clock_paused"][0]
    left = {c["clock"]: c["remaining_s"] for c in paused_entry["detail"]["clocks"]}
    assert left == {"first_response": 1800, "complaint_decision": (24 * 60 - 30) * 60}, left
    pause = [e for e in history(tid) if e["event"] == "paused"][0]
    assert pause["detail"]["reason"] == "waiting_customer"
    refused(tid, "resumed", expect="is not paused")

    S.set_clock(us(2026, 11, 24, 8, 21))                         # breached after the pause
    h.wait_until(lambda: ("escalation", "team_lead") in [r[1:3] for r in escalations(tid)], 60,
                 "escalation after resuming")


def test_reopening_restarts_the_clocks_the_policy_names():
    S.set_clock(MONDAY_0900)
    tid = submit("complaint", "C1003")
    event(tid, "complaint_decided")
    wait_state(tid, "complaint_decision", "stopped")
    event(tid, "ticket_resolved")
    S.wait_ticket_status(tid, "resolved")
    refused(tid, "ticket_resolved", expect="already resolved")

    S.set_clock(MONDAY_0900 + 90 * MINUTE)
    event(tid, "ticket_reopened", "--note", "客户不满意，要求重新处理")
    S.wait_ticket_status(tid, "open")
    restarted = wait_state(tid, "complaint_decision", "running")
    assert restarted["restarts"] == 1
    assert restarted["due"] == MONDAY_0900 + 90 * MINUTE + 24 * 60 * MINUTE   # a full 24 h again
    assert not restarted["breached"]
    wait_history(tid, "clock_restarted")
    # once per reopening: a second decision is allowed again
    event(tid, "complaint_decided")
    wait_state(tid, "complaint_decision", "stopped")


def test_a_repairs_work_order_is_arranged_visited_and_completed():
    S.set_clock(MONDAY_0900)
    tid = submit("repair", "C1002", "--product", "AC-3200")
    S.wait_ticket_status(tid, "assigned")
    tech = S.sql("SELECT technician_id FROM dispatch.work_orders WHERE ticket_id = %s", (tid,))[0][0]
    load = S.sql("SELECT load FROM dispatch.technician_load WHERE technician_id = %s", (tech,))[0][0]
    assert clock(tid, "arrange")["state"] == "running"
    check = clock(tid, "call_centre_check")               # starts with the work order: 4 business hours
    assert (check["state"], check["due"]) == ("running", MONDAY_0900 + 240 * MINUTE), check

    S.set_clock(MONDAY_0900 + 20 * MINUTE)
    event(tid, "work_order_arranged", "--note", "约定今天14:00上门", by="T101")
    assert not wait_state(tid, "arrange", "stopped")["breached"]
    refused(tid, "work_order_arranged", expect="already recorded")
    S.set_clock(MONDAY_0900 + 100 * MINUTE)
    event(tid, "technician_arrived", by="T101")
    wait_state(tid, "arrival", "stopped")
    event(tid, "call_centre_checked", by="A101")
    assert not wait_state(tid, "call_centre_check", "stopped")["breached"]
    event(tid, "work_order_completed", by="T101")
    h.wait_until(lambda: S.sql("SELECT status FROM dispatch.work_orders WHERE ticket_id = %s", (tid,))
                 == [("completed",)], 60, "work order completed")
    assert S.sql("SELECT (extract(epoch FROM arranged_at) * 1e6)::bigint, "
                 "(extract(epoch FROM arrived_at) * 1e6)::bigint FROM dispatch.work_orders "
                 "WHERE ticket_id = %s", (tid,)) == [(MONDAY_0900 + 20 * MINUTE, MONDAY_0900 + 100 * MINUTE)]
    assert S.sql("SELECT load FROM dispatch.technician_load WHERE technician_id = %s",
                 (tech,))[0][0] == load - 1
    wos = S.sql("SELECT h.event FROM dispatch.work_order_history h JOIN dispatch.work_orders w "
                "ON w.id = h.work_order_id WHERE w.ticket_id = %s ORDER BY h.id", (tid,))
    assert [w[0] for w in wos][-4:] == ["work_order_arranged", "technician_arrived", "call_centre_checked",
                                       "work_order_completed"]


def test_bad_events_are_refused_specifically_and_change_nothing():
    S.set_clock(MONDAY_0900)
    tid = submit("complaint", "C1001")
    refused(tid, "technician_arrived", expect="has no work order assigned")
    refused(tid, "plan_sent", expect="not marked complex")
    refused(tid, "callback_done", expect="the callback follows the resolution")
    refused(tid, "ticket_reopened", expect="only a resolved or closed ticket is reopened")
    refused(tid, "paused", expect="body.reason: required with paused")
    refused(tid, "first_reply", "--reason", "waiting_parts", expect="body.reason: only with the event paused")
    refused(tid, "first_reply", "--escalation", "1", expect="body.escalation_id: only with")
    refused(tid, "escalation_acknowledged", expect="body.escalation_id: required")
    refused(tid, "paused", "--reason", "holiday", expect="is not one of")
    refused(tid, "no_such_event", expect="is not one of")
    proc = event(999999, "first_reply", check=False)
    assert proc.returncode != 0 and "no ticket 999999" in proc.stderr
    repair = submit("repair", "C1002", "--product", "AC-3200")
    refused(repair, "complaint_decided", expect="is a repair, not a complaint")
    event(tid, "first_reply")
    refused(tid, "first_reply", expect="first_reply is already recorded")


def test_a_resent_event_is_answered_from_its_first_record():
    S.set_clock(MONDAY_0900)
    tid = submit("suggestion", "C1002")
    client = S.client
    rid = str(uuid.uuid4())
    body = {"ticket_id": tid, "event": "first_reply", "request_id": rid}
    first = client.request("ticket.event", body)
    again = client.request("ticket.event", body)
    assert first["ok"] and again["ok"], (first, again)
    assert first["result"]["history_id"] == again["result"]["history_id"]
    assert again["result"]["replayed"] is True
    assert "status" in first["result"] and "status" in again["result"], (first, again)
    assert events(tid).count("first_reply") == 1
    other = client.request("ticket.event", dict(body, event="marked_complex"))
    assert not other["ok"] and "already used for event first_reply" in other["error"]["message"], other
    unknown = client.request("ticket.event", dict(body, request_id=str(uuid.uuid4()), extra=1))
    assert not unknown["ok"] and unknown["error"]["code"] == "invalid", unknown
    # A replay's status is the ticket's status now (docs/intake.md).
    close = dict(body, event="ticket_closed", request_id=str(uuid.uuid4()))
    closed = client.request("ticket.event", close)
    assert closed["ok"] and closed["result"]["status"] == "closed", closed
    closed_again = client.request("ticket.event", close)
    assert closed_again["ok"] and closed_again["result"]["replayed"] is True, closed_again
    assert closed_again["result"]["status"] == "closed", closed_again
    assert closed_again["result"]["history_id"] == closed["result"]["history_id"]
    again = client.request("ticket.event", body)
    assert again["ok"] and again["result"]["replayed"] is True, again
    assert again["result"]["status"] == "closed", again


def test_a_clock_stopped_while_paused_is_met():
    S.set_clock(MONDAY_0900)
    tid = submit("complaint", "C1002")
    clock(tid, "first_response")
    S.set_clock(MONDAY_0900 + 30 * MINUTE)
    event(tid, "paused", "--reason", "waiting_customer")
    wait_state(tid, "first_response", "paused")
    later = us(2026, 11, 24, 12, 0)                              # long after the original due instants
    S.set_clock(later)
    event(tid, "first_reply")                                    # stops first_response while paused
    event(tid, "ticket_closed")                                  # stops complaint_decision while paused
    fr = wait_state(tid, "first_response", "stopped")
    cd = wait_state(tid, "complaint_decision", "stopped")
    assert fr["due"] == later + 30 * MINUTE and not fr["breached"], fr
    assert cd["due"] == later + (24 * 60 - 30) * MINUTE and not cd["breached"], cd
    wait_history(tid, "clock_stopped", 2)
    stopped = [c for e in history(tid) if e["event"] == "clock_stopped" for c in e["detail"]["clocks"]]
    assert {c["clock"]: c["breached"] for c in stopped} == {"first_response": False,
                                                              "complaint_decision": False}, stopped
    S.quiet()                                                    # the sweep through `later` has run
    assert escalations(tid) == []


def test_a_complex_cases_plan_runs_three_working_days_across_national_day():
    """Weeks of business time in seconds: a plan promised in 3 working days,
    started the day before China's National Day 2025 (off 1-8 October; 11
    October, a Saturday, is a make-up working day) at SH02 (weekdays
    08:30-12:00 and 13:00-17:30), is due at the end of Saturday 11 October,
    17:30, and escalates then, not before."""
    S.set_clock(us(2025, 9, 30, 10, 0))
    tid = submit("suggestion", "C1003")
    event(tid, "marked_complex", "--note", "需要工程师评估")
    plan = wait_state(tid, "plan", "running")
    assert plan["due"] == us(2025, 10, 11, 17, 30), plan
    S.set_clock(us(2025, 10, 11, 17, 29))
    h.wait_until(lambda: any(r[1] == "warning" for r in escalations(tid)), 60, "the plan's warning")
    S.quiet()
    plan_records = S.sql("SELECT e.kind FROM dispatch.escalations e JOIN dispatch.sla_clocks c "
                         "ON c.id = e.clock_id WHERE e.ticket_id = %s AND c.clock = 'plan'", (tid,))
    assert plan_records == [("warning",)], plan_records
    S.set_clock(us(2025, 10, 11, 17, 31))
    h.wait_until(lambda: S.sql("SELECT count(*) FROM dispatch.escalations e JOIN dispatch.sla_clocks c "
                               "ON c.id = e.clock_id WHERE e.ticket_id = %s AND c.clock = 'plan' "
                               "AND e.kind = 'escalation'", (tid,)) == [(1,)], 60, "the plan's escalation")
    event(tid, "plan_sent", "--note", "已发送维修方案")
    assert wait_state(tid, "plan", "stopped")["breached"]
