"""A job's billing through the running services (docs/billing.md "The
flow"): the technician's diagnosis (dispatch), the estimate billing makes
from it line by line, warranty or chargeable with the reason, the work order
waiting in awaiting_approval until the customer approves, and a service
advisor's word on a misuse finding before it excludes warranty. Bad input is
refused with the field named and changes nothing. Every request, reply and
message is checked against schemas/."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import intake_client as ic  # noqa: E402
import kefu_harness as h  # noqa: E402
import ledger_client as lc  # noqa: E402
from kefu_system import System  # noqa: E402

S = None
MONDAY_0900 = lc.us(2026, 11, 23, 9, 0)
ic.KEFUCTL_REQUESTS.update({"diagnose": "workorder.diagnose", "estimate show": "estimate.get",
                            "estimate approve": "estimate.approve", "estimate confirm": "estimate.confirm_finding"})


def setup_module():
    global S
    S = System("billing_jobs", clock_us=MONDAY_0900, dispatch={"assign_retry_ms": 200, "sla_tick_ms": 100})
    S.start_services(["intake", "dispatch", "billing"])
    # C1005's own cards: one open ticket per customer and product (docs/intake.md)
    S.sql("INSERT INTO ref.warranty_cards (card_no, customer_id, product_code, serial, purchase_date) VALUES"
          " ('W-J2-A', 'C1005', 'AC-3200', 'SN-J2-A', '2026-06-01'),"
          " ('W-J2-B', 'C1005', 'RF-500', 'SN-J2-B', '2026-06-01')")


def teardown_module():
    try:
        assert S is None or S.check_messages() > 0      # every message checked against its schema
    finally:
        if S:
            S.shutdown()


def dispatch(staff):
    return lc.Billing(S, staff, endpoint=S.config.dispatch_api)


def billing(staff):
    return lc.Billing(S, staff)


def job(customer, product, card=None):
    """A repair taken in and assigned: (work order, technician)."""
    args = ["submit", "--channel", "hotline", "--kind", "repair", "--customer", customer, "--product", product,
            "--description", "空调不制冷"]
    if card:
        args += ["--card", card]
    tid = S.kefuctl_as("A101", *args, json_out=True)["ticket_id"]
    rows = lambda: S.sql("SELECT id, status, technician_id FROM dispatch.work_orders WHERE ticket_id = %s", (tid,))
    h.wait_until(lambda: rows() and rows()[0][1] == "assigned", 60, "the work order assigned")
    return rows()[0][0], rows()[0][2]


def wo_status(wo):
    return S.sql("SELECT status FROM dispatch.work_orders WHERE id = %s", (wo,))[0][0]


def estimate(wo):
    rows = S.sql("SELECT status, coverage, reason, total, warranty_total FROM billing.estimates"
                 " WHERE work_order_id = %s", (wo,))
    return rows[0] if rows else None


def diagnose(tech, wo, **extra):
    body = dict(work_order_id=wo, fault_code="component_failure", parts=[{"code": "AC-CAP-35", "quantity": 2}],
                labour_minutes=90, distance_m=23400, photos=["diag/%d-1.jpg" % wo])
    body.update(extra)
    c = dispatch(tech)
    try:
        return c.ok("workorder.diagnose", body)
    finally:
        c.close()


def test_a_chargeable_repair_waits_for_the_customers_approval():
    wo, tech = job("C1002", "AC-3200")                      # no warranty card: chargeable
    out = S.kefuctl_as(tech, "diagnose", str(wo), "--fault", "component_failure", "--labour-minutes", "90",
                       "--distance-km", "23.4", "--parts", "AC-CAP-35:2", "--photos", "diag/cap.jpg", json_out=True)
    assert out["work_order_id"] == wo
    h.wait_until(lambda: wo_status(wo) == "awaiting_approval", 60, "the work order waiting for approval")
    # 2 × 18.50 + 90 min at 80.00/h + (23.4 − 10) km × 2.50 = 37.00 + 120.00 + 33.50
    assert estimate(wo) == ("awaiting_approval", "chargeable", "no_card", 19050, 0)
    shown = S.kefuctl_as("SA01", "estimate", "show", str(wo), json_out=True)
    assert [(l["kind"], l["amount"], l["coverage"], l["reason"]) for l in shown["lines"]] == [
        ("part", 3700, "chargeable", "no_card"), ("labour", 12000, "chargeable", "no_card"),
        ("travel", 3350, "chargeable", "no_card")], shown
    table = S.kefuctl_as("SA01", "estimate", "show", str(wo)).stdout
    assert "190.50" in table and "no_card" in table, table
    # the customer approves on the phone; the agent records it
    approved = S.kefuctl_as("A101", "estimate", "approve", str(wo), "--name", "李秀英", json_out=True)
    assert (approved["status"], approved["approved_name"], approved["approved_by"]) == ("approved", "李秀英", "A101")
    h.wait_until(lambda: wo_status(wo) == "assigned", 60, "the work order assigned again")
    again = billing("A101")
    try:
        again.refused("estimate.approve", {"work_order_id": wo, "customer_name": "李秀英"}, "conflict",
                      "only an estimate awaiting approval is approved")
    finally:
        again.close()


def test_a_repair_under_warranty_is_free_and_does_not_wait():
    wo, tech = job("C1001", "AC-3200", card="W-0001")         # bought 2026-03-15, 12 months
    diagnose(tech, wo)
    h.wait_until(lambda: estimate(wo) is not None, 60, "the estimate")
    assert estimate(wo) == ("free", "warranty", "covered", 0, 19050)
    assert wo_status(wo) == "assigned"


def test_misuse_excludes_warranty_only_once_a_service_advisor_confirms_it():
    wo, tech = job("C1005", "RF-500", card="W-J2-B")
    diagnose(tech, wo, findings=["misuse"], labour_minutes=30, distance_m=0, parts=[])
    h.wait_until(lambda: wo_status(wo) == "awaiting_approval", 60, "the work order waiting for the finding")
    assert estimate(wo) == ("awaiting_finding", "warranty", "covered", 0, 4000)
    agent = billing("A101")
    try:
        agent.refused("estimate.confirm_finding", {"work_order_id": wo, "finding": "misuse", "confirmed": True},
                      "forbidden", "")
    finally:
        agent.close()
    out = S.kefuctl_as("SA01", "estimate", "confirm", str(wo), "misuse", "yes", json_out=True)
    assert (out["status"], out["reason"], out["total"], out["confirmed"]) == ("awaiting_approval", "misuse", 4000,
                                                                            ["misuse"])
    advisor = billing("SA01")
    try:
        advisor.refused("estimate.confirm_finding", {"work_order_id": wo, "finding": "misuse", "confirmed": False},
                        "conflict", "no finding waits")
    finally:
        advisor.close()
    assert wo_status(wo) == "awaiting_approval"

    # dismissed: warranty stands, and the work goes on
    wo2, tech2 = job("C1005", "AC-3200", card="W-J2-A")
    diagnose(tech2, wo2, findings=["misuse"], parts=[])
    h.wait_until(lambda: wo_status(wo2) == "awaiting_approval", 60, "the second order waiting")
    out = S.kefuctl_as("SA01", "estimate", "confirm", str(wo2), "misuse", "no", json_out=True)
    assert (out["status"], out["reason"], out["dismissed"]) == ("free", "covered", ["misuse"])
    h.wait_until(lambda: wo_status(wo2) == "assigned", 60, "the second order assigned again")


def test_bad_diagnoses_are_refused_and_change_nothing():
    wo, tech = job("C1002", "RF-500")
    before = S.sql("SELECT count(*) FROM dispatch.diagnoses")
    c = dispatch(tech)
    base = dict(work_order_id=wo, fault_code="component_failure", parts=[], labour_minutes=60, distance_m=0,
                photos=[])
    try:
        c.refused("workorder.diagnose", dict(base, parts=[{"code": "NO-SUCH", "quantity": 1}]), "invalid",
                  'body.parts: unknown part "NO-SUCH"')
        c.refused("workorder.diagnose", dict(base, labour_minutes=43201), "invalid",
                  "body.labour_minutes: 43201 is out of range (0 to 43200 minutes)")
        c.refused("workorder.diagnose", dict(base, labour_minutes=-1), "invalid", "body.labour_minutes: -1")
        c.refused("workorder.diagnose", dict(base, distance_m=2000001), "invalid",
                  "body.distance_m: 2000001 is out of range")
        c.refused("workorder.diagnose", dict(base, fault_code="gremlins"), "invalid", "body.fault_code")
        c.refused("workorder.diagnose", dict(base, parts=[{"code": "AC-CAP-35", "quantity": 1},
                                                          {"code": "AC-CAP-35", "quantity": 2}]),
                  "invalid", "named twice")
    finally:
        c.close()
    other = dispatch("T102" if tech != "T102" else "T103")
    try:
        other.refused("workorder.diagnose", base, "forbidden", "only they, or a team lead")
    finally:
        other.close()
    assert S.sql("SELECT count(*) FROM dispatch.diagnoses") == before
    assert wo_status(wo) == "assigned"
    diagnose(tech, wo, parts=[])
    c = dispatch(tech)
    try:
        c.refused("workorder.diagnose", base, "conflict", "diagnosed already")
    finally:
        c.close()
