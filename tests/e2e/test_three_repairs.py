"""The three-repairs rule (三包, docs/intake.md "The three-repairs rule")
through the running intake and dispatch: the same fault on the same unit,
repaired three times within warranty (each a ticket submitted, assigned,
reported done with its cause, resolved and closed), makes the unit's next
ticket a replacement: flagged at submit, shown in ticket.get and kefuctl
show, and on the technician's work orders. A unit's open ticket is flagged
when the third report arrives, and the unit is known by its serial where
its warranty card is not given."""
import datetime
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
from kefu_system import System  # noqa: E402

S = None
CST = datetime.timezone(datetime.timedelta(hours=8))
MONDAY_0900 = int(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=CST).timestamp() * 1_000_000)


def setup_module():
    global S
    S = System("three-repairs", clock_us=MONDAY_0900, dispatch={"sla_tick_ms": 100, "assign_retry_ms": 200})
    # a second unit: a refrigerator bought in October, its card naming its serial
    S.sql("INSERT INTO ref.warranty_cards (card_no, customer_id, product_code, serial, purchase_date) "
          "VALUES ('W-0002', 'C1002', 'RF-500', 'SN-RF-0001', '2026-10-01')")
    S.start_services(["intake", "dispatch"])


def teardown_module():
    if S:
        try:
            assert S.check_messages() > 0
        finally:
            S.shutdown()


def submit(customer, product, *unit):
    return S.kefuctl("submit", "--channel", "hotline", "--kind", "repair", "--customer", customer,
                     "--product", product, *unit, "--description", "又坏了", json_out=True)


def repaired(tid, cause, close=True):
    """Assigned, reported done with its cause (the repair intake counts), resolved and closed."""
    h.wait_until(lambda: S.sql("SELECT 1 FROM dispatch.work_orders WHERE ticket_id = %s AND status = 'assigned'",
                               (tid,)), 60, "ticket %s assigned" % tid)
    wo, tech = S.sql("SELECT id, technician_id FROM dispatch.work_orders WHERE ticket_id = %s", (tid,))[0]
    S.kefuctl_as(tech, "done", str(wo), "--cause", cause, "--labour-minutes", "60", json_out=True)
    h.wait_until(lambda: S.sql("SELECT 1 FROM intake.repairs WHERE work_order_id = %s", (wo,)), 60,
                 "intake to record the repair of work order %s" % wo)
    if close:
        S.kefuctl("event", str(tid), "ticket_resolved", "--note", "已修复")
        S.kefuctl("event", str(tid), "ticket_closed")
    return wo, tech


def test_a_fourth_ticket_of_the_same_fault_is_flagged_for_replacement_at_submit():
    orders = []
    for cause in ("water_leak", "component_failure", "component_failure", "component_failure"):
        r = submit("C1001", "AC-3200", "--card", "W-0001")
        # another fault does not count: two of one and one of another are no three
        assert "replacement" not in r and r["joined"] is False, r
        wo, _ = repaired(r["ticket_id"], cause)
        orders += [wo] if cause == "component_failure" else []
    # the unit's next ticket: its resolution is a replacement
    r = submit("C1001", "AC-3200", "--card", "W-0001")
    assert r["replacement"] == {"fault": "component_failure", "repairs": 3, "work_orders": orders}, r
    tid = r["ticket_id"]
    t = S.ticket(tid)
    assert t["ticket"]["replacement"] == r["replacement"], t["ticket"]
    flagged = [e for e in t["history"] if e["event"] == "replacement_flagged"]
    assert [e["detail"] for e in flagged] == [r["replacement"]], flagged
    assert S.sql("SELECT replacement_fault FROM intake.tickets WHERE id = %s", (tid,)) == [("component_failure",)]
    shown = S.kefuctl("show", str(tid)).stdout
    line = "replace: fault component_failure repaired 3 times within warranty (work orders %s)" % ", ".join(map(str, orders))
    assert line in shown, shown
    # the technician's view of the work order
    h.wait_until(lambda: S.sql("SELECT 1 FROM dispatch.work_orders WHERE ticket_id = %s AND status = 'assigned'",
                               (tid,)), 60, "ticket %s assigned" % tid)
    tech = S.sql("SELECT technician_id FROM dispatch.work_orders WHERE ticket_id = %s", (tid,))[0][0]
    listed = S.kefuctl_as(tech, "workorders", str(tid), json_out=True)
    assert [w["replacement_fault"] for w in listed["work_orders"]] == ["component_failure"], listed
    assert "replace: fault component_failure" in S.kefuctl_as(tech, "workorders", str(tid)).stdout


def test_an_open_ticket_of_the_unit_is_flagged_when_the_third_report_arrives():
    first = submit("C1002", "RF-500", "--card", "W-0002")["ticket_id"]
    repaired(first, "refrigerant_leak")
    second = submit("C1002", "RF-500", "--card", "W-0002")["ticket_id"]
    repaired(second, "refrigerant_leak")
    third = submit("C1002", "RF-500", "--card", "W-0002")["ticket_id"]
    # the unit changed hands: its new owner calls with its serial only
    other = submit("C1005", "RF-500", "--serial", "SN-RF-0001")
    assert "replacement" not in other, other
    wo, _ = repaired(third, "refrigerant_leak", close=False)
    h.wait_until(lambda: S.sql("SELECT replacement_fault FROM intake.tickets WHERE id = %s",
                               (other["ticket_id"],)) == [("refrigerant_leak",)], 60, "the open ticket flagged")
    flagged = [e for e in S.ticket(other["ticket_id"])["history"] if e["event"] == "replacement_flagged"]
    assert [(e["actor"], e["detail"]["repairs"], e["detail"]["work_orders"][-1]) for e in flagged] == \
        [("intake", 3, wo)], flagged
    # the ticket whose report was the third is not flagged: it was repaired
    assert S.sql("SELECT replacement_fault FROM intake.tickets WHERE id = %s", (third,)) == [(None,)]
