/*  cb_reports — see cb_reports.h. */
#include "cb_reports.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/json.h"
#include "cb_state.h"
#include "db/statements.h"
#include "svc/failure.h"

/*  The finished tickets of the period and the latest after-work callback of
 *  each: one row per ticket, ordered by branch. */
#define S_FINISHED                                                                                \
    "WITH f AS ("                                                                                 \
    " SELECT t.id, t.branch_id, c.id AS cb, c.status, c.outcome, c.closed_reason, c.due_at,"      \
    "  coalesce (c.completed_at, t.closed_at, t.updated_at) AS finished_at"                       \
    " FROM intake.tickets t"                                                                      \
    " LEFT JOIN LATERAL (SELECT * FROM callback.callbacks c"                                      \
    "   WHERE c.ticket_id = t.id AND c.purpose = 'after_work' ORDER BY c.id DESC LIMIT 1) c ON true" \
    " WHERE t.status IN ('resolved', 'closed') AND ($3::text IS NULL OR t.branch_id = $3))"

static const db_statement_t s_statements[] = {
    { "cbp_coverage",
      S_FINISHED
      " SELECT id, branch_id, cb, status, outcome, closed_reason, " DB_EPOCH_US ("due_at")
      " FROM f WHERE finished_at >= $1::timestamptz AND finished_at < $2::timestamptz"
      " ORDER BY branch_id, id" },
    /* $4: the grouping column */
    { "cbp_satisfaction",
      "SELECT branch_id, CASE $4 WHEN 'agent' THEN recorded_by WHEN 'technician' THEN technician_id"
      "   ELSE branch_id END AS k,"
      "  count(*), count(*) FILTER (WHERE outcome = 'satisfied'),"
      "  count(*) FILTER (WHERE outcome = 'neutral'), count(*) FILTER (WHERE outcome = 'dissatisfied')"
      " FROM callback.callbacks"
      " WHERE status = '" CB_S_RECORDED "' AND recorded_at >= $1::timestamptz AND recorded_at < $2::timestamptz"
      "   AND ($3::text IS NULL OR branch_id = $3)"
      " GROUP BY 1, 2 HAVING CASE $4 WHEN 'agent' THEN recorded_by WHEN 'technician' THEN technician_id"
      "   ELSE branch_id END IS NOT NULL ORDER BY 1, 2" },
};

int cb_reports_prepare (db_t *db)
{
    return db_prepare_statements (db, s_statements, DB_STATEMENTS (s_statements));
}

/*  from < to, both RFC 3339. Returns 0, or -1 with err set. */
static int s_period (const cJSON *body, int64_t *from, int64_t *to, char *err, size_t errsize)
{
    if (clock_parse_rfc3339 (json_str (body, "from", ""), from) != 0) {
        snprintf (err, errsize, "body.from: expected an RFC 3339 time");
        return -1;
    }
    if (clock_parse_rfc3339 (json_str (body, "to", ""), to) != 0 || *to <= *from) {
        snprintf (err, errsize, "body.to: expected an RFC 3339 time after body.from");
        return -1;
    }
    return 0;
}

/*  The start of both reports: the period, then the connection. */
static rpl_code_t s_begin (cb_app_t *app, const cJSON *body, int64_t *from, int64_t *to, char *err,
                           size_t errsize)
{
    if (s_period (body, from, to, err, errsize) != 0)
        return RPL_INVALID;
    if (db_ensure (app->db) != 0) {
        snprintf (err, errsize, "database: unavailable, try again");
        return RPL_UNAVAILABLE;
    }
    return RPL_OK;
}

/*  One counter of the branch row. */
typedef struct {
    char branch[65];
    int finished, recorded, unreachable, due, cancelled, missing;
} s_branch_t;

static cJSON *s_branch_json (const s_branch_t *b)
{
    cJSON *o = cJSON_CreateObject ();
    if (!o)
        return NULL;
    cJSON_AddStringToObject (o, "branch", b->branch);
    cJSON_AddNumberToObject (o, "finished", b->finished);
    cJSON_AddNumberToObject (o, "recorded", b->recorded);
    cJSON_AddNumberToObject (o, "unreachable", b->unreachable);
    cJSON_AddNumberToObject (o, "due", b->due);
    cJSON_AddNumberToObject (o, "cancelled", b->cancelled);
    cJSON_AddNumberToObject (o, "missing", b->missing);
    cJSON_AddNumberToObject (o, "recorded_pct",
                             b->finished ? (double) (b->recorded * 1000 / b->finished) / 10.0 : 100.0);
    return o;
}

/*  Why a finished ticket has no recorded callback, or NULL when it has one. */
static const char *s_without (const PGresult *res, int i, s_branch_t *b, char *why, size_t size)
{
    const char *status = PQgetisnull (res, i, 3) ? NULL : PQgetvalue (res, i, 3);
    b->finished++;
    if (!status) {
        b->missing++;
        return "no callback scheduled";
    }
    if (strcmp (status, CB_S_RECORDED) == 0) {
        b->recorded++;
        return NULL;
    }
    if (strcmp (status, CB_S_UNREACHABLE) == 0) {
        b->unreachable++;
        snprintf (why, size, "unreachable: %s", PQgetvalue (res, i, 5));
        return why;
    }
    if (strcmp (status, CB_S_CANCELLED) == 0) {
        b->cancelled++;
        snprintf (why, size, "cancelled: %s", PQgetvalue (res, i, 5));
        return why;
    }
    b->due++;
    snprintf (why, size, "still due (%s)", status);
    return why;
}

rpl_code_t cb_rq_coverage (void *arg, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                           size_t errsize)
{
    (void) ctx;
    cb_app_t *app = arg;
    int64_t from, to;
    rpl_code_t code = s_begin (app, body, &from, &to, err, errsize);
    if (code != RPL_OK)
        return code;
    const char *p[] = { json_str (body, "from", ""), json_str (body, "to", ""), json_str (body, "branch", NULL) };
    PGresult *res = db_exec_prepared (app->db, "cbp_coverage", 3, p);
    if (!res)
        return svc_db_request_failure (app->db, "reading the coverage", err, errsize);
    cJSON *doc = cJSON_CreateObject ();
    cJSON *branches = doc ? cJSON_AddArrayToObject (doc, "branches") : NULL;
    cJSON *without = doc ? cJSON_AddArrayToObject (doc, "without") : NULL;
    bool ok = without != NULL;
    char text[40];
    ok = ok && cJSON_AddStringToObject (doc, "from", clock_format_us (from, text, sizeof text))
         && cJSON_AddStringToObject (doc, "to", clock_format_us (to, text, sizeof text));
    s_branch_t b = { .branch = "" };
    for (int i = 0; ok && i < PQntuples (res); i++) {
        const char *branch = PQgetvalue (res, i, 1);
        if (strcmp (branch, b.branch) != 0) {
            if (*b.branch)
                ok = cJSON_AddItemToArray (branches, s_branch_json (&b));
            b = (s_branch_t) { .finished = 0 };
            snprintf (b.branch, sizeof b.branch, "%s", branch);
        }
        char why[300];
        const char *reason = s_without (res, i, &b, why, sizeof why);
        if (!reason)
            continue;
        cJSON *t = cJSON_CreateObject ();
        ok = t && cJSON_AddItemToArray (without, t);
        if (!ok)
            break;
        cJSON_AddNumberToObject (t, "ticket_id", (double) strtoll (PQgetvalue (res, i, 0), NULL, 10));
        cJSON_AddStringToObject (t, "branch", branch);
        cJSON_AddStringToObject (t, "reason", reason);
        if (PQgetisnull (res, i, 2))
            cJSON_AddNullToObject (t, "callback_id");
        else
            cJSON_AddNumberToObject (t, "callback_id", (double) strtoll (PQgetvalue (res, i, 2), NULL, 10));
        if (PQgetisnull (res, i, 6))
            cJSON_AddNullToObject (t, "due_at");
        else
            cJSON_AddStringToObject (t, "due_at",
                                     clock_format_us (strtoll (PQgetvalue (res, i, 6), NULL, 10), text, sizeof text));
    }
    if (ok && *b.branch)
        ok = cJSON_AddItemToArray (branches, s_branch_json (&b));
    PQclear (res);
    if (!ok) {
        cJSON_Delete (doc);
        snprintf (err, errsize, "out of memory");
        return RPL_INTERNAL;
    }
    *result = doc;
    return RPL_OK;
}

rpl_code_t cb_rq_satisfaction (void *arg, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                               size_t errsize)
{
    (void) ctx;
    cb_app_t *app = arg;
    int64_t from, to;
    rpl_code_t code = s_begin (app, body, &from, &to, err, errsize);
    if (code != RPL_OK)
        return code;
    const char *by = json_str (body, "by", "branch");
    const char *p[] = { json_str (body, "from", ""), json_str (body, "to", ""), json_str (body, "branch", NULL), by };
    PGresult *res = db_exec_prepared (app->db, "cbp_satisfaction", 4, p);
    if (!res)
        return svc_db_request_failure (app->db, "reading the satisfaction", err, errsize);
    cJSON *doc = cJSON_CreateObject ();
    cJSON *rows = doc ? cJSON_AddArrayToObject (doc, "rows") : NULL;
    char text[40];
    bool ok = rows && cJSON_AddStringToObject (doc, "from", clock_format_us (from, text, sizeof text))
              && cJSON_AddStringToObject (doc, "to", clock_format_us (to, text, sizeof text))
              && cJSON_AddStringToObject (doc, "by", by);
    for (int i = 0; ok && i < PQntuples (res); i++) {
        cJSON *r = cJSON_CreateObject ();
        ok = r && cJSON_AddItemToArray (rows, r);
        if (!ok)
            break;
        long reached = atol (PQgetvalue (res, i, 2)), satisfied = atol (PQgetvalue (res, i, 3));
        cJSON_AddStringToObject (r, "branch", PQgetvalue (res, i, 0));
        cJSON_AddStringToObject (r, "key", PQgetvalue (res, i, 1));
        cJSON_AddNumberToObject (r, "reached", (double) reached);
        cJSON_AddNumberToObject (r, "satisfied", (double) satisfied);
        cJSON_AddNumberToObject (r, "neutral", (double) atol (PQgetvalue (res, i, 4)));
        cJSON_AddNumberToObject (r, "dissatisfied", (double) atol (PQgetvalue (res, i, 5)));
        cJSON_AddNumberToObject (r, "rate_pct", reached ? (double) (satisfied * 1000 / reached) / 10.0 : 0.0);
    }
    PQclear (res);
    if (!ok) {
        cJSON_Delete (doc);
        snprintf (err, errsize, "out of memory");
        return RPL_INTERNAL;
    }
    *result = doc;
    return RPL_OK;
}
