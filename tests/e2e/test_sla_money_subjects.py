"""SLA clocks of the money subjects (docs/sla.md "Subjects"), through the
running intake and dispatch with the injectable clock and the demo's
sla.yaml: billing and claims tell the dispatcher of a dispute, a claim or a
payment stage with sla.subject (sent here on dispatch's bus with billing's
and claims' keys, as they send it). A disputed settlement's decision is due
in 24 h: it warns, escalates and stops when decided; head office's claim
decision runs from the review; a payment stage is due at the date billing
sets; a deposit, which concerns no ticket, starts no clock."""
import datetime
import json
import os
import sys
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
from kefu_system import System  # noqa: E402

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


def repair(customer):
    tid = S.kefuctl("submit", "--channel", "hotline", "--kind", "repair", "--customer", customer,
                    "--product", "AC-3200", "--description", "空调不制冷", json_out=True)["ticket_id"]
    h.wait_until(lambda: S.sql("SELECT 1 FROM dispatch.sla_clocks WHERE ticket_id = %s", (tid,)), 60,
                 "ticket %s's clocks" % tid)
    return tid


def tell(sender, body):
    """sla.subject on dispatch's bus, as `sender` sends it; waits until applied."""
    env = {"id": str(uuid.uuid4()), "type": "sla.subject", "version": 1, "source": {"service": sender, "instance": sender + "-1"},
           "branch": body["branch"], "correlation_id": str(body.get("ticket_id", body["id"])),
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


def test_a_deposit_starts_no_clock_and_an_event_of_another_kind_is_refused():
    tell("billing", {"kind": "deposit", "id": 3, "branch": "SH01", "event": "short",
                     "due_at": iso(S.clock_us + 3 * 24 * HOUR)})
    assert clock("deposit", 3) == []
    # a claim is not paid: the schema refuses it, set aside with the reason
    env = {"id": str(uuid.uuid4()), "type": "sla.subject", "version": 1, "source": {"service": "claims", "instance": "claims-1"},
           "branch": "SH01", "correlation_id": "1", "ts": iso(S.clock_us),
           "body": {"kind": "claim", "id": 6, "ticket_id": 1, "branch": "SH01", "event": "paid"}}
    sock = S.bus_socket("dispatch", sender="claims")
    try:
        sock.send(json.dumps(env).encode())
        h.wait_until(lambda: S.sql("SELECT 1 FROM dispatch.dead_letters WHERE message_id = %s", (env["id"],)), 60,
                     "the refused message set aside")
    finally:
        sock.close()
    assert clock("claim", 6) == []
