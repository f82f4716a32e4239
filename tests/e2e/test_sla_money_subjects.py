"""SLA clocks of the money subjects (docs/sla.md "Subjects"), through the
running intake and dispatch with the injectable clock and the demo's
sla.yaml: billing and claims tell the dispatcher of a dispute, a claim or a
payment stage with sla.subject (sent here on dispatch's bus with billing's
and claims' keys, as they send it). A disputed settlement's decision is due
in 24 h: it warns, escalates and stops when decided; head office's claim
decision runs from the review; a payment stage is due at the date billing
sets; a provider's deposit, which concerns no ticket, has head office's
top-up clock, its escalations and its history. And a work order waiting
for the customer's approval of its estimate (estimate.pending) pauses its
ticket's clocks until approved (estimate.approved): also when a service
advisor's confirmed finding turns the wait into the customer's (the work
order waits already), and when a settlement overruns the approved estimate
after the done report (estimate.pending awaiting_reapproval)."""
import datetime
import json
import os
import sys
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
from kefu_system import System  # noqa: E402
from request_helpers import asker, ok, refused  # noqa: E402

S = None
CST = datetime.timezone(datetime.timedelta(hours=8))
MINUTE = 60 * 1_000_000
HOUR = 60 * MINUTE


def us(*args):
    return int(datetime.datetime(*args, tzinfo=CST).timestamp() * 1_000_000)


def iso(micros):
    return datetime.datetime.fromtimestamp(micros / 1e6, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


MONDAY_0900 = us(2026, 11, 23, 9, 0)


def setup_module():
    global S
    S = System("sla-money", clock_us=MONDAY_0900, dispatch={"sla_tick_ms": 100, "assign_retry_ms": 200})
    S.start_services(["intake", "dispatch"])


def teardown_module():
    if S:
        try:
            assert S.check_messages() > 0
        finally:
            S.shutdown()


def repair(customer, product="AC-3200"):
    tid = S.kefuctl("submit", "--channel", "hotline", "--kind", "repair", "--customer", customer,
                    "--product", product, "--description", "空调不制冷", json_out=True)["ticket_id"]
    h.wait_until(lambda: S.sql("SELECT 1 FROM dispatch.sla_clocks WHERE ticket_id = %s", (tid,)), 60,
                 "ticket %s's clocks" % tid)
    return tid


def tell(sender, body, kind="sla.subject"):
    """A message (sla.subject) on dispatch's bus, as `sender` sends it; waits until applied."""
    env = {"id": str(uuid.uuid4()), "type": kind, "version": 1, "source": {"service": sender, "instance": sender + "-1"},
           "branch": body["branch"], "correlation_id": str(body.get("ticket_id") or body.get("id")),
           "ts": iso(S.clock_us), "body": body}
    sock = S.bus_socket("dispatch", sender=sender)
    try:
        sock.send(json.dumps(env).encode())
        h.wait_until(lambda: S.sql("SELECT count(*) FROM dispatch.inbox WHERE message_id = %s",
                                   (env["id"],)) == [(1,)], 60, "dispatch to apply %s" % body)
    finally:
        sock.close()
    assert S.sql("SELECT reason FROM dispatch.dead_letters WHERE message_id = %s", (env["id"],)) == []


def clock(kind, sid):
    return S.sql("SELECT clock, state, extract(epoch FROM due_at)::bigint, breached_at IS NOT NULL "
                 "FROM dispatch.sla_clocks WHERE subject_kind = %s AND subject_id = %s ORDER BY id", (kind, sid))


def records(kind, sid):
    return S.sql("SELECT e.kind, e.level, e.recipient_staff FROM dispatch.escalations e "
                 "JOIN dispatch.sla_clocks c ON c.id = e.clock_id "
                 "WHERE c.subject_kind = %s AND c.subject_id = %s ORDER BY e.id", (kind, sid))


def test_a_disputes_decision_is_due_in_24_hours_warns_escalates_and_stops_when_decided():
    S.set_clock(MONDAY_0900)
    tid = repair("C1002")
    tell("billing", {"kind": "dispute", "id": 71, "ticket_id": tid, "branch": "SH01", "event": "opened"})
    assert clock("dispute", 71) == [("dispute_decision", "running", (MONDAY_0900 + 24 * HOUR) // 10**6, False)]
    # 80 % of 24 calendar hours: 19 h 12 min
    S.set_clock(MONDAY_0900 + 19 * HOUR + 13 * MINUTE)
    h.wait_until(lambda: records("dispute", 71) == [("warning", "team_lead", "TL01")], 60, "the warning")
    S.set_clock(MONDAY_0900 + 24 * HOUR + MINUTE)
    h.wait_until(lambda: len(records("dispute", 71)) == 2, 60, "the breach escalated")
    assert records("dispute", 71)[1] == ("escalation", "team_lead", "TL01")
    # intake's history names the subject
    h.wait_until(lambda: [e for e in S.ticket(tid)["history"] if e["event"] == "sla_escalated"
                          and e["detail"]["clock"] == "dispute_decision"], 60,
                 "sla_escalated in the ticket's history")
    escalated = [e["detail"] for e in S.ticket(tid)["history"] if e["event"] == "sla_escalated"
                 and e["detail"]["clock"] == "dispute_decision"]
    assert [d["subject"] for d in escalated] == [{"kind": "dispute", "id": 71}], escalated
    S.set_clock(MONDAY_0900 + 25 * HOUR + 2 * MINUTE)
    h.wait_until(lambda: len(records("dispute", 71)) == 3, 60, "the repeat escalation")
    assert records("dispute", 71)[2] == ("escalation", "department_head", "DH01")
    tell("billing", {"kind": "dispute", "id": 71, "ticket_id": tid, "branch": "SH01", "event": "decided"})
    assert clock("dispute", 71)[0][1:] == ("stopped", (MONDAY_0900 + 24 * HOUR) // 10**6, True)
    S.set_clock(MONDAY_0900 + 30 * HOUR)
    S.quiet()
    assert len(records("dispute", 71)) == 3      # a stopped clock climbs no more


def test_a_claims_decision_runs_from_its_review_and_a_payment_stage_is_due_when_billing_says():
    S.set_clock(MONDAY_0900)
    tid = repair("C1005")
    tell("claims", {"kind": "claim", "id": 5, "ticket_id": tid, "branch": "SH01", "event": "filed"})
    assert clock("claim", 5) == []               # head office's 24 h run from the regional review
    S.set_clock(MONDAY_0900 + 2 * HOUR)
    tell("claims", {"kind": "claim", "id": 5, "ticket_id": tid, "branch": "SH01", "event": "reviewed"})
    assert clock("claim", 5) == [("claim_decision", "running", (MONDAY_0900 + 26 * HOUR) // 10**6, False)]
    S.set_clock(MONDAY_0900 + 3 * HOUR)
    tell("claims", {"kind": "claim", "id": 5, "ticket_id": tid, "branch": "SH01", "event": "decided"})
    assert clock("claim", 5)[0][1] == "stopped" and clock("claim", 5)[0][3] is False
    # the final payment: due at the date billing computed, whatever the target says
    due = MONDAY_0900 + 3 * 24 * HOUR
    tell("billing", {"kind": "payment_stage", "id": 9, "ticket_id": tid, "branch": "SH01", "event": "due",
                     "due_at": iso(due)})
    assert clock("payment_stage", 9) == [("payment_overdue", "running", due // 10**6, False)]
    S.set_clock(due + MINUTE)
    h.wait_until(lambda: [r[0] for r in records("payment_stage", 9)] == ["warning", "escalation"], 60,
                 "the overdue stage warned and escalated")
    tell("billing", {"kind": "payment_stage", "id": 9, "ticket_id": tid, "branch": "SH01", "event": "paid"})
    assert clock("payment_stage", 9)[0][1] == "stopped"
    # sent twice (a redelivery of the same news under a new id): nothing more starts
    tell("billing", {"kind": "payment_stage", "id": 9, "ticket_id": tid, "branch": "SH01", "event": "due",
                     "due_at": iso(due)})
    assert [c[1] for c in clock("payment_stage", 9)] == ["stopped"]


def ask(staff, request, body):
    """A request to dispatch's endpoint as a staff member; the reply checked against its schema."""
    return asker(S, S.config.dispatch_api)(staff, request, body)


def deposit_history(sid):
    return [(e, d["clock"], d["subject_event"], d.get("breached")) for e, d in S.sql(
        "SELECT h.event, h.detail FROM dispatch.subject_clock_history h JOIN dispatch.sla_clocks c ON c.id = h.clock_id"
        " WHERE c.subject_kind = 'deposit' AND c.subject_id = %s ORDER BY h.id", (sid,))]


def test_a_short_deposit_is_head_offices_clock_warns_escalates_stops_and_begins_anew():
    t0 = us(2026, 11, 30, 9, 0)
    S.set_clock(t0)
    due = t0 + 72 * HOUR                         # billing.deposit_topup_days: 3
    short = {"kind": "deposit", "id": 3, "branch": "SH01", "event": "short", "due_at": iso(due)}
    tell("billing", short)
    assert clock("deposit", 3) == [("deposit_topup", "running", due // 10**6, False)]
    # no ticket, no branch: head office's; the target is the first policy's that sets one
    assert S.sql("SELECT ticket_id, branch_id, policy, time_kind FROM dispatch.sla_clocks "
                 "WHERE subject_kind = 'deposit'") == [(None, None, "question", "calendar")]
    tell("billing", short)                       # the same news again (another message id): nothing more
    assert clock("deposit", 3) == [("deposit_topup", "running", due // 10**6, False)]
    assert deposit_history(3) == [("clock_started", "deposit_topup", "deposit_short", None)]
    # head office's board shows it; a branch's board does not
    board = ok(ask("HO01", "sla.board", {}))
    assert board["head_office"] == [{"colour": "green", "subject_kind": "deposit", "subject_id": 3,
                                     "clock": "deposit_topup", "level": None, "minutes_left": 72 * 60}]
    assert "head_office" not in ok(ask("CC01", "sla.board", {}))
    assert all(t["ticket_id"] for t in board["tickets"])
    # warned at 80 % of the 72 h (57 h 36 min), breached at due_at, then one level up an hour later
    S.set_clock(t0 + 58 * HOUR)
    h.wait_until(lambda: records("deposit", 3) == [("warning", "team_lead", "TL01")], 60, "the warning")
    S.set_clock(due + MINUTE)
    h.wait_until(lambda: len(records("deposit", 3)) == 2, 60, "the breach escalated")
    S.set_clock(due + 61 * MINUTE)
    h.wait_until(lambda: len(records("deposit", 3)) == 3, 60, "the repeat escalation")
    assert records("deposit", 3) == [("warning", "team_lead", "TL01"), ("escalation", "team_lead", "TL01"),
                                     ("escalation", "department_head", "DH01")]
    assert S.sql("SELECT DISTINCT e.ticket_id, e.branch_id FROM dispatch.escalations e JOIN dispatch.sla_clocks c "
                 "ON c.id = e.clock_id WHERE c.subject_kind = 'deposit'") == [(None, None)]
    # delivered like any record, named by the deposit
    h.wait_until(lambda: S.sql("SELECT count(*) FROM dispatch.escalations e JOIN dispatch.sla_clocks c "
                               "ON c.id = e.clock_id WHERE c.subject_kind = 'deposit' AND notified_at IS NULL")
                 == [(0,)], 60, "the deposit's records notified")
    tell("billing", {"kind": "deposit", "id": 3, "branch": "SH01", "event": "topped_up"})
    assert clock("deposit", 3) == [("deposit_topup", "stopped", due // 10**6, True)]
    S.set_clock(due + 3 * HOUR)
    S.quiet()
    assert len(records("deposit", 3)) == 3       # a stopped clock climbs no more
    # short again a day later: the same clock begins anew, and is met this time
    t1 = due + 24 * HOUR
    S.set_clock(t1)
    tell("billing", dict(short, due_at=iso(t1 + 72 * HOUR)))
    assert clock("deposit", 3) == [("deposit_topup", "running", (t1 + 72 * HOUR) // 10**6, False)]
    assert S.sql("SELECT restarts, warned_at, level FROM dispatch.sla_clocks WHERE subject_kind = 'deposit'") \
        == [(1, None, None)]
    S.set_clock(t1 + HOUR)
    tell("billing", {"kind": "deposit", "id": 3, "branch": "SH01", "event": "topped_up"})
    assert clock("deposit", 3) == [("deposit_topup", "stopped", (t1 + 72 * HOUR) // 10**6, False)]
    assert deposit_history(3) == [("clock_started", "deposit_topup", "deposit_short", None),
                                  ("clock_stopped", "deposit_topup", "deposit_topped_up", True),
                                  ("clock_restarted", "deposit_topup", "deposit_short", None),
                                  ("clock_stopped", "deposit_topup", "deposit_topped_up", False)]
    # head office reads it (sla.clocks, kefuctl clocks --deposit); a branch's people do not
    got = ok(ask("HO01", "sla.clocks", {"subject": {"kind": "deposit", "id": 3}}))
    assert (got["subject"], got["timezone"], [(c["clock"], c["state"], c["status"]) for c in got["clocks"]]) \
        == ({"kind": "deposit", "id": 3}, "UTC", [("deposit_topup", "stopped", "met")])
    assert [e["kind"] for e in got["escalations"]] == ["warning", "escalation", "escalation"]
    assert [e["event"] for e in got["history"]] == ["clock_started", "clock_stopped", "clock_restarted",
                                                    "clock_stopped"]
    refused(ask("CC01", "sla.clocks", {"subject": {"kind": "deposit", "id": 3}}), "not_found", "deposit 3")
    refused(ask("TL01", "sla.clocks", {"subject": {"kind": "deposit", "id": 3}}), "not_found", "deposit 3")
    shown = S.kefuctl_as("HO01", "clocks", "--deposit", "3").stdout
    assert "deposit_topup" in shown and "clock_restarted" in shown and "deposit 3" in shown, shown


def set_aside(sender, body):
    """sla.subject that dispatch must refuse: waits until it is a dead letter; returns the reason."""
    env = {"id": str(uuid.uuid4()), "type": "sla.subject", "version": 1,
           "source": {"service": sender, "instance": sender + "-1"},
           "branch": "SH01", "correlation_id": "1", "ts": iso(S.clock_us), "body": body}
    sock = S.bus_socket("dispatch", sender=sender)
    try:
        sock.send(json.dumps(env).encode())
        h.wait_until(lambda: S.sql("SELECT 1 FROM dispatch.dead_letters WHERE message_id = %s", (env["id"],)), 60,
                     "the refused message set aside")
    finally:
        sock.close()
    return S.sql("SELECT reason FROM dispatch.dead_letters WHERE message_id = %s", (env["id"],))[0][0]


def test_a_deposit_with_a_ticket_and_an_event_of_another_kind_are_refused():
    reason = set_aside("billing", {"kind": "deposit", "id": 4, "ticket_id": 1, "branch": "SH01", "event": "short"})
    assert "without a ticket_id" in reason, reason
    assert clock("deposit", 4) == []
    # a claim is not paid: the schema refuses it, set aside with the reason
    set_aside("claims", {"kind": "claim", "id": 6, "ticket_id": 1, "branch": "SH01", "event": "paid"})
    assert clock("claim", 6) == []


def estimate(tid, wo, status):
    return {"work_order_id": wo, "ticket_id": tid, "estimate_id": wo, "branch": "SH01", "status": status,
            "total": 18000, "currency": "CNY"}


def held(tid):
    """The ticket's first_response and arrival: state, holds, minutes left when paused, due (s)."""
    return S.sql("SELECT clock, state, paused_by, remaining_us / %s, extract(epoch FROM due_at)::bigint "
                 "FROM dispatch.sla_clocks WHERE ticket_id = %s AND subject_kind = 'ticket' "
                 "AND clock IN ('arrival', 'first_response') ORDER BY clock", (MINUTE, tid))


def test_clocks_pause_while_the_customer_approves_an_estimate_and_resume_moved_by_the_wait():
    t0 = us(2026, 12, 7, 9, 0)                   # SH01 works 08:00-18:00 every day
    S.set_clock(t0)
    tid = repair("C1001")                        # vip-city-visit: a reply in 30 min, on site in 1 h
    h.wait_until(lambda: S.sql("SELECT status FROM dispatch.work_orders WHERE ticket_id = %s", (tid,))
                 == [("assigned",)], 60, "the work order assigned")
    wo = S.sql("SELECT id FROM dispatch.work_orders WHERE ticket_id = %s", (tid,))[0][0]
    running = [("arrival", "running", [], None, (t0 + HOUR) // 10**6),
               ("first_response", "running", [], None, (t0 + 30 * MINUTE) // 10**6)]
    assert held(tid) == running
    # a finding waits on a service advisor, not on the customer: the clocks run on
    S.set_clock(t0 + 5 * MINUTE)
    tell("billing", estimate(tid, wo, "awaiting_finding"), kind="estimate.pending")
    assert S.sql("SELECT status FROM dispatch.work_orders WHERE id = %s", (wo,)) == [("awaiting_approval",)]
    assert held(tid) == running
    S.set_clock(t0 + 10 * MINUTE)
    tell("billing", estimate(tid, wo, "free"), kind="estimate.approved")
    assert held(tid) == running
    # the customer's approval waits from 09:20: both clocks pause with what they had left
    S.set_clock(t0 + 20 * MINUTE)
    tell("billing", estimate(tid, wo, "awaiting_approval"), kind="estimate.pending")
    hold = "approval:%d" % wo
    assert held(tid) == [("arrival", "paused", [hold], 40, (t0 + HOUR) // 10**6),
                         ("first_response", "paused", [hold], 10, (t0 + 30 * MINUTE) // 10**6)]
    # a person's pause and resumption meanwhile leave the approval's hold in place
    S.set_clock(t0 + 40 * MINUTE)
    S.kefuctl("event", str(tid), "paused", "--reason", "waiting_customer")
    h.wait_until(lambda: [r[2] for r in held(tid)] == [[hold, "waiting"]] * 2, 60, "both holds")
    S.set_clock(t0 + 60 * MINUTE)
    S.kefuctl("event", str(tid), "resumed")
    h.wait_until(lambda: [r[2] for r in held(tid)] == [[hold]] * 2, 60, "the person's hold released")
    assert [r[1] for r in held(tid)] == ["paused", "paused"]
    # approved at 11:20: due two hours later than they were (the wait, in business time)
    S.set_clock(t0 + 140 * MINUTE)
    approved = estimate(tid, wo, "approved")
    tell("billing", approved, kind="estimate.approved")
    resumed = [("arrival", "running", [], None, (t0 + 140 * MINUTE + 40 * MINUTE) // 10**6),
               ("first_response", "running", [], None, (t0 + 140 * MINUTE + 10 * MINUTE) // 10**6)]
    assert held(tid) == resumed
    assert S.sql("SELECT status FROM dispatch.work_orders WHERE id = %s", (wo,)) == [("assigned",)]
    tell("billing", approved, kind="estimate.approved")  # the same news again: nothing moves
    assert held(tid) == resumed
    h.wait_until(lambda: {"clock_paused", "clock_resumed"} <= {e["event"] for e in S.ticket(tid)["history"]}, 60,
                 "the pause and the resumption in the ticket's history")


def counting(tid):
    """The ticket's running or paused clocks: state, holds, minutes left when paused, due (s)."""
    return S.sql("SELECT clock, state, paused_by, remaining_us / %s, extract(epoch FROM due_at)::bigint "
                 "FROM dispatch.sla_clocks WHERE ticket_id = %s AND subject_kind = 'ticket' "
                 "AND state IN ('running', 'paused') ORDER BY clock", (MINUTE, tid))


def assigned(tid):
    h.wait_until(lambda: S.sql("SELECT status FROM dispatch.work_orders WHERE ticket_id = %s", (tid,))
                 == [("assigned",)], 60, "the work order assigned")
    return S.sql("SELECT id, technician_id FROM dispatch.work_orders WHERE ticket_id = %s", (tid,))[0]


def report_done(tech, wo):
    S.kefuctl_as(tech, "done", str(wo), "--cause", "component_failure", "--labour-minutes", "120",
                 "--distance-km", "0")
    h.wait_until(lambda: S.sql("SELECT status FROM dispatch.work_orders WHERE id = %s", (wo,))
                 == [("completed",)], 60, "the work order completed")


def wo_state(wo):
    return S.sql("SELECT status FROM dispatch.work_orders WHERE id = %s", (wo,))[0][0]


def customer_waits(tid, wo, status, at, until, states):
    """estimate.pending (status) at `at`, estimate.approved at `until` (the same working day): the ticket's
    running clocks pause, then run due later by the wait; each message told twice moves nothing more; the
    work order is in states[0] while the customer's approval waits, states[1] once approved."""
    running = counting(tid)
    assert running and all(r[1] == "running" for r in running), running
    hold = "approval:%d" % wo
    paused = [(c, "paused", [hold], (due * 10**6 - at) // MINUTE, due) for c, _, _, _, due in running]
    resumed = [(c, "running", [], None, due + (until - at) // 10**6) for c, _, _, _, due in running]
    for when, kind, body, after in ((at, "estimate.pending", estimate(tid, wo, status), (paused, states[0])),
                                    (until, "estimate.approved", estimate(tid, wo, "approved"),
                                     (resumed, states[1]))):
        S.set_clock(when)
        tell("billing", body, kind=kind)
        assert (counting(tid), wo_state(wo)) == after
        S.set_clock(when + 5 * MINUTE)
        tell("billing", body, kind=kind)     # the same news again: nothing moves
        assert (counting(tid), wo_state(wo)) == after


def test_a_confirmed_finding_that_makes_the_work_chargeable_pauses_the_clocks_until_approved():
    t0 = us(2026, 12, 8, 9, 0)                   # within SH01's hours until the approval
    S.set_clock(t0)
    tid = repair("C1001", "RF-500")
    wo, tech = assigned(tid)
    running = counting(tid)
    # the finding waits on a service advisor: the work order waits, the clocks run
    S.set_clock(t0 + 5 * MINUTE)
    tell("billing", estimate(tid, wo, "awaiting_finding"), kind="estimate.pending")
    assert (counting(tid), wo_state(wo)) == (running, "awaiting_approval")
    # 09:15 the advisor confirms misuse: the customer's approval waits (the work order waited already)
    # until 09:45, and the clocks are due 30 minutes later
    customer_waits(tid, wo, "awaiting_approval", t0 + 15 * MINUTE, t0 + 45 * MINUTE,
                   ("awaiting_approval", "assigned"))
    report_done(tech, wo)                        # the technician is free for the next job


def test_a_settlement_held_for_a_new_approval_pauses_the_clocks_still_running_after_the_done_report():
    t0 = us(2026, 12, 9, 9, 0)
    S.set_clock(t0)
    tid = repair("C1002", "RF-500")
    wo, tech = assigned(tid)
    S.set_clock(t0 + 5 * MINUTE)
    report_done(tech, wo)                        # the work is done; the ticket's promises still count
    # 09:10 billing holds the overrun settlement until the customer approves again at 09:50: the work
    # order stays completed, the clocks are due 40 minutes later
    customer_waits(tid, wo, "awaiting_reapproval", t0 + 10 * MINUTE, t0 + 50 * MINUTE, ("completed", "completed"))
