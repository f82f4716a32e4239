"""Integration tests of the database layer against a real, throwaway
PostgreSQL cluster (tests/lib/kefu_harness.py): the migrations apply on an
empty database and re-apply as a no-op; the tables, checks and append-only
triggers hold; every service role can do what it must and is refused what
it must not; the embedded cluster survives restart and SIGKILL; and the C
tests of common/db/db.c and common/db/migrate.c (bin/it-db) pass on a fresh
database migrated by migrate.c itself.
"""
import glob
import os
import subprocess

import psycopg2

from kefu_harness import BUILD, ROOT, SERVICES, SERVICE_ROLES, SQL_DIR, Cluster, child_env

cluster = None
FILES = sorted(glob.glob(os.path.join(SQL_DIR, "[0-9][0-9][0-9][0-9]_*.sql")))


def setup_module():
    global cluster
    cluster = Cluster().start()


def teardown_module():
    if cluster is not None:
        cluster.close()


def expect_error(query, params=None, role="kefu_owner", code=None, contains=None):
    """Runs a statement that must fail; returns the error."""
    try:
        cluster.sql(query, params, role)
    except psycopg2.Error as e:
        if code is not None:
            assert e.pgcode == code, "%s as %s: SQLSTATE %s (%s), expected %s" % (
                query, role, e.pgcode, e.pgerror, code)
        if contains is not None:
            assert contains in (e.pgerror or ""), "%s: %r lacks %r" % (query, e.pgerror, contains)
        return e
    raise AssertionError("%s as %s succeeded, expected an error %s" % (query, role, code or ""))


def seed_reference_data():
    """A minimal organisation, written as kefu_owner like `kefuctl admin load`."""
    if cluster.scalar("SELECT count(*) FROM ref.tiers WHERE name = 't1'"):
        return
    cluster.sql("INSERT INTO ref.tiers VALUES ('t1', 1)")
    cluster.sql("INSERT INTO ref.regions VALUES ('SH', '上海', 't1')")
    cluster.sql("INSERT INTO ref.branches VALUES ('SH01', '上海浦东服务站', 'SH', 'Asia/Shanghai', "
                "'{\"mon\": [\"08:00-18:00\"]}')")
    cluster.sql("INSERT INTO ref.products VALUES ('AC-100', '空调 100', 'air-conditioner', false, 12)")
    cluster.sql("INSERT INTO ref.customers (id, name, phone, address, region_id) "
                "VALUES ('C9001', '李娜', '13812345678', '上海市浦东新区世纪大道100号', 'SH')")
    cluster.sql("INSERT INTO ref.technicians VALUES ('T1', '王师傅', 'SH01', 'senior', "
                "'{air-conditioner}', 3, '{}', true)")


def test_migrations_apply_on_empty_database():
    assert len(FILES) >= 5, FILES
    assert cluster.migrate_with_psql() == len(FILES)
    rows = cluster.sql("SELECT version, name FROM kefu.schema_migrations ORDER BY version")
    assert [r[1] for r in rows] == [os.path.basename(f) for f in FILES]
    tables = {"%s.%s" % r for r in cluster.sql(
        "SELECT table_schema, table_name FROM information_schema.tables "
        "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')")}
    expected = {"ref.tiers", "ref.regions", "ref.branches", "ref.products", "ref.customers",
                "ref.warranty_cards", "ref.technicians", "intake.tickets", "intake.ticket_history",
                "dispatch.work_orders", "dispatch.work_order_history", "kefu.schema_migrations"}
    for svc in SERVICES:
        expected |= {"%s.%s" % (svc, t) for t in ("outbox", "inbox", "dead_letters", "endpoints")}
    assert expected <= tables, "missing: %s" % sorted(expected - tables)
    # The relay's due-message index exists in every service schema.
    idx = cluster.sql("SELECT schemaname FROM pg_indexes WHERE indexname = 'outbox_due_idx'")
    assert sorted(r[0] for r in idx) == sorted(SERVICES)


def test_reapply_is_a_no_op():
    before = cluster.sql("SELECT version, checksum, applied_at FROM kefu.schema_migrations ORDER BY 1")
    assert cluster.migrate_with_psql() == 0
    after = cluster.sql("SELECT version, checksum, applied_at FROM kefu.schema_migrations ORDER BY 1")
    assert before == after


def test_service_roles_are_plain_login_roles():
    rows = cluster.sql("SELECT rolname, rolcanlogin, rolsuper, rolcreaterole, rolcreatedb "
                       "FROM pg_roles WHERE rolname LIKE 'kefu\\_%' ORDER BY 1")
    by_name = {r[0]: r[1:] for r in rows}
    for role in SERVICE_ROLES:
        assert by_name.get(role) == (True, False, False, False), (role, by_name.get(role))
    # Every object in the service schemas belongs to kefu_owner.
    owners = cluster.sql("SELECT DISTINCT tableowner FROM pg_tables "
                         "WHERE schemaname IN ('ref', 'kefu', 'intake', 'dispatch', 'qc', "
                         "'billing', 'callback', 'claims')")
    assert owners == [("kefu_owner",)], owners


def test_intake_role_privileges():
    seed_reference_data()
    new_id = cluster.scalar("SELECT 'C' || lpad(nextval('ref.customer_seq')::text, 6, '0')",
                            role="kefu_intake", branches="*")
    assert new_id.startswith("C") and len(new_id) == 7
    cluster.sql("INSERT INTO ref.customers (id, name, phone, address, region_id) "
                "VALUES (%s, '赵六', '13900001111', '上海市黄浦区', 'SH')", (new_id,), role="kefu_intake", branches="*")
    tid = cluster.scalar("INSERT INTO intake.tickets (branch_id, customer_id, channel, kind, description) "
                         "VALUES ('SH01', 'C9001', 'hotline', 'repair', '空调不制冷') RETURNING id",
                         role="kefu_intake", branches="*")
    cluster.sql("INSERT INTO intake.ticket_history (ticket_id, actor, event) VALUES (%s, 'intake', 'created')",
                (tid,), role="kefu_intake", branches="*")
    # a change with its history row (0015: never without one)
    assert cluster.sql("WITH u AS (UPDATE intake.tickets SET status = 'assigned' WHERE id = %s RETURNING id) "
                       "INSERT INTO intake.ticket_history (ticket_id, actor, event) "
                       "SELECT id, 'intake', 'work_order_assigned' FROM u", (tid,), role="kefu_intake",
                       branches="*") == 1
    cluster.sql("INSERT INTO intake.outbox (message_id, destination, type, payload) "
                "VALUES (gen_random_uuid(), 'dispatch', 'ticket.created', '{}')", role="kefu_intake", branches="*")
    # Refused: reference data other than customers, other services' tables.
    expect_error("UPDATE ref.customers SET phone = '1' WHERE id = 'C9001'", role="kefu_intake", code="42501")
    expect_error("INSERT INTO ref.branches VALUES ('X', 'x', 'SH', 'UTC', '{}')", role="kefu_intake",
                 code="42501")
    expect_error("SELECT * FROM dispatch.work_orders", role="kefu_intake", code="42501")
    expect_error("INSERT INTO dispatch.outbox (message_id, destination, type, payload) "
                 "VALUES (gen_random_uuid(), 'intake', 'x.y', '{}')", role="kefu_intake", code="42501")
    expect_error("CREATE TABLE intake.extra (x int)", role="kefu_intake", code="42501")


def test_dispatch_role_privileges():
    seed_reference_data()
    expect_error("INSERT INTO intake.tickets (branch_id, customer_id, channel, kind, description) "
                 "VALUES ('SH01', 'C9001', 'web', 'repair', 'x')", role="kefu_dispatch", code="42501")
    expect_error("SELECT * FROM intake.tickets", role="kefu_dispatch", code="42501")
    expect_error("UPDATE ref.technicians SET capacity = 9", role="kefu_dispatch", code="42501")
    wo = cluster.scalar("INSERT INTO dispatch.work_orders (ticket_id, branch_id, kind, status, technician_id, "
                        "assigned_at) VALUES (424242, 'SH01', 'repair', 'assigned', 'T1', now()) RETURNING id",
                        role="kefu_dispatch", branches="*")
    cluster.sql("INSERT INTO dispatch.work_order_history (work_order_id, event) VALUES (%s, 'assigned')",
                (wo,), role="kefu_dispatch", branches="*")
    load = cluster.scalar("SELECT count(*) FROM dispatch.work_orders WHERE technician_id = 'T1' "
                          "AND status = 'assigned'", role="kefu_dispatch", branches="*")
    assert load == 1
    assert cluster.scalar("SELECT capacity FROM ref.technicians WHERE id = 'T1'", role="kefu_dispatch", branches="*") == 3
    expect_error("UPDATE dispatch.work_order_history SET event = 'x'", role="kefu_dispatch", code="42501")


def test_every_role_reads_every_endpoints_table_and_writes_only_its_own():
    for i, svc in enumerate(SERVICES):
        role = "kefu_" + svc
        cluster.sql("INSERT INTO %s.endpoints (instance, endpoint, host, pid) "
                    "VALUES (%%s, 'tcp://127.0.0.1:5000', 'h', 1)" % svc, ("%s-t" % svc,), role=role)
        cluster.sql("UPDATE %s.endpoints SET heartbeat_at = now()" % svc, role=role)
        cluster.sql("INSERT INTO %s.inbox (message_id, type, source) VALUES (gen_random_uuid(), 'a.b', 'x')"
                    % svc, role=role)
        cluster.sql("INSERT INTO %s.dead_letters (reason, payload) VALUES ('test', '{}')" % svc, role=role)
        for other in SERVICES:
            assert cluster.scalar("SELECT count(*) FROM %s.endpoints" % other, role=role) >= 0
        other = SERVICES[(i + 1) % len(SERVICES)]
        expect_error("INSERT INTO %s.endpoints (instance, endpoint) VALUES ('x', 'tcp://x:1')" % other,
                     role=role, code="42501")
        expect_error("SELECT * FROM %s.inbox" % other, role=role, code="42501")


def test_history_is_append_only_for_everyone():
    seed_reference_data()
    tid = cluster.scalar("INSERT INTO intake.tickets (branch_id, customer_id, channel, kind, description) "
                         "VALUES ('SH01', 'C9001', 'chat', 'complaint', 'x') RETURNING id")
    cluster.sql("INSERT INTO intake.ticket_history (ticket_id, actor, event) VALUES (%s, 'a', 'created')", (tid,))
    expect_error("UPDATE intake.ticket_history SET actor = 'b'", role="kefu_intake", code="42501")
    expect_error("DELETE FROM intake.ticket_history", role="kefu_intake", code="42501")
    # Even the owner is refused, by the trigger.
    expect_error("UPDATE intake.ticket_history SET actor = 'b'", contains="append-only")
    expect_error("DELETE FROM intake.ticket_history", contains="append-only")
    expect_error("TRUNCATE intake.ticket_history", contains="append-only")
    expect_error("DELETE FROM dispatch.work_order_history", contains="append-only")
    assert cluster.scalar("SELECT count(*) FROM intake.ticket_history WHERE ticket_id = %s", (tid,)) == 1


def transaction(role, *statements):
    """Runs the statements as `role` in one transaction acting for every
    branch (0014; only intake and dispatch may) and commits (a deferred
    constraint fails at the COMMIT). Errors propagate."""
    conn = cluster.connect(role)
    try:
        conn.autocommit = False
        with conn.cursor() as cur:
            cur.execute("SELECT set_config('kefu.branches', '*', true)")
            for st in statements:
                cur.execute(*st) if isinstance(st, tuple) else cur.execute(st)
        conn.commit()
    finally:
        conn.close()


def expect_tx_error(role, statements, code, contains=None):
    try:
        transaction(role, *statements)
    except psycopg2.Error as e:
        assert e.pgcode == code, "%s as %s: SQLSTATE %s (%s), expected %s" % (
            statements, role, e.pgcode, e.pgerror, code)
        if contains is not None:
            assert contains in (e.pgerror or ""), "%s: %r lacks %r" % (statements, e.pgerror, contains)
        return
    raise AssertionError("%s as %s committed, expected an error %s" % (statements, role, code))


def new_ticket():
    """A ticket with its "created" row, as intake writes it (one statement)."""
    seed_reference_data()
    return cluster.scalar("WITH n AS (INSERT INTO intake.tickets (branch_id, customer_id, channel, kind, "
                          "description) VALUES ('SH01', 'C9001', 'web', 'repair', '原始描述') RETURNING id) "
                          "INSERT INTO intake.ticket_history (ticket_id, actor, event) "
                          "SELECT id, 'intake', 'created' FROM n RETURNING ticket_id", role="kefu_intake",
                          branches="*")


def service_roles():
    """Every service role the migrations made (kefu_intake … and any later one)."""
    return [r[0] for r in cluster.sql("SELECT rolname FROM pg_roles WHERE rolname LIKE 'kefu\\_%%' "
                                      "AND rolname <> 'kefu_owner' AND rolcanlogin ORDER BY 1")]


HISTORY_ROW = "INSERT INTO intake.ticket_history (ticket_id, actor, event) VALUES (%s, 'x', 'first_reply')"


def test_no_role_changes_a_ticket_silently_or_deletes_it():
    tid = new_ticket()
    before = cluster.sql("SELECT * FROM intake.tickets WHERE id = %s", (tid,))
    history = cluster.scalar("SELECT count(*) FROM intake.ticket_history WHERE ticket_id = %s", (tid,))
    roles = service_roles()
    assert set(SERVICE_ROLES) <= set(roles), roles
    for role in roles:
        # status: intake may change it, but never without a history row written
        # in the same transaction (23000 at COMMIT); the others may not at all
        status_code = "23000" if role == "kefu_intake" else "42501"
        expect_tx_error(role, ["UPDATE intake.tickets SET status = 'closed' WHERE id = %d" % tid],
                        status_code)
        expect_tx_error(role, ["UPDATE intake.tickets SET updated_at = now() WHERE id = %d" % tid],
                        status_code)
        # what the customer reported: no role, history row or not
        expect_tx_error(role, ["UPDATE intake.tickets SET description = '改过的描述' WHERE id = %d" % tid],
                        "42501")
        expect_tx_error(role, [(HISTORY_ROW, (tid,)),
                               "UPDATE intake.tickets SET description = '改过的描述' WHERE id = %d" % tid],
                        "42501")
        expect_tx_error(role, ["UPDATE intake.tickets SET branch_id = 'SH01', customer_id = 'C9001'"],
                        "42501")
        expect_tx_error(role, ["DELETE FROM intake.tickets WHERE id = %d" % tid], "42501")
        expect_tx_error(role, ["TRUNCATE intake.tickets"], "42501")
    # the owner is held to the same rule by the triggers
    expect_tx_error("kefu_owner", ["UPDATE intake.tickets SET description = '改过的描述' WHERE id = %d" % tid],
                    "23000", contains="without a history row")
    expect_tx_error("kefu_owner", ["DELETE FROM intake.tickets WHERE id = %d" % tid], "42501",
                    contains="never deleted")
    expect_tx_error("kefu_owner", ["TRUNCATE intake.tickets CASCADE"], "42501")
    assert cluster.sql("SELECT * FROM intake.tickets WHERE id = %s", (tid,)) == before
    assert cluster.scalar("SELECT count(*) FROM intake.ticket_history WHERE ticket_id = %s", (tid,)) == history


def test_a_ticket_change_needs_a_history_row_of_its_own_transaction():
    tid = new_ticket()
    one = new_ticket()
    update = "UPDATE intake.tickets SET status = 'resolved', resolution = '已修复' WHERE id = %d" % tid
    # the "created" row of an earlier transaction does not cover a change now;
    # nor does a row for another ticket, nor one rolled back to a savepoint
    expect_tx_error("kefu_intake", [update], "23000", contains="ticket %d was changed" % tid)
    expect_tx_error("kefu_intake", [update, (HISTORY_ROW, (one,))], "23000")
    expect_tx_error("kefu_intake", [update, "SAVEPOINT s", (HISTORY_ROW, (tid,)), "ROLLBACK TO SAVEPOINT s"],
                    "23000")
    # a value the writer puts in written_in_xact is replaced by its own
    expect_tx_error("kefu_intake", [update, ("INSERT INTO intake.ticket_history (ticket_id, actor, event, "
                                             "written_in_xact) VALUES (%s, 'x', 'first_reply', '3') "
                                             "RETURNING 1/(written_in_xact = '3')::int", (tid,))], "22012")
    assert cluster.scalar("SELECT status FROM intake.tickets WHERE id = %s", (tid,)) == "open"
    # allowed: the history row after the UPDATE (tickets_events.c), in a
    # savepoint of the transaction (the bus), or for the owner's correction
    transaction("kefu_intake", update, (HISTORY_ROW, (tid,)))
    transaction("kefu_intake", "SAVEPOINT m", "UPDATE intake.tickets SET contact_count = 2 WHERE id = %d" % one,
                (HISTORY_ROW, (one,)), "RELEASE SAVEPOINT m")
    transaction("kefu_owner", "UPDATE intake.tickets SET priority = 'high' WHERE id = %d" % one,
                ("INSERT INTO intake.ticket_history (ticket_id, actor, event, detail) VALUES "
                 "(%s, 'operator 张伟', 'first_reply', '{\"correction\": \"priority\"}')", (one,)))
    assert cluster.sql("SELECT status, resolution FROM intake.tickets WHERE id = %s", (tid,)) == [
        ("resolved", "已修复")]
    assert cluster.sql("SELECT contact_count, priority FROM intake.tickets WHERE id = %s", (one,)) == [
        (2, "high")]
    # every row written since 0015 names its transaction: two creations, three changes
    xacts = cluster.sql("SELECT count(DISTINCT written_in_xact), count(*) FILTER (WHERE written_in_xact IS NULL) "
                        "FROM intake.ticket_history WHERE ticket_id IN (%s, %s)", (tid, one))
    assert xacts == [(5, 0)], xacts


def test_checks_reject_bad_values():
    seed_reference_data()
    base = ("INSERT INTO intake.tickets (branch_id, customer_id, channel, kind, priority, description) "
            "VALUES (%s, %s, %s, %s, %s, 'x')")
    expect_error(base, ("SH01", "C9001", "fax", "repair", "normal"), code="23514")
    expect_error(base, ("SH01", "C9001", "web", "haircut", "normal"), code="23514")
    expect_error(base, ("SH01", "C9001", "web", "repair", "whenever"), code="23514")
    expect_error(base, ("NOPE", "C9001", "web", "repair", "normal"), code="23503")
    expect_error(base, ("SH01", "C0000", "web", "repair", "normal"), code="23503")
    expect_error("INSERT INTO ref.technicians VALUES ('T9', 'x', 'SH01', 'master', '{}', 1, '{}', true)",
                 code="23514")
    expect_error("INSERT INTO ref.technicians VALUES ('T9', 'x', 'SH01', 'junior', '{}', 0, '{}', true)",
                 code="23514")
    expect_error("INSERT INTO dispatch.work_orders (ticket_id, branch_id, kind, status) "
                 "VALUES (777, 'SH01', 'repair', 'assigned')", code="23514")
    expect_error("INSERT INTO intake.ticket_history (ticket_id, actor, event) VALUES (1, 'a', 'renamed')",
                 code="23514")
    cluster.sql("INSERT INTO intake.tickets (branch_id, customer_id, channel, kind, description, request_id) "
                "VALUES ('SH01', 'C9001', 'web', 'repair', 'x', 'req-1')")
    expect_error("INSERT INTO intake.tickets (branch_id, customer_id, channel, kind, description, request_id) "
                 "VALUES ('SH01', 'C9001', 'web', 'repair', 'x', 'req-1')", code="23505")


def test_outbox_is_unique_per_message_and_destination():
    mid = "0b7b7a52-5c1e-4f55-9c1c-3a1f0e6f2d11"
    cluster.sql("INSERT INTO intake.outbox (message_id, destination, type, payload) "
                "VALUES (%s, 'dispatch', 'ticket.created', '{}')", (mid,))
    cluster.sql("INSERT INTO intake.outbox (message_id, destination, type, payload) "
                "VALUES (%s, 'qc', 'ticket.created', '{}')", (mid,))
    expect_error("INSERT INTO intake.outbox (message_id, destination, type, payload) "
                 "VALUES (%s, 'dispatch', 'ticket.created', '{}')", (mid,), code="23505")
    expect_error("INSERT INTO intake.inbox (message_id, type, source) VALUES ('not-a-uuid', 'a.b', 'x')",
                 code="22P02")


def test_chinese_text_round_trips_byte_for_byte():
    seed_reference_data()
    name, address = "欧阳娜娜", "北京市朝阳区建国路88号SOHO现代城5号楼1单元2203室"
    cluster.sql("INSERT INTO ref.customers (id, name, phone, address, region_id) VALUES ('C9002', %s, "
                "'13000000000', %s, 'SH')", (name, address))
    row = cluster.sql("SELECT name, address, octet_length(address) FROM ref.customers WHERE id = 'C9002'",
                      role="kefu_intake", branches="*")[0]   # the one role that reads addresses (0016)
    assert row[0] == name and row[1] == address
    assert row[2] == len(address.encode("utf-8"))


def test_embedded_cluster_survives_restart_and_sigkill():
    cluster.sql("CREATE TABLE IF NOT EXISTS public.survivor (x int)")
    cluster.sql("INSERT INTO public.survivor VALUES (1)")
    cluster.restart()
    assert cluster.scalar("SELECT count(*) FROM public.survivor") == 1
    cluster.start()   # a second start of a running cluster is harmless
    cluster.sql("INSERT INTO public.survivor VALUES (2)")
    cluster.kill9()
    assert not cluster.running()
    cluster.start()   # crash recovery; the stale postmaster.pid is handled
    assert cluster.scalar("SELECT count(*) FROM public.survivor") == 2
    cluster.sql("DROP TABLE public.survivor")


def test_c_db_and_migrate_tests_on_a_fresh_database():
    binary = os.path.join(BUILD, "bin", "it-db")
    assert os.path.exists(binary), "%s is not built (make BUILD=... build)" % binary
    cluster.sql("DROP DATABASE IF EXISTS kefu_c", role="postgres")
    cluster.sql("CREATE DATABASE kefu_c OWNER kefu_owner TEMPLATE template0 ENCODING 'UTF8'", role="postgres")
    fresh = cluster.conninfo.replace("dbname=kefu", "dbname=kefu_c")
    proc = subprocess.run([binary], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=300, env=child_env({"KEFU_TEST_CONNINFO": fresh}))
    assert proc.returncode == 0 and "0 failed" in proc.stdout, proc.stdout
    # migrate.c (SQL sha256) and the psql path (hashlib) record the same checksums.
    c_side = cluster.sql("SELECT version, name, checksum FROM kefu.schema_migrations ORDER BY 1")
    conn = psycopg2.connect("%s user=kefu_owner" % fresh)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT version, name, checksum FROM kefu.schema_migrations ORDER BY 1")
            assert cur.fetchall() == c_side
    finally:
        conn.close()
    cluster.sql("DROP DATABASE kefu_c", role="postgres")
