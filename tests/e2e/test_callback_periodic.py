"""Periodic callbacks (docs/callback.md "Periodic callbacks") through the
running services and the injected clock: the callback service's timer
creates one for an important customer in the current six-month period,
placed and assigned like an after-work callback; when the clock passes into
the next period a new one follows; two instances racing, and a restart,
create no duplicate; a periodic outcome is recorded by intake with purpose
periodic, and a dissatisfied one does not reopen the ticket."""
import datetime
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
from kefu_system import System  # noqa: E402

S = None
CST = datetime.timezone(datetime.timedelta(hours=8))


def us(*args):
    return int(datetime.datetime(*args, tzinfo=CST).timestamp() * 1_000_000)


MONDAY_1000 = us(2026, 11, 23, 10, 0)


def setup_module():
    global S
    S = System("callback_periodic", clock_us=MONDAY_1000)
    S.start_services(["intake", "dispatch", "callback"])


def teardown_module():
    if S:
        try:
            assert S.check_messages() > 0
        finally:
            S.shutdown()


def periodic(customer):
    return S.sql("SELECT id, ticket_id, cause, period, status, agent_id, " + h.EPOCH_US % "next_call_at" + ", "
                 + h.EPOCH_US % "due_at" + " FROM callback.callbacks WHERE purpose = 'periodic'"
                 " AND customer_id = %s ORDER BY id", (customer,))


def wait_periods(customer, want):
    h.wait_until(lambda: sorted((r[2], r[3]) for r in periodic(customer)) == sorted(want), 60,
                 "periodic callbacks %s of %s (have %s)" % (want, customer, periodic(customer)))


def test_important_customer_each_period_once_across_instances_and_restarts():
    S.set_clock(MONDAY_1000)
    # C1003 (SH02, class important) has nothing to be called about until a ticket opens
    assert periodic("C1003") == []
    tid = S.kefuctl("submit", "--channel", "hotline", "--kind", "consultation", "--customer", "C1003",
                    "--product", "RF-500", "--description", "定期回访测试", json_out=True)["ticket_id"]
    wait_periods("C1003", [("important", "2026-07")])
    [(cb, ticket, _, _, status, agent, next_call, due)] = periodic("C1003")
    assert (ticket, status, agent) == (tid, "scheduled", "A201"), periodic("C1003")
    assert next_call >= MONDAY_1000 and due == MONDAY_1000 + 14 * 86400 * 1_000_000, periodic("C1003")
    # a second instance, then the clock past the period: both race, one row each period
    second = S.start_service("callback", "callback-2")
    second.wait_ready()
    january = us(2027, 1, 4, 10, 0)
    S.set_clock(january)
    wait_periods("C1003", [("important", "2026-07"), ("important", "2027-01")])
    # a restart of both: a customer who becomes due now proves a pass ran; still one row per period
    for svc in [s for s in S.services.values() if s.name == "callback"]:
        svc.stop()
        svc.start()
        svc.wait_ready()
    S.kefuctl("submit", "--channel", "hotline", "--kind", "consultation", "--customer", "C1001",
              "--product", "DW-1", "--description", "定期回访测试", json_out=True)
    wait_periods("C1001", [("important", "2027-01"), ("warranty", "2027-01")])
    assert sorted((r[2], r[3]) for r in periodic("C1003")) == [("important", "2026-07"), ("important", "2027-01")]


def test_periodic_outcome_recorded_without_reopening():
    rows = [r for r in periodic("C1003") if r[4] == "scheduled"]
    assert rows, periodic("C1003")
    cb, tid, _, _, _, agent, next_call, _ = rows[-1]
    S.kefuctl("event", str(tid), "ticket_resolved", "--note", "已答复")
    S.wait_ticket_status(tid, "resolved")
    S.set_clock(max(next_call, S.clock_us))
    out = S.kefuctl_as(agent, "callback", "outcome", str(cb), "dissatisfied", "--reasons", "too_many_calls").stdout
    assert "recorded (dissatisfied)" in out, out
    msgs = [json.loads(p)["body"] for (p,) in S.sql("SELECT payload FROM callback.outbox"
                                                     " WHERE type = 'callback.recorded' AND destination = 'intake'")]
    mine = [m for m in msgs if m["callback_id"] == cb]
    assert len(mine) == 1 and mine[0]["purpose"] == "periodic", mine
    h.wait_until(lambda: any(e["event"] == "callback_done" for e in S.ticket(tid)["history"]), 60,
                 "callback_done in ticket %s's history" % tid)
    S.quiet()
    history = S.ticket(tid)["history"]
    assert [e["event"] for e in history if e["event"] == "ticket_reopened"] == [], history
    assert S.sql("SELECT status FROM intake.tickets WHERE id = %s", (tid,)) == [("resolved",)]
