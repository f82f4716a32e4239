"""Branch confinement in PostgreSQL itself (schemas/sql/0014_branch_confinement.sql,
docs/security.md "Branch confinement"): every service role, stating one
branch in kefu.branches, reads no row of another branch from any table of
branch data; stating nothing, it reads nothing; the every-branch value "*"
shows everything only to the roles in kefu_all_branches and nothing to the
others; the owner is not confined; messaging tables are not branch data.
"""
import psycopg2

from kefu_harness import SERVICE_ROLES, Cluster

cluster = None

# Every table of branch data: its key column, and (as the owner) each
# row's key and branch. A customer not yet given to a branch belongs to the
# branch of its region (each region of the seed has one branch).
REGION_BRANCH = "(SELECT b.id FROM ref.branches b WHERE b.region_id = c.region_id)"
TABLES = {
    "ref.customers": ("id", "SELECT c.id, coalesce(c.branch_id, %s) FROM ref.customers c" % REGION_BRANCH),
    "ref.warranty_cards": ("card_no", "SELECT w.card_no, coalesce(c.branch_id, %s) FROM ref.warranty_cards w "
                                      "JOIN ref.customers c ON c.id = w.customer_id" % REGION_BRANCH),
    "ref.technicians": ("id", "SELECT id, branch_id FROM ref.technicians"),
    "intake.tickets": ("id", "SELECT id, branch_id FROM intake.tickets"),
    "intake.ticket_history": ("id", "SELECT h.id, t.branch_id FROM intake.ticket_history h "
                                    "JOIN intake.tickets t ON t.id = h.ticket_id"),
    "dispatch.work_orders": ("id", "SELECT id, branch_id FROM dispatch.work_orders"),
    "dispatch.work_order_history": ("id", "SELECT h.id, w.branch_id FROM dispatch.work_order_history h "
                                          "JOIN dispatch.work_orders w ON w.id = h.work_order_id"),
    "dispatch.technician_load": ("technician_id", "SELECT l.technician_id, t.branch_id "
                                                  "FROM dispatch.technician_load l "
                                                  "JOIN ref.technicians t ON t.id = l.technician_id"),
    "dispatch.sla_clocks": ("id", "SELECT id, branch_id FROM dispatch.sla_clocks"),
    "dispatch.done_reports": ("work_order_id", "SELECT work_order_id, branch_id FROM dispatch.done_reports"),
    "dispatch.escalations": ("id", "SELECT e.id, c.branch_id FROM dispatch.escalations e "
                                   "JOIN dispatch.sla_clocks c ON c.id = e.clock_id"),
    # a clock's own history (0037), confined through its clock
    "dispatch.subject_clock_history": ("id", "SELECT h.id, c.branch_id FROM dispatch.subject_clock_history h "
                                             "JOIN dispatch.sla_clocks c ON c.id = h.clock_id"),
    "qc.inspections": ("id", "SELECT id, branch_id FROM qc.inspections"),
    "qc.inspection_levels": ("inspection_id", "SELECT inspection_id, branch_id FROM qc.inspection_levels"),
    "qc.score_samples": ("ticket_id", "SELECT ticket_id, branch_id FROM qc.score_samples"),
    "qc.score_forms": ("ticket_id", "SELECT ticket_id, branch_id FROM qc.score_forms"),
    "qc.assessment_notices": ("id", "SELECT id, branch_id FROM qc.assessment_notices"),
    "qc.regional_assessments": ("subject", "SELECT subject, branch_id FROM qc.regional_assessments"),
    "callback.callbacks": ("id", "SELECT id, branch_id FROM callback.callbacks"),
    "callback.attempts": ("id", "SELECT a.id, c.branch_id FROM callback.attempts a "
                                "JOIN callback.callbacks c ON c.id = a.callback_id"),
    "callback.rest_hours": ("customer_id", "SELECT customer_id, branch_id FROM callback.rest_hours"),
    "intake.repairs": ("work_order_id", "SELECT work_order_id, branch_id FROM intake.repairs"),
    "dispatch.diagnoses": ("work_order_id", "SELECT work_order_id, branch_id FROM dispatch.diagnoses"),
    "billing.estimates": ("id", "SELECT id, branch_id FROM billing.estimates"),
    "billing.estimate_lines": ("estimate_id", "SELECT l.estimate_id, e.branch_id FROM billing.estimate_lines l "
                                              "JOIN billing.estimates e ON e.id = l.estimate_id"),
    "billing.installs": ("ticket_id", "SELECT ticket_id, branch_id FROM billing.installs"),
    "billing.settlements": ("id", "SELECT id, branch_id FROM billing.settlements"),
    "billing.settlement_lines": ("settlement_id", "SELECT l.settlement_id, s.branch_id FROM billing.settlement_lines l "
                                                  "JOIN billing.settlements s ON s.id = l.settlement_id"),
    "billing.disputes": ("id", "SELECT id, branch_id FROM billing.disputes"),
    "claims.claims": ("id", "SELECT id, branch_id FROM claims.claims"),
    "claims.claim_parts": ("claim_id", "SELECT claim_id, branch_id FROM claims.claim_parts"),
    "claims.returns": ("id", "SELECT id, branch_id FROM claims.returns"),
}
ALL_BRANCHES = ("kefu_intake", "kefu_dispatch", "kefu_qc", "kefu_callback", "kefu_billing", "kefu_claims")
# billing's ledger (0027); its head-office rows (branch_id NULL) are tested in it-ledger
TABLES["billing.ledger_entries"] = ("key", "SELECT key, branch_id FROM billing.ledger_entries")
# providers' settlement (0031): head office's books, of no branch, which only
# a transaction acting for every branch sees (tests/e2e/test_provider_settlement.py)
HEAD_OFFICE = {"billing.provider_months", "billing.provider_incidents", "billing.provider_penalties",
               "billing.provider_deposits", "billing.deposit_movements", "billing.provider_settlements"}
# invoices, payments, stages and claim credits (0028)
TABLES.update({
    "billing.number_counters": ("series", "SELECT series, branch_id FROM billing.number_counters"),
    "billing.invoices": ("number", "SELECT number, branch_id FROM billing.invoices"),
    "billing.credit_notes": ("number", "SELECT number, branch_id FROM billing.credit_notes"),
    "billing.payments": ("reference", "SELECT reference, branch_id FROM billing.payments"),
    "billing.projects": ("ticket_id", "SELECT ticket_id, branch_id FROM billing.projects"),
    "billing.payment_stages": ("id", "SELECT id, branch_id FROM billing.payment_stages"),
    "billing.claim_credits": ("claim_id", "SELECT claim_id, branch_id FROM billing.claim_credits"),
})
# screen pops (0042): read within the branches their opener acts for (one each here)
TABLES["intake.screen_pops"] = ("id", "SELECT id, branches[1] FROM intake.screen_pops")


def setup_module():
    global cluster
    cluster = Cluster().start()
    cluster.migrate_with_psql()
    seed_two_branches()
    seed_screen_pops()


def teardown_module():
    if cluster is not None:
        cluster.close()


def seed_two_branches():
    """Two branches with a row in every table of branch data, and a customer
    not yet given to a branch; written as the owner (not confined)."""
    o = cluster.sql
    o("INSERT INTO ref.tiers VALUES ('t1', 1)")
    o("INSERT INTO ref.regions VALUES ('SH', '上海', 't1'), ('BJ', '北京', 't1')")
    o("INSERT INTO ref.branches VALUES ('SH01', '浦东', 'SH', 'Asia/Shanghai', '{}'), "
      "('BJ01', '朝阳', 'BJ', 'Asia/Shanghai', '{}')")
    o("INSERT INTO ref.products VALUES ('AC-100', '空调', 'air-conditioner', false, 12)")
    o("INSERT INTO ref.customers (id, name, phone, region_id, branch_id) VALUES "
      "('C-SH', '李娜', '13800000001', 'SH', 'SH01'), ('C-BJ', '王强', '13800000002', 'BJ', 'BJ01'), "
      "('C-NEW', '张伟', '13800000003', 'SH', NULL)")
    o("INSERT INTO ref.warranty_cards VALUES ('W-SH', 'C-SH', 'AC-100', 's1', NULL), "
      "('W-BJ', 'C-BJ', 'AC-100', 's2', NULL), ('W-NEW', 'C-NEW', 'AC-100', 's3', NULL)")
    for branch, customer, tech in (("SH01", "C-SH", "T-SH"), ("BJ01", "C-BJ", "T-BJ")):
        o("INSERT INTO ref.technicians VALUES (%s, '师傅', %s, 'senior', '{}', 3, '{}', true)",
          (tech, branch))
        tid = cluster.scalar("INSERT INTO intake.tickets (branch_id, customer_id, channel, kind, "
                             "description) VALUES (%s, %s, 'hotline', 'repair', 'x') RETURNING id",
                             (branch, customer))
        o("INSERT INTO intake.ticket_history (ticket_id, actor, event) VALUES (%s, 'intake', 'created')",
          (tid,))
        wo = cluster.scalar("INSERT INTO dispatch.work_orders (ticket_id, branch_id, kind, status, "
                            "technician_id, assigned_at) VALUES (%s, %s, 'repair', 'assigned', %s, "
                            "now()) RETURNING id", (tid, branch, tech))
        o("INSERT INTO dispatch.work_order_history (work_order_id, event) VALUES (%s, 'assigned')", (wo,))
        o("INSERT INTO dispatch.done_reports (work_order_id, ticket_id, branch_id, technician_id, reported_by, "
          "parts, labour_minutes, distance_m, cause, photos, reported_at) VALUES (%s, %s, %s, %s, %s, '[]', 30, 0, "
          "'wear', '[]', now())", (wo, tid, branch, tech, tech))
        clock = cluster.scalar(
            "INSERT INTO dispatch.sla_clocks (ticket_id, branch_id, clock, policy, target_kind, "
            "target_amount, time_kind, starts_on, stops_on, warn_percent, repeat_minutes, state) "
            "VALUES (%s, %s, 'response', 'p', 'minutes', 30, 'business', 'created', 'first_reply', "
            "80, 60, 'pending') RETURNING id", (tid, branch))
        o("INSERT INTO dispatch.escalations (clock_id, ticket_id, kind, level, recipient_name, "
          "recipient_email, reason, at) VALUES (%s, %s, 'warning', 'team_lead', '组长', "
          "'lead@example.com', 'r', now())", (clock, tid))
        o("INSERT INTO dispatch.subject_clock_history (clock_id, at, event, detail) "
          "VALUES (%s, now(), 'clock_started', '{}')", (clock,))
        insp = cluster.scalar("INSERT INTO qc.inspections (work_order_id, ticket_id, branch_id, technician_id, "
                              "kind, plan, done_at, created_at) VALUES (%s, %s, %s, %s, 'repair', 'p', now(), "
                              "now()) RETURNING id", (wo, tid, branch, tech))
        o("INSERT INTO qc.inspection_levels (inspection_id, position, name, role, branch_id, status, started_at) "
          "VALUES (%s, 0, 'self_check', 'technician', %s, 'pending', now())", (insp, branch))
        o("INSERT INTO qc.score_samples (ticket_id, branch_id, agent_id, month, sampled_by, sampled_at) "
          "VALUES (%s, %s, 'A1', '2027-01', 'Q1', now())", (tid, branch))
        o("INSERT INTO qc.score_forms (ticket_id, branch_id, agent_id, month, items, total, scored_by, scored_at) "
          "VALUES (%s, %s, 'A1', '2027-01', '[]', 90, 'Q1', now())", (tid, branch))
        o("INSERT INTO qc.assessment_notices (branch_id, subject, subject_kind, month, code, points, reason, "
          "occurred_at, recorded_by, recorded_at) VALUES (%s, %s, 'staff', '2027-01', 'late_reply', -1, 'r', "
          "now(), 'Q1', now())", (branch, tech))
        o("INSERT INTO qc.regional_assessments (branch_id, subject, subject_kind, month, points, assessed_by, "
          "assessed_at) VALUES (%s, %s, 'staff', '2027-01', 80, 'R1', now())", (branch, tech))
        cb = cluster.scalar("INSERT INTO callback.callbacks (ticket_id, branch_id, customer_id, purpose, "
                            "cause, completed_at, due_at, next_call_at) VALUES (%s, %s, %s, 'after_work', "
                            "'ticket_resolved', now(), now(), now()) RETURNING id", (tid, branch, customer))
        o("INSERT INTO callback.attempts (callback_id, at, agent_id, reached) VALUES (%s, now(), 'A1', false)",
          (cb,))
        o("INSERT INTO callback.rest_hours VALUES (%s, %s, '12:00-14:00', 'A1', now())", (customer, branch))
        o("INSERT INTO billing.ledger_entries (key, kind, debit, credit, amount, currency, branch_id, at, actor) "
          "VALUES (%s, 'charge', 'customer_receivables', 'service_revenue', 100, 'CNY', %s, now(), 'system')",
          ("charge:" + branch, branch))
        o("INSERT INTO intake.repairs (work_order_id, ticket_id, branch_id, serial, fault, done_at, within_warranty) "
          "VALUES (%s, %s, %s, 's1', 'wear', now(), true)", (wo, tid, branch))
        o("INSERT INTO dispatch.diagnoses (work_order_id, ticket_id, branch_id, technician_id, diagnosed_by, "
          "fault_code, parts, labour_minutes, distance_m, photos, diagnosed_at) VALUES (%s, %s, %s, %s, %s, "
          "'wear', '[]', 30, 0, '[]', now())", (wo, tid, branch, tech, tech))
        est = cluster.scalar("INSERT INTO billing.estimates (work_order_id, ticket_id, branch_id, status, "
                             "currency, fault_code, coverage, reason, labour_minutes, distance_m, total, "
                             "warranty_total, created_at, updated_at) VALUES (%s, %s, %s, 'free', 'CNY', "
                             "'wear', 'warranty', 'covered', 30, 0, 0, 4000, now(), now()) RETURNING id",
                             (wo, tid, branch))
        o("INSERT INTO billing.estimate_lines VALUES (%s, 1, 'labour', NULL, 'labour', 30, 8000, 4000, "
          "'warranty', 'covered')", (est,))
        o("INSERT INTO billing.installs VALUES (%s, %s, NULL, NULL, NULL, %s, current_date, now())",
          (tid, branch, wo))
        stl = cluster.scalar("INSERT INTO billing.settlements (work_order_id, ticket_id, branch_id, status, currency,"
                             " coverage, reason, approved_total, total, warranty_total, created_at, updated_at)"
                             " VALUES (%s, %s, %s, 'open', 'CNY', 'chargeable', 'no_card', 4000, 4000, 0, now(), now())"
                             " RETURNING id", (wo, tid, branch))
        dsp = cluster.scalar("INSERT INTO billing.disputes (settlement_id, branch_id, status, opened_by, opened_at)"
                             " VALUES (%s, %s, 'open', 'A1', now()) RETURNING id", (stl, branch))
        o("INSERT INTO billing.settlement_lines (settlement_id, position, kind, description, quantity, unit_amount,"
          " amount, coverage, reason, dispute_id) VALUES (%s, 1, 'labour', 'labour', 30, 8000, 4000, 'chargeable',"
          " 'no_card', %s)", (stl, dsp))
        o("INSERT INTO ref.organisations (id, name, kind, regions, contract, account) VALUES (%s, 'd', 'dealer', "
          "ARRAY[%s], 'c', 'a')", ("D-" + branch, branch[:2]))
        claim = cluster.scalar(
            "INSERT INTO claims.claims (work_order_id, ticket_id, branch_id, org_id, product_code, spec, quantity,"
            " purchase_proof, install_date, description, cause, photos, amount, currency, filed_by, filed_at)"
            " VALUES (%s, %s, %s, %s, 'AC-100', 's', 1, 'p', '2026-01-01', 'd', 'wear', '[]', 100, 'CNY', 'D1',"
            " now()) RETURNING id", (wo, tid, branch, "D-" + branch))
        o("INSERT INTO claims.claim_parts (claim_id, position, branch_id, code, quantity) VALUES (%s, 0, %s, 'P1', 1)",
          (claim, branch))
        o("INSERT INTO claims.returns (kind, claim_id, branch_id, org_id, requested_by, requested_at)"
          " VALUES ('after_sale', %s, %s, %s, 'D1', now())", (claim, branch, "D-" + branch))
        o("INSERT INTO billing.number_counters VALUES (%s, %s, 2026, 1)", (branch, "INV" if branch == "SH01" else "CN"))
        inv = cluster.scalar("INSERT INTO billing.invoices (number, branch_id, year, seq, source, customer_id, amount,"
                             " currency, issued_at, issued_by) VALUES (%s, %s, 2026, 1, %s, %s, 100, 'CNY', now(), 'F')"
                             " RETURNING id", ("INV-" + branch, branch, "s:" + branch, customer))
        o("INSERT INTO billing.credit_notes (number, invoice_id, branch_id, year, seq, amount, currency, reason,"
          " issued_at, issued_by) VALUES (%s, %s, %s, 2026, 1, 100, 'CNY', 'r', now(), 'F')", ("CN-" + branch, inv, branch))
        o("INSERT INTO billing.payments (reference, invoice_id, branch_id, amount, currency, received_at, recorded_by)"
          " VALUES (%s, %s, %s, 1, 'CNY', now(), 'F')", ("R-" + branch, inv, branch))
        o("INSERT INTO billing.projects VALUES (%s, %s, %s, 'CNY', now(), 'F')", (tid, branch, customer))
        o("INSERT INTO billing.payment_stages (ticket_id, branch_id, stage, amount) VALUES (%s, %s, 'final', 5)",
          (tid, branch))
        o("INSERT INTO billing.claim_credits VALUES (%s, %s, 'D', %s, %s, 5, 'CNY', 'installation', now())",
          (tid, branch, tid, wo))


def seed_screen_pops():
    for branch in ("SH01", "BJ01"):
        cluster.sql("INSERT INTO intake.screen_pops VALUES (%s, '13800000000', 'cti', ARRAY[%s], now(),"
                    " now() + interval '2 minutes')", ((branch + "-pop-" + "x" * 22)[:22], branch))


def owner_rows(table):
    """{key: branch} of every row, as the owner sees them."""
    return {str(k): b for k, b in cluster.sql(TABLES[table][1])}


def keys_seen(table, role, branches):
    key = TABLES[table][0]
    return {str(r[0]) for r in cluster.sql("SELECT %s FROM %s" % (key, table), role=role,
                                          branches=branches)}


def readable(role, table):
    return cluster.scalar("SELECT has_table_privilege(%s, %s, 'SELECT') "
                          "OR has_any_column_privilege(%s, %s, 'SELECT')", (role, table, role, table))


def refused(table, role, branches):
    try:
        keys_seen(table, role, branches)
    except psycopg2.Error as e:
        return e.pgcode
    return None


def test_the_seed_has_rows_of_both_branches_in_every_table():
    for table in TABLES:
        branches = set(owner_rows(table).values())
        assert {"SH01", "BJ01"} <= branches, (table, branches)


def test_one_branch_stated_shows_that_branch_only():
    for role in SERVICE_ROLES:
        for table in TABLES:
            if not readable(role, table):
                assert refused(table, role, "SH01") == "42501", (role, table)
                continue
            rows = owner_rows(table)
            seen = keys_seen(table, role, "SH01")
            expected = {k for k, b in rows.items() if b == "SH01"}
            assert seen == expected, (role, table, sorted(seen), sorted(expected))
            assert not {k for k in seen if rows[k] != "SH01"}, (role, table)


def test_several_branches_stated_show_those_branches():
    for role in SERVICE_ROLES:
        for table in TABLES:
            if readable(role, table):
                rows = owner_rows(table)
                seen = keys_seen(table, role, "BJ01,SH01")
                expected = {k for k, b in rows.items() if b in ("SH01", "BJ01")}
                assert seen == expected, (role, table, sorted(seen), sorted(expected))


def test_nothing_stated_shows_nothing():
    for role in SERVICE_ROLES:
        for table in TABLES:
            if readable(role, table):
                for branches in (None, ""):
                    seen = keys_seen(table, role, branches)
                    assert seen == set(), (role, table, branches, sorted(seen))


def test_every_branch_only_for_the_roles_allowed_it():
    for role in SERVICE_ROLES:
        for table in TABLES:
            if not readable(role, table):
                continue
            seen = keys_seen(table, role, "*")
            if role in ALL_BRANCHES:
                expected = set(owner_rows(table))  # customers without a branch included
                assert seen == expected, (role, table, sorted(seen), sorted(expected))
            else:
                assert seen == set(), (role, table, sorted(seen))


def test_a_branch_id_cannot_smuggle_every_branch():
    # "*" among ids, or an id spelled with a comma, is not every branch.
    for role in SERVICE_ROLES:
        if readable(role, "ref.customers"):
            assert keys_seen("ref.customers", role, "SH01,*") == {"C-SH", "C-NEW"}, role
            assert keys_seen("ref.customers", role, " SH01") == set(), role


def test_customers_without_a_branch_are_seen_by_the_branches_of_their_region():
    assert "C-NEW" in keys_seen("ref.customers", "kefu_intake", "SH01")      # region SH
    assert "C-NEW" not in keys_seen("ref.customers", "kefu_intake", "BJ01")  # region BJ
    assert "C-NEW" in keys_seen("ref.customers", "kefu_intake", "*")
    assert "W-NEW" in keys_seen("ref.warranty_cards", "kefu_intake", "SH01")
    assert "W-NEW" not in keys_seen("ref.warranty_cards", "kefu_intake", "BJ01")


def test_writes_outside_the_stated_branches_are_refused():
    try:
        cluster.sql("INSERT INTO intake.tickets (branch_id, customer_id, channel, kind, description) "
                    "VALUES ('BJ01', 'C-BJ', 'web', 'repair', 'x')", role="kefu_intake", branches="SH01")
    except psycopg2.Error as e:
        assert e.pgcode == "42501", (e.pgcode, e.pgerror)
    else:
        raise AssertionError("a ticket of BJ01 was written by a transaction acting for SH01")
    n = cluster.sql("UPDATE intake.tickets SET status = 'open' WHERE branch_id = 'BJ01'",
                    role="kefu_intake", branches="SH01")
    assert n == 0, n


def test_the_owner_is_not_confined():
    assert cluster.scalar("SELECT count(*) FROM intake.tickets") == 2


def test_every_table_of_branch_data_has_a_policy_and_messaging_tables_none():
    rows = cluster.sql(
        "SELECT n.nspname || '.' || c.relname, c.relrowsecurity, "
        "  EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND NOT a.attisdropped "
        "          AND a.attname IN ('branch_id', 'ticket_id', 'customer_id', 'technician_id', "
        "                            'work_order_id')) "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind = 'r' AND n.nspname IN ('ref', 'intake', 'dispatch', 'qc', 'billing', "
        "'callback', 'claims')")
    confined = {t for t, rls, _ in rows if rls}
    assert confined == set(TABLES) | HEAD_OFFICE, sorted(confined ^ (set(TABLES) | HEAD_OFFICE))
    keyed = {t for t, _, k in rows if k}
    # not a branch's data: the organisation's shape (a centre's branches), and
    # the audit of contact reads, which only the owner reads (0016)
    not_branch_data = {"ref.centre_branches", "ref.contact_reads"}
    assert keyed - not_branch_data <= set(TABLES), \
        "keyed by branch or ticket but not confined: %s" % sorted(keyed - set(TABLES) - not_branch_data)
    for t, rls, _ in rows:
        if t.split(".")[1] in ("outbox", "inbox", "dead_letters", "endpoints"):
            assert not rls, t
