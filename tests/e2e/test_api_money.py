"""billing's and claims' operations over HTTP (docs/gateway.md "Billing and
claims"): the running services behind kefu-gateway, every response checked
against schemas/openapi.yaml by tests/lib/http_api.py.

The states an operation needs are reached as their own tests reach them: a
job diagnosed through dispatch and its acceptance put on billing's bus as
qc sends it (test_billing_jobs.py), claimed work set up as the owner
(test_claims.py), a provider's months as in test_provider_settlement.py;
then the HTTP operation is called: its success, the errors it gives, an
idempotent replay, a paged list, CSV, and another branch's object
answered 404."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import http_api as ha  # noqa: E402
import kefu_harness as h  # noqa: E402
import ledger_client as lc  # noqa: E402
from kefu_system import System  # noqa: E402
import test_billing_jobs as bj  # noqa: E402
import test_claims as tc  # noqa: E402

S = None
T0 = tc.T0                                   # 2027-01-15T08:00:00Z


def call(staff, method, path, body=None, **kw):
    """An HTTP request as staff to the gateway (tests/lib/http_api.py)."""
    return ha.call_as(S, staff, method, path, body, **kw)


def setup_module():
    global S
    S = System("apimoney", clock_us=T0, dispatch={"assign_retry_ms": 200, "sla_tick_ms": 100})
    S.sql("INSERT INTO ref.warranty_cards (card_no, customer_id, product_code, serial, purchase_date, install_date)"
          " VALUES ('WC-AP1', 'C1005', 'AC-3200', 'SN-AP1', '2026-06-01', '2026-06-03')")
    S.sql("INSERT INTO ref.lots (lot, product_code, quantity, ship_date, dealer_id) VALUES"
          " ('LOT-AP', 'AC-3200', 1000, '2026-10-01', 'D-SH')")
    # the dealer's own technician does the claimed work: a dealer claims back
    # only its own (docs/claims.md "Whose work")
    lc.organisation_technician(S, "DT01", "D-SH")
    S.start_services(["intake", "dispatch", "billing", "claims", "gateway"])
    bj.S = tc.S = S


def teardown_module():
    if S:
        ha.shutdown(S)



# -- billing: a job's estimate and settlement ------------------------------------

def test_a_job_estimated_approved_disputed_decided_accepted_and_paid_over_http():
    wo, tech = bj.job("C1002", "RF-500")                    # no warranty card: chargeable
    bj.diagnose(tech, wo, parts=[], labour_minutes=60, distance_m=0)
    h.wait_until(lambda: bj.wo_status(wo) == "awaiting_approval", 60, "the work order waiting for approval")
    est = "/api/v1/work-orders/%d/estimate" % wo
    shown = ha.ok(call("SA01", "GET", est))
    assert (shown["status"], shown["coverage"]) == ("awaiting_approval", "chargeable"), shown
    ha.refused(call("A201", "GET", est), 404, "not_found", "")                  # SH02's agent
    ha.refused(call("SA01", "GET", "/api/v1/work-orders/999999/estimate"), 404, "not_found", "")
    ha.refused(call("QC01", "POST", est + "/approve", {"customer_name": "李秀英"}), 403, "forbidden", "")
    ha.refused(call("A101", "POST", est + "/approve", {}), 400, "invalid", "customer_name")
    approved = ha.ok(call("A101", "POST", est + "/approve", {"customer_name": "李秀英"}))
    assert (approved["status"], approved["approved_by"]) == ("approved", "A101"), approved
    ha.refused(call("A101", "POST", est + "/approve", {"customer_name": "李秀英"}), 409, "conflict",
               "waits for no new approval")
    ha.refused(call("A101", "POST", est + "/finding", {"finding": "misuse", "confirmed": True}), 403, "forbidden",
               "")
    ha.refused(call("SA01", "POST", est + "/finding", {"finding": "weather", "confirmed": True}), 400, "invalid",
               "finding")
    ha.refused(call("SA01", "POST", est + "/finding", {"finding": "misuse", "confirmed": True}), 409, "conflict",
               "no finding waits")
    h.wait_until(lambda: bj.wo_status(wo) == "assigned", 60, "the work order assigned again")
    bj.report_done(tech, wo, labour="60", km="0", parts=None)
    stl = "/api/v1/work-orders/%d/settlement" % wo
    ha.refused(call("A101", "POST", stl + "/accept", {"customer_name": "李秀英"}), 409, "conflict",
               "only an open settlement")
    bj.work_accepted(wo, tech)
    offered = ha.ok(call("A101", "GET", stl))
    assert offered["status"] == "open" and offered["lines"], offered
    ha.refused(call("A201", "GET", stl), 404, "not_found", "")
    disputed = ha.ok(call("A101", "POST", stl + "/dispute", {"lines": [{"position": 1, "reason": "太贵"}]}))
    assert disputed["status"] == "disputed", disputed
    ha.refused(call("A101", "POST", stl + "/decide", {"decisions": [{"position": 1, "decision": "rejected"}]}),
               403, "forbidden", "")
    ha.refused(call("FN01", "POST", stl + "/decide", {"decisions": [{"position": 1, "decision": "upheld",
                                                                     "amount": -100}]}), 400, "invalid", "amount")
    line = offered["lines"][0]["amount"]
    decided = ha.ok(call("FN01", "POST", stl + "/decide",
                         {"decisions": [{"position": 1, "decision": "upheld", "amount": line - 1000}]}))
    assert decided["status"] == "open" and decided["lines"][0]["decision"] == "upheld", decided
    ha.refused(call("FN01", "POST", stl + "/decide", {"decisions": [{"position": 1, "decision": "rejected"}]}),
               409, "conflict", "once")
    accepted = ha.ok(call("A101", "POST", stl + "/accept", {"customer_name": "李秀英"}))
    number = accepted["invoice_number"]
    assert accepted["status"] == "accepted" and number, accepted
    # the invoice is paid; the same receipt again records nothing new
    invoice = ha.ok(call("FN01", "GET", "/api/v1/invoices/" + number))
    pay = {"reference": "WX-AP-1", "amount": invoice["balance"], "currency": "CNY"}
    paid = call("FN01", "POST", "/api/v1/invoices/%s/payments" % number, pay)
    assert paid.status == 201 and paid.json["balance"] == 0, paid.text
    again = call("FN01", "POST", "/api/v1/invoices/%s/payments" % number, pay)
    assert again.status == 201 and again.json["payment"]["duplicate"] is True, again.text
    ha.refused(call("FN01", "POST", "/api/v1/invoices/%s/payments" % number, dict(pay, reference="WX-AP-2")),
               409, "conflict", "paid")
    ha.refused(call("A101", "POST", "/api/v1/invoices/%s/payments" % number, dict(pay, reference="WX-AP-3")),
               403, "forbidden", "")


def test_a_misuse_finding_confirmed_over_http():
    wo, tech = bj.job("C1001", "AC-3200", card="W-0001")
    bj.diagnose(tech, wo, findings=["misuse"], labour_minutes=30, distance_m=0, parts=[])
    h.wait_until(lambda: bj.wo_status(wo) == "awaiting_approval", 60, "the work order waiting for the finding")
    out = ha.ok(call("SA01", "POST", "/api/v1/work-orders/%d/estimate/finding" % wo,
                     {"finding": "misuse", "confirmed": True, "note": "进水"}))
    assert (out["status"], out["confirmed"]) == ("awaiting_approval", ["misuse"]), out


# -- billing: invoices, projects, accounts, the ledger ---------------------------

def invoice_body(**extra):
    return dict({"branch": "SH01", "customer_id": "C1001", "amount": 12550, "currency": "CNY",
                 "description": "人工开票"}, **extra)


def test_invoices_issued_once_per_key_voided_listed_in_pages():
    first = call("FN01", "POST", "/api/v1/invoices", invoice_body(), headers={"Idempotency-Key": "inv-ap-1"})
    again = call("FN01", "POST", "/api/v1/invoices", invoice_body(), headers={"Idempotency-Key": "inv-ap-1"})
    assert first.status == again.status == 201, (first.text, again.text)
    assert again.json["number"] == first.json["number"], (first.json, again.json)
    ha.refused(call("FN01", "POST", "/api/v1/invoices", invoice_body(request_id="inv-ap-x"),
                    headers={"Idempotency-Key": "inv-ap-1"}), 400, "invalid", "Idempotency-Key")
    ha.refused(call("FN01", "POST", "/api/v1/invoices", invoice_body()), 400, "invalid", "request_id")
    ha.refused(call("FN01", "POST", "/api/v1/invoices", invoice_body(amount=0),
                    headers={"Idempotency-Key": "inv-ap-2"}), 400, "invalid", "body.amount")
    ha.refused(call("A101", "POST", "/api/v1/invoices", invoice_body(), headers={"Idempotency-Key": "inv-ap-3"}),
               403, "forbidden", "")
    ha.refused(call("FN01", "POST", "/api/v1/invoices", b"{not json", headers={"Idempotency-Key": "inv-ap-4"}),
               400, "invalid", "body")
    ha.refused(call("FN01", "POST", "/api/v1/invoices", invoice_body(description="票" * 30000),
                    headers={"Idempotency-Key": "inv-ap-5"}), 413, "too_large", "")
    numbers = [first.json["number"]]
    for i in range(3):
        numbers.append(call("FN01", "POST", "/api/v1/invoices", invoice_body(amount=100 + i),
                            headers={"Idempotency-Key": "inv-ap-p%d" % i}).json["number"])
    other = call("FN01", "POST", "/api/v1/invoices", invoice_body(branch="SH02", customer_id="C1003"),
                 headers={"Idempotency-Key": "inv-ap-sh02"}).json["number"]
    seen = ha.pages(S, "FN01", "/api/v1/invoices?branch=SH01&limit=2", "invoices")
    listed = [i["number"] for page in seen for i in page]
    assert len(seen) >= 2 and set(numbers) <= set(listed) and len(listed) == len(set(listed)), seen
    ha.refused(call("FN01", "GET", "/api/v1/invoices?status=lost"), 400, "invalid", "status")
    ha.refused(call("FN01", "GET", "/api/v1/invoices/NOT-A-NUMBER"), 400, "invalid", "number")
    ha.refused(call("FN01", "GET", "/api/v1/invoices/INV-SH01-2027-999999"), 404, "not_found", "")
    ha.refused(call("SA01", "GET", "/api/v1/invoices/" + other), 404, "not_found", "")    # SH01's advisor
    voided = ha.ok(call("DH01", "POST", "/api/v1/invoices/%s/void" % numbers[1], {"reason": "开错客户"}))
    assert voided["status"] == "void", voided
    ha.refused(call("DH01", "POST", "/api/v1/invoices/%s/void" % numbers[1], {"reason": "again"}), 409, "conflict",
               "void")
    ha.refused(call("DH01", "POST", "/api/v1/invoices/%s/void" % numbers[2], {}), 400, "invalid", "reason")


def test_a_project_opened_and_an_account_read():
    body = {"ticket_id": 700, "branch": "SH01", "customer_id": "C1005", "currency": "CNY", "deposit": 30000,
            "mid_term": 50000, "final": 20000}
    opened = call("FN01", "POST", "/api/v1/projects", body)
    assert opened.status == 201 and opened.json["stages"][0]["stage"] == "deposit", opened.text
    ha.refused(call("FN01", "POST", "/api/v1/projects", body), 409, "conflict", "open already")
    ha.refused(call("FN01", "POST", "/api/v1/projects", dict(body, currency="CNH")), 400, "invalid", "currency")
    ha.refused(call("A101", "POST", "/api/v1/projects", dict(body, ticket_id=701)), 403, "forbidden", "")
    account = ha.ok(call("FN01", "GET", "/api/v1/accounts/C1005"))
    assert any(a["account"] == "customer_receivables" for a in account["accounts"]), account
    ha.refused(call("FN01", "GET", "/api/v1/accounts/bad%20party"), 400, "invalid", "party")
    ha.refused(call("A101", "GET", "/api/v1/accounts/C1005"), 403, "forbidden", "")


def test_ledger_entries_and_report_as_json_csv_and_pages():
    entries = ha.ok(call("FN01", "GET", "/api/v1/ledger/entries?branch=SH01&month=2027-01"))["entries"]
    assert entries, entries
    rows = ha.csv_rows(call("FN01", "GET", "/api/v1/ledger/entries?branch=SH01&month=2027-01&limit=1000",
                            accept="text/csv"))
    assert rows[0] == ["at", "kind", "debit", "credit", "amount", "currency", "branch", "party", "ref", "key"], rows
    assert len(rows) - 1 == len(entries) and rows[1][1] == entries[0]["kind"], (rows, entries)
    seen = ha.pages(S, "FN01", "/api/v1/ledger/entries?branch=SH01&limit=2", "entries")
    assert len(seen) >= 2 and sum(len(p) for p in seen) >= len(entries), seen
    ha.refused(call("FN01", "GET", "/api/v1/ledger/entries?kind=gift"), 400, "invalid", "kind")
    ha.refused(call("A101", "GET", "/api/v1/ledger/entries"), 403, "forbidden", "")
    report = ha.ok(call("FN01", "GET", "/api/v1/ledger/report?branch=SH01&month=2027-01"))
    assert report["figures"], report
    rows = ha.csv_rows(call("FN01", "GET", "/api/v1/ledger/report?branch=SH01&month=2027-01", accept="text/csv"))
    assert rows[0] == ["figure", "source", "ledger", "difference"] and len(rows) == len(report["figures"]) + 1, rows
    ha.refused(call("FN01", "GET", "/api/v1/ledger/report?branch=SH01&month=2027-13"), 400, "invalid", "month")
    ha.refused(call("FN01", "GET", "/api/v1/ledger/report?branch=SH01"), 400, "invalid", "month")


# -- billing: service providers ---------------------------------------------------

def test_a_providers_quarter_scored_settled_noticed_and_confirmed():
    p = "/api/v1/providers/P-JS"
    for month, score in (("2026-01", 92), ("2026-02", 90), ("2026-03", 91)):
        assert ha.ok(call("HO01", "PUT", "%s/months/%s" % (p, month), {"score": score}))["score"] == score
    ha.refused(call("HO01", "PUT", p + "/months/2026-13", {"score": 90}), 400, "invalid", "month")
    ha.refused(call("FN01", "PUT", p + "/months/2026-04", {"score": 90}), 403, "forbidden", "")
    ha.refused(call("HO01", "PUT", "/api/v1/providers/D-SH/months/2026-04", {"score": 90}), 404, "not_found",
               "no service provider")
    dep = call("FN01", "POST", p + "/deposits", {"amount": 500000}, headers={"Idempotency-Key": "dep-ap-1"})
    again = call("FN01", "POST", p + "/deposits", {"amount": 500000}, headers={"Idempotency-Key": "dep-ap-1"})
    assert dep.status == again.status == 201 and again.json["replayed"] is True, (dep.text, again.text)
    ha.refused(call("FN01", "POST", p + "/deposits", {"amount": 0}, headers={"Idempotency-Key": "dep-ap-2"}), 400,
               "invalid", "body.amount")
    penalty = call("HO01", "POST", p + "/penalties", {"amount": 10000, "reason": "迟到"},
                   headers={"Idempotency-Key": "pen-ap-1"})
    assert penalty.status == 201, penalty.text
    incident = call("HO01", "POST", p + "/incidents", {"occurred_on": "2026-05-02", "description": "媒体曝光"},
                    headers={"Idempotency-Key": "inc-ap-1"})
    assert incident.status == 201, incident.text
    fraud = call("HO01", "POST", p + "/frauds", {"involved": 1000, "reason": "虚报工时"},
                 headers={"Idempotency-Key": "fr-ap-1"})
    assert fraud.status == 201, fraud.text
    ha.refused(call("RM-SH", "POST", p + "/frauds", {"involved": 1000, "reason": "x"},
                    headers={"Idempotency-Key": "fr-ap-2"}), 403, "forbidden", "")
    ha.refused(call("PS01", "POST", p + "/quarters/2026Q1/confirm"), 404, "not_found", "is not settled")
    ha.refused(call("HO01", "POST", p + "/quarters/2026Q2/settle"), 409, "conflict", "2026Q1 comes first")
    statement = ha.ok(call("FN01", "GET", p + "/statement?quarter=2026Q1"))
    assert [m["month"] for m in statement["months"]] == ["2026-01", "2026-02", "2026-03"], statement
    ha.refused(call("FN01", "GET", p + "/statement?quarter=2026Q5"), 400, "invalid", "quarter")
    settled = ha.ok(call("HO01", "POST", p + "/quarters/2026Q1/settle"))
    assert settled["state"] == "settled", settled
    ha.refused(call("FN01", "POST", p + "/quarters/2026Q1/notice"), 403, "forbidden", "")
    ha.refused(call("HO01", "POST", p + "/quarters/2026Q1/settle", {"note": "x"}), 400, "invalid", "body")
    noticed = call("HO01", "POST", p + "/quarters/2026Q1/notice")
    if settled.get("paid_by_dealer"):
        assert noticed.status == 200 and noticed.json["state"] == "noticed", noticed.text
        confirmed = ha.ok(call("PS01", "POST", p + "/quarters/2026Q1/confirm"))
        assert confirmed["quarter"] == "2026Q1", confirmed
    else:
        assert noticed.status == 409, noticed.text


# -- claims ------------------------------------------------------------------------

def claimed_work():
    return tc.work(customer="C1005", card="WC-AP1")


def test_a_claim_filed_reviewed_decided_and_its_part_returned_and_checked():
    wo = claimed_work()
    filed = call("DS01", "POST", "/api/v1/claims", tc.claim_body(wo))
    assert filed.status == 201 and filed.json["status"] == "filed", filed.text
    cid = filed.json["claim_id"]
    claim = "/api/v1/claims/%d" % cid
    ha.refused(call("DS01", "POST", "/api/v1/claims", tc.claim_body(wo)), 409, "conflict", "already_claimed")
    ha.refused(call("DS01", "POST", "/api/v1/claims", tc.claim_body(claimed_work(), photos=4, proof=False)), 400,
               "invalid", "body.purchase_proof: missing")
    ha.refused(call("A101", "POST", "/api/v1/claims", tc.claim_body(wo)), 403, "forbidden", "")
    assert ha.ok(call("DS01", "GET", claim))["claim_id"] == cid
    ha.refused(call("PS01", "GET", claim), 404, "not_found", "")             # another organisation
    ha.refused(call("DS01", "GET", "/api/v1/claims/0"), 400, "invalid", "claim_id")
    ha.refused(call("HO01", "POST", claim + "/decide", {"decision": "approve", "responsibility": "product_quality"}),
               409, "conflict", "reviews it first")
    ha.refused(call("DS01", "POST", claim + "/review", {"recommendation": "approve"}), 403, "forbidden", "")
    ha.refused(call("RM-SH", "POST", claim + "/review", {"recommendation": "maybe"}), 400, "invalid",
               "recommendation")
    assert ha.ok(call("RM-SH", "POST", claim + "/review", {"recommendation": "approve"}))["status"] == "reviewed"
    decided = ha.ok(call("HO01", "POST", claim + "/decide", {"decision": "approve", "amount": 11800,
                                                             "responsibility": "product_quality"}))
    assert decided["status"] == "approved", decided
    part = claim + "/parts/CAP-35UF"
    ha.refused(call("HO01", "POST", part + "/checked", {"result": "ok"}), 409, "conflict", "not returned yet")
    ha.refused(call("DS01", "POST", part + "/returned", {"serial": "SN999"}), 400, "invalid", "body.serial")
    assert ha.ok(call("DS01", "POST", part + "/returned", {"serial": "SN778"}))["status"] == "approved"
    ha.refused(call("A101", "POST", part + "/checked", {"result": "ok"}), 403, "forbidden", "")
    closed = ha.ok(call("HO01", "POST", part + "/checked", {"result": "ok"}))
    assert closed["status"] == "closed", closed
    ha.refused(call("DS01", "POST", "/api/v1/claims/999999/parts/CAP-35UF/returned", {"serial": "SN778"}), 404,
               "not_found", "")


def test_claims_listed_in_pages():
    for _ in range(3):
        assert call("DS01", "POST", "/api/v1/claims", tc.claim_body(claimed_work())).status == 201
    seen = ha.pages(S, "DS01", "/api/v1/claims?limit=2", "claims")
    ids = [c["claim_id"] for page in seen for c in page]
    assert len(seen) >= 2 and len(ids) == len(set(ids)) >= 3, seen
    assert ha.ok(call("PS01", "GET", "/api/v1/claims"))["claims"] == []
    ha.refused(call("DS01", "GET", "/api/v1/claims?status=lost"), 400, "invalid", "status")


def test_a_lots_defects_and_its_return():
    d = call("DS01", "POST", "/api/v1/lots/LOT-AP/defects", {"count": 29, "note": "compressor noise"})
    assert d.status == 201 and d.json["rate_bp"] == 290, d.text
    ha.refused(call("DS01", "POST", "/api/v1/returns", {"kind": "pre_sale", "lot": "LOT-AP"}), 409, "conflict",
               "lot_defect_rate")
    ha.refused(call("DS01", "POST", "/api/v1/lots/LOT-AP/defects", {"count": 0}), 400, "invalid", "count")
    ha.refused(call("A101", "POST", "/api/v1/lots/LOT-AP/defects", {"count": 1}), 403, "forbidden", "")
    ha.refused(call("PS01", "POST", "/api/v1/returns", {"kind": "pre_sale", "lot": "LOT-AP"}), 404, "not_found", "")
    call("DS01", "POST", "/api/v1/lots/LOT-AP/defects", {"count": 2})
    back = call("DS01", "POST", "/api/v1/returns", {"kind": "pre_sale", "lot": "LOT-AP"})
    assert back.status == 201 and back.json["rate_bp"] == 310, back.text
    rid = back.json["return_id"]
    assert ha.ok(call("DS01", "GET", "/api/v1/returns/%d" % rid)) == back.json
    ha.refused(call("PS01", "GET", "/api/v1/returns/%d" % rid), 404, "not_found", "")
    ha.refused(call("DS01", "GET", "/api/v1/returns/999999"), 404, "not_found", "")
