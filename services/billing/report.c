/*  report — see report.h. */
#include "report.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/json.h"
#include "base/log.h"
#include "base/money.h"
#include "db/cursor.h"
#include "ledger_rows.h"
#include "report_figures.h"
#include "svc/failure.h"
#include "svc/who.h"
#include "time/tz.h"

/*  The month's bounds in the zone named zone_name. */
static int s_bounds_in (const char *zone_name, const char *month, int64_t *from_us, int64_t *to_us, char *err,
                        size_t errsize)
{
    int year = 0, mon = 0;
    char end;
    if (sscanf (month, "%4d-%2d%c", &year, &mon, &end) != 2 || strlen (month) != 7 || mon < 1 || mon > 12
        || year < 2000) {
        err_set (err, errsize, "body.month: \"%s\" is not a month (expected YYYY-MM)", month);
        return -1;
    }
    tz_t *zone = tz_load (zone_name, err, errsize);
    if (!zone)
        return -1;
    tz_civil_t first = { year, mon, 1, 0, 0, 0 };
    tz_civil_t next = { mon == 12 ? year + 1 : year, mon == 12 ? 1 : mon + 1, 1, 0, 0, 0 };
    int rc = tz_local_to_utc (zone, &first, TZ_EARLIER, from_us) == 0 && tz_local_to_utc (zone, &next, TZ_EARLIER, to_us) == 0
                 ? 0
                 : -1;
    tz_destroy (&zone);
    if (rc != 0)
        err_set (err, errsize, "body.month: \"%s\" cannot be placed in the time zone %s", month, zone_name);
    return rc;
}

int report_month_bounds (db_t *db, const char *branch, const char *month, int64_t *from_us, int64_t *to_us,
                         char *err, size_t errsize)
{
    const char *params[] = { branch };
    PGresult *res = db_exec (db, "SELECT timezone FROM ref.branches WHERE id = $1", 1, params);
    if (!res || PQntuples (res) != 1) {
        err_set (err, errsize, res ? "body.branch: no branch \"%s\"" : "%s", res ? branch : db_error (db));
        PQclear (res);
        return -1;
    }
    char zone[64];
    snprintf (zone, sizeof zone, "%s", PQgetvalue (res, 0, 0));
    PQclear (res);
    return s_bounds_in (zone, month, from_us, to_us, err, errsize);
}

/*  Head office's month: in body.timezone, or in the one zone every branch
 *  shares. zone_out receives the zone used. */
static int s_head_office_bounds (db_t *db, const cJSON *body, const char *month, int64_t *from_us, int64_t *to_us,
                                 char *zone_out, size_t zone_size, char *err, size_t errsize)
{
    const char *named = json_str (body, "timezone", NULL);
    if (named)
        snprintf (zone_out, zone_size, "%s", named);
    else {
        PGresult *res = db_exec (db, "SELECT min(timezone), count(DISTINCT timezone) FROM ref.branches", 0, NULL);
        if (!res) {
            err_set (err, errsize, "%s", db_error (db));
            return -1;
        }
        bool one = strcmp (PQgetvalue (res, 0, 1), "1") == 0;
        snprintf (zone_out, zone_size, "%s", PQgetvalue (res, 0, 0));
        PQclear (res);
        if (!one) {
            err_set (err, errsize, "body.timezone: the branches do not keep one time zone: name the one of "
                                   "head office's month (an IANA name such as Asia/Shanghai)");
            return -1;
        }
    }
    if (s_bounds_in (zone_out, month, from_us, to_us, err, errsize) == 0)
        return 0;
    if (named && strncmp (err, "body.", 5) != 0) {
        char why[200];
        snprintf (why, sizeof why, "%s", err);
        err_set (err, errsize, "body.timezone: %s", why);
    }
    return -1;
}

/*  Both sides of one figure, added to rows; whether they agree in *agree. */
static int s_figure (db_t *db, const report_figure_t *f, const char *const *params, cJSON *rows, cJSON *diffs,
                     bool *agree)
{
    char sql[4096];
    if (snprintf (sql, sizeof sql, "SELECT (%s)::bigint, (%s)::bigint", f->ledger, f->source) >= (int) sizeof sql) {
        log_kv (LOG_ERROR, "report_figure_too_long", "figure", f->name, NULL);
        return -1;
    }
    PGresult *res = db_exec (db, sql, 4, params);
    if (!res) {
        log_kv (LOG_ERROR, "db_error", "where", f->name, "error", db_error (db), NULL);
        return -1;
    }
    int64_t ledger = strtoll (PQgetvalue (res, 0, 0), NULL, 10);
    int64_t source = strtoll (PQgetvalue (res, 0, 1), NULL, 10), difference = 0;
    PQclear (res);
    if (!money_sub (source, ledger, &difference)) {
        log_kv (LOG_ERROR, "report_figure_overflow", "figure", f->name, NULL);
        return -1;
    }
    cJSON *row = cJSON_CreateObject ();
    bool ok = row && cJSON_AddItemToArray (rows, row) && cJSON_AddStringToObject (row, "figure", f->name)
              && cJSON_AddNumberToObject (row, "ledger", (double) ledger)
              && cJSON_AddNumberToObject (row, "source", (double) source)
              && cJSON_AddNumberToObject (row, "difference", (double) difference);
    if (ok && source != ledger) {
        *agree = false;
        cJSON *d = cJSON_CreateObject ();
        ok = d && cJSON_AddItemToArray (diffs, d) && cJSON_AddStringToObject (d, "figure", f->name)
             && cJSON_AddNumberToObject (d, "source", (double) source)
             && cJSON_AddNumberToObject (d, "ledger", (double) ledger);
    }
    return ok ? 0 : -1;
}

/*  Who may read the books asked for, and the month's bounds in their zone. */
static rpl_code_t s_report_start (ledger_app_t *app, const rqe_ctx_t *ctx, const cJSON *body, const char *branch,
                                  bool head_office, int64_t *from, int64_t *to, char *zone, size_t zone_size,
                                  char *err, size_t errsize)
{
    const char *month = json_str (body, "month", "");
    if (head_office && !svc_who_sees_branch (&ctx->who, NULL)) {
        err_set (err, errsize, "body.branch: head office's books (" REPORT_HEAD_OFFICE ") are read by those who act "
                               "for every branch");
        return RPL_FORBIDDEN;
    }
    if (!head_office && json_str (body, "timezone", NULL)) {
        err_set (err, errsize, "body.timezone: a branch's month is in the branch's own time zone");
        return RPL_INVALID;
    }
    rpl_code_t code = ledger_read_start (app, ctx, head_office ? NULL : branch, err, errsize);
    if (code != RPL_OK)
        return code;
    int rc = head_office ? s_head_office_bounds (app->db, body, month, from, to, zone, zone_size, err, errsize)
                         : report_month_bounds (app->db, branch, month, from, to, err, errsize);
    if (rc != 0)
        return db_connected (app->db) && strncmp (err, "body.", 5) == 0 ? RPL_INVALID : RPL_UNAVAILABLE;
    if (!head_office)
        snprintf (zone, zone_size, "%s", "");
    return RPL_OK;
}

LEDGER_REQUEST (report_rq_month)
{
    db_t *db = ((ledger_app_t *) app)->db;
    const char *branch = json_str (body, "branch", "");
    const char *month = json_str (body, "month", "");
    const char *currency = json_str (body, "currency", "CNY");
    bool head_office = strcmp (branch, REPORT_HEAD_OFFICE) == 0;
    if (!money_currency_known (currency)) {
        err_set (err, errsize, "body.currency: unknown currency \"%s\" (expected an ISO 4217 code)", currency);
        return RPL_INVALID;
    }
    int64_t from = 0, to = 0;
    char zone[64];
    rpl_code_t code = s_report_start (app, ctx, body, branch, head_office, &from, &to, zone, sizeof zone, err, errsize);
    if (code != RPL_OK)
        return code;
    const report_figure_t *figures = head_office ? report_head_office_figures : report_branch_figures;
    size_t n = head_office ? report_head_office_figure_count : report_branch_figure_count;
    char from_text[40], to_text[40];
    const char *params[] = { branch, clock_format_us (from, from_text, sizeof from_text),
                             clock_format_us (to, to_text, sizeof to_text), currency };
    cJSON *doc = cJSON_CreateObject ();
    cJSON *rows = doc ? cJSON_AddArrayToObject (doc, "figures") : NULL;
    cJSON *diffs = doc ? cJSON_AddArrayToObject (doc, "differences") : NULL;
    bool agree = true, ok = rows && diffs && cJSON_AddStringToObject (doc, "branch", branch)
                            && cJSON_AddStringToObject (doc, "books", head_office ? "head_office" : "branch")
                            && (!head_office || cJSON_AddStringToObject (doc, "timezone", zone))
                            && cJSON_AddStringToObject (doc, "month", month)
                            && cJSON_AddStringToObject (doc, "currency", currency)
                            && cJSON_AddStringToObject (doc, "from", from_text)
                            && cJSON_AddStringToObject (doc, "to", to_text);
    /* one snapshot for both sides of every figure */
    if (ok && db_command (db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") != 0)
        ok = false;
    for (size_t i = 0; ok && i < n; i++)
        if (s_figure (db, &figures[i], params, rows, diffs, &agree) != 0)
            ok = false;
    db_command (db, ok ? "COMMIT" : "ROLLBACK");
    if (!ok || !cJSON_AddBoolToObject (doc, "reconciled", agree)) {
        cJSON_Delete (doc);
        return svc_db_request_failure (db, "computing the report", err, errsize);
    }
    *result = doc;
    return RPL_OK;
}

LEDGER_REQUEST (report_rq_entries)
{
    db_t *db = ((ledger_app_t *) app)->db;
    const char *branch = json_str (body, "branch", NULL);
    cur_page_t page;
    if (cur_page_start (&page, "ledger.entries", body, json_int (body, "limit", 500), err, errsize) != 0)
        return RPL_INVALID;
    rpl_code_t code = ledger_read_start (app, ctx, branch, err, errsize);
    if (code != RPL_OK)
        return code;
    char from_text[40] = "", to_text[40] = "";
    const char *month = json_str (body, "month", NULL);
    if (month) {
        int64_t from = 0, to = 0;
        if (!branch) {
            err_set (err, errsize, "body.month: a month needs a branch (its time zone)");
            return RPL_INVALID;
        }
        if (report_month_bounds (db, branch, month, &from, &to, err, errsize) != 0)
            return strncmp (err, "body.", 5) == 0 ? RPL_INVALID : RPL_UNAVAILABLE;
        clock_format_us (from, from_text, sizeof from_text);
        clock_format_us (to, to_text, sizeof to_text);
    }
    const char *params[] = { branch, month ? from_text : NULL, month ? to_text : NULL, json_str (body, "kind", NULL),
                             json_str (body, "party", NULL), cur_page_fetch (&page), cur_page_key (&page),
                             cur_page_id (&page) };
    PGresult *res = db_exec (db,
                             "SELECT id, key, kind, debit, credit, amount, currency, branch_id AS branch, party, ref,"
                             " " DB_EPOCH_US ("at") " AS at, actor FROM billing.ledger_entries"
                             " WHERE ($1::text IS NULL OR branch_id = $1)"
                             "   AND ($2::timestamptz IS NULL OR at >= $2::timestamptz)"
                             "   AND ($3::timestamptz IS NULL OR at < $3::timestamptz)"
                             "   AND ($4::text IS NULL OR kind = $4) AND ($5::text IS NULL OR party = $5)"
                             /* after the cursor's entry ($7 at in us, $8 id) */
                             "   AND ($7::bigint IS NULL OR (at, id) > (" CUR_SQL_US ("$7") ", $8::bigint))"
                             " ORDER BY at, id LIMIT $6::int",
                             8, params);
    if (!res)
        return svc_db_request_failure (db, "reading the ledger", err, errsize);
    cJSON *doc = cJSON_CreateObject ();
    cJSON *entries = doc ? ledger_rows_add (doc, "entries", res) : NULL;
    int fetched = PQntuples (res);
    if (entries && fetched > cur_page_rows (&page, fetched)) /* the extra row: a next page follows */
        cJSON_DeleteItemFromArray (entries, fetched - 1);
    bool ok = entries && cur_page_next_row (&page, doc, res, 10, 0) == 0;
    PQclear (res);
    if (!ok) {
        cJSON_Delete (doc);
        err_set (err, errsize, "out of memory");
        return RPL_INTERNAL;
    }
    *result = doc;
    return RPL_OK;
}
