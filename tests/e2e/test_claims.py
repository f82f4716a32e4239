"""Warranty claims through the running claims service (docs/claims.md): a
dealer files a claim for accepted warranty work its own technician did, with its evidence, the
region's manager reviews it, head office approves it (claim.approved leaves
claims' outbox for billing with the contract's body), the replaced part is
returned and checked and the claim closes. Refusals name what is wrong and
change nothing: a claim without enough photos or a purchase proof (both
named), a second claim for the same work, a dealer of another region, a
second decision, a claim for work done by a branch's own technician or by
another organisation's. A rejected claim is corrected and filed again (the
rejected one superseded); a claim beside an open or approved one is refused. Lots: a pre-sale return is accepted above 3 % defects and
refused at 2.9 % and at exactly 3 %, and never for a shipment a year and a
day old.

The work claimed (ticket, work order, done report) and the lots are set up
as the owner, the way the organisation's data is; the claims service reads
them through its own grants."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from intake_client import IntakeClient  # noqa: E402
from kefu_system import System  # noqa: E402
import ledger_client as lc  # noqa: E402

S = None
T0 = 1_800_000_000 * 1_000_000            # 2027-01-15T08:00:00Z
HASHES = ["%064x" % (i + 1) for i in range(6)]


def setup_module():
    global S
    S = System("claims", clock_us=T0)
    S.sql("INSERT INTO ref.warranty_cards (card_no, customer_id, product_code, serial, purchase_date, install_date)"
          " VALUES ('WC-CL1', 'C1001', 'AC-3200', 'SN-CL1', '2026-06-01', '2026-06-03'),"
          "        ('WC-CL2', 'C1004', 'AC-3200', 'SN-CL2', '2026-06-01', NULL),"
          "        ('WC-OLD', 'C1005', 'AC-3200', 'SN-OLD', '2024-01-01', NULL)")
    S.sql("INSERT INTO ref.lots (lot, product_code, quantity, ship_date, dealer_id) VALUES"
          " ('LOT-A', 'AC-3200', 1000, '2026-10-01', 'D-SH'), ('LOT-B', 'AC-3200', 1000, '2026-10-01', 'D-SH'),"
          " ('LOT-C', 'AC-3200', 1000, '2026-10-01', 'D-SH'), ('LOT-OLD', 'AC-3200', 1000, '2026-01-14', 'D-SH')")
    lc.organisation_technician(S, "DT01", "D-SH")
    lc.organisation_technician(S, "PT01", "P-JS")
    S.start_services(["claims"])


def teardown_module():
    if S:
        S.shutdown()


def work(branch="SH01", customer="C1001", card="WC-CL1", status="accepted", report=True, fault=None, tech="DT01"):
    """A repair ticket (with the three-repairs flag `fault`) with one work
    order done by `tech` (D-SH's own technician DT01 by default) and its done
    report; returns the work order id."""
    ticket = S.sql("INSERT INTO intake.tickets (branch_id, customer_id, product_code, serial, warranty_card,"
                   " channel, kind, status, description, replacement_fault) VALUES (%s, %s, 'AC-3200', 'SN', %s,"
                   " 'hotline', 'repair', 'assigned', 'no cooling', %s) RETURNING id",
                   (branch, customer, card, fault))[0][0]
    wo = S.sql("INSERT INTO dispatch.work_orders (ticket_id, branch_id, kind, status, technician_id, product_code)"
               " VALUES (%s, %s, 'repair', %s, %s, 'AC-3200') RETURNING id", (ticket, branch, status, tech))[0][0]
    if report:
        S.sql("INSERT INTO dispatch.done_reports (work_order_id, ticket_id, branch_id, technician_id, reported_by,"
              " parts, labour_minutes, distance_m, cause, photos, unit_serial, reported_at)"
              " VALUES (%s, %s, %s, %s, %s, %s, 90, 12500, 'component_failure', '[]', 'SN-CL1',"
              " '2027-01-14T06:00:00Z')",
              (wo, ticket, branch, tech, tech, json.dumps([{"code": "CAP-35UF", "quantity": 1, "serial": "SN778"}])))
    return wo


def claim_body(wo, photos=5, proof=True, **extra):
    body = {"work_order_id": wo, "product_code": "AC-3200", "spec": "KFR-35GW/BP", "quantity": 1,
            "install_date": "2026-06-03", "description": "compressor capacitor failed, no cooling",
            "cause": "component_failure", "amount": 12050, "currency": "CNY",
            "photos": [{"name": "p%d.jpg" % i, "size": 200000 + i, "sha256": HASHES[i]} for i in range(photos)]}
    if proof:
        body["purchase_proof"] = "INV-2026-0601-17"
    body.update(extra)
    return body


def ask(staff, name, body):
    c = IntakeClient(S.config.claims_api, timeout_ms=30000, token=S.token_of(staff))
    try:
        return c.request(name, body)
    finally:
        c.close()


def ok(reply):
    assert reply["ok"], reply
    return reply["result"]


def refused(reply, code, *texts):
    assert reply["ok"] is False and reply["error"]["code"] == code, reply
    for text in texts:
        assert text in reply["error"]["message"], reply


def claims_state():
    return S.sql("SELECT id, status, recommendation, decision, approved_amount, closed_at IS NOT NULL"
                 " FROM claims.claims ORDER BY id")


def outbox(type_):
    return [json.loads(p)["body"] for (p,) in S.sql(
        "SELECT payload FROM claims.outbox WHERE type = %s ORDER BY id", (type_,))]


def test_a_warranty_repair_is_claimed_reviewed_approved_credited_and_closed():
    wo = work()
    filed = ok(ask("DS01", "claim.file", claim_body(wo)))
    assert (filed["status"], filed["dealer_id"], filed["branch"], filed["amount"]) == ("filed", "D-SH", "SH01", 12050)
    assert len(filed["photos"]) == 5 and filed["parts"][0]["code"] == "CAP-35UF", filed
    cid = filed["claim_id"]
    # head office decides only after the regional manager's review
    refused(ask("HO01", "claim.decide", {"claim_id": cid, "decision": "approve",
                                         "responsibility": "product_quality"}), "conflict", "reviews it first")
    refused(ask("DS01", "claim.review", {"claim_id": cid, "recommendation": "approve"}), "forbidden")
    reviewed = ok(ask("RM-SH", "claim.review", {"claim_id": cid, "recommendation": "approve",
                                                "note": "photos match the report"}))
    assert reviewed["status"] == "reviewed" and reviewed["review"]["by"] == "RM-SH", reviewed
    refused(ask("HO01", "claim.decide", {"claim_id": cid, "decision": "approve", "amount": 12051,
                                         "responsibility": "product_quality"}), "invalid", "body.amount")
    decided = ok(ask("HO01", "claim.decide", {"claim_id": cid, "decision": "approve", "amount": 11800,
                                              "responsibility": "product_quality"}))
    assert decided["status"] == "approved" and decided["decision"]["approved_amount"] == 11800, decided
    # credited through billing: the message left claims' outbox with the contract's body
    assert outbox("claim.approved") == [{"claim_id": cid, "branch": "SH01", "dealer_id": "D-SH",
                                         "ticket_id": filed["ticket_id"], "work_order_id": wo, "amount": 11800,
                                         "currency": "CNY", "responsibility": "product_quality"}]
    # a second decision is refused and changes nothing
    before = claims_state()
    refused(ask("HO01", "claim.decide", {"claim_id": cid, "decision": "reject",
                                         "responsibility": "customer_misuse"}), "conflict", "already decided")
    assert claims_state() == before and len(outbox("claim.approved")) == 1
    # the part is checked only once returned; the claim closes with the last check
    refused(ask("HO01", "claim.part_checked", {"claim_id": cid, "code": "CAP-35UF", "result": "ok"}),
            "conflict", "not returned yet")
    refused(ask("DS01", "claim.part_returned", {"claim_id": cid, "code": "CAP-35UF", "serial": "SN999"}),
            "invalid", "body.serial")
    returned = ok(ask("DS01", "claim.part_returned", {"claim_id": cid, "code": "CAP-35UF", "serial": "SN778"}))
    assert returned["status"] == "approved" and returned["parts"][0]["returned_by"] == "DS01", returned
    closed = ok(ask("HO01", "claim.part_checked", {"claim_id": cid, "code": "CAP-35UF", "result": "ok"}))
    assert closed["status"] == "closed" and closed["closed_at"] and closed["parts"][0]["check_result"] == "ok", closed
    # the decision clock: dispatch hears each event of the claim
    assert [(m["kind"], m["event"], m["branch"]) for m in outbox("sla.subject") if m["id"] == cid] == [
        ("claim", "filed", "SH01"), ("claim", "reviewed", "SH01"), ("claim", "decided", "SH01"),
        ("claim", "closed", "SH01")]
    # the dealer lists its claims; another organisation does not see them
    assert [c["claim_id"] for c in ok(ask("DS01", "claim.list", {}))["claims"]] == [cid]
    refused(ask("PS01", "claim.get", {"claim_id": cid}), "not_found")
    S.check_messages()


def test_refused_claims_name_their_reason_and_change_nothing():
    wo = work()
    before = claims_state()
    reply = ask("DS01", "claim.file", claim_body(wo, photos=4, proof=False))
    refused(reply, "invalid", "body.purchase_proof: missing", "body.photos: 4 distinct photos, at least 5")
    # the same photo twice counts once
    body = claim_body(wo, photos=4)
    body["photos"].append(dict(body["photos"][0], name="again.jpg"))
    refused(ask("DS01", "claim.file", body), "invalid", "4 distinct photos")
    # a dealer of another region: the work was done in SZ01 (region JS), D-SH serves SH
    far = work(branch="SZ01", customer="C1004", card="WC-CL2")
    refused(ask("DS01", "claim.file", claim_body(far)), "forbidden", "work_region", "D-SH serves the regions SH")
    # work not done, and work out of warranty
    refused(ask("DS01", "claim.file", claim_body(work(status="assigned", report=False))), "conflict", "work_not_done")
    refused(ask("DS01", "claim.file", claim_body(work(customer="C1005", card="WC-OLD"))), "conflict",
            "not_under_warranty", "expired")
    assert claims_state() == before
    # filed once; the second claim for the same work is refused
    ok(ask("DS01", "claim.file", claim_body(wo)))
    refused(ask("DS01", "claim.file", claim_body(wo)), "conflict", "already_claimed",
            "claim is filed: it waits for its decision")
    assert len(claims_state()) == len(before) + 1


def test_a_claim_is_only_for_the_claimants_own_technicians_work():
    before = claims_state()
    # SH01's own technician did it: SH01's warranty cost, booked by billing when
    # the work was accepted; a dealer's claim would pay the same work twice
    own = work(tech="T101")
    refused(ask("DS01", "claim.file", claim_body(own)), "conflict",
            "not_their_work: work order %d was done by T101, a technician of branch SH01, not of D-SH" % own)
    # head office filing for the dealer is refused the same way
    refused(ask("HO01", "claim.file", claim_body(own, dealer_id="D-SH")), "conflict", "not_their_work")
    # P-JS's technician did it (in SZ01, region JS, which both serve): P-JS's to claim, not D-JS's
    theirs = work(branch="SZ01", customer="C1004", card="WC-CL2", tech="PT01")
    refused(ask("HO01", "claim.file", claim_body(theirs, dealer_id="D-JS")), "conflict",
            "not_their_work: work order %d was done by PT01, a technician of P-JS, not of D-JS" % theirs)
    assert claims_state() == before
    filed = ok(ask("PS01", "claim.file", claim_body(theirs)))
    assert (filed["dealer_id"], filed["branch"], filed["refiles"]) == ("P-JS", "SZ01", None), filed


def test_a_rejected_claim_is_corrected_and_filed_again_once():
    wo = work()
    first = ok(ask("DS01", "claim.file", claim_body(wo, amount=50000)))["claim_id"]
    ok(ask("RM-SH", "claim.review", {"claim_id": first, "recommendation": "reject", "note": "amount too high"}))
    ok(ask("HO01", "claim.decide", {"claim_id": first, "decision": "reject", "responsibility": "product_quality"}))
    # corrected and filed again: a new claim that names the rejected one, which is superseded
    again = ok(ask("DS01", "claim.file", claim_body(wo)))
    assert (again["status"], again["refiles"], again["amount"]) == ("filed", first, 12050), again
    old = ok(ask("DS01", "claim.get", {"claim_id": first}))
    assert (old["status"], old["decision"]["decision"]) == ("superseded", "reject"), old
    # the superseded claim takes no decision; a third claim beside the open one is refused
    refused(ask("HO01", "claim.decide", {"claim_id": first, "decision": "approve",
                                         "responsibility": "product_quality"}), "conflict", "the new claim goes on")
    refused(ask("DS01", "claim.file", claim_body(wo)), "conflict",
            "already_claimed: work order %d is claimed already (claim %d: claim is filed" % (wo, again["claim_id"]))
    ok(ask("RM-SH", "claim.review", {"claim_id": again["claim_id"], "recommendation": "approve"}))
    ok(ask("HO01", "claim.decide", {"claim_id": again["claim_id"], "decision": "approve",
                                    "responsibility": "product_quality"}))
    # beside an approved claim: refused, and nothing changed
    before = claims_state()
    refused(ask("DS01", "claim.file", claim_body(wo)), "conflict", "it was approved; only a rejected claim")
    assert claims_state() == before
    assert [c["status"] for c in ok(ask("DS01", "claim.list", {"status": "superseded"}))["claims"]] == ["superseded"]
    # the credit went to billing once, for the approved claim only
    assert [b["claim_id"] for b in outbox("claim.approved") if b["work_order_id"] == wo] == [again["claim_id"]]


def test_the_three_repairs_flag_is_carried_on_the_claim_and_allows_the_return():
    wo = work(fault="component_failure")
    filed = ok(ask("DS01", "claim.file", claim_body(wo)))
    assert filed["replacement_fault"] == "component_failure", filed
    cid = filed["claim_id"]
    refused(ask("DS01", "return.request", {"kind": "after_sale", "claim_id": cid}), "conflict",
            "after_sale_product_quality")
    ok(ask("RM-SH", "claim.review", {"claim_id": cid, "recommendation": "approve"}))
    ok(ask("HO01", "claim.decide", {"claim_id": cid, "decision": "approve", "responsibility": "product_quality"}))
    back = ok(ask("DS01", "return.request", {"kind": "after_sale", "claim_id": cid}))
    assert (back["kind"], back["claim_id"], back["branch"]) == ("after_sale", cid, "SH01"), back
    assert [c for c in ok(ask("HO01", "claim.list", {"status": "approved"}))["claims"]
            if c["claim_id"] == cid][0]["replacement_fault"] == "component_failure"


def defect(lot, count):
    return ok(ask("DS01", "lot.defect", {"lot": lot, "count": count, "note": "compressor noise"}))


def test_a_lot_returns_above_three_percent_and_within_a_year():
    assert defect("LOT-A", 29)["rate_bp"] == 290
    refused(ask("DS01", "return.request", {"kind": "pre_sale", "lot": "LOT-A"}), "conflict",
            "lot_defect_rate: 29 defects in 1000 units is 2.90 %")
    assert defect("LOT-A", 2)["rate_bp"] == 310
    accepted = ok(ask("DS01", "return.request", {"kind": "pre_sale", "lot": "LOT-A"}))
    assert (accepted["kind"], accepted["defects"], accepted["quantity"], accepted["rate_bp"]) == \
        ("pre_sale", 31, 1000, 310), accepted
    assert ok(ask("DS01", "return.get", {"return_id": accepted["return_id"]})) == accepted
    refused(ask("DS01", "return.request", {"kind": "pre_sale", "lot": "LOT-A"}), "conflict", "already_returned")
    # exactly 3 % is not above it
    defect("LOT-C", 30)
    refused(ask("DS01", "return.request", {"kind": "pre_sale", "lot": "LOT-C"}), "conflict", "lot_defect_rate")
    # shipped 2026-01-14: a year and a day before 2027-01-15
    defect("LOT-OLD", 100)
    refused(ask("DS01", "return.request", {"kind": "pre_sale", "lot": "LOT-OLD"}), "conflict",
            "lot_age: the lot was shipped 366 days ago")
    # another organisation does not see the dealer's lot
    refused(ask("PS01", "return.request", {"kind": "pre_sale", "lot": "LOT-B"}), "not_found")
    assert S.sql("SELECT lot FROM claims.returns WHERE kind = 'pre_sale'") == [("LOT-A",)]


def test_kefuctl_files_reviews_decides_and_shows_a_claim_and_a_lot_return():
    wo = work()
    photos = ",".join("p%d.jpg:%d:%s" % (i, 1000 + i, HASHES[i]) for i in range(5))
    filed = S.kefuctl_as("DS01", "claim", "file", str(wo), "--product", "AC-3200", "--spec", "KFR-35GW/BP",
                         "--quantity", "1", "--proof", "INV-88", "--install-date", "2026-06-03",
                         "--description", "不制冷", "--cause", "component_failure", "--photos", photos,
                         "--amount", "120.50", json_out=True)
    assert (filed["status"], filed["amount"], filed["currency"]) == ("filed", 12050, "CNY"), filed
    cid = str(filed["claim_id"])
    # a claim without its evidence: every missing part named, exit 1
    bare = S.kefuctl_as("DS01", "claim", "file", str(work()), "--amount", "10", check=False)
    assert bare.returncode == 1 and "body.purchase_proof: missing" in bare.stderr \
        and "body.photos: missing" in bare.stderr, bare.stderr
    S.kefuctl_as("RM-SH", "claim", "review", cid, "reject", "--note", "photos do not show the fault")
    out = S.kefuctl_as("HO01", "claim", "decide", cid, "reject", "--responsibility", "customer_misuse").stdout
    assert "claim %s: rejected" % cid in out and "decided: reject (customer_misuse)" in out, out
    again = S.kefuctl_as("HO01", "claim", "decide", cid, "approve", "--responsibility", "product_quality",
                         check=False)
    assert again.returncode == 1 and "conflict" in again.stderr and "already decided" in again.stderr, again.stderr
    shown = S.kefuctl_as("DS01", "claim", "show", cid).stdout
    assert "CAP-35UF" in shown and "claimed 120.50 CNY" in shown, shown
    listed = S.kefuctl_as("DS01", "claims", "--status", "rejected").stdout
    assert cid in listed and "120.50" in listed and "rejected" in listed, listed
    assert "31 defects in 1000 units, 3.10 %" in S.kefuctl_as("DS01", "lot", "defect", "LOT-B", "31").stdout
    back = S.kefuctl_as("DS01", "return", "pre-sale", "LOT-B", json_out=True)
    assert (back["lot"], back["rate_bp"]) == ("LOT-B", 310), back
    after = S.kefuctl_as("DS01", "return", "after-sale", cid, check=False)
    assert after.returncode == 1 and "after_sale_product_quality" in after.stderr, after.stderr


def test_claims_reads_no_customer_phone_or_address():
    granted = S.sql("SELECT column_name FROM information_schema.column_privileges WHERE grantee = 'kefu_claims'"
                    " AND table_schema = 'ref' AND table_name = 'customers' AND privilege_type = 'SELECT'")
    assert granted and {"phone", "address"}.isdisjoint(c for (c,) in granted), granted
    error = S.cluster.sql_error_as("kefu_claims", "SELECT phone FROM ref.customers")
    assert error and "permission denied" in str(error), error
