"""A month of mixed activity across two branches, reconciled to the fen
(docs/ledger.md "The monthly report"): January 2027 at the injected clock,
SH01 and SH02 each settle a chargeable repair through its whole flow
(diagnosis, estimate approved, done, accepted, disputed, decided, accepted
with its invoice, paid in part), SH01 a repair under warranty booked as
warranty cost; each issues further invoices, takes partial payments (one
reference recorded twice), voids one invoice with a credit note; dealer D-SH's warranty
claims are filed, reviewed and decided through the claims service and
credited by billing; provider P-JS's 2026Q4 is settled with a penalty and a
fraud fine that reach its deposit, which is topped up. Two billing
instances serve it all, and one is killed (SIGKILL) mid-stream and another
started in its place; a client whose instance died asks the other again.

Then, for each branch and for head office: ledger.report reconciles, and
every figure equals what the test computes from what it did (integer fen);
invoice numbers are 1..N with no gap or double. Finally rows booked without
their counterpart (inserted as the owner, in February) are reported as
differences: the check can fail."""
import os
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import intake_client as ic  # noqa: E402
import kefu_harness as h  # noqa: E402
import ledger_client as lc  # noqa: E402
from kefu_system import System  # noqa: E402

CUSTOMER = {"SH01": "C1001", "SH02": "C1003"}
# the claimed work is D-SH's own technician's (a branch's own is its own cost, never claimed)
CLAIMED_BY = "DT01"
N = 12                                   # invoices of each branch in the stream
JAN_4, JAN_12, JAN_25 = lc.us(2027, 1, 4, 10, 0), lc.us(2027, 1, 12, 10, 0), lc.us(2027, 1, 25, 10, 0)
PROVIDER_BASE, DEPOSIT = 8000000, 500000           # P-JS's contract (tests/fixtures/org.yaml)


def invoice_amount(branch, i):
    return (18000 if branch == "SH01" else 26500) + 37 * i


def payments_of(branch, i):
    """The receipts (reference, amount) the stream records for invoice i: paid
    in full in two parts, half paid (its reference sent twice), or unpaid."""
    amount = invoice_amount(branch, i)
    if i % 3 == 0:
        return [("%s-%d-a" % (branch, i), amount // 3), ("%s-%d-b" % (branch, i), amount - amount // 3)]
    if i % 3 == 1:
        return [("%s-%d-a" % (branch, i), amount // 2)] * 2
    return []


class Failover:
    """Requests as one staff member through billing's instances (a list the
    test updates when an instance dies), trying the next on no answer."""

    def __init__(self, S, staff, endpoints, first=0):
        self.token, self.endpoints, self.first = S.token_of(staff), endpoints, first
        self.failovers = 0

    def ask(self, request, body):
        turn = self.first
        for _ in range(100):
            client = ic.IntakeClient(self.endpoints[turn % len(self.endpoints)], timeout_ms=2000, token=self.token)
            try:
                reply = client.request(request, body)
            finally:
                client.close()
            if reply is not None and (reply["ok"] or reply["error"]["code"] != "unavailable"):
                return reply
            self.failovers += 1
            turn += 1
        raise AssertionError("no billing instance answered %s" % request)

    def ok(self, request, body):
        reply = self.ask(request, body)
        assert reply["ok"], (request, body, reply)
        return reply["result"]


class Stream(threading.Thread):
    """One branch's invoices and payments; waits at `gate` two thirds of the
    way, so that its last third runs after the kill."""

    def __init__(self, billing, branch, gate):
        super().__init__(daemon=True)
        self.billing, self.branch, self.gate = billing, branch, gate
        self.error = None

    def run(self):
        try:
            for i in range(N):
                if i == 2 * N // 3:
                    assert self.gate.wait(120), "the kill"
                inv = self.billing.ok("invoice.issue", dict(
                    request_id="month-%s-%d" % (self.branch, i), branch=self.branch,
                    customer_id=CUSTOMER[self.branch], amount=invoice_amount(self.branch, i), currency="CNY",
                    description="维修结算 %d" % i))
                for ref, amount in payments_of(self.branch, i):
                    self.billing.ok("payment.record", dict(number=inv["number"], reference=ref, amount=amount,
                                                           currency="CNY"))
        except Exception as e:     # reported by the test
            self.error = e


def api_of(svc):
    return h.wait_until(lambda: [e["endpoint"] for e in svc.events("api_listening")], 60,
                        "%s's request endpoint" % svc.instance)[0]


def started_in_place(S, instance):
    """A new billing instance, ready; its request endpoint."""
    svc = S.start_service("billing", instance=instance)
    svc.wait_ready()
    return api_of(svc)


def claims_ask(S, staff, request, body):
    return ask_at(S, S.config.claims_api, staff, request, body)


def warranty_work(S, branch, n):
    """Accepted warranty work in branch (ticket, work order and done report,
    written as the owner the way test set-up writes other services' rows);
    returns the work order's id."""
    card = "WC-M%s-%d" % (branch, n)
    S.sql("INSERT INTO ref.warranty_cards (card_no, customer_id, product_code, serial, purchase_date, install_date)"
          " VALUES (%s, %s, 'AC-3200', %s, '2026-09-01', '2026-09-03')", (card, CUSTOMER[branch], card))
    return S.sql(
        "WITH t AS (INSERT INTO intake.tickets (branch_id, customer_id, product_code, serial, warranty_card, channel,"
        "   kind, status, description) VALUES (%(b)s, %(c)s, 'AC-3200', %(s)s, %(s)s, 'hotline', 'repair', 'assigned',"
        "   '不制冷') RETURNING id),"
        " w AS (INSERT INTO dispatch.work_orders (ticket_id, branch_id, kind, status, technician_id, product_code)"
        "   SELECT id, %(b)s, 'repair', 'accepted', %(t)s, 'AC-3200' FROM t RETURNING id, ticket_id)"
        " INSERT INTO dispatch.done_reports (work_order_id, ticket_id, branch_id, technician_id, reported_by, parts,"
        "   labour_minutes, distance_m, cause, photos, unit_serial, reported_at)"
        " SELECT id, ticket_id, %(b)s, %(t)s, %(t)s, '[{\"code\": \"CAP-35UF\", \"quantity\": 1}]', 60, 8000,"
        "   'component_failure', '[]', %(s)s, '2027-01-03T06:00:00Z' FROM w RETURNING work_order_id",
        dict(b=branch, c=CUSTOMER[branch], s=card, t=CLAIMED_BY))[0][0]


def claim(S, branch, n, claimed, decision, approved=None):
    """A claim filed by D-SH's staff, reviewed by the region's manager and
    decided by head office; the amount credited (0 when rejected)."""
    body = {"work_order_id": warranty_work(S, branch, n), "product_code": "AC-3200", "spec": "KFR-35GW/BP",
            "quantity": 1, "install_date": "2026-09-03", "purchase_proof": "FP-2026-0901-%d" % n,
            "description": "压缩机电容失效", "cause": "component_failure", "amount": claimed, "currency": "CNY",
            "photos": [{"name": "m%d-%d.jpg" % (n, k), "size": 150000 + k, "sha256": "%064x" % (1000 * n + k)}
                       for k in range(5)]}
    cid = claims_ask(S, "DS01", "claim.file", body)["claim_id"]
    claims_ask(S, "RM-SH", "claim.review", {"claim_id": cid, "recommendation": decision})
    decide = {"claim_id": cid, "decision": decision, "responsibility": "product_quality"}
    if approved is not None:
        decide["amount"] = approved
    claims_ask(S, "HO01", "claim.decide", decide)
    return (approved if approved is not None else claimed) if decision == "approve" else 0


def ask_at(S, endpoint, staff, request, body):
    client = ic.IntakeClient(endpoint, timeout_ms=30000, token=S.token_of(staff))
    try:
        reply = client.request(request, body)
    finally:
        client.close()
    assert reply["ok"], (request, body, reply)
    return reply["result"]


def one(S, sql, *params):
    rows = S.sql(sql, params)
    return rows[0][0] if rows else None


def repair_done(S, customer, card=None):
    """A repair taken in, assigned, diagnosed (an hour's labour, nothing
    else), approved by the customer when chargeable and reported done; its
    work order and technician once billing has priced it."""
    extra = ["--card", card] if card else []
    ticket = S.kefuctl("submit", "--channel", "hotline", "--kind", "repair", "--customer", customer, "--product",
                       "AC-3200", "--description", "空调不制冷", *extra, json_out=True)["ticket_id"]
    status = "SELECT status FROM dispatch.work_orders WHERE ticket_id = %s"
    h.wait_until(lambda: one(S, status, ticket) == "assigned", 60, "ticket %d assigned" % ticket)
    wo, tech = S.sql("SELECT id, technician_id FROM dispatch.work_orders WHERE ticket_id = %s", (ticket,))[0]
    ask_at(S, S.config.dispatch_api, tech, "workorder.diagnose", dict(
        work_order_id=wo, fault_code="component_failure", parts=[], labour_minutes=60, distance_m=0,
        photos=["diag/month-%d.jpg" % wo]))
    priced = "SELECT status FROM billing.estimates WHERE work_order_id = %s"
    h.wait_until(lambda: one(S, priced, wo) in ("awaiting_approval", "free"), 60, "the estimate of %d" % wo)
    if not card:
        ask_at(S, S.config.billing_api, "CC01", "estimate.approve", {"work_order_id": wo, "customer_name": "客户本人"})
        h.wait_until(lambda: one(S, status, ticket) == "assigned", 60, "work order %d approved" % wo)
    S.kefuctl_as(tech, "done", str(wo), "--cause", "component_failure", "--labour-minutes", "60", "--distance-km", "0")
    h.wait_until(lambda: one(S, "SELECT status FROM billing.settlements WHERE work_order_id = %s", wo) == "priced",
                 60, "the settlement of %d" % wo)
    return wo, tech


def accepted_by_qc(S, wo, tech, branch):
    ticket = one(S, "SELECT ticket_id FROM dispatch.work_orders WHERE id = %s", wo)
    body = dict(work_order_id=wo, ticket_id=ticket, branch=branch, inspection_id=wo, level="final",
                technician_id=tech, accepted_by="QC01", accepted_at=lc.rfc3339(S.clock_us))
    # to the instance that lives through the month
    reply = lc.send(S, "billing", "qc", "workorder.accepted", body, branch=branch, instance="billing-2")
    assert reply[0]["status"] == "ok", reply


def settled_after_dispute(S, cc, fn, wo, tech, branch, labour_decided):
    """Accepted by qc, the labour line disputed and reduced by finance, then
    accepted by the customer: the invoice's number and amount."""
    accepted_by_qc(S, wo, tech, branch)
    lines = cc.ok("settlement.get", {"work_order_id": wo})["lines"]
    labour = next(line["position"] for line in lines if line["kind"] == "labour")
    cc.ok("settlement.dispute", {"work_order_id": wo, "lines": [{"position": labour, "reason": "一个小时太贵"}]})
    fn.ok("settlement.decide", {"work_order_id": wo, "decisions": [
        {"position": labour, "decision": "upheld", "amount": labour_decided}]})
    out = cc.ok("settlement.accept", {"work_order_id": wo, "customer_name": "客户本人"})
    return out["invoice_number"], out["total"]


def take(penalties, reward, deposit):
    """The test's own order of taking: reward, then deposit, then other."""
    parts = []
    for amount in penalties:
        r = min(amount, reward)
        d = min(amount - r, deposit)
        reward, deposit = reward - r, deposit - d
        parts.append((r, d, amount - r - d))
    return parts


def figures(report):
    return {f["figure"]: (f["source"], f["ledger"]) for f in report["figures"]}


def test_a_month_of_mixed_activity_reconciles_to_the_fen_across_a_kill():
    S = System("month", clock_us=JAN_4, dispatch={"assign_retry_ms": 200, "sla_tick_ms": 100})
    try:
        # P-JS is under contract for 2026Q4 only, so that quarter is its first to settle
        S.sql("UPDATE ref.organisations SET contract_start = '2026-10-01' WHERE id = 'P-JS'")
        lc.organisation_technician(S, CLAIMED_BY, "D-SH")
        S.start_services(["intake", "dispatch", "claims"])
        first = S.start_service("billing")
        second = S.start_service("billing", instance="billing-2")
        first.wait_ready()
        second.wait_ready()
        endpoints = [api_of(first), api_of(second)]
        ho = Failover(S, "HO01", endpoints)
        fn = Failover(S, "FN01", endpoints, first=1)

        # early January: three repairs done (one under W-0001's warranty), Q4's scores and
        # P-JS's deposit; two claims decided
        jobs = {"SH01": repair_done(S, "C1002"), "SH02": repair_done(S, "C1003")}
        free_wo, free_tech = repair_done(S, "C1001", card="W-0001")
        for month, score in (("2026-10", 96), ("2026-11", 95), ("2026-12", 98)):
            ho.ok("provider.month", {"provider": "P-JS", "month": month, "score": score})
        fn.ok("provider.deposit", {"provider": "P-JS", "amount": DEPOSIT, "request_id": "month-d-1"})
        credits = {"SH01": claim(S, "SH01", 1, 12050, "approve", 11800), "SH02": claim(S, "SH02", 2, 9900, "approve")}

        # mid-January: both branches' invoices and payments, one instance killed under them
        S.set_clock(JAN_12)
        gate = threading.Event()
        clients = {b: Failover(S, "FN01", endpoints, first=k) for k, b in enumerate(("SH01", "SH02"))}
        streams = [Stream(clients[b], b, gate) for b in ("SH01", "SH02")]
        for s in streams:
            s.start()
        h.wait_until(lambda: S.sql("SELECT count(*) FROM billing.invoices")[0][0] >= 2 * N // 3, 120,
                     "a third of the invoices before the kill")
        S.services.pop("billing-1").kill9()
        gate.set()
        endpoints[0] = started_in_place(S, "billing-3")
        for s in streams:
            s.join(180)
        assert [(s.is_alive(), s.error) for s in streams] == [(False, None)] * 2
        assert clients["SH01"].failovers > 0, "the kill was not felt"

        # late January: a void, a claim each way, the quarter settled, the deposit topped up
        S.set_clock(JAN_25)
        numbers = {b: fn.ok("invoice.list", {"branch": b, "limit": 100})["invoices"] for b in CUSTOMER}
        void = {b: next(x for x in numbers[b] if x["amount"] == invoice_amount(b, N - 1)) for b in CUSTOMER}
        for b in CUSTOMER:
            reply = fn.ask("invoice.void", {"number": void[b]["number"], "reason": "重复开票"})
            assert reply["ok"] or fn.ok("invoice.get", {"number": void[b]["number"]})["status"] == "void", reply
        decided = {"SH01": 5000, "SH02": 7500}               # the labour line as finance decides it
        cc = Failover(S, "CC01", endpoints)
        settled = {b: settled_after_dispute(S, cc, fn, *jobs[b], b, decided[b]) for b in CUSTOMER}
        assert {b: t for b, (_, t) in settled.items()} == decided, settled
        for b in CUSTOMER:
            fn.ok("payment.record", {"number": settled[b][0], "reference": "month-settled-%s" % b,
                                     "amount": decided[b] // 4, "currency": "CNY"})
        accepted_by_qc(S, free_wo, free_tech, "SH01")
        warranty_work = {"SH01": 8000, "SH02": 0}             # an hour at SH01's 80.00, free
        credits["SH01"] += claim(S, "SH01", 3, 20000, "approve")
        credits["SH02"] += claim(S, "SH02", 4, 30000, "reject")
        penalties = [2500000]
        ho.ok("provider.penalty", {"provider": "P-JS", "amount": penalties[0], "reason": "安装质量不合格",
                                   "request_id": "month-p-1"})
        fine = ho.ok("provider.fraud", {"provider": "P-JS", "involved": 20000, "reason": "虚报奖励工单",
                                        "request_id": "month-f-1"})
        penalties.append(20000 * 10)
        assert fine["amount"] == penalties[1], fine
        quarter = ho.ok("provider.settle", {"provider": "P-JS", "quarter": "2026Q4"})
        reward = PROVIDER_BASE * 1200 * 3 // (1000 * 12)           # grade A (96.33): 1.2, three months
        parts = take(penalties, reward, DEPOSIT)
        assert quarter["reward"] == reward, quarter
        used = sum(d for _, d, _ in parts)
        fn.ok("provider.deposit", {"provider": "P-JS", "amount": used, "request_id": "month-d-2"})
        # the month's last half hour in Shanghai is January's; the next one is February's
        fn.ok("invoice.issue", dict(request_id="month-edge-jan", branch="SH01", customer_id="C1001", amount=4321,
                                    currency="CNY", at=lc.rfc3339(lc.us(2027, 1, 31, 23, 30))))
        fn.ok("invoice.issue", dict(request_id="month-edge-feb", branch="SH01", customer_id="C1001", amount=8765,
                                    currency="CNY", at=lc.rfc3339(lc.us(2027, 2, 1, 0, 10))))
        h.wait_until(lambda: S.sql("SELECT count(*) FROM billing.claim_credits")[0][0] == 3, 60,
                     "the three approved claims credited")

        # the test's own arithmetic, per branch
        for b in CUSTOMER:
            issued = sum(invoice_amount(b, i) for i in range(N)) + decided[b] + (4321 if b == "SH01" else 0)
            revenue = issued - invoice_amount(b, N - 1)
            paid = sum(a for i in range(N) for _, a in dict(payments_of(b, i)).items()) + decided[b] // 4
            report = fn.ok("ledger.report", {"branch": b, "month": "2027-01"})
            assert report["reconciled"] is True and report["differences"] == [], report
            assert figures(report) == {
                "chargeable_revenue": (revenue,) * 2, "warranty_cost": (warranty_work[b] + credits[b],) * 2,
                "warranty_work": (warranty_work[b],) * 2,
                "claims_paid": (credits[b],) * 2, "rewards": (0, 0), "penalties": (0, 0),
                "payments_received": (paid,) * 2, "receivables_open": (revenue - paid,) * 2}, (b, report)
            seqs = [r[0] for r in S.sql("SELECT seq FROM billing.invoices WHERE branch_id = %s AND year = 2027"
                                        " ORDER BY seq", (b,))]
            assert seqs == list(range(1, N + 2 + (2 if b == "SH01" else 0))), (b, seqs)
            assert S.sql("SELECT seq FROM billing.credit_notes WHERE branch_id = %s", (b,)) == [(1,)]
        hq = fn.ok("ledger.report", {"branch": "HQ", "month": "2027-01"})
        assert hq["reconciled"] is True and hq["differences"] == [], hq
        assert figures(hq) == {k: (v, v) for k, v in {
            "rewards": reward, "penalties": sum(penalties), "penalties_from_reward": sum(r for r, _, _ in parts),
            "penalties_from_deposit": used, "penalties_from_other": sum(o for _, _, o in parts),
            "rewards_via_dealer": 0, "deposits_received": DEPOSIT + used, "deposits_used": used,
            "deposits_held": DEPOSIT}.items()}, hq
        feb = fn.ok("ledger.report", {"branch": "SH01", "month": "2027-02"})
        assert figures(feb)["chargeable_revenue"] == (8765, 8765) and feb["reconciled"] is True, feb

        # rows without their counterpart, written as the owner in February, are differences
        sh02 = S.sql("SELECT id FROM billing.invoices WHERE branch_id = 'SH02' ORDER BY seq LIMIT 1")[0][0]
        S.sql("INSERT INTO billing.payments (reference, invoice_id, branch_id, amount, currency, received_at,"
              " recorded_by) VALUES ('ROGUE-1', %s, 'SH02', 777, 'CNY', '2027-02-02T02:00:00Z', 'owner')", (sh02,))
        S.sql("INSERT INTO billing.ledger_entries (key, kind, debit, credit, amount, currency, branch_id, party,"
              " at, actor) VALUES ('rogue:1', 'reward', 'service_revenue', 'provider_rewards_payable', 555, 'CNY',"
              " 'SH01', 'P-JS', '2027-02-02T02:00:00Z', 'owner'), ('rogue:2', 'penalty', 'deposits', 'penalties',"
              " 333, 'CNY', NULL, 'P-JS', '2027-02-02T02:00:00Z', 'owner')")
        bad = fn.ok("ledger.report", {"branch": "SH02", "month": "2027-02"})
        assert (bad["reconciled"], bad["differences"]) == (False, [
            {"figure": "payments_received", "source": 777, "ledger": 0},
            {"figure": "receivables_open", "source": revenue - paid - 777, "ledger": revenue - paid}]), bad
        bad = fn.ok("ledger.report", {"branch": "SH01", "month": "2027-02"})
        assert bad["differences"] == [                  # a reward is a cost of revenue: both move
            {"figure": "chargeable_revenue", "source": 8765, "ledger": 8765 - 555},
            {"figure": "rewards", "source": 0, "ledger": 555}], bad
        bad = fn.ok("ledger.report", {"branch": "HQ", "month": "2027-02"})
        assert [d["figure"] for d in bad["differences"]] == [
            "penalties", "penalties_from_deposit", "deposits_used", "deposits_held"], bad
        S.check_messages()
    finally:
        S.shutdown()
