"""Shifts and the injectable clock across processes: a work order for a
branch whose only fitting technician is off shift waits with that reason,
and is assigned by itself once the clock (KEFU_CLOCK_FILE, read by every
service) reaches the technician's shift."""
import datetime
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from kefu_system import System  # noqa: E402

S = None
CST = datetime.timezone(datetime.timedelta(hours=8))


def us(*args):
    return int(datetime.datetime(*args, tzinfo=CST).timestamp() * 1_000_000)


SATURDAY_10 = us(2026, 11, 21, 10, 0)   # SH02's T201 works Mon–Fri 08:30–17:30
MONDAY_0829 = us(2026, 11, 23, 8, 29)
MONDAY_0831 = us(2026, 11, 23, 8, 31)


def setup_module():
    global S
    S = System("shifts", clock_us=SATURDAY_10)
    S.start_services(["intake", "dispatch"])


def teardown_module():
    if S:
        S.shutdown()


def test_waits_off_shift_and_is_assigned_when_the_shift_starts():
    out = S.kefuctl("submit", "--channel", "hotline", "--kind", "repair", "--customer", "C1003",
                    "--product", "AC-3200", "--description", "周六报修，周一上门", json_out=True)
    tid = out["ticket_id"]
    assert out["branch"] == "SH02"
    S.wait_ticket_status(tid, "unassigned")
    created = S.sql("SELECT extract(epoch FROM created_at) FROM intake.tickets WHERE id = %s", (tid,))[0][0]
    assert abs(float(created) * 1e6 - SATURDAY_10) < 1e6, "intake did not use the injected clock"
    reason = S.sql("SELECT unassigned_reason FROM dispatch.work_orders WHERE ticket_id = %s", (tid,))[0][0]
    assert "off shift" in reason, reason

    S.set_clock(MONDAY_0829)            # one minute before the shift: still waiting
    S.quiet()                           # the assignment pass has run at 08:29
    assert S.sql("SELECT status FROM intake.tickets WHERE id = %s", (tid,)) == [("unassigned",)]
    S.set_clock(MONDAY_0831)
    S.wait_ticket_status(tid, "assigned")
    row = S.sql("SELECT technician_id, extract(epoch FROM assigned_at) FROM dispatch.work_orders "
                "WHERE ticket_id = %s", (tid,))[0]
    assert row[0] == "T201"
    assert abs(float(row[1]) * 1e6 - MONDAY_0831) < 1e6, "dispatch did not use the injected clock"
    S.quiet()                       # the history is complete: nothing else is on its way
    events = [e["event"] for e in S.ticket(tid)["history"]
              if not e["event"].startswith(("clock_", "sla_"))]  # SLA events: test_sla.py
    assert events == ["created", "work_order_unassigned", "work_order_assigned"], events
