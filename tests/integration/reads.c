/*  it-reads — dispatch's SLA reads (services/dispatch/reads/) against a real
 *  PostgreSQL whose migrations are applied, called with a caller of their
 *  own (who.h), which the request endpoint cannot be given from outside yet:
 *  a caller of branch B2 sees B2's rows and nothing of B1, a caller of no
 *  branch sees nothing, a caller of every branch sees both; every success
 *  is checked against schemas/replies/ by kefu's validator.
 *
 *      KEFU_TEST_CONNINFO="host=/tmp/x/sock port=5432 dbname=kefu" bin/it-reads
 *
 *  Writes its fixture as kefu_owner and reads as kefu_dispatch, the role the
 *  dispatcher serves them with. Prints "ok - name" / "not ok - name: reason"
 *  and "N passed, N failed"; tests/integration/test_reads.py runs it.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../services/dispatch/reads/reads.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/log.h"
#include "db/db.h"
#include "db/scope.h"
#include "msg/schema.h"

/*  Tue 24 Nov 2026 02:00:00 UTC, 10:00 in Shanghai. */
#define NOW_US INT64_C (1795485600000000)

static db_t *s_db;              /* as kefu_dispatch */
static schema_set_t *s_schemas;
static char s_why[1024];

#define CHECK(cond, ...)                                                      \
    do {                                                                      \
        if (!(cond)) {                                                        \
            snprintf (s_why, sizeof s_why, __VA_ARGS__);                      \
            goto cleanup;                                                     \
        }                                                                     \
    } while (0)

/*  B1 has a red clock (ticket 1) escalated to its team lead, B2 a yellow
 *  one (ticket 2), each with the tier, region and calendar-free branch
 *  they need. */
static const char s_fixture[] =
    "INSERT INTO ref.tiers (name) VALUES ('t') ON CONFLICT DO NOTHING;"
    "INSERT INTO ref.regions (id, name, tier) VALUES ('R', 'R', 't') ON CONFLICT DO NOTHING;"
    "INSERT INTO ref.branches (id, name, region_id, timezone, hours) VALUES "
    " ('B1', 'one', 'R', 'Asia/Shanghai', '{\"tue\": [\"08:00-18:00\"]}'),"
    " ('B2', 'two', 'R', 'Asia/Shanghai', '{\"tue\": [\"08:00-18:00\"]}') ON CONFLICT DO NOTHING;"
    "INSERT INTO dispatch.sla_clocks (ticket_id, branch_id, clock, policy, target_kind, target_amount, time_kind,"
    " starts_on, stops_on, warn_percent, repeat_minutes, state, started_at, due_at, warn_at) VALUES"
    " (1, 'B1', 'first_response', 'p', 'minutes', 60, 'business', 'a', 'b', 80, 60, 'running',"
    "  '2026-11-24 00:30Z', '2026-11-24 01:30Z', '2026-11-24 01:18Z'),"
    " (2, 'B2', 'first_response', 'p', 'minutes', 60, 'business', 'a', 'b', 80, 60, 'running',"
    "  '2026-11-24 01:10Z', '2026-11-24 02:10Z', '2026-11-24 01:58Z') ON CONFLICT DO NOTHING;"
    "INSERT INTO dispatch.escalations (clock_id, ticket_id, kind, level, recipient_name, recipient_email, reason,"
    " at, recipient_staff, may_acknowledge) SELECT id, 1, 'escalation', 'team_lead', 'lead', '', 'breached',"
    " '2026-11-24 01:30Z', 'TL01', '{TL01}' FROM dispatch.sla_clocks c WHERE ticket_id = 1 AND NOT EXISTS"
    " (SELECT 1 FROM dispatch.escalations e WHERE e.clock_id = c.id);";

/*  Serves request with body (JSON text) as who, its branches stated to
 *  PostgreSQL first as the request endpoint states them (db/scope.h), so
 *  both confinements are at work: the handler's and row-level security's.
 *  Returns the code; a
 *  success's result must match its reply schema (else RPL_INTERNAL with
 *  the reason in err). *result is the caller's. */
static rpl_code_t s_ask (rqe_run_fn fn, const char *request, const char *body, const svc_who_t *who,
                         cJSON **result, char *err, size_t errsize)
{
    rqe_ctx_t ctx = { request, *who };
    cJSON *doc = cJSON_Parse (body);
    *result = NULL;
    err[0] = '\0';
    if (db_scope_set (s_db, who) != 0) {
        cJSON_Delete (doc);
        snprintf (err, errsize, "cannot state the branches");
        return RPL_INTERNAL;
    }
    rpl_code_t code = fn (&s_db, &ctx, doc, result, err, errsize); /* reads.h: a pointer to the connection */
    db_scope_clear (s_db);
    cJSON_Delete (doc);
    char name[64];
    snprintf (name, sizeof name, "%s.reply.v1", request);
    if (code == RPL_OK && schema_validate (s_schemas, name, *result, "result", err, errsize) != 0)
        code = RPL_INTERNAL;
    return code;
}

static const char *const s_b2[] = { "B2" };
static const svc_who_t s_of_b2 = { "lead-b2", 0, s_b2, 1, NULL, false };
static const svc_who_t s_of_none = { "dealer", 0, s_b2, 0, NULL, false };
static const svc_who_t s_of_all = { "head-office", 0, NULL, 0, NULL, false };

/*  The branches of a board's list (branches, escalations, today), "B1,B2". */
static void s_board_list (const cJSON *board, const char *list, char *out, size_t size)
{
    const cJSON *b;
    out[0] = '\0';
    cJSON_ArrayForEach (b, cJSON_GetObjectItemCaseSensitive (board, list))
        snprintf (out + strlen (out), size - strlen (out), "%s%s", out[0] ? "," : "", json_str (b, "branch", "?"));
}

static int s_board_is_confined (void)
{
    char err[512], got[64];
    cJSON *r = NULL;
    int rc = -1;
    CHECK (s_ask (rds_board, "sla.board", "{}", &s_of_b2, &r, err, sizeof err) == RPL_OK, "board: %s", err);
    s_board_list (r, "branches", got, sizeof got);
    CHECK (strcmp (got, "B2") == 0, "a caller of B2 sees branches %s", got);
    s_board_list (r, "escalations", got, sizeof got);
    CHECK (strcmp (got, "") == 0, "a caller of B2 sees escalations of %s", got);
    s_board_list (r, "today", got, sizeof got);
    CHECK (strcmp (got, "B2") == 0, "a caller of B2 sees today's outcomes of %s", got);
    CHECK (cJSON_GetArraySize (cJSON_GetObjectItemCaseSensitive (r, "tickets")) == 1, "tickets: %d",
           cJSON_GetArraySize (cJSON_GetObjectItemCaseSensitive (r, "tickets")));
    cJSON_Delete (r);
    CHECK (s_ask (rds_board, "sla.board", "{\"branch\":\"B1\"}", &s_of_b2, &r, err, sizeof err) == RPL_OK, "%s", err);
    s_board_list (r, "branches", got, sizeof got);
    CHECK (strcmp (got, "") == 0, "asking for B1 as a caller of B2 gives %s", got);
    cJSON_Delete (r);
    CHECK (s_ask (rds_board, "sla.board", "{}", &s_of_none, &r, err, sizeof err) == RPL_OK, "%s", err);
    s_board_list (r, "branches", got, sizeof got);
    CHECK (strcmp (got, "") == 0, "a caller of no branch sees %s", got);
    cJSON_Delete (r);
    CHECK (s_ask (rds_board, "sla.board", "{}", &s_of_all, &r, err, sizeof err) == RPL_OK, "%s", err);
    s_board_list (r, "branches", got, sizeof got);
    CHECK (strcmp (got, "B1,B2") == 0, "a caller of every branch sees %s", got);
    s_board_list (r, "escalations", got, sizeof got);
    CHECK (strcmp (got, "B1") == 0, "a caller of every branch sees escalations of %s", got);
    s_board_list (r, "today", got, sizeof got);
    CHECK (strcmp (got, "B1,B2") == 0, "a caller of every branch sees today's outcomes of %s", got);
    rc = 0;
cleanup:
    cJSON_Delete (r);
    return rc;
}

static int s_clocks_and_due_are_confined (void)
{
    char err[512];
    cJSON *r = NULL;
    int rc = -1;
    rpl_code_t code = s_ask (rds_clocks, "sla.clocks", "{\"ticket_id\":1}", &s_of_b2, &r, err, sizeof err);
    CHECK (code == RPL_NOT_FOUND && strcmp (err, "body.ticket_id: ticket 1 has no SLA clocks") == 0,
           "B1's ticket to a caller of B2: %d %s", (int) code, err);
    CHECK (s_ask (rds_clocks, "sla.clocks", "{\"ticket_id\":2}", &s_of_b2, &r, err, sizeof err) == RPL_OK, "%s", err);
    cJSON_Delete (r);
    r = NULL;
    code = s_ask (rds_due, "sla.due", "{\"branch\":\"B1\",\"minutes\":60}", &s_of_b2, &r, err, sizeof err);
    CHECK (code == RPL_NOT_FOUND && strcmp (err, "body.branch: no branch \"B1\"") == 0,
           "B1's calendar to a caller of B2: %d %s", (int) code, err);
    CHECK (s_ask (rds_due, "sla.due", "{\"branch\":\"B2\",\"minutes\":60}", &s_of_b2, &r, err, sizeof err) == RPL_OK,
           "%s", err);
    CHECK (strcmp (json_str (r, "due", ""), "2026-11-24T03:00:00.000000Z") == 0, "due %s", json_str (r, "due", ""));
    rc = 0;
cleanup:
    cJSON_Delete (r);
    return rc;
}

static int s_report_is_confined (void)
{
    char err[512];
    cJSON *r = NULL;
    int rc = -1;
    CHECK (s_ask (rds_report, "sla.report", "{}", &s_of_b2, &r, err, sizeof err) == RPL_OK, "%s", err);
    const cJSON *rows = cJSON_GetObjectItemCaseSensitive (r, "rows");
    CHECK (cJSON_GetArraySize (rows) == 1 && strcmp (json_str (cJSON_GetArrayItem (rows, 0), "branch", ""), "B2") == 0,
           "a caller of B2 gets %d rows, the first of %s", cJSON_GetArraySize (rows),
           json_str (cJSON_GetArrayItem (rows, 0), "branch", "none"));
    cJSON_Delete (r);
    r = NULL;
    rpl_code_t code = s_ask (rds_report, "sla.report", "{\"branches\":[\"B1\"]}", &s_of_b2, &r, err, sizeof err);
    CHECK (code == RPL_INVALID && strcmp (err, "body.branches: unknown branch \"B1\" (expected one of: B2)") == 0,
           "B1 to a caller of B2: %d %s", (int) code, err);
    rc = 0;
cleanup:
    cJSON_Delete (r);
    return rc;
}

static const struct {
    const char *name;
    int (*fn) (void);
} s_tests[] = {
    { "board_is_confined_to_the_callers_branches", s_board_is_confined },
    { "clocks_and_due_of_another_branch_are_not_found", s_clocks_and_due_are_confined },
    { "report_is_confined_and_names_only_the_callers_branches", s_report_is_confined },
};

int main (void)
{
    const char *ci = getenv ("KEFU_TEST_CONNINFO");
    char conninfo[2048], err[512];
    if (!ci || !*ci) {
        fprintf (stderr, "it-reads: set KEFU_TEST_CONNINFO to the conninfo of a migrated test cluster\n");
        printf ("0 passed, 1 failed\n");
        return 1;
    }
    log_init ("it-reads", "it-reads", LOG_WARN);
    clock_set (NOW_US);
    snprintf (conninfo, sizeof conninfo, "%s user=kefu_owner application_name=it-reads", ci);
    db_t *owner = db_new (conninfo);
    bool ready = owner && db_ensure (owner) == 0 && db_command (owner, s_fixture) == 0;
    if (!ready)
        fprintf (stderr, "it-reads: fixture: %s\n", db_error (owner));
    db_destroy (&owner);
    snprintf (conninfo, sizeof conninfo, "%s user=kefu_dispatch application_name=it-reads", ci);
    s_db = db_new (conninfo);
    s_schemas = schema_set_load ("schemas", err, sizeof err);
    if (!ready || !s_db || !s_schemas) {
        fprintf (stderr, "it-reads: %s\n", s_schemas ? "no database" : err);
        printf ("0 passed, 1 failed\n");
        db_destroy (&s_db);
        schema_set_destroy (&s_schemas);
        return 1;
    }
    int passed = 0, failed = 0;
    for (size_t i = 0; i < sizeof s_tests / sizeof s_tests[0]; i++) {
        s_why[0] = '\0';
        if (s_tests[i].fn () == 0) {
            printf ("ok - %s\n", s_tests[i].name);
            passed++;
        }
        else {
            printf ("not ok - %s: %s\n", s_tests[i].name, s_why);
            failed++;
        }
    }
    printf ("%d passed, %d failed\n", passed, failed);
    db_destroy (&s_db);
    schema_set_destroy (&s_schemas);
    return failed == 0 ? 0 : 1;
}
