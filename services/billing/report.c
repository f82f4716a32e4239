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
#include "ledger_rows.h"
#include "svc/failure.h"
#include "time/tz.h"

/*  Parameters of every figure's SQL: $1 branch, $2 from, $3 to, $4 currency. */
#define S_IN(t, col) " FROM " t " WHERE branch_id = $1 AND currency = $4 AND " col " >= $2::timestamptz AND " col " < $3::timestamptz"
/*  (names $2 too: every statement types all four parameters) */
#define S_BEFORE(t, col) " FROM " t " WHERE branch_id = $1 AND currency = $4 AND " col " < $3::timestamptz AND $2::timestamptz IS NOT NULL"
#define S_SUM(t, col) "(SELECT coalesce(sum(amount), 0)" S_IN (t, col) ")"
#define S_SUM_BEFORE(t, col) "(SELECT coalesce(sum(amount), 0)" S_BEFORE (t, col) ")"
#define S_LEDGER "billing.ledger_entries"
/*  An account's movement on its own side over the month (or before its end). */
#define S_NET(acct, debit_side, where)                                                                  \
    "(SELECT coalesce(sum(CASE WHEN " debit_side " = '" acct "' THEN amount ELSE -amount END), 0)"      \
    where (S_LEDGER, "at") " AND '" acct "' IN (debit, credit))"
#define S_KIND(kind) "(SELECT coalesce(sum(amount), 0)" S_IN (S_LEDGER, "at") " AND kind = '" kind "')"

typedef struct {
    const char *name;
    const char *source; /* NULL: its source is not billing's ledger part's */
    const char *ledger;
} s_figure_t;

static const s_figure_t s_figures[] = {
    { "chargeable_revenue", S_SUM ("billing.invoices", "issued_at") " - " S_SUM ("billing.credit_notes", "issued_at"),
      S_NET ("service_revenue", "credit", S_IN) },
    { "warranty_cost", S_SUM ("billing.claim_credits", "credited_at"), S_NET ("warranty_cost", "debit", S_IN) },
    { "claims_paid", S_SUM ("billing.claim_credits", "credited_at"), S_KIND ("claim_credit") },
    { "rewards", NULL, S_KIND ("reward") },
    { "penalties", NULL, S_KIND ("penalty") },
    { "payments_received", S_SUM ("billing.payments", "received_at"), S_KIND ("payment") },
    { "receivables_open",
      S_SUM_BEFORE ("billing.invoices", "issued_at") " - " S_SUM_BEFORE ("billing.credit_notes", "issued_at")
          " - " S_SUM_BEFORE ("billing.payments", "received_at"),
      S_NET ("customer_receivables", "debit", S_BEFORE) },
};
#define S_FIGURES (sizeof s_figures / sizeof s_figures[0])

int report_month_bounds (db_t *db, const char *branch, const char *month, int64_t *from_us, int64_t *to_us,
                         char *err, size_t errsize)
{
    int year = 0, mon = 0;
    char end;
    if (sscanf (month, "%4d-%2d%c", &year, &mon, &end) != 2 || strlen (month) != 7 || mon < 1 || mon > 12
        || year < 2000) {
        err_set (err, errsize, "body.month: \"%s\" is not a month (expected YYYY-MM)", month);
        return -1;
    }
    const char *params[] = { branch };
    PGresult *res = db_exec (db, "SELECT timezone FROM ref.branches WHERE id = $1", 1, params);
    if (!res || PQntuples (res) != 1) {
        err_set (err, errsize, res ? "body.branch: no branch \"%s\"" : "%s", res ? branch : db_error (db));
        PQclear (res);
        return -1;
    }
    tz_t *zone = tz_load (PQgetvalue (res, 0, 0), err, errsize);
    PQclear (res);
    if (!zone)
        return -1;
    tz_civil_t first = { year, mon, 1, 0, 0, 0 };
    tz_civil_t next = { mon == 12 ? year + 1 : year, mon == 12 ? 1 : mon + 1, 1, 0, 0, 0 };
    int rc = tz_local_to_utc (zone, &first, TZ_EARLIER, from_us) == 0 && tz_local_to_utc (zone, &next, TZ_EARLIER, to_us) == 0
                 ? 0
                 : -1;
    tz_destroy (&zone);
    if (rc != 0)
        err_set (err, errsize, "body.month: \"%s\" cannot be placed in the branch's time zone", month);
    return rc;
}

/*  Both sides of one figure, added to rows; whether they agree in *agree. */
static int s_figure (db_t *db, const s_figure_t *f, const char *const *params, cJSON *rows, cJSON *diffs,
                     bool *agree)
{
    char sql[2048];
    snprintf (sql, sizeof sql, "SELECT (%s)::bigint, %s%s%s", f->ledger, f->source ? "(" : "",
              f->source ? f->source : "NULL", f->source ? ")::bigint" : "::bigint");
    PGresult *res = db_exec (db, sql, 4, params);
    if (!res) {
        log_kv (LOG_ERROR, "db_error", "where", f->name, "error", db_error (db), NULL);
        return -1;
    }
    int64_t ledger = strtoll (PQgetvalue (res, 0, 0), NULL, 10);
    bool has_source = !PQgetisnull (res, 0, 1);
    int64_t source = has_source ? strtoll (PQgetvalue (res, 0, 1), NULL, 10) : 0;
    PQclear (res);
    cJSON *row = cJSON_CreateObject ();
    bool ok = row && cJSON_AddItemToArray (rows, row) && cJSON_AddStringToObject (row, "figure", f->name)
              && cJSON_AddNumberToObject (row, "ledger", (double) ledger)
              && (has_source ? cJSON_AddNumberToObject (row, "source", (double) source)
                             : cJSON_AddNullToObject (row, "source"))
              && cJSON_AddNumberToObject (row, "difference", (double) (has_source ? source - ledger : 0));
    if (ok && has_source && source != ledger) {
        *agree = false;
        cJSON *d = cJSON_CreateObject ();
        ok = d && cJSON_AddItemToArray (diffs, d) && cJSON_AddStringToObject (d, "figure", f->name)
             && cJSON_AddNumberToObject (d, "source", (double) source)
             && cJSON_AddNumberToObject (d, "ledger", (double) ledger);
    }
    return ok ? 0 : -1;
}

LEDGER_REQUEST (report_rq_month)
{
    db_t *db = ((ledger_app_t *) app)->db;
    const char *branch = json_str (body, "branch", "");
    const char *month = json_str (body, "month", "");
    const char *currency = json_str (body, "currency", "CNY");
    if (!money_currency_known (currency)) {
        err_set (err, errsize, "body.currency: unknown currency \"%s\" (expected an ISO 4217 code)", currency);
        return RPL_INVALID;
    }
    rpl_code_t code = ledger_read_start (app, ctx, branch, err, errsize);
    if (code != RPL_OK)
        return code;
    int64_t from = 0, to = 0;
    if (report_month_bounds (db, branch, month, &from, &to, err, errsize) != 0)
        return db_connected (db) && strncmp (err, "body.", 5) == 0 ? RPL_INVALID : RPL_UNAVAILABLE;
    char from_text[40], to_text[40];
    const char *params[] = { branch, clock_format_us (from, from_text, sizeof from_text),
                             clock_format_us (to, to_text, sizeof to_text), currency };
    cJSON *doc = cJSON_CreateObject ();
    cJSON *rows = doc ? cJSON_AddArrayToObject (doc, "figures") : NULL;
    cJSON *diffs = doc ? cJSON_AddArrayToObject (doc, "differences") : NULL;
    bool agree = true, ok = rows && diffs && cJSON_AddStringToObject (doc, "branch", branch)
                            && cJSON_AddStringToObject (doc, "month", month)
                            && cJSON_AddStringToObject (doc, "currency", currency)
                            && cJSON_AddStringToObject (doc, "from", from_text)
                            && cJSON_AddStringToObject (doc, "to", to_text);
    /* one snapshot for both sides of every figure */
    if (ok && db_command (db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") != 0)
        ok = false;
    for (size_t i = 0; ok && i < S_FIGURES; i++)
        if (s_figure (db, &s_figures[i], params, rows, diffs, &agree) != 0)
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
    rpl_code_t code = ledger_read_start (app, ctx, branch, err, errsize);
    if (code != RPL_OK)
        return code;
    char from_text[40] = "", to_text[40] = "", limit[24];
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
    snprintf (limit, sizeof limit, "%" PRId64, json_int (body, "limit", 500));
    const char *params[] = { branch, month ? from_text : NULL, month ? to_text : NULL, json_str (body, "kind", NULL),
                             json_str (body, "party", NULL), limit };
    PGresult *res = db_exec (db,
                             "SELECT id, key, kind, debit, credit, amount, currency, branch_id AS branch, party, ref,"
                             " " DB_EPOCH_US ("at") " AS at, actor FROM billing.ledger_entries"
                             " WHERE ($1::text IS NULL OR branch_id = $1)"
                             "   AND ($2::timestamptz IS NULL OR at >= $2::timestamptz)"
                             "   AND ($3::timestamptz IS NULL OR at < $3::timestamptz)"
                             "   AND ($4::text IS NULL OR kind = $4) AND ($5::text IS NULL OR party = $5)"
                             " ORDER BY at, id LIMIT $6::int",
                             6, params);
    if (!res)
        return svc_db_request_failure (db, "reading the ledger", err, errsize);
    cJSON *doc = cJSON_CreateObject ();
    bool ok = doc && ledger_rows_add (doc, "entries", res);
    PQclear (res);
    if (!ok) {
        cJSON_Delete (doc);
        err_set (err, errsize, "out of memory");
        return RPL_INTERNAL;
    }
    *result = doc;
    return RPL_OK;
}
