/*  cb_requests — see cb_requests.h. */
#include "cb_requests.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/roles.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/log.h"
#include "cb_schedule.h"
#include "cb_slot.h"
#include "cb_state.h"
#include "db/cursor.h"
#include "db/statements.h"
#include "svc/emit.h"
#include "svc/failure.h"
#include "time/branch_cal.h"

#define S_MAX_ATTEMPTS 16

static const db_statement_t s_statements[] = {
    /* $1 agent (NULL: all in scope), $2 upcoming too, $3 now, $4 limit + 1, $5 may read phones,
     * $6 principal, $7 $8 the cursor's due_at (us) and id (NULL: the first page). The row past
     * the limit only says that a next page follows: its phone is not read (nor audited). */
    { "cbr_list",
      "SELECT x.id, x.ticket_id, x.branch_id, x.customer_id, x.name, x.purpose, x.cause, x.status,"
      "  x.agent_id, x.attempts, " DB_EPOCH_US ("x.due_at") ", " DB_EPOCH_US ("x.next_call_at") ","
      "  CASE WHEN $5::bool AND x.next_call_at <= $3::timestamptz"
      "   AND row_number () OVER (ORDER BY x.due_at, x.id) < $4::int"
      "   THEN callback.call_phone (x.id, $6, 'callback.list') END"
      " FROM (SELECT c.id, c.ticket_id, c.branch_id, c.customer_id, cu.name, c.purpose, c.cause, c.status,"
      "   c.agent_id, c.attempts, c.due_at, c.next_call_at"
      "  FROM callback.callbacks c LEFT JOIN ref.customers cu ON cu.id = c.customer_id"
      "  WHERE c.status IN ('" CB_S_SCHEDULED "', '" CB_S_RETRYING "')"
      "    AND ($1::text IS NULL OR c.agent_id = $1)"
      "    AND ($2::bool OR c.next_call_at <= $3::timestamptz)"
      "    AND ($7::bigint IS NULL OR (c.due_at, c.id) > (" CUR_SQL_US ("$7") ", $8::bigint))"
      "  ORDER BY c.due_at, c.id LIMIT $4::int) x"
      " ORDER BY x.due_at, x.id" },
    /* $1 callback: locked for the move */
    { "cbr_get",
      "SELECT id, ticket_id, branch_id, customer_id, purpose, status, attempts,"
      "  " DB_EPOCH_US ("next_call_at") ", outcome"
      " FROM callback.callbacks WHERE id = $1::bigint FOR UPDATE" },
    { "cbr_attempt_times",
      "SELECT " DB_EPOCH_US ("at") " FROM callback.attempts WHERE callback_id = $1::bigint AND NOT reached"
      " ORDER BY id" },
    { "cbr_attempt_insert",
      "INSERT INTO callback.attempts (callback_id, at, agent_id, reached, reason, note)"
      " VALUES ($1::bigint, $2::timestamptz, $3, $4::bool, $5, $6)" },
    /* $1 callback, $2 status, $3 attempts, $4 next call, $5 outcome, $6 reasons, $7 note, $8 by,
     * $9 at, $10 closed reason, $11 the states the move starts from */
    { "cbr_move",
      "UPDATE callback.callbacks SET status = $2, attempts = $3::int, next_call_at = $4::timestamptz,"
      "  outcome = $5, reasons = coalesce ($6::text[], reasons), note = coalesce ($7, note),"
      "  recorded_by = coalesce ($8, recorded_by), recorded_at = coalesce ($9::timestamptz, recorded_at),"
      "  closed_reason = $10"
      " WHERE id = $1::bigint AND status = ANY ($11::text[]) RETURNING id" },
    { "cbr_customer", "SELECT branch_id FROM ref.customers WHERE id = $1" },
    { "cbr_rest_set",
      "INSERT INTO callback.rest_hours (customer_id, branch_id, windows, set_by, set_at)"
      " VALUES ($1, $2, $3, $4, $5::timestamptz) ON CONFLICT (customer_id) DO UPDATE"
      " SET branch_id = EXCLUDED.branch_id, windows = EXCLUDED.windows, set_by = EXCLUDED.set_by,"
      "  set_at = EXCLUDED.set_at" },
    { "cbr_rest_clear", "DELETE FROM callback.rest_hours WHERE customer_id = $1" },
    /* the customer's open callbacks, to place again under new rest hours */
    { "cbr_open_of",
      "SELECT id, branch_id, " DB_EPOCH_US ("next_call_at") " FROM callback.callbacks"
      " WHERE customer_id = $1 AND status IN ('" CB_S_SCHEDULED "', '" CB_S_RETRYING "')"
      "   AND next_call_at IS NOT NULL FOR UPDATE" },
    { "cbr_replace", "UPDATE callback.callbacks SET next_call_at = $2::timestamptz WHERE id = $1::bigint" },
};

int cb_requests_prepare (db_t *db)
{
    return db_prepare_statements (db, s_statements, DB_STATEMENTS (s_statements));
}

static rpl_code_t s_oom (char *err, size_t errsize)
{
    snprintf (err, errsize, "out of memory");
    return RPL_INTERNAL;
}

static bool s_add_us (cJSON *obj, const char *key, const PGresult *res, int row, int col)
{
    if (PQgetisnull (res, row, col))
        return cJSON_AddNullToObject (obj, key) != NULL;
    char text[40];
    return cJSON_AddStringToObject (obj, key, clock_format_us (strtoll (PQgetvalue (res, row, col), NULL, 10),
                                                                text, sizeof text)) != NULL;
}

static bool s_add_text (cJSON *obj, const char *key, const PGresult *res, int row, int col)
{
    if (PQgetisnull (res, row, col))
        return cJSON_AddNullToObject (obj, key) != NULL;
    return cJSON_AddStringToObject (obj, key, PQgetvalue (res, row, col)) != NULL;
}

static bool s_add_int (cJSON *obj, const char *key, const PGresult *res, int row, int col)
{
    return cJSON_AddNumberToObject (obj, key, (double) strtoll (PQgetvalue (res, row, col), NULL, 10)) != NULL;
}

static rpl_code_t s_ready (db_t *db, char *err, size_t errsize)
{
    if (db_ensure (db) != 0) {
        snprintf (err, errsize, "database: unavailable, try again");
        return RPL_UNAVAILABLE;
    }
    return RPL_OK;
}

/* ---- callback.list ---------------------------------------------------------- */

/*  Team leads and managers may look at another agent's list, or at all. */
static bool s_sees_others (const svc_who_t *who)
{
    return (who->roles & (ROLE_BIT (ROLE_TEAM_LEAD) | ROLES_MANAGEMENT | ROLE_BIT (ROLE_DEPARTMENT_HEAD)
                          | ROLE_BIT (ROLE_CENTRE_DIRECTOR)))
           != 0;
}

rpl_code_t cb_rq_list (void *arg, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                       size_t errsize)
{
    cb_app_t *app = arg;
    const char *agent = json_str (body, "agent", NULL);
    bool all = json_bool (body, "all", false);
    if ((all || (agent && (!ctx->who.principal || strcmp (agent, ctx->who.principal) != 0)))
        && !s_sees_others (&ctx->who)) {
        snprintf (err, errsize, "body.%s: only team leads and managers see other agents' lists",
                  all ? "all" : "agent");
        return RPL_FORBIDDEN;
    }
    if (all && agent) {
        snprintf (err, errsize, "body.all: give either \"agent\" or \"all\"");
        return RPL_INVALID;
    }
    if (!all && !agent)
        agent = ctx->who.principal;
    rpl_code_t code = s_ready (app->db, err, errsize);
    if (code != RPL_OK)
        return code;
    cur_page_t page;
    if (cur_page_start (&page, "callback.list", body, json_int (body, "limit", 200), err, errsize) != 0)
        return RPL_INVALID;
    char now[40];
    clock_format_us (clock_now_us (), now, sizeof now);
    const char *p[] = { agent, json_bool (body, "upcoming", false) ? "true" : "false", now,
                        cur_page_fetch (&page), ctx->who.contact ? "true" : "false",
                        ctx->who.principal ? ctx->who.principal : "system", cur_page_key (&page),
                        cur_page_id (&page) };
    PGresult *res = db_exec_prepared (app->db, "cbr_list", 8, p);
    if (!res)
        return svc_db_request_failure (app->db, "reading the work list", err, errsize);
    cJSON *doc = cJSON_CreateObject ();
    cJSON *list = doc ? cJSON_AddArrayToObject (doc, "callbacks") : NULL;
    bool ok = list != NULL && cur_page_next_row (&page, doc, res, 10, 0) == 0;
    int rows = cur_page_rows (&page, PQntuples (res));
    for (int i = 0; ok && i < rows; i++) {
        cJSON *c = cJSON_CreateObject ();
        ok = c && cJSON_AddItemToArray (list, c) && s_add_int (c, "callback_id", res, i, 0)
             && s_add_int (c, "ticket_id", res, i, 1) && s_add_text (c, "branch", res, i, 2)
             && s_add_text (c, "customer_id", res, i, 3) && s_add_text (c, "customer_name", res, i, 4)
             && s_add_text (c, "purpose", res, i, 5) && s_add_text (c, "cause", res, i, 6)
             && s_add_text (c, "status", res, i, 7) && s_add_text (c, "agent", res, i, 8)
             && s_add_int (c, "attempts", res, i, 9) && s_add_us (c, "due_at", res, i, 10)
             && s_add_us (c, "next_call_at", res, i, 11)
             && (PQgetisnull (res, i, 12) || s_add_text (c, "phone", res, i, 12));
    }
    PQclear (res);
    if (!ok) {
        cJSON_Delete (doc);
        return s_oom (err, errsize);
    }
    *result = doc;
    return RPL_OK;
}

/* ---- attempts and outcomes ---------------------------------------------------- */

/*  One move of one callback, run in a transaction (s_move_tx). */
typedef struct {
    cb_app_t *app;
    const rqe_ctx_t *ctx;
    const char *id;          /* callback id, decimal */
    cb_event_t event;
    const char *outcome;     /* reached: satisfied / neutral / dissatisfied */
    const char *reason;      /* not reached: why */
    char *reasons_sql;       /* reached: the reasons as text[] (owned) */
    const cJSON *reasons;    /* reached: as sent */
    const char *note;
    /* out */
    rpl_code_t code;
    char err[512];
    cJSON *result;
} s_move_t;

static int s_refuse (s_move_t *m, rpl_code_t code, const char *fmt, const char *a, const char *b)
{
    m->code = code;
    snprintf (m->err, sizeof m->err, fmt, a, b);
    return -1;
}

/*  callback.recorded for a final outcome, into the outbox of this transaction. */
static int s_emit_recorded (s_move_t *m, db_t *db, const char *ticket, const char *branch, const char *purpose,
                            const char *outcome, const char *at)
{
    cJSON *body = cJSON_CreateObject ();
    if (!body)
        return -1;
    cJSON_AddNumberToObject (body, "callback_id", (double) strtoll (m->id, NULL, 10));
    cJSON_AddNumberToObject (body, "ticket_id", (double) strtoll (ticket, NULL, 10));
    cJSON_AddStringToObject (body, "branch", branch);
    cJSON_AddStringToObject (body, "purpose", purpose);
    cJSON_AddStringToObject (body, "outcome", outcome);
    cJSON *reasons = cJSON_AddArrayToObject (body, "reasons");
    if (m->event == CBE_REACHED && m->reasons) {
        const cJSON *r;
        cJSON_ArrayForEach (r, m->reasons) cJSON_AddItemToArray (reasons, cJSON_CreateString (r->valuestring));
    }
    else if (m->reason)
        cJSON_AddItemToArray (reasons, cJSON_CreateString (m->reason));
    cJSON_AddStringToObject (body, "agent", m->ctx->who.principal ? m->ctx->who.principal : "system");
    cJSON_AddStringToObject (body, "at", at);
    return svc_emit (m->app->bus, db, "callback.recorded", 1, branch, ticket, &body);
}

/*  The next attempt after the earlier ones and now. Returns 0 or -1 (err). */
static int s_next_attempt (s_move_t *m, db_t *db, const char *customer, const char *branch, int64_t now,
                           int64_t *next)
{
    const char *p[] = { m->id };
    PGresult *res = db_exec_prepared (db, "cbr_attempt_times", 1, p);
    if (!res)
        return -1;
    int64_t times[S_MAX_ATTEMPTS];
    int n = 0;
    for (int i = 0; i < PQntuples (res) && n < S_MAX_ATTEMPTS - 1; i++)
        times[n++] = strtoll (PQgetvalue (res, i, 0), NULL, 10);
    PQclear (res);
    times[n++] = now;
    cbr_set_t rest;
    bool own;
    if (cb_rest_for (m->app, db, customer, branch, &rest, &own) != 0)
        return -1;
    cal_t *cal = bcal_load (db, branch, m->err, sizeof m->err);
    if (!cal)
        return -1;
    cbs_retry_t policy = cb_app_retry (m->app);
    int rc = cbs_next_attempt (cal, &rest, &policy, times, n, next, m->err, sizeof m->err);
    cal_destroy (&cal);
    return rc;
}

static int s_move_tx (db_t *db, void *arg)
{
    s_move_t *m = arg;
    m->code = RPL_INTERNAL;
    const char *p1[] = { m->id };
    PGresult *res = db_exec_prepared (db, "cbr_get", 1, p1);
    if (!res)
        return -1;
    if (PQntuples (res) != 1) {
        PQclear (res);
        return s_refuse (m, RPL_NOT_FOUND, "body.callback_id: no callback %s%s", m->id, "");
    }
    char ticket[24], branch[65], customer[65], purpose[16], status[16], outcome[16];
    snprintf (ticket, sizeof ticket, "%s", PQgetvalue (res, 0, 1));
    snprintf (branch, sizeof branch, "%s", PQgetvalue (res, 0, 2));
    snprintf (customer, sizeof customer, "%s", PQgetvalue (res, 0, 3));
    snprintf (purpose, sizeof purpose, "%s", PQgetvalue (res, 0, 4));
    snprintf (status, sizeof status, "%s", PQgetvalue (res, 0, 5));
    snprintf (outcome, sizeof outcome, "%s", PQgetvalue (res, 0, 8));
    int attempts = atoi (PQgetvalue (res, 0, 6));
    bool has_next = !PQgetisnull (res, 0, 7);
    int64_t next_call = has_next ? strtoll (PQgetvalue (res, 0, 7), NULL, 10) : 0;
    PQclear (res);

    int from;
    if (states_parse (&cb_states, status, &from) != 0)
        return s_refuse (m, RPL_INTERNAL, "callback %s: unknown state %s", m->id, status);
    cb_state_t to;
    char why[128];
    int max = m->app->cfg->retry_max_attempts;
    if (cb_transition ((cb_state_t) from, m->event, attempts + 1, max, &to, why, sizeof why) != 0) {
        char what[160];
        snprintf (what, sizeof what, "%s%s%s%s", why, *outcome ? " (" : "", outcome, *outcome ? ")" : "");
        return s_refuse (m, RPL_CONFLICT, "body.callback_id: callback %s is %s: nothing changed", m->id, what);
    }
    int64_t now = clock_now_us ();
    if (has_next && next_call > now) {
        char when[40];
        clock_format_us (next_call, when, sizeof when);
        return s_refuse (m, RPL_CONFLICT, "body.callback_id: callback %s is not due until %s: nothing changed",
                         m->id, when);
    }
    char now_text[40], next_text[40], attempts_text[16];
    clock_format_us (now, now_text, sizeof now_text);
    snprintf (attempts_text, sizeof attempts_text, "%d", attempts + 1);
    const char *agent = m->ctx->who.principal ? m->ctx->who.principal : "system";
    const char *final = NULL, *next = NULL;
    char closed[200] = "";
    if (to == CB_RETRYING) {
        int64_t next_us;
        if (s_next_attempt (m, db, customer, branch, now, &next_us) != 0)
            return -1;
        next = clock_format_us (next_us, next_text, sizeof next_text);
    }
    else if (to == CB_UNREACHABLE) {
        final = "unreachable";
        snprintf (closed, sizeof closed, "unreachable after %d attempts (last: %s)", attempts + 1, m->reason);
    }
    else
        final = m->outcome;
    const char *pa[] = { m->id, now_text, agent, m->event == CBE_REACHED ? "true" : "false",
                         m->event == CBE_REACHED ? m->outcome : m->reason, m->note };
    if (!(res = db_exec_prepared (db, "cbr_attempt_insert", 6, pa)))
        return -1;
    PQclear (res);
    char from_sql[96];
    states_from_sql (&cb_states, to, from_sql, sizeof from_sql);
    const char *reasons = m->event == CBE_REACHED ? m->reasons_sql : NULL;
    char one_reason[64];
    if (to == CB_UNREACHABLE) {
        snprintf (one_reason, sizeof one_reason, "{%s}", m->reason);
        reasons = one_reason;
    }
    const char *pm[] = { m->id, cb_state_names[to], attempts_text, next, final, reasons,
                         m->event == CBE_REACHED ? m->note : NULL, final ? agent : NULL, final ? now_text : NULL,
                         *closed ? closed : NULL, from_sql };
    if (!(res = db_exec_prepared (db, "cbr_move", 11, pm)))
        return -1;
    int moved = PQntuples (res);
    PQclear (res);
    if (moved != 1)
        return s_refuse (m, RPL_CONFLICT, "body.callback_id: callback %s changed meanwhile%s: try again", m->id, "");
    if (final && s_emit_recorded (m, db, ticket, branch, purpose, final, now_text) != 0)
        return -1;
    cJSON *doc = cJSON_CreateObject ();
    if (!doc)
        return s_refuse (m, RPL_INTERNAL, "out of memory%s%s", "", "");
    cJSON_AddNumberToObject (doc, "callback_id", (double) strtoll (m->id, NULL, 10));
    cJSON_AddNumberToObject (doc, "ticket_id", (double) strtoll (ticket, NULL, 10));
    cJSON_AddStringToObject (doc, "status", cb_state_names[to]);
    cJSON_AddNumberToObject (doc, "attempts", attempts + 1);
    if (next)
        cJSON_AddStringToObject (doc, "next_call_at", next);
    else
        cJSON_AddNullToObject (doc, "next_call_at");
    if (final)
        cJSON_AddStringToObject (doc, "outcome", final);
    else
        cJSON_AddNullToObject (doc, "outcome");
    m->result = doc;
    m->code = RPL_OK;
    log_kv (LOG_INFO, final ? "callback_recorded" : "callback_not_reached", "callback_id", m->id, "ticket_id",
            ticket, "agent", agent, "status", cb_state_names[to], "outcome", final ? final : "none", NULL);
    return 0;
}

static rpl_code_t s_move (s_move_t *m, cJSON **result, char *err, size_t errsize)
{
    rpl_code_t code = s_ready (m->app->db, err, errsize);
    if (code != RPL_OK)
        return code;
    bool fn_failed = false;
    db_status_t st = db_tx (m->app->db, s_move_tx, m, &fn_failed);
    if (st == DB_OK) {
        *result = m->result;
        return RPL_OK;
    }
    cJSON_Delete (m->result);
    if (fn_failed && m->code != RPL_INTERNAL) {
        snprintf (err, errsize, "%s", m->err);
        return m->code;
    }
    if (fn_failed && *m->err && db_connected (m->app->db) && !db_tx_failed (m->app->db)) {
        snprintf (err, errsize, "%s", m->err);
        return RPL_INTERNAL;
    }
    return svc_db_request_failure (m->app->db, "recording the call", err, errsize);
}

static const char *s_id (const cJSON *body, char *out, size_t size)
{
    snprintf (out, size, "%" PRId64, json_int (body, "callback_id", 0));
    return out;
}

rpl_code_t cb_rq_attempt (void *arg, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                          size_t errsize)
{
    char id[24];
    s_move_t m = { .app = arg, .ctx = ctx, .id = s_id (body, id, sizeof id), .event = CBE_NOT_REACHED,
                   .reason = json_str (body, "reason", NULL), .note = json_str (body, "note", NULL) };
    return s_move (&m, result, err, errsize);
}

/*  The reasons as a PostgreSQL text[] literal (each [a-z0-9_], no quoting). */
static char *s_reasons_sql (const cJSON *reasons)
{
    size_t n = 3;
    const cJSON *r;
    cJSON_ArrayForEach (r, reasons) n += strlen (r->valuestring) + 1;
    char *out = malloc (n);
    if (!out)
        return NULL;
    size_t used = 0;
    out[used++] = '{';
    cJSON_ArrayForEach (r, reasons)
    {
        if (used > 1)
            out[used++] = ',';
        memcpy (out + used, r->valuestring, strlen (r->valuestring));
        used += strlen (r->valuestring);
    }
    out[used++] = '}';
    out[used] = '\0';
    return out;
}

rpl_code_t cb_rq_outcome (void *arg, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                          size_t errsize)
{
    char id[24];
    const cJSON *reasons = cJSON_GetObjectItemCaseSensitive (body, "reasons");
    s_move_t m = { .app = arg, .ctx = ctx, .id = s_id (body, id, sizeof id), .event = CBE_REACHED,
                   .outcome = json_str (body, "outcome", NULL), .reasons = reasons,
                   .note = json_str (body, "note", NULL) };
    if (strcmp (m.outcome, "dissatisfied") == 0 && cJSON_GetArraySize (reasons) == 0) {
        snprintf (err, errsize, "body.reasons: a dissatisfied customer's reasons are required");
        return RPL_INVALID;
    }
    static const cJSON s_none = { .type = cJSON_Array };
    if (!(m.reasons_sql = s_reasons_sql (reasons ? reasons : &s_none)))
        return s_oom (err, errsize);
    rpl_code_t code = s_move (&m, result, err, errsize);
    free (m.reasons_sql);
    return code;
}

/* ---- callback.rest_hours ------------------------------------------------------ */

typedef struct {
    cb_app_t *app;
    const rqe_ctx_t *ctx;
    const char *customer;
    const char *windows; /* NULL: back to the branch's */
    rpl_code_t code;
    char err[512];
    int replaced;
    char branch[65];
} s_rest_t;

static int s_rest_tx (db_t *db, void *arg)
{
    s_rest_t *r = arg;
    r->code = RPL_INTERNAL;
    const char *p1[] = { r->customer };
    PGresult *res = db_exec_prepared (db, "cbr_customer", 1, p1);
    if (!res)
        return -1;
    bool found = PQntuples (res) == 1, no_branch = found && PQgetisnull (res, 0, 0);
    if (found)
        snprintf (r->branch, sizeof r->branch, "%s", PQgetvalue (res, 0, 0));
    PQclear (res);
    if (!found) {
        r->code = RPL_NOT_FOUND;
        snprintf (r->err, sizeof r->err, "body.customer_id: no customer %s", r->customer);
        return -1;
    }
    if (no_branch) {
        r->code = RPL_CONFLICT;
        snprintf (r->err, sizeof r->err, "body.customer_id: customer %s belongs to no branch yet", r->customer);
        return -1;
    }
    char now[40];
    clock_format_us (clock_now_us (), now, sizeof now);
    const char *who = r->ctx->who.principal ? r->ctx->who.principal : "system";
    const char *ps[] = { r->customer, r->branch, r->windows, who, now };
    if (!(res = r->windows ? db_exec_prepared (db, "cbr_rest_set", 5, ps) : db_exec_prepared (db, "cbr_rest_clear", 1, p1)))
        return -1;
    PQclear (res);
    /* the open callbacks move out of the new windows (never earlier) */
    if (!(res = db_exec_prepared (db, "cbr_open_of", 1, p1)))
        return -1;
    for (int i = 0; i < PQntuples (res); i++) {
        int64_t at, was = strtoll (PQgetvalue (res, i, 2), NULL, 10);
        if (cb_place_for (r->app, db, r->customer, PQgetvalue (res, i, 1), was, &at, r->err, sizeof r->err) != 0) {
            PQclear (res);
            return -1;
        }
        if (at == was)
            continue;
        char at_text[40];
        clock_format_us (at, at_text, sizeof at_text);
        const char *pr[] = { PQgetvalue (res, i, 0), at_text };
        PGresult *u = db_exec_prepared (db, "cbr_replace", 2, pr);
        if (!u) {
            PQclear (res);
            return -1;
        }
        PQclear (u);
        r->replaced++;
    }
    PQclear (res);
    r->code = RPL_OK;
    return 0;
}

rpl_code_t cb_rq_rest_hours (void *arg, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                             size_t errsize)
{
    cb_app_t *app = arg;
    s_rest_t r = { .app = app, .ctx = ctx, .customer = json_str (body, "customer_id", "") };
    const char *text = json_str (body, "windows", "");
    cbr_set_t set;
    char why[256], formatted[CBR_TEXT_MAX];
    bool back_to_default = strcmp (text, "default") == 0;
    if (!back_to_default) {
        if (cbr_parse (text, &set, why, sizeof why) != 0) {
            snprintf (err, errsize, "body.windows: %s", why);
            return RPL_INVALID;
        }
        r.windows = cbr_format (&set, formatted, sizeof formatted);
    }
    rpl_code_t code = s_ready (app->db, err, errsize);
    if (code != RPL_OK)
        return code;
    bool fn_failed = false;
    if (db_tx (app->db, s_rest_tx, &r, &fn_failed) != DB_OK) {
        if (fn_failed && r.code != RPL_INTERNAL) {
            snprintf (err, errsize, "%s", r.err);
            return r.code;
        }
        return svc_db_request_failure (app->db, "setting the rest hours", err, errsize);
    }
    if (back_to_default)
        callback_branch_rest (app->cfg, r.branch, &set);
    cJSON *doc = cJSON_CreateObject ();
    if (!doc || !cJSON_AddStringToObject (doc, "customer_id", r.customer)
        || !cJSON_AddStringToObject (doc, "windows", cbr_format (&set, formatted, sizeof formatted))
        || !cJSON_AddBoolToObject (doc, "own", !back_to_default)
        || !cJSON_AddNumberToObject (doc, "replaced", r.replaced)) {
        cJSON_Delete (doc);
        return s_oom (err, errsize);
    }
    log_kv (LOG_INFO, "rest_hours_set", "customer_id", r.customer, "by", ctx->who.principal ? ctx->who.principal : "system",
            "own", back_to_default ? "false" : "true", NULL);
    *result = doc;
    return RPL_OK;
}
