"""Service-provider settlement through the running billing service
(docs/providers.md): P-JS's months scored, a quarter settled and its reward
paid through the dealer D-JS on head office's notice once the provider
confirms; the next quarter a penalty larger than the reward is taken from the
reward, then the deposit, then other receivables, with a fraud fine of 10×;
the deposit falls short and must be topped up within 3 days (sla.subject to
dispatch); settling twice books once; callback satisfaction below 80 % and a
media-exposure incident make a quarter ineligible, with the reason; the statement shows every figure; the
ledger holds each movement once. Every refusal changes nothing, and every
reply is checked against its schema."""
import datetime
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
import request_helpers as rq  # noqa: E402
from request_helpers import ok, refused  # noqa: E402
from kefu_system import System, ROOT  # noqa: E402

S = None
CST = datetime.timezone(datetime.timedelta(hours=8))


def us(*args):
    return int(datetime.datetime(*args, tzinfo=CST).timestamp() * 1_000_000)


def org_file(tmp):
    """The test organisation with P-JS under contract from July 2026 (80,000
    yuan a year, a deposit of 10,000), its reward paid by the dealer D-JS."""
    with open(os.path.join(ROOT, "tests", "fixtures", "org.yaml"), encoding="utf-8") as f:
        text = f.read()
    for old, new in (('contract_start: "2026-01-01"', 'contract_start: "2026-07-01"'),
                     ('deposit: "5000.00"', 'deposit: "10000.00"')):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    # a technician of P-JS's, whose callbacks count for its satisfaction
    text = text.replace("technicians:\n", "technicians:\n  - {id: PT01, name: 钱师傅, organisation: P-JS, grade: senior,"
                                          " skills: [water-heater], capacity: 1, shift: {mon: [\"09:00-18:00\"]},"
                                          " active: false}\n", 1)
    # the calendars are found from the fixture's folder, not this copy's
    text = re.sub(r'(?m)^calendars_dir: .*$', 'calendars_dir: "%s"' % os.path.join(ROOT, "deploy", "calendars"), text)
    path = os.path.join(tmp, "org-providers.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def setup_module():
    global S
    import tempfile
    tmp = tempfile.mkdtemp(prefix="kefu-provider-org-")
    os.chmod(tmp, 0o755)
    S = System("provider", org=org_file(tmp), clock_us=us(2026, 10, 5, 10, 0))
    S.start_services(["dispatch", "billing"])


def teardown_module():
    if S:
        try:
            assert S.check_messages() > 0
        finally:
            S.shutdown()


def ask(staff, request, body):
    return rq.asker(S, S.config.billing_api)(staff, request, body)


def books():
    return S.sql("SELECT key, kind, debit, credit, amount, coalesce(party, '') FROM billing.ledger_entries"
                 " ORDER BY id")


def rows():
    return (books(), S.sql("SELECT * FROM billing.provider_months ORDER BY 1, 2"),
            S.sql("SELECT id, amount, from_reward FROM billing.provider_penalties ORDER BY id"),
            S.sql("SELECT provider_id, quarter, state FROM billing.provider_settlements ORDER BY 1, 2"),
            S.sql("SELECT provider_id, held, state FROM billing.provider_deposits"))


def subjects():
    """(event, due_at) of the sla.subject messages billing sent."""
    msgs = [json.loads(p) for (p,) in S.sql("SELECT payload FROM billing.outbox ORDER BY id")]
    return [(m["body"]["event"], m["body"].get("due_at")) for m in msgs if m["type"] == "sla.subject"]


def test_a_quarter_paid_through_the_dealer():
    before = rows()
    # refusals change nothing
    refused(ask("RM-SH", "provider.month", {"provider": "P-JS", "month": "2026-07", "score": 92}),
            "not_found", "serves no region of the caller's")
    refused(ask("HO01", "provider.month", {"provider": "D-SH", "month": "2026-07", "score": 92}),
            "not_found", 'no service provider "D-SH"')
    refused(ask("HO01", "provider.month", {"provider": "P-JS", "month": "2026-13", "score": 92}),
            "invalid", "body.month")
    refused(ask("HO01", "provider.month", {"provider": "P-JS", "month": "2026-07", "score": 92.125}),
            "invalid", "body.score: 0 to 100 points with at most two decimals")
    refused(ask("FN01", "provider.month", {"provider": "P-JS", "month": "2026-07", "score": 92}), "forbidden", "")
    refused(ask("HO01", "provider.deposit", {"provider": "P-JS", "amount": 1000000, "currency": "USD",
                                             "request_id": "d-0"}), "invalid", "contract is in CNY")
    refused(ask("HO01", "provider.deposit", {"provider": "P-JS", "amount": 1000000, "currency": "XYZ",
                                             "request_id": "d-0"}), "invalid", "not an ISO 4217 currency")
    refused(ask("HO01", "provider.deposit", {"provider": "P-JS", "amount": 0, "request_id": "d-0"}),
            "invalid", "body.amount")
    refused(ask("HO01", "provider.settle", {"provider": "P-JS", "quarter": "2026Q4"}), "conflict",
            "2026Q3 comes first")
    assert rows() == before

    for month, score in (("2026-07", 92), ("2026-08", 90), ("2026-09", 91)):
        assert ok(ask("HO01", "provider.month", {"provider": "P-JS", "month": month, "score": score}))["score"] == score
    dep = ok(ask("FN01", "provider.deposit", {"provider": "P-JS", "amount": 1000000, "request_id": "d-1"}))
    assert (dep["held"], dep["required"], dep["state"], dep["replayed"]) == (1000000, 1000000, "ok", False), dep
    assert ok(ask("FN01", "provider.deposit", {"provider": "P-JS", "amount": 1000000,
                                               "request_id": "d-1"}))["replayed"] is True

    # the statement before settling: (92 + 90 + 91) / 3 = 91.00, grade B, 80,000 × 1.1 ÷ 12 × 3
    st = ok(ask("FN01", "provider.statement", {"provider": "P-JS", "quarter": "2026Q3"}))
    assert [(m["month"], m["score"], m["counts"]) for m in st["months"]] == [
        ("2026-07", 92, 92), ("2026-08", 90, 90), ("2026-09", 91, 91)], st
    assert (st["average"], st["grade"], st["coefficient"], st["eligible"], st["reward"], st["state"]) == (
        91, "B", 1100, True, 2200000, "open"), st

    settled = ok(ask("HO01", "provider.settle", {"provider": "P-JS", "quarter": "2026Q3"}))
    assert (settled["state"], settled["reward"], settled["payable"], settled["paid_by_dealer"],
            settled["replayed"]) == ("settled", 2200000, 2200000, "D-JS", False), settled
    again = ok(ask("FN01", "provider.settle", {"provider": "P-JS", "quarter": "2026Q3"}))
    assert again["replayed"] is True and again["reward"] == 2200000, again
    refused(ask("HO01", "provider.month", {"provider": "P-JS", "month": "2026-08", "score": 99}),
            "conflict", "is settled: its months are final")

    # through the dealer: notice by head office, confirmation by the provider
    refused(ask("PS01", "provider.confirm", {"provider": "P-JS", "quarter": "2026Q3"}), "conflict",
            "no notice to pay yet")
    refused(ask("FN01", "provider.notice", {"provider": "P-JS", "quarter": "2026Q3"}), "forbidden", "")
    assert ok(ask("HO01", "provider.notice", {"provider": "P-JS", "quarter": "2026Q3"}))["state"] == "noticed"
    refused(ask("DS01", "provider.confirm", {"provider": "P-JS", "quarter": "2026Q3"}), "forbidden", "")
    assert ok(ask("PS01", "provider.confirm", {"provider": "P-JS", "quarter": "2026Q3"}))["state"] == "confirmed"
    refused(ask("PS01", "provider.confirm", {"provider": "P-JS", "quarter": "2026Q3"}), "conflict",
            "confirmed already")
    assert books() == [
        ("deposit:P-JS:FN01:d-1", "deposit", "cash", "deposits", 1000000, "P-JS"),
        ("reward:P-JS:2026Q3", "reward", "service_revenue", "provider_rewards_payable", 2200000, "P-JS"),
        ("via_dealer:P-JS:2026Q3", "reward_via_dealer", "provider_rewards_payable", "dealer_accounts", 2200000,
         "D-JS"),
    ]


def test_penalties_taken_from_reward_then_deposit_then_receivables():
    S.set_clock(us(2027, 1, 5, 10, 0))
    for month, score in (("2026-10", 96), ("2026-11", 85), ("2026-12", 98)):
        ok(ask("HO01", "provider.month", {"provider": "P-JS", "month": month, "score": score}))
    # November's 85 counts 0: (96 + 0 + 98) / 3 = 64.67, grade D (0.8)
    st = ok(ask("HO01", "provider.statement", {"provider": "P-JS", "quarter": "2026Q4"}))
    assert (st["average"], st["grade"], st["coefficient"], st["reward"]) == (64.67, "D", 800, 1600000), st
    assert [m["counts"] for m in st["months"]] == [96, 0, 98], st["months"]
    # recorded again before settling: 95 → (96 + 95 + 98) / 3 = 96.33, grade A (1.2): 24,000 yuan
    ok(ask("HO01", "provider.month", {"provider": "P-JS", "month": "2026-11", "score": 95}))

    pen = {"provider": "P-JS", "amount": 3000000, "reason": "安装质量不合格", "request_id": "p-1"}
    p1 = ok(ask("HO01", "provider.penalty", pen))
    assert ok(ask("HO01", "provider.penalty", pen)) == dict(p1, replayed=True)
    refused(ask("HO01", "provider.penalty", dict(pen, amount=1)), "conflict", "recorded another penalty")
    refused(ask("RM-SH", "provider.fraud", {"provider": "P-JS", "involved": 50000, "reason": "x",
                                            "request_id": "f-1"}), "forbidden", "")
    fine = ok(ask("HO01", "provider.fraud", {"provider": "P-JS", "involved": 50000, "reason": "虚报奖励工单",
                                             "request_id": "f-1"}))
    assert (fine["kind"], fine["amount"], fine["involved"], fine["factor"]) == ("fraud", 500000, 50000, 10), fine

    st = ok(ask("PS01", "provider.statement", {"provider": "P-JS", "quarter": "2026Q4"}))
    assert (st["grade"], st["reward"], [p["taken"] for p in st["penalties"]]) == ("A", 2400000, [False, False]), st

    settled = ok(ask("HO01", "provider.settle", {"provider": "P-JS", "quarter": "2026Q4"}))
    assert (settled["reward"], settled["taken_from_reward"], settled["payable"]) == (2400000, 2400000, 0), settled
    assert [(p["kind"], p["amount"], p["from_reward"], p["from_deposit"], p["from_other"])
            for p in settled["penalties"]] == [("penalty", 3000000, 2400000, 600000, 0),
                                               ("fraud", 500000, 0, 400000, 100000)], settled["penalties"]
    due = "2027-01-08T02:00:00Z"            # three days after 2027-01-05 10:00 in Shanghai
    assert settled["deposit"] == {"held": 0, "required": 1000000, "state": "short", "topup_due_at": due}, settled
    assert ok(ask("HO01", "provider.settle", {"provider": "P-JS", "quarter": "2026Q4"}))["replayed"] is True
    h.wait_until(lambda: [e for e, _ in subjects()] == ["short"], 30, "the deposit's short event")
    assert subjects()[0][1].startswith("2027-01-08T02:00:00"), subjects()

    # topped up: half is not enough, the rest restores it
    part = ok(ask("FN01", "provider.deposit", {"provider": "P-JS", "amount": 500000, "request_id": "d-2"}))
    assert (part["held"], part["state"], part["topup_due_at"]) == (500000, "short", due), part
    full = ok(ask("FN01", "provider.deposit", {"provider": "P-JS", "amount": 500000, "request_id": "d-3"}))
    assert (full["held"], full["state"]) == (1000000, "ok") and "topup_due_at" not in full, full
    h.wait_until(lambda: [e for e, _ in subjects()] == ["short", "topped_up"], 30, "the topped_up event")

    q4 = [b for b in books() if "2026Q4" in b[0] or b[0].startswith("penalty:")]
    assert q4 == [
        ("reward:P-JS:2026Q4", "reward", "service_revenue", "provider_rewards_payable", 2400000, "P-JS"),
        ("penalty:%d:reward" % p1["penalty_id"], "penalty", "provider_rewards_payable", "penalties", 2400000, "P-JS"),
        ("penalty:%d:deposit" % p1["penalty_id"], "penalty", "deposits", "penalties", 600000, "P-JS"),
        ("penalty:%d:deposit" % fine["penalty_id"], "penalty", "deposits", "penalties", 400000, "P-JS"),
        ("penalty:%d:other" % fine["penalty_id"], "penalty", "other_receivables", "penalties", 100000, "P-JS"),
    ], q4
    # one month of the statement: its score, and the quarter's figures
    one = ok(ask("PS01", "provider.statement", {"provider": "P-JS", "month": "2026-11"}))
    assert [(m["month"], m["score"]) for m in one["months"]] == [("2026-11", 95)], one
    assert (one["quarter"], one["state"], one["average"]) == ("2026Q4", "settled", 96.33), one


def callbacks_of_pt01(outcomes, recorded_at):
    """Recorded callbacks of PT01's work (as callback records them; the
    owner writes them here, no ticket needing a visit of a provider)."""
    for outcome in outcomes:
        ticket = 9000 + S.sql("SELECT count(*) FROM callback.callbacks")[0][0]
        S.sql("INSERT INTO callback.callbacks (ticket_id, branch_id, customer_id, purpose, cause, technician_id,"
              " status, outcome, recorded_by, completed_at, due_at, recorded_at)"
              " VALUES (%s, 'SZ01', 'C1004', 'after_work', 'workorder_accepted', 'PT01', 'recorded', %s, 'A301',"
              " %s, %s, %s)", (ticket, outcome, recorded_at, recorded_at, recorded_at))


def test_callback_satisfaction_below_the_rule_makes_the_quarter_ineligible():
    # 2027Q1: 3 of 4 callbacks satisfied, 75 % < 80 %
    callbacks_of_pt01(["satisfied", "satisfied", "dissatisfied", "satisfied"], "2027-01-04T03:00:00Z")
    callbacks_of_pt01(["satisfied"], "2026-12-31T15:59:59Z")      # still 2026 in Suzhou: not counted
    st = ok(ask("HO01", "provider.statement", {"provider": "P-JS", "quarter": "2027Q1"}))
    assert st["callbacks"] == {"recorded": 4, "satisfied": 3}, st
    assert (st["eligible"], st["reason"], st["reward"]) == (
        False, "callback satisfaction 75.00 % (3 of 4) is below 80.00 %", 0), st
    callbacks_of_pt01(["satisfied"], "2027-01-04T04:00:00Z")      # 4 of 5: 80 % meets it
    st = ok(ask("HO01", "provider.statement", {"provider": "P-JS", "quarter": "2027Q1"}))
    assert (st["callbacks"], st["eligible"], st["reason"]) == ({"recorded": 5, "satisfied": 4}, True, None), st


def test_a_media_exposure_incident_makes_the_year_ineligible():
    ok(ask("HO01", "provider.incident", {"provider": "P-JS", "occurred_on": "2027-01-03",
                                         "description": "安装事故被媒体报道", "request_id": "i-1"}))
    st = ok(ask("HO01", "provider.statement", {"provider": "P-JS", "quarter": "2027Q1"}))
    assert (st["eligible"], st["reason"], st["reward"]) == (False, "a media-exposure incident on 2027-01-03", 0), st
    refused(ask("HO01", "provider.settle", {"provider": "P-JS", "quarter": "2027Q1"}), "conflict",
            "cannot be settled before")


def test_kefuctl_statement_and_provider_commands():
    """The same books through kefuctl: a table for people, CSV for reports,
    --json checked against the reply schema; a penalty given in yuan; a
    refusal printed with exit 1."""
    table = S.kefuctl_as("FN01", "statement", "P-JS", "--quarter", "2026Q4").stdout
    assert "P-JS 2026Q4 (CNY, settled)" in table, table
    for figure in ("96.33", "1.200", "24000.00", "30000.00", "deposit 6000.00", "other receivables 1000.00",
                   "base 80000.00"):
        assert figure in table, (figure, table)
    csv = S.kefuctl_as("FN01", "statement", "P-JS", "--quarter", "2026Q4", "--csv").stdout.splitlines()
    assert csv[0] == "step,item,value,detail", csv
    assert "month,2026-11,95.00,\"covered, counts 95.00\"" in csv, csv
    assert any(l.startswith("reward,,24000.00,") for l in csv), csv
    assert any(l.startswith("penalty,penalty ") and ",30000.00," in l and "deposit 6000.00" in l for l in csv), csv
    js = S.kefuctl_as("PS01", "statement", "P-JS", "--month", "2026-10", json_out=True)
    assert [m["month"] for m in js["months"]] == ["2026-10"], js
    out = S.kefuctl_as("HO01", "--json", "provider", "penalty", "P-JS", "120.50", "--reason", "迟到",
                       "--request-id", "cli-1").stdout
    assert '"amount":12050' in out.replace(" ", ""), out
    bad = S.kefuctl_as("HO01", "provider", "penalty", "P-JS", "12.345", "--reason", "x", check=False)
    assert bad.returncode == 2 and "amount" in bad.stderr, (bad.returncode, bad.stderr)
    bad = S.kefuctl_as("RM-SH", "statement", "P-JS", "--quarter", "2026Q4", check=False)
    assert bad.returncode == 1 and "serves no region of the caller's" in bad.stderr, (bad.returncode, bad.stderr)


def test_head_office_report_reconciles_rewards_penalties_and_deposits():
    """Head office's books (kefuctl reconcile --branch HQ): October has Q3's
    reward, paid through the dealer, and the first deposit; January has Q4's
    reward and both penalties as they were taken, and the deposit used and
    topped up again. A branch's books hold none of it."""
    figures = lambda r: {f["figure"]: (f["source"], f["ledger"]) for f in r["figures"]}  # noqa: E731
    octo = ok(ask("HO01", "ledger.report", {"branch": "HQ", "month": "2026-10"}))
    assert (octo["books"], octo["timezone"], octo["reconciled"], octo["differences"]) == (
        "head_office", "Asia/Shanghai", True, []), octo
    f = figures(octo)
    assert (f["rewards"], f["rewards_via_dealer"], f["deposits_received"], f["deposits_held"], f["penalties"]) == (
        (2200000,) * 2, (2200000,) * 2, (1000000,) * 2, (1000000,) * 2, (0, 0)), f
    jan = ok(ask("FN01", "ledger.report", {"branch": "HQ", "month": "2027-01", "timezone": "Asia/Shanghai"}))
    assert jan["reconciled"] is True and jan["from"] == "2026-12-31T16:00:00.000000Z", jan
    f = figures(jan)
    assert {k: v[0] for k, v in f.items()} == {
        "rewards": 2400000, "penalties": 3500000, "penalties_from_reward": 2400000,
        "penalties_from_deposit": 1000000, "penalties_from_other": 100000, "rewards_via_dealer": 0,
        "deposits_received": 1000000, "deposits_used": 1000000, "deposits_held": 1000000}, f
    assert all(s == l for s, l in f.values()), f
    refused(ask("RM-SH", "ledger.report", {"branch": "HQ", "month": "2027-01"}), "forbidden", "every branch")
    refused(ask("HO01", "ledger.report", {"branch": "HQ", "month": "2027-01", "timezone": "Mars/Base"}),
            "invalid", "body.timezone")
    refused(ask("HO01", "ledger.report", {"branch": "SH01", "month": "2027-01", "timezone": "Asia/Shanghai"}),
            "invalid", "body.timezone")
    sh = figures(ok(ask("HO01", "ledger.report", {"branch": "SH01", "month": "2027-01"})))
    assert (sh["rewards"], sh["penalties"]) == ((0, 0), (0, 0)), sh
    table = S.kefuctl_as("FN01", "reconcile", "--branch", "HQ", "--month", "2027-01").stdout
    assert "head office HQ, month 2027-01" in table and "penalties_from_deposit" in table, table
    assert "reconciled: every figure agrees" in table, table
