"""What `make run` shows, run as make run runs it: the demo organisation and
configuration files, the six services, then deploy/demo/requests.sh, flow.sh
and money.sh. Ticket 1's estimate is chargeable and approved by the
customer, ticket 3's free under warranty; both settlements are accepted and
ticket 1's invoiced; ticket 3's repair was done by the provider P-JS's
technician, so it is not SZ01's own warranty cost: the dealer D-JS's claim
for it is refused, P-JS's claim ends approved, credited and closed, and the
job's 840.00 is in the ledger once; the chargeable job's invoice is paid,
and both branches' month reconciles with the ledger; a second run of the
money demo changes nothing."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
from kefu_system import System, ROOT  # noqa: E402

DEMO = os.path.join(ROOT, "deploy", "demo")
S = None
OUT = {}


def setup_module():
    global S
    S = System("demo", org=os.path.join(DEMO, "org.yaml"),
               dispatch={"sla_file": os.path.join(DEMO, "sla.yaml")},
               qc={"plans_file": os.path.join(DEMO, "qc.yaml"),
                   "scores_file": os.path.join(DEMO, "scores.yaml")},
               billing={"prices_file": os.path.join(DEMO, "prices.yaml"),
                        "providers_file": os.path.join(DEMO, "providers.yaml")})
    S.start_services()
    for script in ("requests.sh", "flow.sh", "money.sh"):
        OUT[script] = demo(script)
        print(OUT[script])   # shown when a test fails


def teardown_module():
    if S:
        S.shutdown()


def demo(script):
    """Runs a demo script as run-demo.sh does, with this System's config."""
    proc = subprocess.run([os.path.join(DEMO, script)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300,
                          env=h.child_env({"KEFUCTL": os.path.join(h.BUILD, "bin", "kefuctl"),
                                           "KEFU_CONFIG": str(S.config),
                                           "KEFU_SCHEMAS_DIR": h.SCHEMAS_DIR,
                                           "KEFU_TOKEN_FILE": S.token_file}))
    assert proc.returncode == 0, (script, proc.stdout, proc.stderr)
    return proc.stdout


def reconcile(branch, month):
    return json.loads(S.kefuctl_as("FN01", "--json", "reconcile", "--branch", branch,
                                   "--month", month).stdout)


def test_the_estimates_are_chargeable_and_approved_or_free_under_warranty():
    rows = S.sql("SELECT e.status, e.coverage, e.reason, e.total, e.warranty_total, e.approved_name"
                 " FROM billing.estimates e JOIN dispatch.work_orders w ON w.id = e.work_order_id"
                 " ORDER BY w.ticket_id")
    # ticket 1: 18.50 + 75 minutes at 80.00 an hour, 6.5 km inside the free 10;
    # ticket 3: 680.00 + 120 minutes, 12 km inside SZ01's free 15
    assert rows == [("approved", "chargeable", "expired", 11850, 0, "王秀英"),
                    ("free", "warranty", "covered", 0, 84000, None)], rows


def test_both_settlements_are_accepted_the_providers_work_not_the_branchs_cost():
    rows = S.sql("SELECT w.ticket_id, w.technician_id, s.status, s.total, s.warranty_total, s.accepted_name,"
                 " s.work_org FROM billing.settlements s JOIN dispatch.work_orders w ON w.id = s.work_order_id"
                 " ORDER BY w.ticket_id")
    assert [r[0] for r in rows] == [1, 3] and rows[1][1:] == ("PT01", "accepted", 0, 84000, "陈美玲", "P-JS"), rows
    assert rows[0][2:] == ("accepted", 11850, 0, "王秀英", None), rows
    # P-JS's technician did ticket 3's work: no warranty cost of SZ01's own is booked for it
    booked = S.sql("SELECT debit, amount FROM billing.ledger_entries WHERE kind = 'warranty'")
    assert booked == [], booked
    assert "签字" in OUT["money.sh"], OUT["money.sh"]      # the printed settlement
    assert "done by P-JS's technician: P-JS claims the warranty share back" in OUT["money.sh"], OUT["money.sh"]


def test_the_providers_claim_is_approved_credited_and_closed_and_the_dealers_refused():
    rows = S.sql("SELECT org_id, status, approved_amount, responsibility FROM claims.claims")
    assert rows == [("P-JS", "closed", 84000, "product_quality")], (rows, OUT["money.sh"])
    assert "not_their_work" in OUT["money.sh"] and "a technician of P-JS, not of D-JS" in OUT["money.sh"], \
        OUT["money.sh"]
    credit = S.sql("SELECT debit, credit, amount, party FROM billing.ledger_entries WHERE kind = 'claim_credit'")
    assert credit == [("warranty_cost", "dealer_accounts", 84000, "P-JS")], credit
    assert "84000" not in OUT["money.sh"] and "840.00" in OUT["money.sh"], OUT["money.sh"]


def test_the_warranty_jobs_cost_is_in_the_ledger_once():
    # a job costed twice (the branch's warranty cost and the claim's credit) would show 168000
    cost = S.sql("SELECT coalesce(sum(amount), 0) FROM billing.ledger_entries WHERE debit = 'warranty_cost'")
    assert cost == [(84000,)], cost


def test_the_chargeable_job_is_invoiced_and_paid_once_per_receipt():
    rows = S.sql("SELECT number, amount, status FROM billing.invoices WHERE ticket_id = 1")
    assert [(r[1], r[2]) for r in rows] == [(11850, "paid")], rows
    payments = S.sql("SELECT reference, amount FROM billing.payments ORDER BY reference")
    assert payments == [("WX-DEMO-0001", 5000), ("WX-DEMO-0002", 6850)], payments


def test_both_branches_months_reconcile_with_the_ledger():
    month = S.sql("SELECT to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')")[0][0]
    sh01 = reconcile("SH01", month)
    assert sh01["reconciled"] is True, sh01
    figures = {f["figure"]: f["ledger"] for f in sh01["figures"]}
    assert (figures["chargeable_revenue"], figures["payments_received"]) == (11850, 11850), figures
    sz01 = reconcile("SZ01", month)
    figures = {f["figure"]: f for f in sz01["figures"]}
    assert figures["claims_paid"]["source"] == figures["claims_paid"]["ledger"] == 84000, figures
    # the job's cost once: the claim's credit; no free work of SZ01's own technicians
    assert (figures["warranty_cost"]["ledger"], figures["warranty_work"]["ledger"]) == (84000, 0), figures
    assert sz01["reconciled"] is True, sz01
    assert "branch SZ01, month %s" % month in OUT["money.sh"], OUT["money.sh"]


def test_a_second_run_of_the_money_demo_changes_nothing():
    before = S.sql("SELECT count(*) FROM billing.ledger_entries")
    demo("money.sh")
    assert S.sql("SELECT count(*) FROM billing.ledger_entries") == before
    assert S.sql("SELECT count(*) FROM claims.claims") == [(1,)]
