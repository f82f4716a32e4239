/*  read_report — sla.report: SLA compliance per branch and clock for the
 *  clocks started in a period — how many started, were met, breached or
 *  are still open, and the median and 90th percentile of the time from
 *  start to stop. One statement does the counting and the percentiles
 *  (percentile_cont) in PostgreSQL.
 *
 *  The period is a range of calendar dates [from, to) read in each branch's
 *  own time zone, so "November" means November at every branch; without
 *  dates it is the current month of each branch, "now" being the
 *  dispatcher's clock. Every branch the selection names (or every branch
 *  the caller sees) comes back, one row with a null clock when it had no
 *  clocks, so that a summary can list it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/json.h"
#include "model/sla_clock.h"
#include "model/sla_names.h"
#include "read_util.h"
#include "reads.h"
#include "svc/failure.h"
#include "time/tz.h"

#define REPORT_MAX_ITEMS 256

/*  A clock is breached or met as RDU_CLOCK_BREACHED says (read_util.h);
 *  open while running or paused and not breached. $7: the caller's
 *  branches (NULL: every branch). */
static const char s_report_sql[] =
    "WITH b AS (SELECT id, name, timezone, "
    "  coalesce($2::date, date_trunc('month', to_timestamp($1::bigint / 1e6) AT TIME ZONE timezone)::date) "
    "AS d_from, "
    "  coalesce($3::date, (date_trunc('month', to_timestamp($1::bigint / 1e6) AT TIME ZONE timezone) "
    "                      + interval '1 month')::date) AS d_to "
    "  FROM ref.branches WHERE ($4::text[] IS NULL OR id = ANY ($4::text[])) "
    "  AND ($7::text[] IS NULL OR id = ANY ($7::text[]))), "
    "c AS (SELECT c.branch_id, c.clock, c.state, extract(epoch FROM c.stopped_at - c.started_at) AS secs, "
    "  " RDU_CLOCK_BREACHED " AS breached "
    "  FROM b JOIN dispatch.sla_clocks c ON c.branch_id = b.id "
    "  WHERE c.started_at >= (b.d_from::timestamp AT TIME ZONE b.timezone) "
    "    AND c.started_at < (b.d_to::timestamp AT TIME ZONE b.timezone) "
    "    AND ($5::text[] IS NULL OR c.clock = ANY ($5::text[]))), "
    "a AS (SELECT branch_id, clock, count(*) AS n, "
    "  count(*) FILTER (WHERE state = '" CLOCK_S_STOPPED "' AND NOT breached) AS met, "
    "  count(*) FILTER (WHERE breached) AS breached, "
    "  count(*) FILTER (WHERE state IN ('" CLOCK_S_RUNNING "', '" CLOCK_S_PAUSED "') AND NOT breached) AS open, "
    "  round((percentile_cont(0.5) WITHIN GROUP (ORDER BY secs) FILTER (WHERE state = '" CLOCK_S_STOPPED "'))::numeric) "
    "AS p50, "
    "  round((percentile_cont(0.9) WITHIN GROUP (ORDER BY secs) FILTER (WHERE state = '" CLOCK_S_STOPPED "'))::numeric) "
    "AS p90 "
    "  FROM c GROUP BY branch_id, clock) "
    "SELECT b.id, b.name, to_char(b.d_from, 'YYYY-MM-DD'), to_char(b.d_to, 'YYYY-MM-DD'), "
    "  a.clock, coalesce(a.n, 0), coalesce(a.met, 0), coalesce(a.breached, 0), coalesce(a.open, 0), a.p50, a.p90 "
    "FROM b LEFT JOIN a ON a.branch_id = b.id "
    "ORDER BY b.id, array_position ($6::text[], a.clock), a.clock";

enum { R_BRANCH, R_NAME, R_FROM, R_TO, R_CLOCK, R_N, R_MET, R_BREACHED, R_OPEN, R_P50, R_P90 };

/*  The body, read once: the selections as text[] literals (NULL: all). */
typedef struct {
    char *branches, *clocks;
    const char *from, *to;
} report_rq_t;

static void s_report_rq_free (report_rq_t *rq)
{
    free (rq->branches);
    free (rq->clocks);
    rq->branches = rq->clocks = NULL;
}

/*  A member that is an array of strings (the schema checked it) as a text[]
 *  literal in *out (NULL when absent). Returns 0, or -1 when out of memory. */
static int s_report_list (const cJSON *body, const char *key, char **out)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive (body, key);
    const char *items[REPORT_MAX_ITEMS];
    size_t n = 0;
    const cJSON *item;
    *out = NULL;
    if (!list)
        return 0;
    cJSON_ArrayForEach (item, list)
        if (n < REPORT_MAX_ITEMS)
            items[n++] = item->valuestring;
    *out = rdu_pg_array (items, n);
    return *out ? 0 : -1;
}

/*  Reads the body and the rules across fields. Returns RPL_OK, or a code
 *  with "body.<field>: …" in err. */
static rpl_code_t s_report_parse (const cJSON *body, report_rq_t *rq, char *err, size_t errsize)
{
    memset (rq, 0, sizeof *rq);
    rq->from = json_str (body, "from", NULL);
    rq->to = json_str (body, "to", NULL);
    if (!rq->from != !rq->to) {
        snprintf (err, errsize, "body.%s: given without \"%s\" (give both dates of the period [from, to), or "
                                "neither for the current month)",
                  rq->from ? "from" : "to", rq->from ? "to" : "from");
        return RPL_INVALID;
    }
    if (rq->from && strcmp (rq->from, rq->to) >= 0) { /* YYYY-MM-DD: text order is date order */
        snprintf (err, errsize, "body.from: %s is not before \"to\" %s (the period is [from, to))", rq->from,
                  rq->to);
        return RPL_INVALID;
    }
    if (s_report_list (body, "branches", &rq->branches) != 0 || s_report_list (body, "clocks", &rq->clocks) != 0)
        return rdu_oom (err, errsize);
    return RPL_OK;
}

/*  Runs a statement that answers the first unknown name of a list (or no
 *  row). Returns 1 with the name in out, 0 when every name is known, -1 on
 *  a database failure (code and err set). */
static int s_first_unknown (db_t *db, const char *sql, int nparams, const char *const *params, char *out,
                            size_t size, rpl_code_t *code, char *err, size_t errsize)
{
    PGresult *res = db_exec (db, sql, nparams, params);
    if (!res) {
        *code = svc_db_request_failure (db, "checking the names", err, errsize);
        return -1;
    }
    int rc = PQntuples (res) > 0;
    if (rc)
        snprintf (out, size, "%s", PQgetvalue (res, 0, 0));
    PQclear (res);
    return rc;
}

/*  An unknown (or unseen) branch, or a clock that is neither built in nor
 *  has ever run (a deployment's own clock of sla.yaml), is invalid.
 *  Returns RPL_OK, or a code with err set. */
static rpl_code_t s_report_check_names (db_t *db, const report_rq_t *rq, const char *scope, const char *builtin,
                                        char *err, size_t errsize)
{
    char name[256];
    rpl_code_t code = RPL_OK;
    int u = 0;
    if (rq->branches) {
        const char *p[] = { rq->branches, scope };
        u = s_first_unknown (db,
                             "SELECT u FROM unnest ($1::text[]) WITH ORDINALITY AS x (u, i) WHERE u NOT IN "
                             "(SELECT id FROM ref.branches WHERE $2::text[] IS NULL OR id = ANY ($2::text[])) "
                             "ORDER BY i LIMIT 1",
                             2, p, name, sizeof name, &code, err, errsize);
        if (u > 0) {
            PGresult *known = db_exec (db,
                                       "SELECT coalesce (string_agg (id, ', ' ORDER BY id), 'none') FROM ref.branches "
                                       "WHERE $1::text[] IS NULL OR id = ANY ($1::text[])",
                                       1, (const char *const[]){ scope });
            snprintf (err, errsize, "body.branches: unknown branch \"%.64s\" (expected one of: %.300s)", name,
                      known && PQntuples (known) ? PQgetvalue (known, 0, 0) : "?");
            PQclear (known);
            return RPL_INVALID;
        }
    }
    if (u == 0 && rq->clocks) {
        const char *p[] = { rq->clocks, builtin };
        u = s_first_unknown (db,
                             "SELECT u FROM unnest ($1::text[]) WITH ORDINALITY AS x (u, i) "
                             "WHERE u <> ALL ($2::text[]) AND NOT EXISTS "
                             "(SELECT 1 FROM dispatch.sla_clocks c WHERE c.clock = u) ORDER BY i LIMIT 1",
                             2, p, name, sizeof name, &code, err, errsize);
        if (u > 0) {
            int n = snprintf (err, errsize, "body.clocks: unknown clock \"%.32s\" (expected one of:", name);
            for (int i = 0; sla_builtin_clocks[i] && n > 0 && (size_t) n < errsize; i++)
                n += snprintf (err + n, errsize - (size_t) n, "%s %s", i ? "," : "", sla_builtin_clocks[i]);
            if (n > 0 && (size_t) n < errsize)
                snprintf (err + n, errsize - (size_t) n,
                          ", or a clock of your own in sla.yaml that has started at least once)");
            return RPL_INVALID;
        }
    }
    return u < 0 ? code : RPL_OK;
}

/*  The result document of the rows. NULL when out of memory. */
static cJSON *s_report_doc (const PGresult *res)
{
    cJSON *doc = cJSON_CreateObject ();
    cJSON *rows = doc ? cJSON_AddArrayToObject (doc, "rows") : NULL;
    if (!rows)
        goto fail;
    static const char *const text_keys[] = { "branch", "branch_name", "from", "to", "clock" };
    static const char *const int_keys[] = { "clocks", "met", "breached", "open", "median_seconds", "p90_seconds" };
    for (int r = 0; r < PQntuples (res); r++) {
        cJSON *o = cJSON_CreateObject ();
        if (!o || !cJSON_AddItemToArray (rows, o)) {
            cJSON_Delete (o);
            goto fail;
        }
        for (int c = R_BRANCH; c <= R_CLOCK; c++)
            if (!rdu_add_text (o, text_keys[c], PQgetvalue (res, r, c), PQgetisnull (res, r, c)))
                goto fail;
        for (int c = R_N; c <= R_P90; c++)
            if (!rdu_add_int (o, int_keys[c - R_N], PQgetvalue (res, r, c), PQgetisnull (res, r, c)))
                goto fail;
    }
    return doc;
fail:
    cJSON_Delete (doc);
    return NULL;
}

rpl_code_t rds_report (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                       size_t errsize)
{
    db_t *db = app ? *(db_t *const *) app : NULL; /* reads.h: the connection comes first */
    report_rq_t rq;
    char *scope = NULL, *builtin = NULL;
    PGresult *res = NULL;
    rpl_code_t code = s_report_parse (body, &rq, err, errsize);
    if (code == RPL_OK)
        code = rdu_begin (db, &ctx->who, &scope, err, errsize);
    if (code != RPL_OK)
        goto cleanup;
    size_t n_builtin = 0;
    while (sla_builtin_clocks[n_builtin])
        n_builtin++;
    if (!(builtin = rdu_pg_array (sla_builtin_clocks, n_builtin))) {
        code = rdu_oom (err, errsize);
        goto cleanup;
    }
    if ((code = s_report_check_names (db, &rq, scope, builtin, err, errsize)) != RPL_OK)
        goto cleanup;
    char now[32];
    snprintf (now, sizeof now, "%" PRId64, clock_now_us ());
    const char *params[] = { now, rq.from, rq.to, rq.branches, rq.clocks, builtin, scope };
    if (!(res = db_exec (db, s_report_sql, 7, params)))
        code = svc_db_request_failure (db, "reading the report", err, errsize);
    else if (!(*result = s_report_doc (res)))
        code = rdu_oom (err, errsize);
cleanup:
    PQclear (res);
    free (scope);
    free (builtin);
    s_report_rq_free (&rq);
    return code;
}
