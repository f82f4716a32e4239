/*  read_due — sla.due: "a promise of N business minutes (or working days)
 *  made now, or at `at`, for branch B: when is it due?", answered from the
 *  branch's calendar as the database holds it (common/time/branch_cal.h:
 *  zone, weekly hours, public holidays and make-up working days), the same
 *  arithmetic the SLA engine uses. Years the branch's holiday calendar has
 *  no data for, between the start and the due instant, come back in
 *  missing_holiday_years, so a client can warn.
 *
 *  A branch the caller does not act for is answered like an unknown one.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/json.h"
#include "read_util.h"
#include "reads.h"
#include "svc/failure.h"
#include "time/branch_cal.h"

#define DUE_US INT64_C (1000000)
#define DUE_MAX_YEARS 64

/*  The body, read once. */
typedef struct {
    const char *branch;
    bool working_days;  /* amount counts working days, else minutes */
    int64_t amount;
    bool calendar_time; /* minutes around the clock */
    int64_t start_us;
} due_rq_t;

/*  Reads the body (its schema passed) and the rules across fields.
 *  Returns 0, or -1 with "body.<field>: …" in err. */
static int s_due_parse (const cJSON *body, due_rq_t *rq, char *err, size_t errsize)
{
    memset (rq, 0, sizeof *rq);
    rq->branch = json_str (body, "branch", NULL);
    const cJSON *minutes = cJSON_GetObjectItemCaseSensitive (body, "minutes");
    const cJSON *days = cJSON_GetObjectItemCaseSensitive (body, "working_days");
    if (!minutes == !days) {
        snprintf (err, errsize, "body: %s (expected exactly one of \"minutes\" or \"working_days\")",
                  minutes ? "both \"minutes\" and \"working_days\" given" : "the amount is missing");
        return -1;
    }
    rq->working_days = days != NULL;
    rq->amount = (int64_t) (days ? days : minutes)->valuedouble;
    rq->calendar_time = json_bool (body, "calendar_time", false);
    if (rq->working_days && rq->calendar_time) {
        snprintf (err, errsize, "body.calendar_time: working days are business time by definition "
                                "(give \"minutes\" to count around the clock)");
        return -1;
    }
    const char *at = json_str (body, "at", NULL);
    if (!at) {
        rq->start_us = clock_now_us () / DUE_US * DUE_US; /* a promise made now, to the second */
        return 0;
    }
    int64_t lo = tz_days_from_civil (1900, 1, 1) * 86400 * DUE_US;
    int64_t hi = tz_days_from_civil (2999, 1, 1) * 86400 * DUE_US;
    if (clock_parse_rfc3339 (at, &rq->start_us) != 0 || rq->start_us < lo || rq->start_us >= hi) {
        snprintf (err, errsize, "body.at: expected an RFC 3339 time with an offset in the years 1900 to 2998 "
                                "(e.g. 2025-01-27T16:00:00+08:00)");
        return -1;
    }
    return 0;
}

/*  The due instant and the business seconds between start and due.
 *  Returns 0, or -1 with the reason in err. */
static int s_due_compute (const due_rq_t *rq, const cal_t *cal, int64_t *due, int64_t *business, char *err,
                          size_t errsize)
{
    int r;
    if (rq->working_days)
        r = cal_add_working_days (cal, rq->start_us, (int) rq->amount, due, err, errsize);
    else if (rq->calendar_time) {
        *due = rq->start_us + rq->amount * 60 * DUE_US;
        r = 0;
    }
    else
        r = cal_add_business (cal, rq->start_us, rq->amount * 60, due, err, errsize);
    return r != 0 ? -1 : cal_business_seconds (cal, rq->start_us, *due, business, err, errsize);
}

/*  Adds missing_holiday_years: the years from the start's to the due's
 *  (local) without holiday data. Returns 0, or -1 with err set. */
static int s_due_missing (db_t *db, const due_rq_t *rq, const cal_t *cal, int64_t due, cJSON *doc, char *err,
                          size_t errsize)
{
    cJSON *years = cJSON_AddArrayToObject (doc, "missing_holiday_years");
    if (!years) {
        snprintf (err, errsize, "out of memory");
        return -1;
    }
    tz_civil_t from, to;
    tz_utc_to_local (cal_tz (cal), rq->start_us, &from);
    tz_utc_to_local (cal_tz (cal), due, &to);
    for (int year = from.year, n = 0; year <= to.year && n < DUE_MAX_YEARS; year++) {
        bool has = true;
        if (bcal_has_year (db, rq->branch, year, &has, NULL, 0, err, errsize) != 0)
            return -1;
        if (!has && (n++, !cJSON_AddItemToArray (years, cJSON_CreateNumber (year)))) {
            snprintf (err, errsize, "out of memory");
            return -1;
        }
    }
    return 0;
}

rpl_code_t rds_due (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                    size_t errsize)
{
    db_t *db = app ? *(db_t *const *) app : NULL; /* reads.h: the connection comes first */
    due_rq_t rq;
    if (s_due_parse (body, &rq, err, errsize) != 0)
        return RPL_INVALID;
    rpl_code_t code = rdu_ready (db, err, errsize);
    if (code != RPL_OK)
        return code;
    const char *params[] = { rq.branch };
    PGresult *res = NULL;
    cal_t *cal = NULL;
    cJSON *doc = NULL;
    char cerr[512] = "";
    if (!(res = db_exec (db, "SELECT name, calendar FROM ref.branches WHERE id = $1", 1, params))) {
        code = svc_db_request_failure (db, "reading the branch", err, errsize);
        goto cleanup;
    }
    if (PQntuples (res) != 1 || !svc_who_sees_branch (&ctx->who, rq.branch)) {
        snprintf (err, errsize, "body.branch: no branch \"%.64s\"", rq.branch);
        code = RPL_NOT_FOUND;
        goto cleanup;
    }
    if (!(cal = bcal_load (db, rq.branch, cerr, sizeof cerr))) {
        code = rdu_calendar_failure (db, rq.branch, cerr, err, errsize);
        goto cleanup;
    }
    int64_t due = 0, business = 0;
    if (s_due_compute (&rq, cal, &due, &business, cerr, sizeof cerr) != 0) {
        snprintf (err, errsize, "body: %s", cerr);
        code = RPL_INVALID; /* the calendar cannot reach it (no working time within its horizon) */
        goto cleanup;
    }
    char start_at[40], due_at[40];
    doc = cJSON_CreateObject ();
    bool ok = doc && cJSON_AddStringToObject (doc, "branch", rq.branch)
              && cJSON_AddStringToObject (doc, "branch_name", PQgetvalue (res, 0, 0))
              && cJSON_AddStringToObject (doc, "timezone", tz_name (cal_tz (cal)))
              && rdu_add_text (doc, "calendar", PQgetvalue (res, 0, 1), PQgetisnull (res, 0, 1))
              && cJSON_AddStringToObject (doc, "start", clock_format_us (rq.start_us, start_at, sizeof start_at))
              && cJSON_AddStringToObject (doc, "due", clock_format_us (due, due_at, sizeof due_at))
              && cJSON_AddNumberToObject (doc, "business_seconds", (double) business);
    if (!ok) {
        code = rdu_oom (err, errsize);
        goto cleanup;
    }
    if (s_due_missing (db, &rq, cal, due, doc, cerr, sizeof cerr) != 0) {
        code = db_connected (db) ? RPL_INTERNAL : svc_db_request_failure (db, "reading the holiday years", err, errsize);
        if (code == RPL_INTERNAL)
            snprintf (err, errsize, "holiday years: %s", cerr);
        goto cleanup;
    }
    *result = doc;
    doc = NULL;
cleanup:
    cJSON_Delete (doc);
    PQclear (res);
    cal_destroy (&cal);
    return code;
}
