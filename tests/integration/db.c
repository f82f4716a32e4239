/*  it-db — integration tests of common/db/db.c and common/db/migrate.c against a
 *  real PostgreSQL whose migrations are already applied.
 *
 *      KEFU_TEST_CONNINFO="host=/tmp/x/sock port=5432 dbname=kefu" bin/it-db [WORD…]
 *
 *  Connects as kefu_owner. KEFU_TEST_SQL_DIR names the migrations (default
 *  schemas/sql). Prints "ok - name" / "not ok - name: reason" per test and
 *  ends with "N passed, N failed"; exits 1 when anything failed.
 *  tests/integration/test_migrations.py runs it on a throwaway cluster.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/db.h"
#include "base/log.h"
#include "db/migrate.h"

static char s_conninfo[2048];
static const char *s_sql_dir = "schemas/sql";
static char s_why[1024];

static void s_fail (int line, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

static void s_fail (int line, const char *fmt, ...)
{
    int off = snprintf (s_why, sizeof s_why, "line %d: ", line);
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (s_why + off, sizeof s_why - (size_t) off, fmt, ap);
    va_end (ap);
}

#define CHECK(cond, ...)                                                      \
    do {                                                                      \
        if (!(cond)) {                                                        \
            s_fail (__LINE__, __VA_ARGS__);                                   \
            goto cleanup;                                                     \
        }                                                                     \
    } while (0)

/*  First column of the first row of a query as a long, or -1. */
static long s_scalar (db_t *db, const char *sql)
{
    PGresult *res = db_exec (db, sql, 0, NULL);
    if (!res)
        return -1;
    long v = PQntuples (res) > 0 && !PQgetisnull (res, 0, 0) ? atol (PQgetvalue (res, 0, 0)) : -1;
    PQclear (res);
    return v;
}

static db_t *s_open (void)
{
    db_t *db = db_new (s_conninfo);
    if (db && db_ensure (db) < 0)
        db_destroy (&db);
    return db;
}

/* ---------------------------------------------------------------- tests */

static int t_exec_and_errors (void)
{
    int rc = -1;
    db_t *db = s_open ();
    PGresult *res = NULL;
    CHECK (db, "cannot connect");
    CHECK (db_command (db, "CREATE TEMP TABLE it_t (id int PRIMARY KEY, name text NOT NULL)") == 0,
           "create: %s", db_error (db));
    const char *p1[] = { "1", "张三 上海市浦东新区" };
    res = db_exec (db, "INSERT INTO it_t VALUES ($1::int, $2) RETURNING name", 2, p1);
    CHECK (res && PQntuples (res) == 1, "insert: %s", db_error (db));
    CHECK (strcmp (PQgetvalue (res, 0, 0), p1[1]) == 0, "UTF-8 text did not round-trip");
    PQclear (res);
    res = db_exec (db, "INSERT INTO it_t VALUES ($1::int, $2)", 2, p1);
    CHECK (!res, "duplicate insert succeeded");
    CHECK (strcmp (db_sqlstate (db), "23505") == 0, "sqlstate %s, expected 23505", db_sqlstate (db));
    CHECK (db_last_status (db) == DB_PERMANENT, "23505 not permanent");
    CHECK (strstr (db_error (db), "duplicate key") != NULL, "reason: %s", db_error (db));
    const char *p2[] = { "2", NULL };
    res = db_exec (db, "INSERT INTO it_t VALUES ($1::int, $2)", 2, p2);
    CHECK (!res && strcmp (db_sqlstate (db), "23502") == 0, "NULL into NOT NULL: %s", db_error (db));
    CHECK (db_command (db, "SELEC 1") < 0 && strcmp (db_sqlstate (db), "42601") == 0,
           "syntax error: %s", db_sqlstate (db));
    CHECK (db_command (db, "SELECT * FROM no_such_table") < 0
               && strcmp (db_sqlstate (db), "42P01") == 0 && db_last_status (db) == DB_PERMANENT,
           "missing table: %s", db_error (db));
    /* The handle is usable after errors, and errors clear on success. */
    CHECK (s_scalar (db, "SELECT count(*) FROM it_t") == 1, "count after errors: %s", db_error (db));
    CHECK (db_last_status (db) == DB_OK && db_sqlstate (db)[0] == '\0', "error not cleared");
    CHECK (s_scalar (db, "SELECT CASE WHEN current_setting('TimeZone') = 'UTC' THEN 1 ELSE 0 END") == 1,
           "session time zone is not UTC");
    rc = 0;
cleanup:
    PQclear (res);
    db_destroy (&db);
    db_destroy (&db);   /* safe twice */
    return rc;
}

static int t_prepared (void)
{
    int rc = -1;
    db_t *db = db_new (s_conninfo);
    PGresult *res = NULL;
    CHECK (db, "db_new");
    CHECK (!db_connected (db), "connected before db_ensure");
    CHECK (db_prepare (db, "add", "SELECT $1::int + $2::int") == 0, "register: %s", db_error (db));
    CHECK (db_prepare (db, "add", "SELECT 1") < 0, "same name registered twice");
    CHECK (db_ensure (db) == 0, "ensure: %s", db_error (db));
    const char *p[] = { "40", "2" };
    res = db_exec_prepared (db, "add", 2, p);
    CHECK (res && strcmp (PQgetvalue (res, 0, 0), "42") == 0, "add: %s", db_error (db));
    PQclear (res);
    /* Registered while connected: prepared at once. */
    CHECK (db_prepare (db, "neg", "SELECT -$1::int") == 0, "late register: %s", db_error (db));
    res = db_exec_prepared (db, "neg", 1, p);
    CHECK (res && strcmp (PQgetvalue (res, 0, 0), "-40") == 0, "neg: %s", db_error (db));
    PQclear (res);
    res = db_exec_prepared (db, "nope", 0, NULL);
    CHECK (!res && db_last_status (db) == DB_PERMANENT, "unregistered statement ran");
    const char *bad[] = { "forty", "2" };
    res = db_exec_prepared (db, "add", 2, bad);
    CHECK (!res && strcmp (db_sqlstate (db), "22P02") == 0, "bad int: %s", db_sqlstate (db));
    rc = 0;
cleanup:
    PQclear (res);
    db_destroy (&db);
    return rc;
}

/*  db_exec_pipeline: several statements in one round trip, results in
 *  order; a failure in the middle reports that statement's error, skips the
 *  rest, and leaves the connection usable. */
static int t_pipeline (void)
{
    int rc = -1;
    db_t *db = db_new (s_conninfo);
    PGresult *res[3] = { NULL, NULL, NULL }, *after = NULL;
    CHECK (db, "db_new");
    CHECK (db_prepare (db, "p_add", "SELECT $1::int + $2::int") == 0, "register: %s", db_error (db));
    CHECK (db_prepare (db, "p_neg", "SELECT -$1::int") == 0, "register: %s", db_error (db));
    const char *two[] = { "40", "2" }, *bad[] = { "forty", "2" };
    db_call_t calls[3] = { { "p_add", 2, two }, { "p_neg", 1, two }, { "p_add", 2, two } };
    long pid = s_scalar (db, "SELECT pg_backend_pid()");
    CHECK (db_exec_pipeline (db, 3, calls, res) == 0, "pipeline: %s", db_error (db));
    CHECK (strcmp (PQgetvalue (res[0], 0, 0), "42") == 0 && strcmp (PQgetvalue (res[1], 0, 0), "-40") == 0
               && strcmp (PQgetvalue (res[2], 0, 0), "42") == 0,
           "results out of order");
    for (int i = 0; i < 3; i++) {
        PQclear (res[i]);
        res[i] = NULL;
    }
    calls[1] = (db_call_t) { "p_add", 2, bad };
    CHECK (db_exec_pipeline (db, 3, calls, res) < 0, "a bad value went through");
    CHECK (strcmp (db_sqlstate (db), "22P02") == 0 && strstr (db_error (db), "p_add"),
           "error: %s %s", db_sqlstate (db), db_error (db));
    CHECK (!res[0] && !res[1] && !res[2], "results left after a failure");
    calls[1] = (db_call_t) { "p_nope", 0, NULL };
    CHECK (db_exec_pipeline (db, 3, calls, res) < 0 && strcmp (db_sqlstate (db), "26000") == 0,
           "unregistered statement ran");
    /* the same connection, out of pipeline mode and usable */
    after = db_exec_prepared (db, "p_neg", 1, two);
    CHECK (after && strcmp (PQgetvalue (after, 0, 0), "-40") == 0, "after: %s", db_error (db));
    CHECK (s_scalar (db, "SELECT pg_backend_pid()") == pid, "the connection was replaced");
    rc = 0;
cleanup:
    for (int i = 0; i < 3; i++)
        PQclear (res[i]);
    PQclear (after);
    db_destroy (&db);
    return rc;
}

typedef struct {
    const char *id;
    int mode;       /* 0 commit, 1 roll back by choice, 2 violate a constraint */
} tx_arg_t;

static int s_tx_insert (db_t *db, void *arg)
{
    tx_arg_t *a = arg;
    const char *p[] = { a->id };
    PGresult *res = db_exec (db, "INSERT INTO it_tx VALUES ($1::int)", 1, p);
    if (!res)
        return -1;
    PQclear (res);
    if (a->mode == 1)
        return -1;
    if (a->mode == 2) {
        res = db_exec (db, "INSERT INTO it_tx VALUES ($1::int)", 1, p);
        if (!res)
            return -1;
        PQclear (res);
    }
    return 0;
}

static int t_tx_commit_rollback (void)
{
    int rc = -1;
    db_t *db = s_open ();
    CHECK (db, "cannot connect");
    CHECK (db_command (db, "CREATE TEMP TABLE it_tx (id int PRIMARY KEY)") == 0, "%s", db_error (db));
    bool failed = true;
    tx_arg_t a = { "1", 0 };
    CHECK (db_tx (db, s_tx_insert, &a, &failed) == DB_OK && !failed, "commit: %s", db_error (db));
    tx_arg_t b = { "2", 1 };
    CHECK (db_tx (db, s_tx_insert, &b, &failed) == DB_PERMANENT && failed, "rollback by choice");
    tx_arg_t c = { "3", 2 };
    CHECK (db_tx (db, s_tx_insert, &c, &failed) == DB_PERMANENT && failed, "constraint violation");
    CHECK (strcmp (db_sqlstate (db), "23505") == 0, "violation sqlstate %s", db_sqlstate (db));
    CHECK (s_scalar (db, "SELECT count(*) FROM it_tx") == 1, "only the committed row may remain");
    CHECK (s_scalar (db, "SELECT id FROM it_tx") == 1, "wrong row kept");
    rc = 0;
cleanup:
    db_destroy (&db);
    return rc;
}

typedef struct {
    db_t *other;
    int attempts;
    int interfere_until;    /* attempts during which the other session interferes */
} ser_arg_t;

/*  Reads a row at SERIALIZABLE, lets another session change it, then
 *  writes it: the write fails with 40001 while the other session interferes. */
static int s_tx_serial (db_t *db, void *arg)
{
    ser_arg_t *a = arg;
    a->attempts++;
    if (db_command (db, "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE") < 0)
        return -1;
    if (s_scalar (db, "SELECT v FROM it_ser WHERE id = 1") < 0)
        return -1;
    if (a->attempts <= a->interfere_until
        && db_command (a->other, "UPDATE it_ser SET v = v + 100 WHERE id = 1") < 0)
        return -1;
    return db_command (db, "UPDATE it_ser SET v = v + 1 WHERE id = 1");
}

static int t_tx_retries_serialization_failure (void)
{
    int rc = -1;
    db_t *db = s_open (), *other = s_open ();
    CHECK (db && other, "cannot connect");
    CHECK (db_command (db, "DROP TABLE IF EXISTS public.it_ser; "
                           "CREATE TABLE public.it_ser (id int PRIMARY KEY, v int NOT NULL); "
                           "INSERT INTO public.it_ser VALUES (1, 0)") == 0, "%s", db_error (db));
    ser_arg_t a = { other, 0, 1 };
    bool failed = true;
    db_status_t st = db_tx (db, s_tx_serial, &a, &failed);
    CHECK (st == DB_OK && !failed, "tx after one 40001: status %d: %s", (int) st, db_error (db));
    CHECK (a.attempts == 2, "attempts %d, expected 2", a.attempts);
    CHECK (s_scalar (db, "SELECT v FROM it_ser WHERE id = 1") == 101, "v after retry");

    /* Always interfering: 1 try + 5 retries, then transient. */
    ser_arg_t b = { other, 0, 1000 };
    st = db_tx (db, s_tx_serial, &b, &failed);
    CHECK (st == DB_TRANSIENT, "exhausted retries gave status %d, expected DB_TRANSIENT", (int) st);
    CHECK (b.attempts == 6, "attempts %d, expected 6", b.attempts);
    CHECK (strcmp (db_sqlstate (db), "40001") == 0, "sqlstate %s", db_sqlstate (db));
    CHECK (s_scalar (db, "SELECT v FROM it_ser WHERE id = 1") == 101 + 600, "v after exhaustion");
    rc = 0;
cleanup:
    if (db)
        db_command (db, "DROP TABLE IF EXISTS public.it_ser");
    db_destroy (&db);
    db_destroy (&other);
    return rc;
}

static int s_tx_noop (db_t *db, void *arg)
{
    long *out = arg;
    *out = s_scalar (db, "SELECT pg_backend_pid()");
    return *out > 0 ? 0 : -1;
}

static int t_reconnects_after_terminate (void)
{
    int rc = -1;
    db_t *db = db_new (s_conninfo), *killer = s_open ();
    PGresult *res = NULL;
    char sql[128];
    CHECK (db && killer, "cannot connect");
    CHECK (db_prepare (db, "pid", "SELECT pg_backend_pid()") == 0, "prepare");
    CHECK (db_ensure (db) == 0, "ensure: %s", db_error (db));
    long pid1 = s_scalar (db, "SELECT pg_backend_pid()");
    CHECK (pid1 > 0, "pid: %s", db_error (db));

    snprintf (sql, sizeof sql, "SELECT pg_terminate_backend(%ld, 5000)", pid1);
    CHECK (db_command (killer, sql) == 0, "terminate: %s", db_error (killer));
    res = db_exec_prepared (db, "pid", 0, NULL);
    CHECK (!res, "statement on a terminated connection succeeded");
    CHECK (db_last_status (db) == DB_TRANSIENT, "lost connection classified %d (%s)",
           (int) db_last_status (db), db_error (db));
    CHECK (db_ensure (db) == 0, "reconnect: %s", db_error (db));
    res = db_exec_prepared (db, "pid", 0, NULL);   /* re-prepared on the new connection */
    CHECK (res, "prepared statement after reconnect: %s", db_error (db));
    long pid2 = atol (PQgetvalue (res, 0, 0));
    PQclear (res);
    res = NULL;
    CHECK (pid2 > 0 && pid2 != pid1, "same backend after reconnect");

    /* An idle connection killed under a transaction: db_tx reconnects first. */
    snprintf (sql, sizeof sql, "SELECT pg_terminate_backend(%ld, 5000)", pid2);
    CHECK (db_command (killer, sql) == 0, "terminate 2: %s", db_error (killer));
    long pid3 = 0;
    bool failed = true;
    CHECK (db_tx (db, s_tx_noop, &pid3, &failed) == DB_OK && !failed, "tx after terminate: %s",
           db_error (db));
    CHECK (pid3 > 0 && pid3 != pid2, "tx ran on the dead backend");
    rc = 0;
cleanup:
    PQclear (res);
    db_destroy (&db);
    db_destroy (&killer);
    return rc;
}

static int t_unreachable_server_backs_off (void)
{
    int rc = -1;
    db_t *db = db_new ("host=/nonexistent-kefu-dir port=1 dbname=kefu user=kefu_owner");
    CHECK (db, "db_new");
    CHECK (db_ensure (db) < 0, "connected to nothing");
    CHECK (db_last_status (db) == DB_TRANSIENT, "unreachable server not transient");
    CHECK (strstr (db_error (db), "cannot connect") != NULL, "reason: %s", db_error (db));
    /* Within the back-off period no new attempt is made. */
    CHECK (db_ensure (db) < 0 && strstr (db_error (db), "next attempt in") != NULL,
           "no back-off: %s", db_error (db));
    CHECK (db_exec (db, "SELECT 1", 0, NULL) == NULL && db_last_status (db) == DB_TRANSIENT,
           "exec while down");
    bool failed = true;
    CHECK (db_tx (db, s_tx_noop, &(long) { 0 }, &failed) == DB_TRANSIENT && !failed,
           "tx while down");
    rc = 0;
cleanup:
    db_destroy (&db);
    return rc;
}

/* ------------------------------------------------------------ migrations */

static int s_copy_dir (const char *from, const char *to)
{
    char cmd[4096];
    snprintf (cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s' && cp '%s'/*.sql '%s'/", to, to, from, to);
    return system (cmd) == 0 ? 0 : -1;
}

static int s_write (const char *path, const char *mode, const char *text)
{
    FILE *f = fopen (path, mode);
    if (!f)
        return -1;
    int rc = fputs (text, f) >= 0 ? 0 : -1;
    return fclose (f) == 0 ? rc : -1;
}

static int t_migrate_idempotent_and_checked (void)
{
    int rc = -1;
    char err[1024] = "", tmp[256], path[512];
    db_t *db = s_open ();
    snprintf (tmp, sizeof tmp, "/tmp/kefu-it-db-%d", (int) getpid ());
    CHECK (db, "cannot connect");
    int n = migrate_apply (db, s_sql_dir, err, sizeof err);
    CHECK (n >= 0, "migrate: %s", err);
    CHECK (migrate_apply (db, s_sql_dir, err, sizeof err) == 0, "second run applied something: %s", err);
    long files = s_scalar (db, "SELECT count(*) FROM kefu.schema_migrations");
    CHECK (files >= 5, "schema_migrations has %ld rows", files);

    /* An edited released migration is refused, naming the file. */
    CHECK (s_copy_dir (s_sql_dir, tmp) == 0, "copy");
    snprintf (path, sizeof path, "%s/0002_ref.sql", tmp);
    CHECK (s_write (path, "a", "\n-- edited after release\n") == 0, "append");
    CHECK (migrate_apply (db, tmp, err, sizeof err) < 0, "edited migration accepted");
    CHECK (strstr (err, "0002_ref.sql") && strstr (err, "checksum changed"), "error: %s", err);

    /* A file that went missing is refused. */
    CHECK (s_copy_dir (s_sql_dir, tmp) == 0, "copy");
    snprintf (path, sizeof path, "%s/0003_messaging.sql", tmp);
    CHECK (unlink (path) == 0, "unlink");
    CHECK (migrate_apply (db, tmp, err, sizeof err) < 0 && strstr (err, "0003_messaging.sql"),
           "missing file: %s", err);

    /* A badly named file is refused. */
    CHECK (s_copy_dir (s_sql_dir, tmp) == 0, "copy");
    snprintf (path, sizeof path, "%s/12_Oops.sql", tmp);
    CHECK (s_write (path, "w", "SELECT 1;\n") == 0, "write");
    CHECK (migrate_apply (db, tmp, err, sizeof err) < 0 && strstr (err, "12_Oops.sql")
               && strstr (err, "NNNN_name.sql"), "bad name: %s", err);

    /* A failing new migration changes nothing and is not recorded. */
    CHECK (s_copy_dir (s_sql_dir, tmp) == 0, "copy");
    snprintf (path, sizeof path, "%s/9999_it_probe.sql", tmp);
    CHECK (s_write (path, "w", "CREATE TABLE kefu.it_probe (x int);\nSELECT 1/0;\n") == 0, "write");
    CHECK (migrate_apply (db, tmp, err, sizeof err) < 0, "failing migration succeeded");
    CHECK (strstr (err, "9999_it_probe.sql") && strstr (err, "22012"), "error: %s", err);
    CHECK (s_scalar (db, "SELECT count(*) FROM kefu.schema_migrations WHERE version = 9999") == 0,
           "failed migration recorded");
    CHECK (s_scalar (db, "SELECT count(*) FROM pg_tables WHERE schemaname = 'kefu' AND tablename = 'it_probe'") == 0,
           "failed migration left a table");

    /* A good new migration applies once and is recorded with its checksum. */
    CHECK (s_write (path, "w", "CREATE TABLE kefu.it_probe (x int);\n") == 0, "write");
    CHECK (migrate_apply (db, tmp, err, sizeof err) == 1, "new migration: %s", err);
    CHECK (migrate_apply (db, tmp, err, sizeof err) == 0, "new migration applied twice: %s", err);
    CHECK (s_scalar (db, "SELECT count(*) FROM kefu.schema_migrations WHERE version = 9999 "
                         "AND checksum = encode(sha256('CREATE TABLE kefu.it_probe (x int);\n'::bytea), 'hex')") == 1,
           "checksum not recorded as SHA-256 of the file");
    /* ...and now the real directory lacks 9999: refused as "no such file". */
    CHECK (migrate_apply (db, s_sql_dir, err, sizeof err) < 0 && strstr (err, "9999_it_probe.sql"),
           "unknown applied migration: %s", err);
    rc = 0;
cleanup:
    if (db) {
        db_command (db, "DELETE FROM kefu.schema_migrations WHERE version = 9999; "
                        "DROP TABLE IF EXISTS kefu.it_probe");
        if (rc == 0 && migrate_apply (db, s_sql_dir, err, sizeof err) != 0) {
            s_fail (__LINE__, "after cleanup: %.900s", err);
            rc = -1;
        }
    }
    char cmd[300];
    snprintf (cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system (cmd) != 0)
        fprintf (stderr, "could not remove %s\n", tmp);
    db_destroy (&db);
    return rc;
}

static int t_migrate_bad_dir (void)
{
    int rc = -1;
    char err[512] = "";
    db_t *db = s_open ();
    CHECK (db, "cannot connect");
    CHECK (migrate_apply (db, "/nonexistent/kefu/sql", err, sizeof err) < 0
               && strstr (err, "/nonexistent/kefu/sql"), "error: %s", err);
    CHECK (migrate_apply (NULL, s_sql_dir, err, sizeof err) < 0, "NULL db accepted");
    rc = 0;
cleanup:
    db_destroy (&db);
    return rc;
}

/* ----------------------------------------------------------------- main */

typedef struct {
    const char *name;
    int (*fn) (void);
} it_test_t;

static const it_test_t s_tests[] = {
    { "db_exec_and_errors", t_exec_and_errors },
    { "db_prepared", t_prepared },
    { "db_tx_commit_rollback", t_tx_commit_rollback },
    { "db_tx_retries_serialization_failure", t_tx_retries_serialization_failure },
    { "db_reconnects_after_terminate", t_reconnects_after_terminate },
    { "db_unreachable_server_backs_off", t_unreachable_server_backs_off },
    { "db_pipeline", t_pipeline },
    { "migrate_idempotent_and_checked", t_migrate_idempotent_and_checked },
    { "migrate_bad_dir", t_migrate_bad_dir },
};

int main (int argc, char **argv)
{
    const char *ci = getenv ("KEFU_TEST_CONNINFO");
    if (!ci || !*ci) {
        fprintf (stderr, "it-db: set KEFU_TEST_CONNINFO to the conninfo of a migrated test cluster\n");
        printf ("0 passed, 1 failed\n");
        return 1;
    }
    snprintf (s_conninfo, sizeof s_conninfo, "%s user=kefu_owner application_name=it-db", ci);
    if (getenv ("KEFU_TEST_SQL_DIR"))
        s_sql_dir = getenv ("KEFU_TEST_SQL_DIR");
    log_init ("it-db", "it-db", LOG_WARN);

    int passed = 0, failed = 0;
    for (size_t i = 0; i < sizeof s_tests / sizeof s_tests[0]; i++) {
        bool wanted = argc < 2;
        for (int a = 1; a < argc && !wanted; a++)
            wanted = strstr (s_tests[i].name, argv[a]) != NULL;
        if (!wanted)
            continue;
        s_why[0] = '\0';
        if (s_tests[i].fn () == 0) {
            printf ("ok - %s\n", s_tests[i].name);
            passed++;
        }
        else {
            printf ("not ok - %s: %s\n", s_tests[i].name, s_why);
            failed++;
        }
        fflush (stdout);
    }
    printf ("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
