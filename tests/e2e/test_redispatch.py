"""Unarranged work orders (docs/dispatch.md "Unarranged work orders"): with
`arrange: {..., on_breach: redispatch}`, a repair whose technician does not
arrange it within 2 business hours is taken from him (his load released),
given to the next eligible technician with a fresh arrange clock, and
never given back to him; when nobody else fits it waits with the reason.
SH01 is open 08:00-18:00 every day; T101 (senior) and T102 (intermediate)
are the only technicians allowed to repair alone."""
import datetime
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
from kefu_system import System  # noqa: E402

S = None
CST = datetime.timezone(datetime.timedelta(hours=8))
MINUTE = 60 * 1_000_000
SLA = """\
policies:
  - name: visits
    match: {kind: [repair, installation, return]}
    targets:
      arrange: {hours: 2, time: business, on_breach: redispatch}
      arrival: {hours: 8, time: business}
  - name: rest
    targets:
      first_response: {hours: 1, time: business}
ladders:
  - branch: default
    levels:
      - {level: team_lead, staff: TL01}
"""


def us(*args):
    return int(datetime.datetime(*args, tzinfo=CST).timestamp() * 1_000_000)


MONDAY_0900 = us(2026, 11, 23, 9, 0)


def setup_module():
    global S
    tmp = tempfile.mkdtemp(prefix="kefu-redispatch-")
    sla = os.path.join(tmp, "sla.yaml")
    with open(sla, "w", encoding="utf-8") as f:
        f.write(SLA)
    S = System("redispatch", clock_us=MONDAY_0900,
               dispatch={"sla_tick_ms": 100, "assign_retry_ms": 200, "sla_file": sla},
               notify={"file": os.path.join(tmp, "notifications.jsonl")})
    S.start_services(["intake", "dispatch"])


def teardown_module():
    if S:
        try:
            assert S.check_messages() > 0
        finally:
            S.shutdown()


def order(tid):
    rows = S.sql("SELECT status, technician_id, passed_over::text, unassigned_reason "
                 "FROM dispatch.work_orders WHERE ticket_id = %s", (tid,))
    return rows[0] if rows else (None, None, None, None)   # not created yet


def load(tech):
    rows = S.sql("SELECT load FROM dispatch.technician_load WHERE technician_id = %s", (tech,))
    return rows[0][0] if rows else 0


def arrange(tid):
    return S.sql("SELECT state, (extract(epoch FROM due_at) * 1e6)::bigint, restarts "
                 "FROM dispatch.sla_clocks WHERE ticket_id = %s AND clock = 'arrange'", (tid,))[0]


def test_an_unarranged_order_goes_to_the_next_technician_and_never_back():
    tid = S.kefuctl("submit", "--channel", "hotline", "--kind", "repair", "--customer", "C1002",
                    "--product", "AC-3200", "--description", "空调漏水", json_out=True)["ticket_id"]
    h.wait_until(lambda: order(tid)[0] == "assigned", 60, "first assignment")
    first = order(tid)[1]
    assert first == "T101", order(tid)
    assert arrange(tid)[:2] == ("running", MONDAY_0900 + 120 * MINUTE)
    before = load("T101")

    S.set_clock(MONDAY_0900 + 121 * MINUTE)                     # 11:01: the arrange target lapsed
    h.wait_until(lambda: order(tid)[1] == "T102", 60, "re-dispatch to T102")
    status, tech, passed, _ = order(tid)
    assert (status, passed) == ("assigned", "{T101}")
    assert load("T101") == before - 1                           # the first assignee's load released
    state, due, restarts = arrange(tid)
    assert (state, due, restarts) == ("running", MONDAY_0900 + 241 * MINUTE, 1)   # a fresh 2 h for T102
    # a redispatch clock is not escalated at breach: not by the sweep that
    # re-dispatched it, nor by any later one at 11:01
    S.quiet()
    assert S.sql("SELECT count(*) FROM dispatch.escalations e JOIN dispatch.sla_clocks c "
                 "ON c.id = e.clock_id WHERE e.ticket_id = %s AND c.clock = 'arrange' "
                 "AND e.kind <> 'warning'", (tid,)) == [(0,)]

    S.set_clock(MONDAY_0900 + 242 * MINUTE)                     # T102 lets it lapse too
    h.wait_until(lambda: order(tid)[0] == "unassigned" and "passed over" in (order(tid)[3] or ""), 60,
                 "waiting: nobody else may repair alone")
    status, tech, passed, reason = order(tid)
    assert (tech, passed) == (None, "{T101,T102}")
    assert "{T101,T102}" in reason, reason
    assert arrange(tid)[0] == "pending"

    S.wait_ticket_status(tid, "unassigned")
    S.quiet()                       # both re-dispatches' messages are in intake's history
    reasons = [e["detail"].get("reason", "") for e in S.ticket(tid)["history"]
               if e["event"] == "work_order_unassigned"]
    assert any("王强 (T101) did not arrange it within the arrange target" in r for r in reasons), reasons
    wos = [r[0] for r in S.sql("SELECT h.event FROM dispatch.work_order_history h JOIN dispatch.work_orders w "
                               "ON w.id = h.work_order_id WHERE w.ticket_id = %s ORDER BY h.id", (tid,))]
    assert wos.count("redispatched") == 2, wos

