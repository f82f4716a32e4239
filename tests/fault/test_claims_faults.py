"""Fault: head office decides a stream of reviewed warranty claims while the
claims service is killed (SIGKILL) mid-stream and started again (the
work had no replaced part, so each claim closes with its approval). A decision
whose answer was lost is asked again; the service either decides it then or
says it was already decided. Afterwards every claim is approved once, each
approval reached billing as one claim.approved, and billing credited the
dealer once per claim: one claim credit and one ledger entry (key
claim:<id>) each, no dead letter anywhere (docs/claims.md, docs/ledger.md).

The work claimed (ticket, work order, done report) is set up as the owner,
as in tests/e2e/test_claims.py."""
import json
import os
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
import ledger_client as lc  # noqa: E402
from intake_client import IntakeClient  # noqa: E402
from kefu_system import System  # noqa: E402

T0 = 1_800_000_000 * 1_000_000            # 2027-01-15T08:00:00Z
N = 12                                    # claims decided across the kill
HASHES = ["%064x" % (i + 1) for i in range(5)]


def work(S, i):
    """A repair ticket with one accepted work order and its done report."""
    ticket = S.sql("INSERT INTO intake.tickets (branch_id, customer_id, product_code, serial, warranty_card,"
                   " channel, kind, status, description) VALUES ('SH01', 'C1001', 'AC-3200', 'SN-F', 'WC-F1',"
                   " 'hotline', 'repair', 'assigned', %s) RETURNING id", ("no cooling %d" % i,))[0][0]
    wo = S.sql("INSERT INTO dispatch.work_orders (ticket_id, branch_id, kind, status, technician_id, product_code)"
               " VALUES (%s, 'SH01', 'repair', 'accepted', 'DT01', 'AC-3200') RETURNING id", (ticket,))[0][0]
    S.sql("INSERT INTO dispatch.done_reports (work_order_id, ticket_id, branch_id, technician_id, reported_by,"
          " parts, labour_minutes, distance_m, cause, photos, unit_serial, reported_at)"
          " VALUES (%s, %s, 'SH01', 'DT01', 'DT01', '[]', 60, 0, 'component_failure', '[]', 'SN-F',"
          " '2027-01-14T06:00:00Z')", (wo, ticket))
    return wo


def ask(S, staff, name, body, timeout_ms=30000):
    client = IntakeClient(S.config.claims_api, timeout_ms=timeout_ms, token=S.token_of(staff))
    try:
        return client.request(name, body)
    finally:
        client.close()


def ok(reply):
    assert reply and reply["ok"], reply
    return reply["result"]


def decide_until_answered(S, cid, deadline_s=120):
    """Asks head office's decision until an answer comes that is not
    "unavailable"; a lost answer makes the next ask find it decided."""
    answers = []

    def answered():
        reply = ask(S, "HO01", "claim.decide", {"claim_id": cid, "decision": "approve",
                                                 "responsibility": "product_quality"}, timeout_ms=2000)
        if reply is None or (not reply["ok"] and reply["error"]["code"] == "unavailable"):
            return False
        answers.append(reply)
        return True

    h.wait_until(answered, deadline_s, "an answer to claim.decide %d" % cid, interval=0.2)
    return answers[0]


def test_claims_killed_mid_stream_credits_each_approved_claim_once():
    S = System("claims-fault", clock_us=T0)
    try:
        S.sql("INSERT INTO ref.warranty_cards (card_no, customer_id, product_code, serial, purchase_date)"
              " VALUES ('WC-F1', 'C1001', 'AC-3200', 'SN-F', '2026-06-01')")
        lc.organisation_technician(S, "DT01", "D-SH")
        S.start_services(["billing", "claims"])
        claims = []
        for i in range(N):
            body = {"work_order_id": work(S, i), "product_code": "AC-3200", "spec": "KFR-35GW/BP", "quantity": 1,
                    "install_date": "2026-06-03", "purchase_proof": "INV-2026-0601-%02d" % i,
                    "description": "compressor capacitor failed", "cause": "component_failure",
                    "amount": 10000 + i, "currency": "CNY",
                    "photos": [{"name": "p%d.jpg" % k, "size": 1000 + k, "sha256": HASHES[k]} for k in range(5)]}
            cid = ok(ask(S, "DS01", "claim.file", body))["claim_id"]
            ok(ask(S, "RM-SH", "claim.review", {"claim_id": cid, "recommendation": "approve"}))
            claims.append(cid)

        answers = {}

        def decide_all():
            for cid in claims:
                answers[cid] = decide_until_answered(S, cid)

        decider = threading.Thread(target=decide_all)
        decider.start()
        h.wait_until(lambda: len(answers) >= 4, 60, "a third of the decisions before the kill")
        assert all(reply["ok"] for reply in answers.values()), answers
        S.services.pop("claims-1").kill9()
        S.start_service("claims").wait_ready()
        decider.join(180)
        assert not decider.is_alive(), "the decisions did not finish"

        # each answer is the decision, or, for one whose answer the kill lost, "already decided"
        for cid, reply in answers.items():
            assert reply["ok"] or (reply["error"]["code"] == "conflict"
                                   and "already decided" in reply["error"]["message"]), (cid, reply)
        # approved; with no part replaced, a claim closes with its approval
        rows = S.sql("SELECT id, status, approved_amount FROM claims.claims ORDER BY id")
        assert rows == [(cid, "closed", 10000 + i) for i, cid in enumerate(claims)], rows
        sent = [json.loads(p)["body"]["claim_id"] for (p,) in S.sql(
            "SELECT payload FROM claims.outbox WHERE type = 'claim.approved' ORDER BY id")]
        assert sorted(sent) == claims, sent
        # billing credits the dealer once per claim
        h.wait_until(lambda: S.sql("SELECT count(*) FROM billing.claim_credits")[0][0] == N, 60,
                     "every claim credited")
        S.quiet()
        credits = S.sql("SELECT claim_id, amount FROM billing.claim_credits ORDER BY claim_id")
        assert credits == [(cid, 10000 + i) for i, cid in enumerate(claims)], credits
        entries = S.sql("SELECT key, amount FROM billing.ledger_entries WHERE key LIKE 'claim:%%' ORDER BY id")
        assert sorted(entries) == sorted(("claim:%d" % cid, 10000 + i) for i, cid in enumerate(claims)), entries
        for schema in ("claims", "billing"):
            assert S.sql("SELECT count(*) FROM %s.dead_letters" % schema) == [(0,)], schema
        assert S.check_messages() > 0
    finally:
        S.shutdown()
