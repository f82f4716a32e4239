"""A job's billing through the running services (docs/billing.md "The
flow"): the technician's diagnosis (dispatch), the estimate billing makes
from it line by line, warranty or chargeable with the reason, the work order
waiting in awaiting_approval until the customer approves, a service
advisor's word on a misuse finding before it excludes warranty; the done
report priced against the approved estimate (an overrun waits for a new
approval), the settlement offered when the work is accepted (qc's
workorder.accepted is put on billing's bus as qc sends it), disputed on a
line, decided, accepted with its invoice and paid; a warranty repair settled
free with its warranty cost booked; a dealer's technician's free repair
costed once, by the dealer's approved claim and not as the branch's own
warranty cost as well. Bad input is refused with the field
named and changes nothing. Every request, reply and message is checked
against schemas/."""
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
                            "estimate approve": "estimate.approve", "estimate confirm": "estimate.confirm_finding",
                            "settlement show": "settlement.get", "settlement accept": "settlement.accept",
                            "settlement dispute": "settlement.dispute", "settlement decide": "settlement.decide"})


def setup_module():
    global S
    S = System("billing_jobs", clock_us=MONDAY_0900, dispatch={"assign_retry_ms": 200, "sla_tick_ms": 100})
    S.start_services(["intake", "dispatch", "billing"])
    # C1005's own cards: one open ticket per customer and product (docs/intake.md)
    S.sql("INSERT INTO ref.warranty_cards (card_no, customer_id, product_code, serial, purchase_date) VALUES"
          " ('W-J2-A', 'C1005', 'AC-3200', 'SN-J2-A', '2026-06-01'),"
          " ('W-J2-B', 'C1005', 'RF-500', 'SN-J2-B', '2026-06-01'),"
          " ('W-J3', 'C1003', 'RF-500', 'SN-J3', '2026-06-01')")
    lc.organisation_technician(S, "DT01", "D-SH")


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


def job(customer, product, card=None, agent="A101"):
    """A repair taken in and assigned: (work order, technician)."""
    args = ["submit", "--channel", "hotline", "--kind", "repair", "--customer", customer, "--product", product,
            "--description", "空调不制冷"]
    if card:
        args += ["--card", card]
    tid = S.kefuctl_as(agent, *args, json_out=True)["ticket_id"]
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


def report_done(tech, wo, labour="90", km="23.4", parts="AC-CAP-35:2"):
    args = ["done", str(wo), "--cause", "component_failure", "--labour-minutes", labour, "--distance-km", km]
    S.kefuctl_as(tech, *(args + (["--parts", parts] if parts else [])))
    h.wait_until(lambda: settlement(wo) is not None, 60, "the settlement of the done report")


def settlement(wo):
    rows = S.sql("SELECT status, total, warranty_total, hold_reason FROM billing.settlements WHERE work_order_id = %s",
                 (wo,))
    return rows[0] if rows else None


def holds(wo):
    """The states and holds of the ticket's clocks still counting (docs/sla.md "Clock life")."""
    return {(r[0], tuple(r[1])) for r in S.sql(
        "SELECT c.state, c.paused_by FROM dispatch.sla_clocks c"
        " JOIN dispatch.work_orders w ON w.ticket_id = c.ticket_id"
        " WHERE w.id = %s AND c.subject_kind = 'ticket' AND c.state IN ('running', 'paused')", (wo,))}


def work_accepted(wo, tech):
    """qc's workorder.accepted, as qc sends it after the last level."""
    tid = S.sql("SELECT ticket_id FROM dispatch.work_orders WHERE id = %s", (wo,))[0][0]
    body = dict(work_order_id=wo, ticket_id=tid, branch="SH01", inspection_id=wo, level="final", technician_id=tech,
                accepted_by="QC01", accepted_at=lc.rfc3339(S.clock_us))
    assert lc.send(S, "billing", "qc", "workorder.accepted", body)[0]["status"] == "ok"


def test_a_chargeable_repair_waits_for_approval_then_is_disputed_decided_invoiced_and_paid():
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
    agent, finance = billing("A101"), billing("FN01")
    try:
        agent.refused("estimate.approve", {"work_order_id": wo, "customer_name": "李秀英"}, "conflict",
                      "waits for no new approval")
        # done as estimated: priced within the approved total; offered once the work is accepted
        report_done(tech, wo)
        assert settlement(wo) == ("priced", 19050, 0, None)
        agent.refused("settlement.accept", {"work_order_id": wo, "customer_name": "李秀英"}, "conflict",
                      "only an open settlement")
        work_accepted(wo, tech)
        assert settlement(wo)[0] == "open"
        # the customer disputes the labour; finance reduces it to 90.00
        out = S.kefuctl_as("A101", "settlement", "dispute", str(wo), "2:两个人干了一个半小时太贵",
                           json_out=True)
        assert out["status"] == "disputed" and out["lines"][1]["dispute_reason"] == "两个人干了一个半小时太贵", out
        opened = S.sql("SELECT count(*) FROM billing.outbox WHERE type = 'sla.subject'"
                       " AND payload::jsonb->'body'->>'kind' = 'dispute' AND payload::jsonb->'body'->>'event' = 'opened'")
        assert opened == [(1,)]
        agent.refused("settlement.accept", {"work_order_id": wo, "customer_name": "李秀英"}, "conflict",
                      "disputed")
        before = settlement(wo)
        finance.refused("settlement.decide", {"work_order_id": wo, "decisions": [
            {"position": 2, "decision": "upheld", "amount": -100}]}, "invalid", "body.decisions[0].amount: -100 is negative")
        finance.refused("settlement.decide", {"work_order_id": wo, "decisions": [
            {"position": 2, "decision": "upheld", "amount": 9007199254740991}]}, "invalid", "does not reduce the line")
        finance.refused("settlement.decide", {"work_order_id": wo, "decisions": [
            {"position": 1, "decision": "rejected"}]}, "invalid", "line 1 is not disputed")
        agent.refused("settlement.decide", {"work_order_id": wo, "decisions": [
            {"position": 2, "decision": "rejected"}]}, "forbidden", "")
        assert settlement(wo) == before
        out = S.kefuctl_as("FN01", "settlement", "decide", str(wo), "2:upheld:90.00", "--note", "按一人计",
                           json_out=True)
        assert (out["status"], out["total"], out["lines"][1]["decision"], out["lines"][1]["original_amount"]) == \
            ("open", 3700 + 9000 + 3350, "upheld", 12000), out
        finance.refused("settlement.decide", {"work_order_id": wo, "decisions": [
            {"position": 2, "decision": "rejected"}]}, "conflict", "only a disputed settlement is decided, once")
        # the printed settlement for the customer to sign
        text = S.kefuctl_as("A101", "settlement", str(wo), "--print", "text").stdout
        assert "160.50" in text and "no_card" in text and "upheld" in text and "签字" in text, text
        html = S.kefuctl_as("A101", "settlement", str(wo), "--print", "html").stdout
        assert "<table" in html and "160.50" in html and "<script" not in html, html
        # accepted: invoiced in the same transaction, then paid
        out = S.kefuctl_as("A101", "settlement", "accept", str(wo), "--name", "李秀英", json_out=True)
        assert out["status"] == "accepted" and out["accepted_name"] == "李秀英" and out["invoice_number"], out
        number = out["invoice_number"]
        paid = finance.ok("payment.record", {"number": number, "reference": "WX-J2-1", "amount": 16050,
                                             "currency": "CNY"})
        assert paid["balance"] == 0, paid
        assert S.sql("SELECT amount, status FROM billing.invoices WHERE number = %s", (number,)) == [(16050, "paid")]
    finally:
        agent.close()
        finance.close()


def test_a_repair_under_warranty_is_free_and_does_not_wait():
    wo, tech = job("C1001", "AC-3200", card="W-0001")         # bought 2026-03-15, 12 months
    diagnose(tech, wo)
    h.wait_until(lambda: estimate(wo) is not None, 60, "the estimate")
    assert estimate(wo) == ("free", "warranty", "covered", 0, 19050)
    assert wo_status(wo) == "assigned"
    report_done(tech, wo)
    assert settlement(wo) == ("priced", 0, 19050, None)
    work_accepted(wo, tech)
    work_accepted(wo, tech)                                  # a redelivery books it once
    assert S.sql("SELECT kind, debit, credit, amount FROM billing.ledger_entries WHERE key = %s",
                 ("warranty:%d" % wo,)) == [("warranty", "warranty_cost", "cash", 19050)]
    out = S.kefuctl_as("A101", "settlement", "accept", str(wo), "--name", "张伟", json_out=True)
    assert (out["status"], out["total"], out["invoice_number"], out["work_org"]) == ("accepted", 0, None, None), out


def test_a_dealers_free_repair_is_costed_once_by_its_claim():
    """The dealer D-SH's technician did the free work: it is not SH02's own
    warranty cost when accepted; the dealer's approved claim books it, once."""
    wo, tech = job("C1003", "RF-500", card="W-J3", agent="CC01")     # SH02, bought 2026-06-01: covered
    diagnose(tech, wo, parts=[], labour_minutes=60, distance_m=0)
    h.wait_until(lambda: estimate(wo) is not None, 60, "the estimate")
    assert estimate(wo) == ("free", "warranty", "covered", 0, 12000)
    report_done(tech, wo, labour="60", km="0", parts=None)
    tid = S.sql("SELECT ticket_id FROM dispatch.work_orders WHERE id = %s", (wo,))[0][0]
    accepted = dict(work_order_id=wo, ticket_id=tid, branch="SH02", inspection_id=wo, level="final",
                    technician_id="DT01", accepted_by="QC01", accepted_at=lc.rfc3339(S.clock_us))
    assert lc.send(S, "billing", "qc", "workorder.accepted", accepted, branch="SH02")[0]["status"] == "ok"
    assert S.sql("SELECT status, work_org, warranty_booked_at FROM billing.settlements WHERE work_order_id = %s",
                 (wo,)) == [("open", "D-SH", None)]
    shown = S.kefuctl_as("FN01", "settlement", "show", str(wo), json_out=True)
    assert (shown["work_org"], shown["warranty_total"], shown["total"]) == ("D-SH", 12000, 0), shown
    claim = dict(claim_id=900, branch="SH02", dealer_id="D-SH", ticket_id=tid, work_order_id=wo, amount=12000,
                 currency="CNY", responsibility="product_quality")
    assert lc.send(S, "billing", "claims", "claim.approved", claim, branch="SH02")[0]["status"] == "ok"
    # the job's cost is in the ledger once: the claim's credit to the dealer, no warranty entry beside it
    assert S.sql("SELECT kind, debit, credit, amount FROM billing.ledger_entries WHERE key IN (%s, %s)",
                 ("warranty:%d" % wo, "claim:900")) == [("claim_credit", "warranty_cost", "dealer_accounts", 12000)]
    month = S.sql("SELECT to_char(to_timestamp(%s / 1e6) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')",
                  (S.clock_us,))[0][0]
    finance = billing("FN01")
    try:
        report = finance.ok("ledger.report", {"branch": "SH02", "month": month})
    finally:
        finance.close()
    figures = {f["figure"]: f for f in report["figures"]}
    assert report["reconciled"] is True, report
    assert figures["claims_paid"]["ledger"] == 12000, figures
    assert figures["warranty_cost"]["ledger"] == figures["warranty_work"]["ledger"] + 12000, figures


def test_work_costing_more_than_the_approved_share_waits_for_a_new_approval():
    wo, tech = job("C1003", "AC-3200", agent="CC01")                  # SH02: 150.00 an hour, capped at 120.00
    diagnose(tech, wo, parts=[], labour_minutes=60, distance_m=0)
    h.wait_until(lambda: wo_status(wo) == "awaiting_approval", 60, "the estimate waiting")
    assert estimate(wo)[3] == 12000
    S.kefuctl_as("CC01", "estimate", "approve", str(wo), "--name", "王芳")
    h.wait_until(lambda: wo_status(wo) == "assigned", 60, "the work going on")
    report_done(tech, wo, labour="120", km="0", parts=None)   # 240.00: more than 120.00 + 10 %
    status, total, _, hold = settlement(wo)
    assert (status, total) == ("awaiting_approval", 24000) and "more than the approved 120.00" in hold, hold
    # the customer's new approval waits: the ticket's clocks pause, the work order stays completed
    h.wait_until(lambda: holds(wo) == {("paused", ("approval:%d" % wo,))}, 60, "the clocks paused for the approval")
    assert wo_status(wo) == "completed"
    S.kefuctl_as("CC01", "estimate", "approve", str(wo), "--name", "王芳")
    assert settlement(wo)[0] == "priced"
    h.wait_until(lambda: holds(wo) == {("running", ())}, 60, "the clocks running again")
    assert wo_status(wo) == "completed"


def test_misuse_excludes_warranty_only_once_a_service_advisor_confirms_it():
    wo, tech = job("C1005", "RF-500", card="W-J2-B")
    diagnose(tech, wo, findings=["misuse"], labour_minutes=30, distance_m=0, parts=[])
    h.wait_until(lambda: wo_status(wo) == "awaiting_approval", 60, "the work order waiting for the finding")
    assert estimate(wo) == ("awaiting_finding", "warranty", "covered", 0, 4000)
    assert holds(wo) == {("running", ())}                  # the advisor's time counts
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
    # chargeable now: the customer's approval waits, and the ticket's clocks pause
    h.wait_until(lambda: holds(wo) == {("paused", ("approval:%d" % wo,))}, 60, "the clocks paused for the approval")

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
