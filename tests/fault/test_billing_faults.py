"""Fault: two billing instances issue invoices for many settlements, and
record their payments, at once, while one instance is killed (SIGKILL)
mid-stream and another started in its place. A client whose instance died
asks the other one again with the same request_id and the same receipt
reference. The counter row of each branch and year is locked in the
transaction that numbers, and a killed transaction gives its number back,
so afterwards each branch's numbers are 1..N with no gap and no double;
every settlement has one invoice, every payment and claim credit is booked
once, and the month reconciles to the fen (docs/ledger.md)."""
import os
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import intake_client as ic  # noqa: E402
import kefu_harness as h  # noqa: E402
import ledger_client as lc  # noqa: E402
from kefu_system import System  # noqa: E402

N = 60                      # settlements, half in each branch
DEC_1 = lc.us(2026, 12, 1, 10, 0)
CUSTOMER = {"SH01": "C1001", "SH02": "C1003"}


def api_of(svc):
    return h.wait_until(lambda: [e["endpoint"] for e in svc.events("api_listening")], 60,
                        "%s's request endpoint" % svc.instance)[0]


class Stream(threading.Thread):
    """Issues and pays settlements[k::2] through `endpoints` (a shared list
    whose entries the test replaces when an instance dies), trying the next
    instance whenever one does not answer."""

    def __init__(self, S, k, endpoints, token):
        super().__init__(daemon=True)
        self.S, self.k, self.endpoints, self.token = S, k, endpoints, token
        self.failovers = 0
        self.error = None

    def ask(self, request, body):
        turn = self.k
        for _ in range(200):
            client = ic.IntakeClient(self.endpoints[turn % 2], timeout_ms=3000, token=self.token)
            try:
                reply = client.request(request, body)
            finally:
                client.close()
            if reply is not None and not (not reply["ok"] and reply["error"]["code"] == "unavailable"):
                assert reply["ok"], (request, body, reply)
                return reply["result"]
            self.failovers += 1
            turn += 1
        raise AssertionError("no instance answered %s" % request)

    def run(self):
        try:
            for i in range(self.k, N, 2):
                branch = "SH01" if i % 4 < 2 else "SH02"
                inv = self.ask("invoice.issue", dict(request_id="settlement-%d" % i, branch=branch,
                                                     customer_id=CUSTOMER[branch], amount=1000 + i,
                                                     currency="CNY", description="结算 %d" % i))
                self.ask("payment.record", dict(number=inv["number"], reference="PAY-%d" % i, amount=500 + i,
                                                currency="CNY"))
        except Exception as e:     # reported by the test
            self.error = e


def test_billing_killed_mid_stream_skips_doubles_and_loses_nothing():
    S = System("billing-fault", clock_us=DEC_1)
    try:
        first = S.start_service("billing")
        second = S.start_service("billing", instance="billing-2")
        first.wait_ready()
        second.wait_ready()
        endpoints = [api_of(first), api_of(second)]
        token = S.token_of("FN01")
        for c in range(1, 6):
            body = dict(claim_id=c, branch="SH01", dealer_id="D-SH", ticket_id=c, work_order_id=c,
                        amount=100 * c, currency="CNY", responsibility="installation")
            assert lc.send(S, "billing", "claims", "claim.approved", body)[0]["status"] == "ok"
        streams = [Stream(S, k, endpoints, token) for k in (0, 1)]
        for s in streams:
            s.start()
        h.wait_until(lambda: S.sql("SELECT count(*) FROM billing.invoices")[0][0] >= N // 3, 120,
                     "a third of the invoices before the kill")
        S.services.pop("billing-1").kill9()
        h.wait_until(lambda: S.sql("SELECT count(*) FROM billing.invoices")[0][0] >= 2 * N // 3, 120,
                     "two thirds of the invoices on the surviving instance")
        third = S.start_service("billing", instance="billing-3")
        third.wait_ready()
        endpoints[0] = api_of(third)
        for s in streams:
            s.join(300)
            assert not s.is_alive() and s.error is None, s.error
        assert sum(s.failovers for s in streams) > 0      # the kill was felt
        # claims redelivered after the restart (a new message each): still one credit per claim
        for c in range(1, 6):
            body = dict(claim_id=c, branch="SH01", dealer_id="D-SH", ticket_id=c, work_order_id=c,
                        amount=100 * c, currency="CNY", responsibility="installation")
            assert lc.send(S, "billing", "claims", "claim.approved", body, instance="billing-3")[0]["status"] == "ok"

        for branch in ("SH01", "SH02"):
            seqs = [r[0] for r in S.sql("SELECT seq FROM billing.invoices WHERE branch_id = %s AND year = 2026"
                                        " ORDER BY seq", (branch,))]
            assert seqs == list(range(1, N // 2 + 1)), (branch, seqs)
            assert S.sql("SELECT last FROM billing.number_counters WHERE branch_id = %s AND series = 'INV'",
                         (branch,)) == [(N // 2,)]
        assert S.sql("SELECT count(DISTINCT source), count(*) FROM billing.invoices") == [(N, N)]
        assert S.sql("SELECT count(*), sum(amount) FROM billing.payments") == [(N, sum(500 + i for i in range(N)))]
        kinds = dict((k, (n, a)) for k, n, a in S.sql(
            "SELECT kind, count(*), sum(amount) FROM billing.ledger_entries GROUP BY kind"))
        assert kinds == {"charge": (N, sum(1000 + i for i in range(N))),
                         "payment": (N, sum(500 + i for i in range(N))),
                         "claim_credit": (5, 1500)}, kinds
        fn = lc.Billing(S, "FN01", endpoints[1])
        try:
            for branch in ("SH01", "SH02"):
                report = fn.ok("ledger.report", {"branch": branch, "month": "2026-12"})
                assert report["reconciled"] is True and report["differences"] == [], report
        finally:
            fn.close()
        S.check_messages()
    finally:
        S.shutdown()
