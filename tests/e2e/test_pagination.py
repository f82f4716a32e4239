"""Cursor pagination of every list request (docs/kefuctl.md "Pages"), with
the six services running: ticket.list, workorder.list, callback.list,
inspection.pending, claim.list, invoice.list and ledger.entries.

For each list, a walk with a small limit, following next_cursor until it is
absent, returns every row exactly once and in the list's own order, even
when rows are added between pages (rows that sort before the walk's
position are not in it, rows after it come at the end); a cursor of another
list, one edited and one that is no cursor at all are refused `invalid`
naming body.cursor. A cursor does not widen what the caller sees: another
caller walking with it sees only their branches' rows.

Tickets go through intake's ticket.submit. The other lists' rows are
written into their tables as the services would have (the rows these
requests read; how they get there is each service's own test), with sort
keys that tie, so that the id orders rows of one instant."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from intake_client import IntakeClient  # noqa: E402
from kefu_harness import EPOCH_US  # noqa: E402
from kefu_system import System, ROOT  # noqa: E402

S = None
T0 = 1_800_000_000 * 1_000_000            # 2027-01-15T08:00:00Z
MINUTE = 60 * 1_000_000
PLANS = os.path.join(ROOT, "tests", "fixtures", "qc.yaml")
WO_TICKET = 990001                         # the ticket whose work orders are written below


def setup_module():
    global S
    S = System("pagination", clock_us=T0, qc={"plans_file": PLANS})
    S.start_services()


def teardown_module():
    if S:
        S.shutdown()


def ts(us):
    """SQL text of an instant (microseconds since the epoch)."""
    return "timestamptz 'epoch' + %d * interval '1 microsecond'" % us


def ask(endpoint, staff, request, body):
    c = IntakeClient(endpoint, timeout_ms=30000, token=S.token_of(staff))
    try:
        reply = c.request(request, body)
    finally:
        c.close()
    assert reply is not None, "no reply to %s" % request
    return reply


def walk(endpoint, staff, request, body, rows_key, id_key, between=None, cursor=None):
    """Follows next_cursor from the first page (or from cursor) to the end;
    returns the ids in the order answered and the number of pages.
    between(), when given, runs once after the first page."""
    ids, pages = [], 0
    while True:
        b = dict(body)
        if cursor:
            b["cursor"] = cursor
        reply = ask(endpoint, staff, request, b)
        assert reply["ok"] is True, (request, b, reply)
        page = reply["result"]
        assert len(page[rows_key]) <= body["limit"], page
        ids += [row[id_key] for row in page[rows_key]]
        pages += 1
        cursor = page.get("next_cursor")
        if pages == 1 and between:
            between()
        if not cursor:
            return ids, pages
        assert pages < 100, "no end to %s" % request


def refuses_foreign_cursors(endpoint, staff, request, body, other_cursor, own_cursor):
    for cursor, why in ((other_cursor, "a cursor of"), (own_cursor[:-2] + ("AA" if own_cursor[-2:] != "AA" else "BB"),
                                                        "body.cursor:"),
                        ("bm90LWEtY3Vyc29y", "body.cursor:")):
        reply = ask(endpoint, staff, request, dict(body, cursor=cursor))
        assert reply["ok"] is False and reply["error"]["code"] == "invalid", (request, cursor, reply)
        assert "body.cursor: " in reply["error"]["message"] and why in reply["error"]["message"], reply


def first_cursor(endpoint, staff, request, body):
    reply = ask(endpoint, staff, request, body)
    assert reply["ok"] is True and "next_cursor" in reply["result"], reply
    return reply["result"]["next_cursor"]


# -- ticket.list: newest first (id) ------------------------------------------------------------

def submit(branch_customer):
    reply = S.client.submit({"channel": "hotline", "kind": "consultation", "customer": {"id": branch_customer},
                             "product": {"code": "AC-3200"}, "description": "分页 paging",
                             "answered": True, "resolution": "answered on the phone"})
    assert reply["ok"] is True, reply
    return reply["result"]["ticket_id"]


def test_ticket_list_walks_every_ticket_once_newest_first():
    made = [submit(c) for c in ("C1001", "C1003", "C1004", "C1002", "C1001", "C1003", "C1005")]
    late = []
    ids, pages = walk(S.config.api, "CC01", "ticket.list", {"limit": 2}, "tickets", "id",
                      between=lambda: late.append(submit("C1002")))
    assert ids == sorted(made, reverse=True), (ids, made)
    assert pages == 4
    assert late[0] > max(made)             # newer than the walk's position: not in it
    # a walk from the top now begins with the late ticket
    assert walk(S.config.api, "CC01", "ticket.list", {"limit": 3}, "tickets", "id")[0][:1] == late


def test_ticket_list_cursor_keeps_the_callers_branches():
    cursor = first_cursor(S.config.api, "CC01", "ticket.list", {"limit": 1})
    sh01 = [t for (t,) in S.sql("SELECT id FROM intake.tickets WHERE branch_id = 'SH01' ORDER BY id DESC")]
    ids, _ = walk(S.config.api, "A101", "ticket.list", {"limit": 2}, "tickets", "id", cursor=cursor)
    newest = S.sql("SELECT max(id) FROM intake.tickets")[0][0]
    assert ids == [t for t in sh01 if t < newest], (ids, sh01)


def test_ticket_list_refuses_foreign_cursors():
    own = first_cursor(S.config.api, "CC01", "ticket.list", {"limit": 1})
    refuses_foreign_cursors(S.config.api, "CC01", "ticket.list", {"limit": 1}, workorder_cursor(), own)


def test_kefuctl_list_pages_with_cursor():
    proc = S.kefuctl("list", "--limit", "2")
    assert "next page: --cursor " in proc.stderr, proc.stderr
    cursor = proc.stderr.split("--cursor ")[1].split()[0]
    page = S.kefuctl("list", "--limit", "2", "--cursor", cursor, json_out=True)
    first = S.kefuctl("list", "--limit", "4", json_out=True)
    assert [t["id"] for t in page["tickets"]] == [t["id"] for t in first["tickets"]][2:4]
    assert page["next_cursor"]
    bad = S.kefuctl("list", "--cursor", "bm90LWEtY3Vyc29y", check=False)
    assert bad.returncode == 1 and "body.cursor: " in bad.stderr, bad.stderr
    cut = S.kefuctl("invoices", "--cursor", "a b", check=False)       # refused before asking
    assert cut.returncode == 2 and "--cursor: not a cursor" in cut.stderr, cut.stderr


# -- workorder.list: oldest first (id), every one unless a limit is asked ---------------------

def add_work_order(follows=None):
    purpose = "rework" if follows else "visit"
    return S.sql("INSERT INTO dispatch.work_orders (ticket_id, branch_id, kind, status, purpose, follows)"
                 " VALUES (%s, 'SH01', 'repair', 'cancelled', %s, %s) RETURNING id",
                 (WO_TICKET, purpose, follows))[0][0]


def seed_work_orders():
    if not S.sql("SELECT 1 FROM dispatch.work_orders WHERE ticket_id = %s", (WO_TICKET,)):
        last = add_work_order()
        for _ in range(4):
            last = add_work_order(last)
    return [w for (w,) in S.sql("SELECT id FROM dispatch.work_orders WHERE ticket_id = %s ORDER BY id",
                                (WO_TICKET,))]


def workorder_cursor():
    seed_work_orders()
    return first_cursor(S.config.dispatch_api, "CC01", "workorder.list", {"ticket_id": WO_TICKET, "limit": 1})


def test_workorder_list_walks_every_work_order_once():
    made = seed_work_orders()
    late = []
    ids, pages = walk(S.config.dispatch_api, "CC01", "workorder.list", {"ticket_id": WO_TICKET, "limit": 2},
                      "work_orders", "work_order_id", between=lambda: late.append(add_work_order(made[-1])))
    assert ids == made + late, (ids, made, late)
    assert pages == 3
    whole = ask(S.config.dispatch_api, "CC01", "workorder.list", {"ticket_id": WO_TICKET})["result"]
    assert [w["work_order_id"] for w in whole["work_orders"]] == made + late and "next_cursor" not in whole
    refuses_foreign_cursors(S.config.dispatch_api, "CC01", "workorder.list", {"ticket_id": WO_TICKET, "limit": 2},
                            first_cursor(S.config.api, "CC01", "ticket.list", {"limit": 1}), workorder_cursor())


# -- callback.list: earliest deadline first (due_at, id) -----------------------------------------

def add_callback(branch, customer, due_us):
    ticket = 660001 + S.sql("SELECT count(*) FROM callback.callbacks")[0][0]   # one call per ticket
    return S.sql("INSERT INTO callback.callbacks (ticket_id, branch_id, customer_id, purpose, cause, agent_id,"
                 " completed_at, due_at, next_call_at) VALUES (%s, %s, %s, 'after_work', 'ticket_resolved', 'CC01', "
                 + ts(T0) + ", " + ts(due_us) + ", " + ts(due_us) + ") RETURNING id",
                 (ticket, branch, customer))[0][0]


def test_callback_list_walks_every_call_once_by_deadline():
    dues = [T0 + 90 * MINUTE, T0 + 60 * MINUTE, T0 + 60 * MINUTE, T0 + 120 * MINUTE, T0 + 60 * MINUTE,
            T0 + 30 * MINUTE, T0 + 90 * MINUTE]
    for i, d in enumerate(dues):
        add_callback(("SH01", "SZ01")[i % 2], ("C1001", "C1004")[i % 2], d)
    # with the calls the tickets above made (a consultation answered: ticket_resolved),
    # once callback has taken in every message about them (one still in flight
    # would make its call during the walk, after this list was read)
    S.quiet()
    made = S.sql("SELECT " + EPOCH_US % "due_at" + ", id FROM callback.callbacks"
                 " WHERE status IN ('scheduled', 'retrying')")
    late = []

    def between():   # one due after the walk's position, one before it
        late.append((T0 + 200 * MINUTE, add_callback("SH01", "C1002", T0 + 200 * MINUTE)))
        add_callback("SH01", "C1002", T0 + 10 * MINUTE)

    body = {"all": True, "upcoming": True, "limit": 2}
    ids, _ = walk(S.config.callback_api, "CC01", "callback.list", body, "callbacks", "callback_id", between=between)
    assert ids == [i for _, i in sorted(made + late)], (ids, sorted(made))
    # SH01's team lead, with CC01's cursor: SH01's calls only
    cursor = first_cursor(S.config.callback_api, "CC01", "callback.list", body)
    tl, _ = walk(S.config.callback_api, "TL01", "callback.list", body, "callbacks", "callback_id", cursor=cursor)
    branches = dict(S.sql("SELECT id, branch_id FROM callback.callbacks"))
    assert tl and {branches[i] for i in tl} == {"SH01"}, tl
    refuses_foreign_cursors(S.config.callback_api, "CC01", "callback.list", body, workorder_cursor(), cursor)


# -- inspection.pending: oldest first (started_at, inspection) ------------------------------------

def add_inspection(work_order, started_us):
    iid = S.sql("INSERT INTO qc.inspections (work_order_id, ticket_id, branch_id, technician_id, kind, plan,"
                " done_at, created_at) VALUES (%s, %s, 'SH01', 'T101', 'repair', 'car_repair', "
                + ts(T0) + ", " + ts(T0) + ") RETURNING id", (work_order, work_order))[0][0]
    S.sql("INSERT INTO qc.inspection_levels (inspection_id, position, name, role, branch_id, status, started_at)"
          " VALUES (%s, 2, 'final_inspection', 'qc_inspector', 'SH01', 'pending', " + ts(started_us) + ")", (iid,))
    return iid


def test_inspection_pending_walks_every_level_once_oldest_first():
    starts = [T0 - 5 * MINUTE, T0 - 9 * MINUTE, T0 - 5 * MINUTE, T0 - 7 * MINUTE, T0 - 5 * MINUTE, T0 - 1]
    made = [(s, add_inspection(880001 + i, s)) for i, s in enumerate(starts)]
    late = []
    ids, pages = walk(S.config.qc_api, "QC01", "inspection.pending", {"limit": 4}, "pending", "inspection_id",
                      between=lambda: late.append((T0, add_inspection(880100, T0))))
    assert ids == [i for _, i in sorted(made + late)], (ids, sorted(made))
    assert pages == 2
    cursor = first_cursor(S.config.qc_api, "QC01", "inspection.pending", {"limit": 1})
    refuses_foreign_cursors(S.config.qc_api, "QC01", "inspection.pending", {"limit": 1}, workorder_cursor(), cursor)


# -- claim.list: newest first (id) ----------------------------------------------------------------

def add_claim(work_order, org, branch):
    return S.sql("INSERT INTO claims.claims (work_order_id, ticket_id, branch_id, org_id, product_code, spec,"
                 " quantity, purchase_proof, install_date, description, cause, photos, amount, currency, filed_by,"
                 " filed_at) VALUES (%s, %s, %s, %s, 'AC-3200', '1.5P', 1, 'INV-1', '2026-03-20', '压缩机故障',"
                 " 'LEAK', '[]', 84000, 'CNY', 'DS01', " + ts(T0) + ") RETURNING id",
                 (work_order, work_order, branch, org))[0][0]


def test_claim_list_walks_every_claim_once_newest_first():
    made = [add_claim(770001 + i, ("D-SH", "D-JS")[i % 2], ("SH01", "SZ01")[i % 2]) for i in range(5)]
    late = []
    ids, _ = walk(S.config.claims_api, "HO01", "claim.list", {"limit": 2}, "claims", "claim_id",
                  between=lambda: late.append(add_claim(770100, "D-SH", "SH01")))
    assert ids == sorted(made, reverse=True), (ids, made)
    # the dealer D-SH, with head office's cursor: its own claims only
    cursor = first_cursor(S.config.claims_api, "HO01", "claim.list", {"limit": 1})
    mine, _ = walk(S.config.claims_api, "DS01", "claim.list", {"limit": 1}, "claims", "claim_id", cursor=cursor)
    assert mine == [c for c in sorted(made, reverse=True) if made.index(c) % 2 == 0], mine
    refuses_foreign_cursors(S.config.claims_api, "HO01", "claim.list", {"limit": 1}, workorder_cursor(), cursor)


# -- invoice.list: newest first (issued_at, id) and ledger.entries: oldest first (at, id) ----------

def add_invoice(seq, branch, issued_us):
    return S.sql("INSERT INTO billing.invoices (number, branch_id, year, seq, source, customer_id, amount,"
                 " currency, issued_at, issued_by) VALUES (%s, %s, 2027, %s, %s, 'C1001', 12000, 'CNY', "
                 + ts(issued_us) + ", 'FN01') RETURNING number",
                 ("INV-%s-2027-%06d" % (branch, seq), branch, seq, "paging:%d" % seq))[0][0]


def add_entry(n, at_us):
    return S.sql("INSERT INTO billing.ledger_entries (key, kind, debit, credit, amount, currency, branch_id, at,"
                 " actor) VALUES (%s, 'charge', 'customer_receivables', 'service_revenue', 5000, 'CNY', 'SH01', "
                 + ts(at_us) + ", 'FN01') RETURNING id", ("paging:%d" % n,))[0][0]


def test_invoice_list_walks_every_invoice_once_newest_first():
    issued = [T0 - 3 * MINUTE, T0 - MINUTE, T0 - 3 * MINUTE, T0 - 2 * MINUTE, T0 - 3 * MINUTE]
    made = [(t, n, add_invoice(n, ("SH01", "SZ01")[n % 2], t)) for n, t in enumerate(issued, start=1)]
    ids, pages = walk(S.config.billing_api, "FN01", "invoice.list", {"limit": 2}, "invoices", "number",
                      between=lambda: add_invoice(50, "SH01", T0))
    assert ids == [number for _, _, number in sorted(made, reverse=True)], (ids, made)
    assert pages == 3
    cursor = first_cursor(S.config.billing_api, "FN01", "invoice.list", {"limit": 1})
    sa, _ = walk(S.config.billing_api, "SA01", "invoice.list", {"limit": 1}, "invoices", "number", cursor=cursor)
    assert sa and all(n.startswith("INV-SH01-") for n in sa), sa
    refuses_foreign_cursors(S.config.billing_api, "FN01", "invoice.list", {"limit": 1}, workorder_cursor(), cursor)


def test_ledger_entries_walk_every_entry_once_oldest_first():
    ats = [T0 - 2 * MINUTE, T0 - 4 * MINUTE, T0 - 2 * MINUTE, T0 - 2 * MINUTE, T0 - MINUTE]
    made = [(t, add_entry(n, t)) for n, t in enumerate(ats)]
    late = []
    ids, _ = walk(S.config.billing_api, "FN01", "ledger.entries", {"limit": 2}, "entries", "id",
                  between=lambda: late.append((T0, add_entry(99, T0))))
    assert ids == [i for _, i in sorted(made + late)], (ids, sorted(made))
    cursor = first_cursor(S.config.billing_api, "FN01", "ledger.entries", {"limit": 1})
    refuses_foreign_cursors(S.config.billing_api, "FN01", "ledger.entries", {"limit": 1},
                            first_cursor(S.config.billing_api, "FN01", "invoice.list", {"limit": 1}), cursor)
