/*  it-ledger — billing's ledger (services/billing/ledger.c) against a real
 *  PostgreSQL whose migrations are applied (0027): posting as kefu_billing,
 *  the same key posted twice booked once (also by two connections at once:
 *  the second waits for the first and finds its entry), a key reused for
 *  another amount refused, the database's own refusals (UPDATE, DELETE,
 *  TRUNCATE, a zero amount, one account on both sides), and row-level
 *  security by branch with head office's rows visible only to every-branch
 *  transactions.
 *
 *      KEFU_TEST_CONNINFO="host=/tmp/x/sock port=5432 dbname=kefu" bin/it-ledger
 *
 *  Prints "ok - name" / "not ok - name: reason" and "N passed, N failed";
 *  tests/integration/test_ledger.py runs it.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../services/billing/invoices.h"
#include "../../services/billing/ledger.h"
#include "base/clock.h"
#include "base/log.h"
#include "db/db.h"
#include "db/scope.h"

/*  Tue 24 Nov 2026 02:00:00 UTC. */
#define NOW_US INT64_C (1795485600000000)

static char s_conninfo_base[1024];
static db_t *s_db;    /* as kefu_billing */
static db_t *s_owner; /* as kefu_owner: fixture and the owner's attempts */
static char s_why[1024];

/*  Leaves the test (to cleanup) with the reason when cond is false. */
// clang-format off
#define CHECK(cond, ...) do { if (!(cond)) { snprintf (s_why, sizeof s_why, __VA_ARGS__); goto cleanup; } } while (0)
// clang-format on

/*  Two branches of one region, the books they keep. */
static const char s_fixture[] = "INSERT INTO ref.tiers (name) VALUES ('t');"
                                "INSERT INTO ref.regions (id, name, tier) VALUES ('R', 'R', 't');"
                                "INSERT INTO ref.branches (id, name, region_id, timezone, hours)"
                                " SELECT b, b, 'R', 'Asia/Shanghai', '{}' FROM unnest ('{B1,B2}'::text[]) b;"
                                "INSERT INTO ref.customers (id, name, region_id, branch_id) VALUES ('K1', 'k', 'R', 'B1');";

static db_t *s_connect (const char *user)
{
    char ci[2048];
    snprintf (ci, sizeof ci, "%s user=%s application_name=it-ledger", s_conninfo_base, user);
    db_t *db = db_new (ci);
    if (db && db_ensure (db) != 0)
        db_destroy (&db);
    return db;
}

static ledger_entry_t s_entry (const char *key, const char *branch, int64_t amount)
{
    return (ledger_entry_t) { .key = key,
                              .kind = LEDGER_CLAIM_CREDIT,
                              .debit = LEDGER_WARRANTY_COST,
                              .credit = LEDGER_DEALER_ACCOUNTS,
                              .amount = amount,
                              .currency = "CNY",
                              .branch_id = branch,
                              .party = "D1",
                              .ref = key,
                              .at_us = NOW_US,
                              .actor = "system" };
}

typedef struct {
    ledger_entry_t entry;
    ledger_result_t result;
    char err[512];
} post_t;

static int s_post_fn (db_t *db, void *arg)
{
    post_t *p = arg;
    p->result = ledger_post (db, &p->entry, p->err, sizeof p->err);
    return p->result == LEDGER_POSTED || p->result == LEDGER_ALREADY ? 0 : -1;
}

/*  Posts in a transaction of its own on db, acting for scope ("*" or a
 *  branch list). */
static ledger_result_t s_post (db_t *db, const char *scope, ledger_entry_t e, char *err, size_t errsize)
{
    post_t p = { .entry = e, .result = LEDGER_DB_FAILED };
    db_set_scope (db, scope);
    bool failed = false;
    db_tx (db, s_post_fn, &p, &failed);
    db_set_scope (db, NULL);
    snprintf (err, errsize, "%s", p.err);
    return p.result;
}

/*  How many entries the scope sees (with key LIKE pattern); -1 on failure. */
static long s_count (db_t *db, const char *scope, const char *pattern)
{
    db_set_scope (db, scope);
    const char *params[] = { pattern };
    PGresult *res = db_exec (db, "SELECT count(*) FROM billing.ledger_entries WHERE key LIKE $1", 1, params);
    db_set_scope (db, NULL);
    long n = res ? atol (PQgetvalue (res, 0, 0)) : -1;
    PQclear (res);
    return n;
}

static int s_same_key_books_once (void)
{
    char err[512];
    int rc = -1;
    ledger_result_t r = s_post (s_db, "*", s_entry ("claim:1", "B1", 1250), err, sizeof err);
    CHECK (r == LEDGER_POSTED, "first post: %d %s", (int) r, err);
    r = s_post (s_db, "*", s_entry ("claim:1", "B1", 1250), err, sizeof err);
    CHECK (r == LEDGER_ALREADY, "second post: %d %s", (int) r, err);
    CHECK (s_count (s_db, "*", "claim:1") == 1, "entries: %ld", s_count (s_db, "*", "claim:1"));
    r = s_post (s_db, "*", s_entry ("claim:1", "B1", 1251), err, sizeof err);
    CHECK (r == LEDGER_REFUSED && strstr (err, "key: \"claim:1\" was posted before"), "reused key: %d %s", (int) r,
           err);
    CHECK (s_count (s_db, "*", "claim:1") == 1, "entries after reuse: %ld", s_count (s_db, "*", "claim:1"));
    rc = 0;
cleanup:
    return rc;
}

/*  The database refuses, even to the tables' owner. */
static int s_database_refuses_changes (void)
{
    static const char *const refused[] = {
        "UPDATE billing.ledger_entries SET amount = 1 WHERE key = 'claim:1'",
        "DELETE FROM billing.ledger_entries WHERE key = 'claim:1'",
        "TRUNCATE billing.ledger_entries",
        "INSERT INTO billing.ledger_entries (key, kind, debit, credit, amount, currency, at, actor)"
        " VALUES ('x:0', 'charge', 'cash', 'service_revenue', 0, 'CNY', now(), 'a')",
        "INSERT INTO billing.ledger_entries (key, kind, debit, credit, amount, currency, at, actor)"
        " VALUES ('x:1', 'charge', 'cash', 'cash', 5, 'CNY', now(), 'a')",
        "INSERT INTO billing.ledger_entries (key, kind, debit, credit, amount, currency, at, actor)"
        " VALUES ('x:2', 'charge', 'bank', 'cash', 5, 'CNY', now(), 'a')",
    };
    int rc = -1;
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
        CHECK (db_command (s_owner, refused[i]) != 0, "accepted: %s", refused[i]);
    CHECK (db_command (s_db, "UPDATE billing.ledger_entries SET amount = 1") != 0, "kefu_billing may update");
    CHECK (s_count (s_db, "*", "claim:1") == 1, "claim:1 entries: %ld", s_count (s_db, "*", "claim:1"));
    rc = 0;
cleanup:
    return rc;
}

static int s_branch_books_are_confined (void)
{
    char err[512];
    int rc = -1;
    ledger_result_t r = s_post (s_db, "B1", s_entry ("rls:b1", "B1", 100), err, sizeof err);
    CHECK (r == LEDGER_POSTED, "B1 to its books: %d %s", (int) r, err);
    r = s_post (s_db, "B1", s_entry ("rls:b2", "B2", 100), err, sizeof err);
    CHECK (r == LEDGER_DB_FAILED, "B1 to B2's books: %d %s", (int) r, err);
    r = s_post (s_db, "B1", s_entry ("rls:ho", NULL, 100), err, sizeof err);
    CHECK (r == LEDGER_DB_FAILED, "B1 to head office's books: %d %s", (int) r, err);
    CHECK ((r = s_post (s_db, "*", s_entry ("rls:b2", "B2", 100), err, sizeof err)) == LEDGER_POSTED, "%s", err);
    CHECK ((r = s_post (s_db, "*", s_entry ("rls:ho", NULL, 100), err, sizeof err)) == LEDGER_POSTED, "%s", err);
    CHECK (s_count (s_db, "B1", "rls:%") == 1, "B1 sees %ld", s_count (s_db, "B1", "rls:%"));
    CHECK (s_count (s_db, "B1,B2", "rls:%") == 2, "B1,B2 see %ld", s_count (s_db, "B1,B2", "rls:%"));
    CHECK (s_count (s_db, "*", "rls:%") == 3, "every branch sees %ld", s_count (s_db, "*", "rls:%"));
    CHECK (s_count (s_db, NULL, "rls:%") == 0, "no scope sees %ld", s_count (s_db, NULL, "rls:%"));
    rc = 0;
cleanup:
    return rc;
}

static void *s_second_poster (void *arg)
{
    post_t *p = arg;
    db_t *db = s_connect ("kefu_billing");
    if (!db) {
        snprintf (p->err, sizeof p->err, "no connection");
        return NULL;
    }
    p->result = s_post (db, "*", p->entry, p->err, sizeof p->err);
    db_destroy (&db);
    return NULL;
}

/*  Whether a backend waits for a lock (the second poster: nothing else runs
 *  on the test's cluster). */
static bool s_someone_waits (void)
{
    PGresult *res = db_exec (s_owner,
                             "SELECT count(*) FROM pg_locks WHERE NOT granted",
                             0, NULL);
    bool waits = res && atol (PQgetvalue (res, 0, 0)) > 0;
    PQclear (res);
    return waits;
}

/*  Two connections post one key at once: the first holds its insert
 *  uncommitted, the second waits on the key, then finds it and posts
 *  nothing. */
static int s_concurrent_posts_book_once (void)
{
    char err[512];
    int rc = -1;
    bool started = false;
    post_t second = { .entry = s_entry ("race:1", "B2", 700), .result = LEDGER_DB_FAILED };
    pthread_t thread;
    db_t *first = s_connect ("kefu_billing");
    CHECK (first && db_command (first, "BEGIN") == 0, "first connection");
    db_set_scope (first, "*");
    ledger_entry_t e = s_entry ("race:1", "B2", 700);
    ledger_result_t r = ledger_post (first, &e, err, sizeof err);
    CHECK (r == LEDGER_POSTED, "first: %d %s", (int) r, err);
    CHECK (pthread_create (&thread, NULL, s_second_poster, &second) == 0, "thread");
    started = true;
    int64_t until = clock_mono_ms () + 10000;
    while (!s_someone_waits () && clock_mono_ms () < until)
        ;
    CHECK (s_someone_waits (), "the second poster never waited for the first");
    CHECK (db_command (first, "COMMIT") == 0, "commit: %s", db_error (first));
    pthread_join (thread, NULL);
    started = false;
    CHECK (second.result == LEDGER_ALREADY, "second: %d %s", (int) second.result, second.err);
    CHECK (s_count (s_db, "*", "race:1") == 1, "entries: %ld", s_count (s_db, "*", "race:1"));
    rc = 0;
cleanup:
    if (started) {
        db_command (first, "COMMIT");
        pthread_join (thread, NULL);
    }
    db_destroy (&first);
    return rc;
}

typedef struct {
    const char *source;
    inv_result_t result;
    char number[INV_NUMBER_SIZE];
    char err[512];
} issue_t;

static inv_request_t s_invoice (const char *source)
{
    return (inv_request_t) { .branch_id = "B1", .customer_id = "K1", .source = source, .amount = 990,
                             .currency = "CNY", .at_us = NOW_US, .actor = "it" };
}

static int s_issue_fn (db_t *db, void *arg)
{
    issue_t *is = arg;
    inv_request_t r = s_invoice (is->source);
    is->result = inv_issue (db, &r, is->number, NULL, is->err, sizeof is->err);
    return is->result == INV_ISSUED || is->result == INV_ALREADY ? 0 : -1;
}

static void *s_second_issuer (void *arg)
{
    db_t *db = s_connect ("kefu_billing");
    if (db) {
        db_set_scope (db, "B1");
        bool failed = false;
        db_tx (db, s_issue_fn, arg, &failed);
    }
    db_destroy (&db);
    return NULL;
}

/*  The first issuer holds the year's counter while the second waits; the
 *  first ends with `end` (COMMIT or ROLLBACK). The second's number follows
 *  the first's when it committed, and is the first's own when it rolled
 *  back: no gap, no double. */
static int s_race (const char *end, const char *source1, const char *source2, const char *want1,
                   inv_result_t want_result, const char *want2)
{
    int rc = -1;
    bool started = false;
    issue_t second = { .source = source2, .result = INV_DB_FAILED };
    pthread_t thread;
    issue_t first = { .source = source1 };
    db_t *db = s_connect ("kefu_billing");
    CHECK (db && db_command (db, "BEGIN") == 0, "first connection");
    db_set_scope (db, "B1");
    CHECK (s_issue_fn (db, &first) == 0, "first: %s", first.err);
    CHECK (strcmp (first.number, want1) == 0, "first got %s, expected %s", first.number, want1);
    CHECK (pthread_create (&thread, NULL, s_second_issuer, &second) == 0, "thread");
    started = true;
    int64_t until = clock_mono_ms () + 10000;
    while (!s_someone_waits () && clock_mono_ms () < until)
        ;
    CHECK (s_someone_waits (), "the second issuer never waited for the counter");
    CHECK (db_command (db, end) == 0, "%s: %s", end, db_error (db));
    pthread_join (thread, NULL);
    started = false;
    CHECK (second.result == want_result && strcmp (second.number, want2) == 0, "second: %d %s %s", (int) second.result,
           second.number, second.err);
    rc = 0;
cleanup:
    if (started) {
        db_command (db, "ROLLBACK");
        pthread_join (thread, NULL);
    }
    db_destroy (&db);
    return rc;
}

static int s_numbers_never_skip_or_double (void)
{
    char err[512];
    int rc = -1;
    /* s_race leaves its reason in s_why */
    /* the same source from two issuers: the second finds the first's invoice */
    if (s_race ("ROLLBACK", "src:1", "src:2", "INV-B1-2026-000001", INV_ISSUED, "INV-B1-2026-000001") != 0
        || s_race ("COMMIT", "src:3", "src:4", "INV-B1-2026-000002", INV_ISSUED, "INV-B1-2026-000003") != 0
        || s_race ("COMMIT", "src:5", "src:5", "INV-B1-2026-000004", INV_ALREADY, "INV-B1-2026-000004") != 0)
        goto cleanup;
    db_set_scope (s_db, "*");
    PGresult *res = db_exec (s_db, "SELECT string_agg(seq::text, ',' ORDER BY seq) FROM billing.invoices", 0, NULL);
    db_set_scope (s_db, NULL);
    snprintf (err, sizeof err, "%s", res ? PQgetvalue (res, 0, 0) : db_error (s_db));
    PQclear (res);
    CHECK (strcmp (err, "1,2,3,4") == 0, "numbers given: %s", err);
    CHECK (s_count (s_db, "*", "invoice:INV-B1-2026-%") == 4, "charges: %ld", s_count (s_db, "*", "invoice:%"));
    rc = 0;
cleanup:
    return rc;
}

/*  Runs one test and tallies it. */
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
    int tally[2] = { 0, 1 }; /* passed, failed */
    log_init ("it-ledger", "it-ledger", LOG_ERROR);
    clock_set (NOW_US);
    snprintf (s_conninfo_base, sizeof s_conninfo_base, "%s", ci ? ci : "");
    s_owner = ci && *ci ? s_connect ("kefu_owner") : NULL;
    s_db = s_owner ? s_connect ("kefu_billing") : NULL;
    if (s_db && db_command (s_owner, s_fixture) == 0) {
        tally[1] = 0;
        s_run ("the_same_key_is_booked_once_and_a_reused_key_refused", s_same_key_books_once, tally);
        s_run ("the_database_refuses_update_delete_truncate_and_bad_rows", s_database_refuses_changes, tally);
        s_run ("branch_books_are_confined_and_head_office_needs_every_branch", s_branch_books_are_confined, tally);
        s_run ("two_connections_posting_one_key_book_it_once", s_concurrent_posts_book_once, tally);
        s_run ("two_issuers_at_once_never_skip_or_double_a_number", s_numbers_never_skip_or_double, tally);
    }
    else
        fprintf (stderr, "it-ledger: needs KEFU_TEST_CONNINFO, a migrated test cluster: %s\n",
                 s_owner ? db_error (s_owner) : "no connection");
    printf ("%d passed, %d failed\n", tally[0], tally[1]);
    db_destroy (&s_db);
    db_destroy (&s_owner);
    return tally[1] == 0 ? 0 : 1;
}
