"""Billing's ledger through the running service (docs/ledger.md): invoices
numbered per branch and year in the branch's time zone, retried issues
answered with the same invoice, payments (partial, the same reference
twice, more than the balance, an unknown invoice, another currency), a void
balanced by a credit note, a claim credit from claims' message booked once,
a project's payment stages falling due from qc's messages, and the monthly
report reconciling the source tables with the ledger to the fen. Every
refusal changes nothing; every reply is checked against schemas/replies/."""
import json
import os
import sys
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
import ledger_client as lc  # noqa: E402
from kefu_system import System  # noqa: E402

S = None
FN = None     # finance, every branch
DEC_1 = lc.us(2026, 12, 1, 10, 0)


def setup_module():
    global S, FN
    S = System("billing_ledger", clock_us=DEC_1)
    S.start_services(["billing"])
    FN = lc.Billing(S, "FN01")


def teardown_module():
    if S:
        try:
            FN.close()
            assert S.check_messages() >= 4         # the payment stages' sla.subject
        finally:
            S.shutdown()


def ledger_state():
    return S.sql("SELECT (SELECT count(*) FROM billing.ledger_entries), (SELECT count(*) FROM billing.invoices),"
                 " (SELECT count(*) FROM billing.payments), (SELECT coalesce(sum(paid), 0) FROM billing.invoices),"
                 " (SELECT string_agg(branch_id || series || year || ':' || last, ',' ORDER BY 1)"
                 "  FROM billing.number_counters)")


def issue(amount, customer="C1001", branch="SH01", request_id=None, **extra):
    body = dict(request_id=request_id or uuid.uuid4().hex[:16], branch=branch, customer_id=customer,
                amount=amount, currency="CNY", description="人工开票", **extra)
    return FN.ok("invoice.issue", body)


def test_invoices_are_numbered_per_branch_and_year_and_a_retry_gets_the_same():
    S.set_clock(DEC_1)
    a = issue(12550, request_id="r-a")
    b = issue(800, request_id="r-b")
    c = issue(300, customer="C1003", branch="SH02")
    assert (a["number"], b["number"], c["number"]) == \
        ("INV-SH01-2026-000001", "INV-SH01-2026-000002", "INV-SH02-2026-000001")
    assert a["balance"] == 12550 and a["status"] == "open" and a["customer_name"] == "张伟", a
    again = issue(12550, request_id="r-a")
    assert again["number"] == a["number"]
    assert S.sql("SELECT count(*) FROM billing.invoices WHERE branch_id = 'SH01'") == [(2,)]
    entry = S.sql("SELECT kind, debit, credit, amount FROM billing.ledger_entries WHERE key = %s",
                  ("invoice:" + a["number"],))
    assert entry == [("charge", "customer_receivables", "service_revenue", 12550)]


def test_the_year_is_the_branchs_new_year_not_utcs():
    # 2026-12-31 16:30 UTC is 2027-01-01 00:30 in Shanghai
    S.set_clock(lc.us(2027, 1, 1, 0, 30))
    try:
        first = issue(100)
        assert first["number"] == "INV-SH01-2027-000001", first
    finally:
        S.set_clock(DEC_1)


def test_bad_invoices_are_refused_and_change_nothing():
    before = ledger_state()
    FN.refused("invoice.issue", dict(request_id="bad1", branch="SH01", customer_id="C1001", amount=0,
                                     currency="CNY"), "invalid", "body.amount")
    FN.refused("invoice.issue", dict(request_id="bad2", branch="SH01", customer_id="C1001", amount=-5,
                                     currency="CNY"), "invalid", "body.amount")
    FN.refused("invoice.issue", dict(request_id="bad3", branch="SH01", customer_id="C1001",
                                     amount=9007199254740992, currency="CNY"), "invalid", "body.amount")
    FN.refused("invoice.issue", dict(request_id="bad4", branch="SH01", customer_id="C1001", amount=5,
                                     currency="CNH"), "invalid", "body.currency: unknown currency \"CNH\"")
    FN.refused("invoice.issue", dict(request_id="bad5", branch="SH01", customer_id="C9999", amount=5,
                                     currency="CNY"), "not_found", "body.customer_id: no customer \"C9999\"")
    FN.refused("invoice.issue", dict(request_id="bad6", branch="XX99", customer_id="C1001", amount=5,
                                     currency="CNY"), "invalid", "body.no branch \"XX99\"")
    agent = lc.Billing(S, "A101")
    agent.refused("invoice.issue", dict(request_id="bad7", branch="SH01", customer_id="C1001", amount=5,
                                        currency="CNY"), "forbidden", "")
    agent.close()
    assert ledger_state() == before


def test_payments_partial_duplicate_overpaid_unknown_and_foreign():
    inv = issue(10000)
    n = inv["number"]
    p1 = FN.ok("payment.record", dict(number=n, reference="WX-0001", amount=4000, currency="CNY"))
    assert (p1["paid"], p1["balance"], p1["status"], p1["payment"]["duplicate"]) == (4000, 6000, "partly_paid", False)
    again = FN.ok("payment.record", dict(number=n, reference="WX-0001", amount=4000, currency="CNY"))
    assert (again["paid"], again["balance"], again["payment"]["duplicate"]) == (4000, 6000, True)
    before = ledger_state()
    FN.refused("payment.record", dict(number=n, reference="WX-0002", amount=6001, currency="CNY"),
               "invalid", "body.amount: 6001 is more than the balance of 6000")
    FN.refused("payment.record", dict(number=n, reference="WX-0002", amount=100, currency="USD"),
               "invalid", "body.currency: CNY expected (the invoice's), not USD")
    FN.refused("payment.record", dict(number="INV-SH01-2026-999999", reference="WX-0003", amount=100,
                                      currency="CNY"), "not_found", "body.number: no invoice")
    FN.refused("payment.record", dict(number=n, reference="WX-0001", amount=5000, currency="CNY"),
               "conflict", "body.reference: \"WX-0001\" was recorded for another payment")
    FN.refused("payment.record", dict(number=n, reference="WX-0004", amount=0, currency="CNY"),
               "invalid", "body.amount")
    assert ledger_state() == before
    paid = FN.ok("payment.record", dict(number=n, reference="WX-0002", amount=6000, currency="CNY"))
    assert (paid["paid"], paid["balance"], paid["status"]) == (10000, 0, "paid")
    assert [p["reference"] for p in FN.ok("invoice.get", {"number": n})["payments"]] == ["WX-0001", "WX-0002"]
    FN.refused("payment.record", dict(number=n, reference="WX-0005", amount=1, currency="CNY"),
               "conflict", "body.number: the invoice is paid")
    listed = {i["number"]: i for i in FN.ok("invoice.list", {"branch": "SH01"})["invoices"]}
    assert listed[n]["balance"] == 0 and listed[n]["paid"] == 10000
    unpaid = [i["number"] for i in FN.ok("invoice.list", {"branch": "SH01", "status": "unpaid"})["invoices"]]
    assert n not in unpaid
    ledger = S.sql("SELECT sum(amount) FROM billing.ledger_entries WHERE kind = 'payment' AND ref = %s",
                   ("invoice:" + n,))
    assert ledger == [(10000,)]


def test_void_keeps_the_number_and_a_credit_note_balances_it():
    inv = issue(2500, customer="C1002")
    paid = issue(700, customer="C1002")
    FN.ok("payment.record", dict(number=paid["number"], reference="CASH-77", amount=100, currency="CNY"))
    dh = lc.Billing(S, "DH01")
    voided = dh.ok("invoice.void", {"number": inv["number"], "reason": "开错客户"})
    assert (voided["number"], voided["status"], voided["balance"]) == (inv["number"], "void", 0)
    assert voided["credit_note"] == "CN-SH01-2026-000001", voided
    before = ledger_state()
    dh.refused("invoice.void", {"number": inv["number"], "reason": "again"}, "conflict", "the invoice is void")
    dh.refused("invoice.void", {"number": paid["number"], "reason": "x"}, "conflict", "has payments")
    dh.close()
    assert ledger_state() == before
    rows = S.sql("SELECT kind, debit, credit, amount FROM billing.ledger_entries WHERE key LIKE %s",
                 ("credit_note:%",))
    assert rows == [("credit_note", "service_revenue", "customer_receivables", 2500)]


def test_claim_credit_is_booked_once_and_shows_on_the_dealers_account():
    body = dict(claim_id=41, branch="SH01", dealer_id="D-SH", ticket_id=7, work_order_id=9, amount=35050,
                currency="CNY", responsibility="product_quality")
    ack, env = lc.send(S, "billing", "claims", "claim.approved", body)
    assert ack["status"] == "ok", ack
    assert lc.resend(S, "billing", "claims", env)["status"] == "duplicate"
    body2 = dict(body, claim_id=42, amount=1000)
    assert lc.send(S, "billing", "claims", "claim.approved", body2)[0]["status"] == "ok"
    # the same claim in a new message (claims sent it twice): still one credit
    assert lc.send(S, "billing", "claims", "claim.approved", body)[0]["status"] == "ok"
    assert S.sql("SELECT count(*), sum(amount) FROM billing.ledger_entries WHERE kind = 'claim_credit'") == \
        [(2, 36050)]
    account = FN.ok("account.get", {"party": "D-SH"})
    assert account["accounts"] == [
        {"account": "dealer_accounts", "currency": "CNY", "debits": 0, "credits": 36050, "balance": 36050},
        {"account": "warranty_cost", "currency": "CNY", "debits": 36050, "credits": 0, "balance": 36050}]
    bad = dict(body, claim_id=43, currency="CNH")
    assert lc.send(S, "billing", "claims", "claim.approved", bad)[0]["status"] == "dead"


def test_project_stages_fall_due_from_qc_and_are_paid():
    S.set_clock(DEC_1)
    opened = FN.ok("project.open", dict(ticket_id=500, branch="SH01", customer_id="C1005", currency="CNY",
                                        deposit=30000, mid_term=50000, final=20000))
    stages = {s["stage"]: s for s in opened["stages"]}
    assert stages["deposit"]["status"] == "due" and stages["deposit"]["invoice"].startswith("INV-SH01-2026-")
    assert stages["deposit"]["due_at"] == lc.rfc3339(DEC_1 + 3 * 86400 * 10**6)
    assert (stages["mid_term"]["status"], stages["final"]["status"]) == ("waiting", "waiting")
    FN.refused("project.open", dict(ticket_id=500, branch="SH01", customer_id="C1005", currency="CNY",
                                    deposit=1, mid_term=1, final=1), "conflict", "open already")
    signed = dict(work_order_id=900, ticket_id=500, branch="SH01", inspection_id=1, level="self_check",
                  signed_by="QC01", signed_at=lc.rfc3339(DEC_1))
    assert lc.send(S, "billing", "qc", "inspection.level_signed", signed)[0]["status"] == "ok"
    q = "SELECT stage, status FROM billing.payment_stages WHERE ticket_id = 500 ORDER BY id"
    assert S.sql(q) == [("deposit", "due"), ("mid_term", "waiting"), ("final", "waiting")]
    mid = dict(signed, level="mid_term")
    assert lc.send(S, "billing", "qc", "inspection.level_signed", mid)[0]["status"] == "ok"
    assert S.sql(q) == [("deposit", "due"), ("mid_term", "due"), ("final", "waiting")]
    accepted_at = lc.us(2026, 12, 10, 15, 0)
    acc = dict(work_order_id=901, ticket_id=500, branch="SH01", inspection_id=2, level="final",
               technician_id="T1", accepted_by="QC01", accepted_at=lc.rfc3339(accepted_at))
    assert lc.send(S, "billing", "qc", "workorder.accepted", acc)[0]["status"] == "ok"
    final = S.sql("SELECT status, " + h.EPOCH_US % "due_at" + ", invoice_id IS NOT NULL"
                  " FROM billing.payment_stages WHERE ticket_id = 500 AND stage = 'final'")
    assert final == [("due", accepted_at + 3 * 86400 * 10**6, True)]
    number = S.sql("SELECT i.number FROM billing.payment_stages s JOIN billing.invoices i ON i.id = s.invoice_id"
                   " WHERE s.ticket_id = 500 AND s.stage = 'deposit'")[0][0]
    paid = FN.ok("payment.record", dict(number=number, reference="BANK-500-1", amount=30000, currency="CNY"))
    assert paid["stage"] == "deposit" and paid["status"] == "paid"
    assert S.sql(q)[0] == ("deposit", "paid")
    # an ordinary ticket's acceptance touches no stage
    other = dict(acc, work_order_id=902, ticket_id=501)
    assert lc.send(S, "billing", "qc", "workorder.accepted", other)[0]["status"] == "ok"
    # each stage's clock hears of it: due with its date, then paid (sla.subject to dispatch)
    told = [json.loads(p)["body"] for p, in S.sql(
        "SELECT payload FROM billing.outbox WHERE destination = 'dispatch' ORDER BY id")]
    ids = dict(S.sql("SELECT stage, id FROM billing.payment_stages WHERE ticket_id = 500"))
    assert [(b["kind"], b["id"], b["event"], b.get("due_at")) for b in told] == [
        ("payment_stage", ids["deposit"], "due", lc.rfc3339(DEC_1 + 3 * 86400 * 10**6)),
        ("payment_stage", ids["mid_term"], "due", lc.rfc3339(DEC_1 + 3 * 86400 * 10**6)),
        ("payment_stage", ids["final"], "due", lc.rfc3339(accepted_at + 3 * 86400 * 10**6)),
        ("payment_stage", ids["deposit"], "paid", None)], told
    assert all(b["ticket_id"] == 500 and b["branch"] == "SH01" for b in told)


def test_monthly_report_reconciles_to_the_fen():
    report = FN.ok("ledger.report", {"branch": "SH01", "month": "2026-12"})
    figures = {f["figure"]: f for f in report["figures"]}
    assert report["reconciled"] is True and report["differences"] == [], report
    assert report["from"] == "2026-11-30T16:00:00.000000Z" and report["to"] == "2026-12-31T16:00:00.000000Z"
    issued = S.sql("SELECT sum(amount) FROM billing.invoices WHERE branch_id = 'SH01'"
                   " AND issued_at < '2026-12-31T16:00:00Z'")[0][0]
    assert figures["chargeable_revenue"]["ledger"] == issued - 2500      # less the credit note
    assert figures["claims_paid"] == {"figure": "claims_paid", "ledger": 36050, "source": 36050, "difference": 0}
    assert figures["payments_received"]["ledger"] == 10000 + 100 + 30000
    assert figures["receivables_open"]["ledger"] == issued - 2500 - 40100
    assert figures["rewards"] == {"figure": "rewards", "ledger": 0, "source": 0, "difference": 0}
    # the January invoice is January's
    jan = FN.ok("ledger.report", {"branch": "SH01", "month": "2027-01"})
    assert {f["figure"]: f["ledger"] for f in jan["figures"]}["chargeable_revenue"] == 100
    FN.refused("ledger.report", {"branch": "SH01", "month": "2026-13"}, "invalid", "body.month")
    FN.refused("ledger.report", {"branch": "SH01", "month": "2026-12", "currency": "CNH"}, "invalid",
               "body.currency: unknown currency \"CNH\"")
    sz = lc.Billing(S, "DH03")
    sz.refused("ledger.report", {"branch": "SH01", "month": "2026-12"}, "forbidden", "body.branch")
    assert sz.ok("invoice.list", {})["invoices"] == []          # SZ01's department head sees no SH01 invoice
    sz.close()
    entries = FN.ok("ledger.entries", {"branch": "SH01", "month": "2026-12", "kind": "payment"})["entries"]
    assert sum(e["amount"] for e in entries) == 40100


def kefuctl_json(staff, *args):
    """kefuctl --json ARGS as staff, its result checked against the request's reply schema."""
    import json
    import intake_client as ic
    proc = S.kefuctl_as(staff, "--json", *args)
    name = args[0] if args[0] not in ("invoice",) else "invoice " + args[1]
    return ic.check_kefuctl_json(name, json.loads(proc.stdout))


def test_kefuctl_issues_pays_voids_lists_and_reconciles():
    issued = kefuctl_json("FN01", "invoice", "issue", "--branch", "SH02", "--customer", "C1003",
                          "--amount", "88.80", "--request-id", "cli-1")
    n = issued["number"]
    assert issued["amount"] == 8880 and n.startswith("INV-SH02-2026-"), issued
    table = S.kefuctl_as("FN01", "pay", n, "--amount", "12.50", "--ref", "WX-CLI-1").stdout
    assert "paid 12.50" in table and "balance 76.30" in table and "WX-CLI-1" in table, table
    again = S.kefuctl_as("FN01", "pay", n, "--amount", "12.50", "--ref", "WX-CLI-1").stdout
    assert "was recorded before: nothing new recorded" in again, again
    proc = S.kefuctl_as("FN01", "pay", n, "--amount", "100.00", "--ref", "WX-CLI-2", check=False)
    assert proc.returncode == 1 and "more than the balance of 7630" in proc.stderr, proc.stderr
    proc = S.kefuctl_as("FN01", "pay", n, "--amount", "-1", "--ref", "WX-CLI-3", check=False)
    assert proc.returncode == 2 and "--amount" in proc.stderr, proc.stderr
    proc = S.kefuctl_as("FN01", "pay", n, "--amount", "1.005", "--ref", "WX-CLI-3", check=False)
    assert proc.returncode == 2 and "--amount" in proc.stderr, proc.stderr
    listed = S.kefuctl_as("FN01", "invoices", "--branch", "SH02").stdout
    assert listed.splitlines()[0].split()[:3] == ["number", "branch", "customer"], listed
    assert n in listed and "76.30" in listed, listed
    assert kefuctl_json("FN01", "invoices", "--branch", "SH02", "--status", "unpaid")["invoices"][0]["number"] == n
    other = kefuctl_json("FN01", "invoice", "issue", "--branch", "SH02", "--customer", "C1003", "--amount", "5")
    voided = S.kefuctl_as("DH01", "invoice", "void", other["number"], "--reason", "重复开票").stdout
    assert "void" in voided and "credit note CN-SH02-2026-000001" in voided, voided
    shown = kefuctl_json("FN01", "invoice", "show", other["number"])
    assert shown["status"] == "void" and shown["balance"] == 0
    csv = S.kefuctl_as("FN01", "reconcile", "--branch", "SH02", "--month", "2026-12", "--csv").stdout
    lines = csv.splitlines()
    assert lines[0] == "figure,source,ledger,difference", csv
    revenue = [l for l in lines if l.startswith("chargeable_revenue,")][0]
    assert revenue == "chargeable_revenue,91.80,91.80,0.00", csv      # 3.00 + 88.80 + 5.00 - 5.00
    people = S.kefuctl_as("FN01", "reconcile", "--branch", "SH02", "--month", "2026-12").stdout
    assert "reconciled: every figure agrees with the ledger to the fen" in people, people
    report = kefuctl_json("FN01", "reconcile", "--branch", "SH02", "--month", "2026-12")
    assert report["reconciled"] is True
    entries = S.kefuctl_as("FN01", "ledger", "--branch", "SH02", "--kind", "payment", "--csv").stdout.splitlines()
    assert entries[0].startswith("at,kind,debit,credit,amount") and len(entries) == 2, entries
    assert ",payment,cash,customer_receivables,12.50,CNY,SH02,C1003,invoice:" + n + "," in entries[1], entries
    account = S.kefuctl_as("FN01", "account", "D-SH").stdout
    assert "dealer_accounts" in account and "360.50" in account, account
    assert kefuctl_json("FN01", "account", "D-SH")["party"] == "D-SH"
