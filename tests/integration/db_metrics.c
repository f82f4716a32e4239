/*  it-db_metrics — the whole-database metrics (common/ops/db_metrics.c,
 *  migration 0044) against a real PostgreSQL whose migrations are applied:
 *  the figures of a known set of clocks and outbox rows, read by service
 *  roles that may read neither table; the clock kinds that must always be
 *  there; the counts moving with the caller's "now"; one exporter among two
 *  connections and the other taking over when it closes; errors as NULL
 *  with a reason, never a crash. With KEFU_TEST_METRICS_OUT set, the text
 *  of the known rows is written there.
 *
 *      KEFU_TEST_CONNINFO="host=/tmp/x/sock port=5432 dbname=kefu" bin/it-db_metrics
 *
 *  Prints "ok - name" / "not ok - name: reason" and "N passed, N failed";
 *  tests/integration/test_db_metrics.py runs it.
 */
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ops/db_metrics.h"

/*  Tue 24 Nov 2026 02:00:00 UTC, and the same instant as SQL. */
#define NOW_US INT64_C (1795485600000000)
#define NOW_SQL "timestamptz '2026-11-24 02:00:00+00'"
#define HOUR_US INT64_C (3600000000)

static char s_conninfo[1024];
static char s_why[1024];

// clang-format off
#define CHECK(cond, ...) do { if (!(cond)) { snprintf (s_why, sizeof s_why, __VA_ARGS__); goto cleanup; } } while (0)
// clang-format on

/*  Running clocks of four kinds (one of no built-in name), each at one
 *  stage at NOW: on track, past its warning, past due, and the two
 *  boundaries (warning and due instant exactly NOW); a paused and a stopped
 *  clock, which count nowhere. Outboxes: intake with two unsent rows (the
 *  oldest 90 s old), one acknowledged and one dead; claims with one unsent. */
static const char s_fixture[] =
    "INSERT INTO ref.tiers (name) VALUES ('t');"
    "INSERT INTO ref.regions (id, name, tier) VALUES ('R', 'R', 't');"
    "INSERT INTO ref.branches (id, name, region_id, timezone, hours) VALUES ('B1', 'B1', 'R', "
    "'Asia/Shanghai', '{}');"
    "INSERT INTO dispatch.sla_clocks (ticket_id, branch_id, clock, policy, target_kind, target_amount,"
    " time_kind, starts_on, stops_on, warn_percent, repeat_minutes, state, started_at, due_at, warn_at,"
    " remaining_us, paused_at, stopped_at)"
    " SELECT t, 'B1', c, 'p', 'minutes', 60, 'calendar', 'a', 'b', 80, 60, s,"
    "        CASE WHEN s = 'running' THEN " NOW_SQL " - interval '1 hour' END,"
    "        CASE WHEN s = 'running' THEN " NOW_SQL " + due * interval '1 minute' END,"
    "        CASE WHEN s = 'running' THEN " NOW_SQL " + warn * interval '1 minute' END,"
    "        CASE WHEN s = 'paused' THEN 60000000 END, CASE WHEN s = 'paused' THEN " NOW_SQL " END,"
    "        CASE WHEN s = 'stopped' THEN " NOW_SQL " END"
    "   FROM (VALUES (1, 'arrival', 'running', 60, 30), (2, 'arrival', 'running', 20, -10),"
    "                (3, 'arrival', 'running', -5, -50), (4, 'arrival', 'paused', 0, 0),"
    "                (5, 'arrival', 'stopped', 0, 0), (6, 'first_response', 'running', -1, -20),"
    "                (7, 'install_check', 'running', 10, -1), (8, 'first_response', 'running', 60, 0),"
    "                (9, 'resolution', 'running', 0, -10)) v (t, c, s, due, warn);"
    "INSERT INTO intake.outbox (message_id, destination, type, payload, created_at, acked_at, dead_at)"
    " VALUES (gen_random_uuid (), 'dispatch', 't', '{}', now () - interval '90 seconds', NULL, NULL),"
    "        (gen_random_uuid (), 'dispatch', 't', '{}', now () - interval '10 seconds', NULL, NULL),"
    "        (gen_random_uuid (), 'dispatch', 't', '{}', now () - interval '1 hour', now (), NULL),"
    "        (gen_random_uuid (), 'dispatch', 't', '{}', now () - interval '2 hours', NULL, now ());"
    "INSERT INTO claims.outbox (message_id, destination, type, payload, created_at)"
    " VALUES (gen_random_uuid (), 'billing', 't', '{}', now () - interval '5 seconds');";

static PGconn *s_connect (const char *user)
{
    char ci[2048];
    snprintf (ci, sizeof ci, "%s user=%s application_name=it-db_metrics", s_conninfo, user);
    PGconn *conn = PQconnectdb (ci);
    if (PQstatus (conn) != CONNECTION_OK) {
        fprintf (stderr, "it-db_metrics: connect as %s: %s", user, PQerrorMessage (conn));
        PQfinish (conn);
        return NULL;
    }
    return conn;
}

/*  The value of the sample line "name{label="value"} N" in text, or -1 when
 *  there is no such line (or more than one). */
static double s_sample (const char *text, const char *series)
{
    char key[256];
    snprintf (key, sizeof key, "\n%s ", series);
    const char *at = strstr (text, key);
    if (!at || strstr (at + 1, key))
        return -1;
    return strtod (at + strlen (key), NULL);
}

/*  Expected samples: series and value. */
typedef struct {
    const char *series;
    double value;
} s_expect_t;

/*  Checks each expected sample; the first mismatch goes to s_why. */
static int s_expect (const char *text, const s_expect_t *want, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double got = s_sample (text, want[i].series);
        if (got != want[i].value) {
            snprintf (s_why, sizeof s_why, "%s: got %g, expected %g in:\n%s", want[i].series, got,
                      want[i].value, text);
            return -1;
        }
    }
    return 0;
}

static int s_figures_of_known_rows (void)
{
    int rc = -1;
    char err[512] = "";
    char *text = NULL;
    /* kefu_qc may read neither dispatch.sla_clocks nor intake.outbox */
    PGconn *conn = s_connect ("kefu_qc");
    CHECK (conn, "no connection as kefu_qc");
    text = ops_db_metrics_text (conn, NOW_US, err, sizeof err);
    CHECK (text, "ops_db_metrics_text failed: %s", err);
    static const char *const names[] = {"kefu_sla_clocks_open", "kefu_sla_clocks_at_risk",
                                        "kefu_sla_clocks_breached", "kefu_outbox_depth",
                                        "kefu_outbox_oldest_age_seconds"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char help[128], type[128];
        snprintf (help, sizeof help, "# HELP %s ", names[i]);
        snprintf (type, sizeof type, "# TYPE %s gauge\n", names[i]);
        CHECK (strstr (text, help) && strstr (text, type), "no HELP/TYPE lines of %s in:\n%s", names[i],
               text);
    }
    CHECK (text[strlen (text) - 1] == '\n', "the text does not end with a newline:\n%s", text);
    static const s_expect_t want[] = {
        {"kefu_sla_clocks_open{clock=\"arrival\"}", 3},
        {"kefu_sla_clocks_at_risk{clock=\"arrival\"}", 1},
        {"kefu_sla_clocks_breached{clock=\"arrival\"}", 1},
        {"kefu_sla_clocks_open{clock=\"first_response\"}", 2},
        {"kefu_sla_clocks_at_risk{clock=\"first_response\"}", 1},
        {"kefu_sla_clocks_breached{clock=\"first_response\"}", 1},
        {"kefu_sla_clocks_open{clock=\"resolution\"}", 1},
        {"kefu_sla_clocks_at_risk{clock=\"resolution\"}", 0},
        {"kefu_sla_clocks_breached{clock=\"resolution\"}", 1},
        {"kefu_sla_clocks_open{clock=\"install_check\"}", 1},
        {"kefu_sla_clocks_at_risk{clock=\"install_check\"}", 1},
        {"kefu_sla_clocks_breached{clock=\"install_check\"}", 0},
        /* built-in kinds with nothing running are there, at zero */
        {"kefu_sla_clocks_open{clock=\"callback\"}", 0},
        {"kefu_sla_clocks_breached{clock=\"complaint_decision\"}", 0},
        {"kefu_outbox_depth{outbox=\"intake\"}", 2},
        {"kefu_outbox_depth{outbox=\"claims\"}", 1},
        {"kefu_outbox_depth{outbox=\"dispatch\"}", 0},
        {"kefu_outbox_depth{outbox=\"qc\"}", 0},
        {"kefu_outbox_depth{outbox=\"billing\"}", 0},
        {"kefu_outbox_depth{outbox=\"callback\"}", 0},
        {"kefu_outbox_oldest_age_seconds{outbox=\"qc\"}", 0},
    };
    if (s_expect (text, want, sizeof want / sizeof want[0]) != 0)
        goto cleanup;
    /* the database's clock stamps created_at: 90 s and what the test took since */
    double age = s_sample (text, "kefu_outbox_oldest_age_seconds{outbox=\"intake\"}");
    CHECK (age >= 90 && age < 150, "intake's oldest unsent row is %g s old, expected 90 to 150:\n%s", age,
           text);
    age = s_sample (text, "kefu_outbox_oldest_age_seconds{outbox=\"claims\"}");
    CHECK (age >= 5 && age < 65, "claims' oldest unsent row is %g s old, expected 5 to 65:\n%s", age, text);
    /* for promtool's lint (test_db_metrics.py) */
    const char *out = getenv ("KEFU_TEST_METRICS_OUT");
    if (out && *out) {
        FILE *f = fopen (out, "w");
        CHECK (f && fputs (text, f) >= 0 && fclose (f) == 0, "cannot write %s", out);
    }
    rc = 0;
cleanup:
    free (text);
    PQfinish (conn);
    return rc;
}

static int s_counts_move_with_now (void)
{
    int rc = -1;
    char err[512] = "";
    char *early = NULL, *late = NULL;
    PGconn *conn = s_connect ("kefu_gateway");
    CHECK (conn, "no connection as kefu_gateway");
    /* two hours earlier every clock is on track; two hours later every one is breached */
    early = ops_db_metrics_text (conn, NOW_US - 2 * HOUR_US, err, sizeof err);
    CHECK (early, "ops_db_metrics_text (earlier) failed: %s", err);
    late = ops_db_metrics_text (conn, NOW_US + 2 * HOUR_US, err, sizeof err);
    CHECK (late, "ops_db_metrics_text (later) failed: %s", err);
    static const s_expect_t want_early[] = {
        {"kefu_sla_clocks_open{clock=\"arrival\"}", 3},
        {"kefu_sla_clocks_at_risk{clock=\"arrival\"}", 0},
        {"kefu_sla_clocks_breached{clock=\"arrival\"}", 0},
    };
    static const s_expect_t want_late[] = {
        {"kefu_sla_clocks_open{clock=\"arrival\"}", 3},
        {"kefu_sla_clocks_at_risk{clock=\"arrival\"}", 0},
        {"kefu_sla_clocks_breached{clock=\"arrival\"}", 3},
        {"kefu_sla_clocks_breached{clock=\"first_response\"}", 2},
    };
    if (s_expect (early, want_early, sizeof want_early / sizeof want_early[0]) != 0
        || s_expect (late, want_late, sizeof want_late / sizeof want_late[0]) != 0)
        goto cleanup;
    rc = 0;
cleanup:
    free (early);
    free (late);
    PQfinish (conn);
    return rc;
}

/*  Asks b for the lock until it has it, for up to 10 s: the server releases
 *  a closed session's locks as its backend exits, just after the close. */
static bool s_takes_over (PGconn *b)
{
    for (int i = 0; i < 200; i++) {
        if (ops_db_metrics_exporter (b))
            return true;
        nanosleep (&(struct timespec){.tv_nsec = 50000000}, NULL);
    }
    return false;
}

static int s_one_exporter_and_take_over (void)
{
    int rc = -1;
    PGconn *a = s_connect ("kefu_intake");
    PGconn *b = s_connect ("kefu_dispatch");
    PGresult *res = NULL;
    CHECK (a && b, "no connections");
    CHECK (ops_db_metrics_exporter (a), "the first connection did not become the exporter");
    CHECK (!ops_db_metrics_exporter (b), "the second connection became an exporter beside the first");
    CHECK (ops_db_metrics_exporter (a), "the exporter lost its lock on asking again");
    CHECK (ops_db_metrics_exporter (a), "the exporter lost its lock on asking a third time");
    CHECK (!ops_db_metrics_exporter (b), "the second connection became an exporter on asking again");
    /* asking again never stacks the lock: one unlock frees it */
    res = PQexec (a, "SELECT pg_advisory_unlock (7738704189272912689)");
    CHECK (PQresultStatus (res) == PGRES_TUPLES_OK && strcmp (PQgetvalue (res, 0, 0), "t") == 0, "unlock: %s",
           PQresultErrorMessage (res));
    CHECK (ops_db_metrics_exporter (b), "one unlock did not free the lock: it was taken more than once");
    CHECK (!ops_db_metrics_exporter (a), "both connections are exporters");
    /* the exporter dies: the other takes over */
    PQfinish (b);
    b = NULL;
    CHECK (s_takes_over (a), "the lock was not taken over within 10 s of its holder closing");
    rc = 0;
cleanup:
    PQclear (res);
    PQfinish (a);
    PQfinish (b);
    return rc;
}

static int s_errors_are_reported (void)
{
    int rc = -1;
    char err[512] = "";
    char *text = ops_db_metrics_text (NULL, NOW_US, err, sizeof err);
    PGconn *conn = NULL;
    CHECK (!text && strstr (err, "no database connection"), "NULL connection: text %p, err \"%s\"",
           (void *) text, err);
    CHECK (!ops_db_metrics_exporter (NULL), "a NULL connection is an exporter");
    conn = s_connect ("kefu_billing");
    CHECK (conn, "no connection as kefu_billing");
    /* an instant beyond timestamptz: the server's error, nothing else */
    err[0] = '\0';
    text = ops_db_metrics_text (conn, INT64_MAX, err, sizeof err);
    CHECK (!text && strncmp (err, "ops.db_metrics: ", 16) == 0 && strlen (err) > 16 && !strchr (err, '\n'),
           "an instant out of range: text %p, err \"%s\"", (void *) text, err);
    /* the connection is still usable */
    text = ops_db_metrics_text (conn, NOW_US, err, sizeof err);
    CHECK (text, "after an error: %s", err);
    free (text);
    text = NULL;
    /* a closed connection */
    PQfinish (conn);
    conn = s_connect ("kefu_billing");
    CHECK (conn, "no connection as kefu_billing");
    PGresult *res = PQexec (conn, "SELECT pg_terminate_backend (pg_backend_pid ())");
    PQclear (res);
    err[0] = '\0';
    text = ops_db_metrics_text (conn, NOW_US, err, sizeof err);
    CHECK (!text && err[0], "a terminated connection: text %p, err \"%s\"", (void *) text, err);
    CHECK (!ops_db_metrics_exporter (conn), "a terminated connection is an exporter");
    rc = 0;
cleanup:
    free (text);
    PQfinish (conn);
    return rc;
}

static void s_run (const char *name, int (*fn) (void), int *tally)
{
    s_why[0] = '\0';
    bool ok = fn () == 0;
    tally[ok ? 0 : 1]++;
    if (ok)
        printf ("ok - %s\n", name);
    else
        printf ("not ok - %s: %s\n", name, s_why);
}

int main (void)
{
    const char *ci = getenv ("KEFU_TEST_CONNINFO");
    int tally[2] = {0, 1}; /* passed, failed */
    snprintf (s_conninfo, sizeof s_conninfo, "%s", ci ? ci : "");
    PGconn *owner = ci && *ci ? s_connect ("kefu_owner") : NULL;
    PGresult *res = owner ? PQexec (owner, s_fixture) : NULL;
    if (PQresultStatus (res) == PGRES_COMMAND_OK) {
        tally[1] = 0;
        s_run ("figures_of_known_rows_read_by_a_role_that_may_read_neither_table", s_figures_of_known_rows,
               tally);
        s_run ("clocks_turn_at_risk_and_breached_as_now_moves", s_counts_move_with_now, tally);
        s_run ("one_exporter_of_two_connections_and_the_other_takes_over", s_one_exporter_and_take_over,
               tally);
        s_run ("errors_come_back_as_null_with_a_reason", s_errors_are_reported, tally);
    }
    else
        fprintf (stderr, "it-db_metrics: needs KEFU_TEST_CONNINFO, a migrated test cluster: %s\n",
                 owner ? PQresultErrorMessage (res) : "no connection");
    PQclear (res);
    PQfinish (owner);
    printf ("%d passed, %d failed\n", tally[0], tally[1]);
    return tally[1] == 0 ? 0 : 1;
}
