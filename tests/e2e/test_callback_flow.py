"""The callback service through the running services and the injected
clock (docs/callback.md): a resolved ticket makes a callback due, placed in
SH01's calendar (08:00-18:00 every day, Asia/Shanghai) outside the default
rest hours (12:00-14:00, 20:00-09:00+1) and assigned to SH01's agent A101;
three attempts that do not reach the customer are spaced by the retry
policy (two hours, another time of day) and close it as unreachable; a
reached customer's outcome is recorded once; each final outcome emits
callback.recorded; every refusal is specific and changes nothing."""
import datetime
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
from intake_client import IntakeClient  # noqa: E402
from kefu_system import System  # noqa: E402

S = None
CST = datetime.timezone(datetime.timedelta(hours=8))


def us(*args):
    return int(datetime.datetime(*args, tzinfo=CST).timestamp() * 1_000_000)


def iso(micros):
    return datetime.datetime.fromtimestamp(micros / 1e6, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%S.%fZ")


MONDAY_1000 = us(2026, 11, 23, 10, 0)


def setup_module():
    global S
    S = System("callback", clock_us=MONDAY_1000)
    S.start_services(["intake", "dispatch", "callback"])


def teardown_module():
    if S:
        try:
            assert S.check_messages() > 0
        finally:
            S.shutdown()


def api(staff):
    return IntakeClient(S.config.callback_api, timeout_ms=30000, token=S.token_of(staff))


def ask(staff, request, body):
    reply = api(staff).request(request, body)
    return reply


PRODUCTS = iter(["AC-3200", "RF-500", "WH-60", "AC-LUX", "DW-1"] * 4)


def resolved_complaint(customer):
    """A complaint of customer's (no visit), resolved now; returns (ticket,
    callback row). Each about another product, so none joins an open one."""
    tid = S.kefuctl("submit", "--channel", "hotline", "--kind", "complaint", "--customer", customer,
                    "--product", next(PRODUCTS), "--description", "回访测试", json_out=True)["ticket_id"]
    S.kefuctl("event", str(tid), "ticket_resolved", "--note", "已处理")
    S.wait_ticket_status(tid, "resolved")
    h.wait_until(lambda: S.sql("SELECT count(*) FROM callback.callbacks WHERE ticket_id = %s", (tid,)) == [(1,)],
                 60, "a callback for ticket %s" % tid)
    return tid, callback_of(tid)


def callback_of(tid):
    rows = S.sql("SELECT id, status, agent_id, attempts, " + h.EPOCH_US % "next_call_at" + ", "
                 + h.EPOCH_US % "due_at" + ", outcome, closed_reason FROM callback.callbacks"
                 " WHERE ticket_id = %s", (tid,))
    assert len(rows) == 1, rows
    keys = ("id", "status", "agent", "attempts", "next_call_at", "due_at", "outcome", "closed_reason")
    return dict(zip(keys, rows[0]))


def recorded_messages(callback_id):
    rows = S.sql("SELECT payload FROM callback.outbox WHERE type = 'callback.recorded' AND destination = 'intake'")
    import json
    bodies = [json.loads(p)["body"] for (p,) in rows]
    return [b for b in bodies if b["callback_id"] == callback_id]


def counts():
    return S.sql("SELECT (SELECT count(*) FROM callback.callbacks), (SELECT count(*) FROM callback.attempts),"
                 " (SELECT count(*) FROM callback.outbox), (SELECT count(*) FROM callback.rest_hours),"
                 " (SELECT string_agg(status || attempts, ',' ORDER BY id) FROM callback.callbacks)")[0]


def refused(staff, request, body, code, expect):
    S.quiet()
    before = counts()
    reply = ask(staff, request, body)
    assert not reply["ok"], reply
    assert reply["error"]["code"] == code, reply
    assert expect in reply["error"]["message"], reply
    assert counts() == before


def test_not_reached_three_times_then_unreachable():
    S.set_clock(MONDAY_1000)
    tid, cb = resolved_complaint("C1002")
    assert cb["agent"] == "A101"                      # SH01's agent
    assert cb["status"] == "scheduled"
    assert cb["next_call_at"] == MONDAY_1000           # open, and no rest at 10:00
    assert cb["due_at"] == MONDAY_1000 + 72 * 3600 * 1_000_000
    work = ask("A101", "callback.list", {})["result"]["callbacks"]
    mine = [c for c in work if c["callback_id"] == cb["id"]]
    assert len(mine) == 1, work
    assert mine[0]["phone"] == "13900001111"          # the agent calls it: a full read, audited
    assert S.sql("SELECT count(*) FROM ref.contact_reads WHERE principal = 'A101' AND ticket_id = %s",
                 (tid,))[0][0] >= 1
    # 1st attempt at 10:00 (morning): next 2 h later is lunch rest, so 14:00 (afternoon)
    r = ask("A101", "callback.attempt", {"callback_id": cb["id"], "reason": "no_answer"})["result"]
    assert (r["status"], r["attempts"]) == ("retrying", 1), r
    assert r["next_call_at"] == iso(us(2026, 11, 23, 14, 0)), r
    # not due before 14:00: refused, nothing changes; and not on the work list
    S.set_clock(us(2026, 11, 23, 13, 0))
    assert cb["id"] not in [c["callback_id"] for c in ask("A101", "callback.list", {})["result"]["callbacks"]]
    refused("A101", "callback.attempt", {"callback_id": cb["id"], "reason": "busy"}, "conflict",
            "is not due until")
    refused("A101", "callback.outcome", {"callback_id": cb["id"], "outcome": "satisfied"}, "conflict",
            "is not due until")
    # 2nd at 14:00 (afternoon): the evening is closed, so another morning: Tuesday 09:00
    S.set_clock(us(2026, 11, 23, 14, 0))
    r = ask("A101", "callback.attempt", {"callback_id": cb["id"], "reason": "busy"})["result"]
    assert (r["status"], r["attempts"], r["next_call_at"]) == ("retrying", 2, iso(us(2026, 11, 24, 9, 0))), r
    # 3rd: the last one; closed as unreachable with its reason
    S.set_clock(us(2026, 11, 24, 9, 0))
    r = ask("A101", "callback.attempt", {"callback_id": cb["id"], "reason": "switched_off"})["result"]
    assert (r["status"], r["attempts"], r["outcome"], r["next_call_at"]) == ("unreachable", 3, "unreachable", None)
    row = callback_of(tid)
    assert row["closed_reason"] == "unreachable after 3 attempts (last: switched_off)", row
    msgs = recorded_messages(cb["id"])
    assert len(msgs) == 1 and msgs[0]["outcome"] == "unreachable" and msgs[0]["reasons"] == ["switched_off"], msgs
    refused("A101", "callback.attempt", {"callback_id": cb["id"], "reason": "busy"}, "conflict",
            "already unreachable")


def test_reached_satisfied_once():
    S.set_clock(us(2026, 11, 24, 15, 0))
    tid, cb = resolved_complaint("C1005")
    r = ask("A101", "callback.outcome", {"callback_id": cb["id"], "outcome": "satisfied",
                                          "note": "师傅很专业"})["result"]
    assert (r["status"], r["outcome"], r["attempts"]) == ("recorded", "satisfied", 1), r
    assert [m["outcome"] for m in recorded_messages(cb["id"])] == ["satisfied"]
    refused("A101", "callback.outcome", {"callback_id": cb["id"], "outcome": "dissatisfied",
                                          "reasons": ["rude"]}, "conflict", "already recorded (satisfied)")
    refused("A101", "callback.outcome", {"callback_id": 999999, "outcome": "neutral"}, "not_found",
            "no callback 999999")


def test_dissatisfied_emits_callback_recorded():
    S.set_clock(us(2026, 11, 25, 10, 0))
    tid, cb = resolved_complaint("C1002")
    refused("A101", "callback.outcome", {"callback_id": cb["id"], "outcome": "dissatisfied"}, "invalid",
            "body.reasons")
    r = ask("A101", "callback.outcome", {"callback_id": cb["id"], "outcome": "dissatisfied",
                                          "reasons": ["not_fixed", "late_arrival"], "note": "仍然漏水"})["result"]
    assert r["outcome"] == "dissatisfied"
    msgs = recorded_messages(cb["id"])
    assert len(msgs) == 1, msgs
    m = msgs[0]
    assert (m["ticket_id"], m["branch"], m["purpose"], m["outcome"], m["agent"]) == \
        (tid, "SH01", "after_work", "dissatisfied", "A101"), m
    assert m["reasons"] == ["not_fixed", "late_arrival"]
    # to intake (and to dispatch, for its SLA clock), in the same transaction as the outcome
    assert S.sql("SELECT destination FROM callback.outbox WHERE type = 'callback.recorded'"
                 " AND payload::jsonb -> 'body' ->> 'callback_id' = %s ORDER BY destination",
                 (str(cb["id"]),)) == [("dispatch",), ("intake",)]
    # intake records it and reopens the dissatisfied customer's case
    S.wait_ticket_status(tid, "open")
    history = S.ticket(tid)["history"]
    done = [e for e in history if e["event"] == "callback_done"]
    reopened = [e for e in history if e["event"] == "ticket_reopened"]
    assert [e["actor"] for e in done] == ["A101"] and [e["actor"] for e in reopened] == ["A101"], history
    assert "dissatisfied (not_fixed, late_arrival)" in reopened[0]["detail"]["note"], reopened


def test_second_trigger_for_the_same_completion_changes_nothing():
    S.set_clock(us(2026, 11, 25, 15, 0))
    tid, cb = resolved_complaint("C1005")
    # workorder.accepted for the same completion, straight onto callback's bus as qc would send it
    import json
    import uuid
    sock = S.bus_socket("callback", sender="qc")
    env = {"id": str(uuid.uuid4()), "type": "workorder.accepted", "version": 1, "source": "qc",
           "instance": "qc-1", "branch": "SH01", "correlation_id": str(tid),
           "at": iso(S.clock_us),
           "body": {"work_order_id": 1, "ticket_id": tid, "branch": "SH01", "inspection_id": 1,
                    "technician_id": "T101", "accepted_by": "SA01", "accepted_at": iso(S.clock_us)}}
    sock.send(json.dumps(env).encode())
    h.wait_until(lambda: S.sql("SELECT count(*) FROM callback.inbox WHERE message_id = %s",
                               (env["id"],)) == [(1,)], 60, "callback to apply workorder.accepted")
    sock.close()
    assert S.sql("SELECT count(*) FROM callback.callbacks WHERE ticket_id = %s", (tid,)) == [(1,)]
    assert callback_of(tid) == cb


def test_rest_hours_refusals_and_own_windows():
    refused("A101", "callback.rest_hours", {"customer_id": "C1005", "windows": "14:00-12:00"}, "invalid",
            "body.windows: \"14:00-12:00\": inverted")
    refused("A101", "callback.rest_hours", {"customer_id": "C1005", "windows": "12:00-14:00,13:00-15:00"},
            "invalid", "overlaps 12:00-14:00")
    refused("A201", "callback.rest_hours", {"customer_id": "C1005", "windows": "12:00-13:00"}, "not_found",
            "no customer C1005")                      # SH02's agent: not their branch
    r = ask("A101", "callback.rest_hours", {"customer_id": "C1005", "windows": "21:00-10:30+1"})["result"]
    assert (r["windows"], r["own"]) == ("21:00-10:30+1", True), r
    # resolved at 09:00 on Thursday: the customer rests until 10:30
    S.set_clock(us(2026, 11, 26, 9, 0))
    tid, cb = resolved_complaint("C1005")
    assert cb["next_call_at"] == us(2026, 11, 26, 10, 30), cb
    r = ask("A101", "callback.rest_hours", {"customer_id": "C1005", "windows": "default"})["result"]
    assert (r["windows"], r["own"]) == ("12:00-14:00,20:00-09:00+1", False), r


def test_reports_coverage_and_satisfaction():
    S.quiet()
    period = {"from": iso(us(2026, 11, 23, 0, 0)), "to": iso(us(2026, 12, 1, 0, 0))}
    cov = ask("TL01", "callback.coverage", period)["result"]
    sh01 = [b for b in cov["branches"] if b["branch"] == "SH01"][0]
    assert sh01["finished"] == sh01["recorded"] + sh01["unreachable"] + sh01["due"] + sh01["cancelled"] \
        + sh01["missing"], sh01
    # (the dissatisfied customer's ticket was reopened: no longer finished)
    assert sh01["recorded"] >= 1 and sh01["unreachable"] >= 1, sh01
    reasons = {w["reason"] for w in cov["without"]}
    assert "unreachable: unreachable after 3 attempts (last: switched_off)" in reasons, reasons
    assert any(r.startswith("still due") for r in reasons), reasons
    sat = ask("TL01", "callback.satisfaction", dict(period, by="agent"))["result"]
    a101 = [r for r in sat["rows"] if r["key"] == "A101"][0]
    assert (a101["satisfied"], a101["dissatisfied"], a101["rate_pct"]) == (1, 1, 50.0), a101
    refused("A101", "callback.coverage", period, "forbidden", "")


def test_a_callbacks_sla_clock_is_due_with_it_and_stops_with_its_outcome():
    """The callback's deadline is an SLA clock of the callback (docs/sla.md
    "Subjects"): dispatch starts it when the callback is scheduled, due at
    the callback's own deadline; it warns like any clock, and the outcome
    stops it."""
    S.set_clock(us(2026, 11, 27, 10, 0))
    tid, cb = resolved_complaint("C1004")

    def clock():
        rows = S.sql("SELECT state, " + h.EPOCH_US % "due_at" + ", warned_at IS NOT NULL, breached_at IS NOT NULL"
                     " FROM dispatch.sla_clocks WHERE subject_kind = 'callback' AND subject_id = %s"
                     " AND clock = 'callback_due'", (cb["id"],))
        return rows[0] if rows else None
    h.wait_until(lambda: clock() is not None, 60, "the clock of callback %s" % cb["id"])
    state, due, warned, breached = clock()
    assert (state, due, warned, breached) == ("running", cb["due_at"], False, False), (clock(), cb)
    # 80 % of the way to the callback's deadline: its agent's team lead is warned
    S.set_clock(S.clock_us + (cb["due_at"] - S.clock_us) * 81 // 100)
    h.wait_until(lambda: clock()[2], 60, "the warning of callback %s's clock" % cb["id"])
    assert S.sql("SELECT e.kind FROM dispatch.escalations e JOIN dispatch.sla_clocks c ON c.id = e.clock_id"
                 " WHERE c.subject_kind = 'callback' AND c.subject_id = %s", (cb["id"],)) == [("warning",)]
    # the call is made and recorded: the clock stops, met
    S.set_clock(max(S.clock_us, callback_of(tid)["next_call_at"]))
    agent = callback_of(tid)["agent"]
    reply = ask(agent, "callback.outcome", {"callback_id": cb["id"], "outcome": "satisfied"})
    assert reply.get("ok"), reply
    h.wait_until(lambda: clock()[0] == "stopped", 60, "callback %s's clock stopped" % cb["id"])
    assert clock()[3] is False
