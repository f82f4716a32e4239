/*  work_order_requests — see work_order_requests.h. */
#include "work_order_requests.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "auth/roles.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/log.h"
#include "db/cursor.h"
#include "db/scope.h"
#include "db/statements.h"
#include "model/work_order.h"
#include "sla/sla_start.h"
#include "svc/emit.h"
#include "svc/failure.h"

/* The work order, locked: $1 id. */
#define S_SQL_LOCK                                                                            \
    "SELECT ticket_id, branch_id, status, technician_id, kind, product_line, purpose, "       \
    " follows FROM dispatch.work_orders WHERE id = $1::bigint FOR UPDATE"

/* The report, the move to completed (from the states $10) and its history
 * row, in one round trip: $1 work order, $2 by, $3 parts, $4 labour, $5
 * distance, $6 cause, $7 photos, $8 serial, $9 note, $10 from, $11 at. */
#define S_SQL_DONE                                                                            \
    "WITH w AS (UPDATE dispatch.work_orders SET status = '" WO_S_COMPLETED "', "              \
    "  completed_at = COALESCE (completed_at, $11::timestamptz), updated_at = $11::timestamptz " \
    "  WHERE id = $1::bigint AND status = ANY ($10::text[]) "                                  \
    "  RETURNING id, ticket_id, branch_id, technician_id), "                                  \
    "r AS (INSERT INTO dispatch.done_reports (work_order_id, ticket_id, branch_id, "          \
    "  technician_id, reported_by, parts, labour_minutes, distance_m, cause, photos, "        \
    "  unit_serial, note, reported_at) SELECT w.id, w.ticket_id, w.branch_id, w.technician_id, " \
    "  $2, $3::jsonb, $4::int, $5::int, $6, $7::jsonb, $8, $9, $11::timestamptz FROM w "      \
    "  RETURNING work_order_id), "                                                            \
    "h AS (INSERT INTO dispatch.work_order_history (work_order_id, at, event, detail) "      \
    "  SELECT w.id, $11::timestamptz, 'done_reported', jsonb_build_object ('by', $2::text, "  \
    "  'cause', $6::text) FROM w) "                                                           \
    "SELECT count(*) FROM r"

#define S_SQL_LIST                                                                            \
    "SELECT w.id, w.purpose, w.follows, w.status, w.technician_id, w.unassigned_reason, "    \
    " " DB_EPOCH_US ("w.created_at") ", " DB_EPOCH_US ("w.assigned_at") ", "                  \
    " " DB_EPOCH_US ("w.completed_at") ", " DB_EPOCH_US ("w.accepted_at") ", "                \
    " CASE WHEN r.work_order_id IS NULL THEN NULL ELSE jsonb_strip_nulls (jsonb_build_object ( " \
    "  'parts', r.parts, 'labour_minutes', r.labour_minutes, 'distance_m', r.distance_m, "    \
    "  'cause', r.cause, 'photos', r.photos, 'unit_serial', r.unit_serial, 'note', r.note, "  \
    "  'reported_by', r.reported_by))::text END, " DB_EPOCH_US ("r.reported_at") ", "         \
    " t.replacement_fault "                                                                   \
    "FROM dispatch.work_orders w LEFT JOIN dispatch.done_reports r ON r.work_order_id = w.id " \
    " LEFT JOIN intake.tickets t ON t.id = w.ticket_id "                                      \
    "WHERE w.ticket_id = $1::bigint AND ($2::bigint IS NULL OR w.id > $2::bigint) " /* after the cursor */ \
    "ORDER BY w.id LIMIT $3::int"

static const db_statement_t s_statements[] = {
    { "dispatch_wor_lock", S_SQL_LOCK },
    { "dispatch_wor_done", S_SQL_DONE },
    { "dispatch_wor_list", S_SQL_LIST },
};

int wor_prepare (db_t *db)
{
    return db_prepare_statements (db, s_statements, DB_STATEMENTS (s_statements));
}

/* ---- workorder.done ---------------------------------------------------- */

typedef wor_tx_t s_done_t;

#define S_FAIL WOR_FAIL

static int s_fail_db (s_done_t *d, const char *what)
{
    d->code = svc_db_request_failure (d->app->db, what, d->err, d->errsize);
    return -1;
}

/*  The work order's state and who may report it: its technician (of the
 *  branch or of a service provider), or a team lead of its branch. Returns
 *  0 or -1. */
static int s_check (s_done_t *d, const char *status, const char *technician, const char *branch)
{
    const svc_who_t *who = &d->ctx->who;
    bool own = who->principal && strcmp (who->principal, technician) == 0;
    bool lead = (who->roles & ROLE_BIT (ROLE_TEAM_LEAD)) != 0 && svc_who_sees_branch (who, branch);
    /* another branch's work order is answered as if there were none */
    if (!own && !svc_who_sees_branch (who, branch))
        return S_FAIL (d, RPL_NOT_FOUND, "body.work_order_id: no work order %s", d->id);
    int state;
    if (states_parse (&work_order_states, status, &state) != 0)
        return S_FAIL (d, RPL_INTERNAL, "work order %s has an unknown status \"%s\"", d->id, status);
    if (!states_can_move (&work_order_states, state, WO_COMPLETED))
        return S_FAIL (d, RPL_CONFLICT, "work order %s is %s: only an assigned work order is reported done",
                       d->id, status);
    if (!own && !lead)
        return S_FAIL (d, RPL_FORBIDDEN,
                       "work order %s is %s's: only they, or a team lead of the branch, report it done", d->id,
                       technician);
    const char *cause = json_str (d->body, "cause", "");
    if (!dispatch_fault_code_known (d->app->dc, cause))
        return S_FAIL (d, RPL_INVALID, "body.cause: \"%s\" is not a fault code of dispatch.fault_codes", cause);
    return 0;
}

/*  The message to qc and intake. Returns 0 or -1. */
static int s_emit (s_done_t *d, PGresult *wo)
{
    const cJSON *b = d->body;
    const char *ticket = PQgetvalue (wo, 0, 0), *branch = PQgetvalue (wo, 0, 1);
    cJSON *msg = cJSON_CreateObject ();
    cJSON *report = msg ? cJSON_AddObjectToObject (msg, "report") : NULL;
    if (!report || json_add_id (msg, "work_order_id", d->id) != 0 || json_add_id (msg, "ticket_id", ticket) != 0) {
        cJSON_Delete (msg);
        return S_FAIL (d, RPL_INTERNAL, "out of memory");
    }
    cJSON_AddStringToObject (msg, "branch", branch);
    cJSON_AddStringToObject (msg, "technician_id", PQgetvalue (wo, 0, 3));
    cJSON_AddStringToObject (msg, "kind", PQgetvalue (wo, 0, 4));
    if (!PQgetisnull (wo, 0, 5))
        cJSON_AddStringToObject (msg, "product_line", PQgetvalue (wo, 0, 5));
    cJSON_AddStringToObject (msg, "purpose", PQgetvalue (wo, 0, 6));
    if (!PQgetisnull (wo, 0, 7))
        json_add_id (msg, "rework_of", PQgetvalue (wo, 0, 7));
    cJSON_AddStringToObject (msg, "done_at", d->now);
    static const char *const keys[] = { "parts", "labour_minutes", "distance_m", "cause", "photos",
                                        "unit_serial", "note", NULL };
    for (int i = 0; keys[i]; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive (b, keys[i]);
        if (v)
            cJSON_AddItemToObject (report, keys[i], cJSON_Duplicate (v, true));
    }
    if (svc_emit (d->app->bus, d->app->db, "workorder.done", 1, branch, ticket, &msg) != 0) {
        cJSON_Delete (msg);
        return s_fail_db (d, "writing workorder.done to the outbox");
    }
    return 0;
}

/*  The done report is an event of the work order (work_order_done) and
 *  starts its inspection (inspection_started: qc starts the plan's first
 *  level on workorder.done), for their SLA clocks (sla/sla_subjects.h).
 *  Returns 0 or -1 (database). */
static int s_subject_events (s_done_t *d, db_t *db, const char *ticket, const char *branch, int64_t at_us)
{
    sss_subject_t work_order = { "work_order", d->id, ticket, branch, 0 };
    sss_subject_t inspection = { "inspection", d->id, ticket, branch, 0 };
    sss_t *subjects = sle_subjects (d->app->sle);
    if (sss_on_event (subjects, db, &work_order, "work_order_done", at_us) < 0
        || sss_on_event (subjects, db, &inspection, "inspection_started", at_us) < 0)
        return -1;
    return 0;
}

static int s_done_tx (db_t *db, void *arg)
{
    s_done_t *d = arg;
    cJSON_Delete (d->result);
    d->result = NULL;
    sls_begin (sle_start (d->app->sle)); /* db_tx may run this again: start clean */
    /* A service provider's technician acts for no branch: the work order is
     * read for the system and its caller checked here (s_check), the way
     * the endpoint's own scope would otherwise confine it. */
    if (db_scope_system (db) != 0)
        return s_fail_db (d, "stating the system's scope");
    const char *p1[] = { d->id };
    PGresult *wo = db_exec_prepared (db, "dispatch_wor_lock", 1, p1);
    if (!wo)
        return s_fail_db (d, "reading the work order");
    int rc = -1;
    char *parts = NULL, *photos = NULL;
    if (PQntuples (wo) != 1) {
        S_FAIL (d, RPL_NOT_FOUND, "body.work_order_id: no work order %s", d->id);
        goto cleanup;
    }
    const char *ticket = PQgetvalue (wo, 0, 0), *branch = PQgetvalue (wo, 0, 1);
    if (s_check (d, PQgetvalue (wo, 0, 2), PQgetvalue (wo, 0, 3), branch) != 0)
        goto cleanup;
    const cJSON *b = d->body;
    parts = json_print (cJSON_GetObjectItemCaseSensitive (b, "parts"));
    photos = json_print (cJSON_GetObjectItemCaseSensitive (b, "photos"));
    if (!parts || !photos) {
        S_FAIL (d, RPL_INTERNAL, "out of memory");
        goto cleanup;
    }
    char labour[24], distance[24], from[96];
    snprintf (labour, sizeof labour, "%" PRId64, json_int (b, "labour_minutes", 0));
    snprintf (distance, sizeof distance, "%" PRId64, json_int (b, "distance_m", 0));
    states_from_sql (&work_order_states, WO_COMPLETED, from, sizeof from);
    const char *p2[] = { d->id, d->ctx->who.principal, parts, labour, distance, json_str (b, "cause", ""), photos,
                         json_str (b, "unit_serial", NULL), json_str (b, "note", NULL), from, d->now };
    PGresult *done = db_exec_prepared (db, "dispatch_wor_done", 11, p2);
    if (!done) {
        s_fail_db (d, "storing the done report");
        goto cleanup;
    }
    bool stored = strcmp (PQgetvalue (done, 0, 0), "1") == 0;
    PQclear (done);
    if (!stored) {
        S_FAIL (d, RPL_CONFLICT, "work order %s changed meanwhile; try again", d->id);
        goto cleanup;
    }
    int64_t at_us = 0;
    if (clock_parse_rfc3339 (d->now, &at_us) != 0
        || sls_on_event (sle_start (d->app->sle), db, ticket, branch, "work_order_completed", at_us) < 0
        || s_subject_events (d, db, ticket, branch, at_us) != 0 || sls_flush (sle_start (d->app->sle), db) != 0) {
        s_fail_db (d, "moving the ticket's clocks");
        goto cleanup;
    }
    if (s_emit (d, wo) != 0)
        goto cleanup;
    d->result = cJSON_CreateObject ();
    if (!d->result || json_add_id (d->result, "work_order_id", d->id) != 0
        || json_add_id (d->result, "ticket_id", ticket) != 0) {
        S_FAIL (d, RPL_INTERNAL, "out of memory");
        goto cleanup;
    }
    cJSON_AddStringToObject (d->result, "status", WO_S_COMPLETED);
    cJSON_AddStringToObject (d->result, "done_at", d->now);
    rc = 0;
cleanup:
    free (parts);
    free (photos);
    PQclear (wo);
    return rc;
}

rpl_code_t wor_done (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                     size_t errsize)
{
    dapi_app_t *a = app;
    *result = NULL;
    if (!a || !a->db) {
        snprintf (err, errsize, "request: dispatch has no database");
        return RPL_INTERNAL;
    }
    s_done_t d = { .app = a, .ctx = ctx, .body = body, .code = RPL_OK, .err = err, .errsize = errsize };
    snprintf (d.id, sizeof d.id, "%" PRId64, json_int (body, "work_order_id", 0));
    clock_format_us (clock_now_us (), d.now, sizeof d.now);
    rpl_code_t code = svc_request_tx (a->db, s_done_tx, &d, &d.code, "recording the done report", err, errsize);
    sls_begin (sle_start (a->sle)); /* nothing kept survives the request */
    if (code != RPL_OK) {
        cJSON_Delete (d.result);
        return code;
    }
    bus_kick (a->bus);
    log_kv (LOG_INFO, "work_order_done", "work_order_id", d.id, "by", ctx->who.principal, NULL);
    *result = d.result;
    return RPL_OK;
}

/* ---- workorder.list ------------------------------------------------------ */

static void s_add_time (cJSON *obj, const char *key, PGresult *res, int r, int c)
{
    if (PQgetisnull (res, r, c))
        return;
    char text[40];
    clock_format_us (strtoll (PQgetvalue (res, r, c), NULL, 10), text, sizeof text);
    cJSON_AddStringToObject (obj, key, text);
}

rpl_code_t wor_list (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                     size_t errsize)
{
    (void) ctx;
    dapi_app_t *a = app;
    *result = NULL;
    if (!a || !a->db) {
        snprintf (err, errsize, "request: dispatch has no database");
        return RPL_INTERNAL;
    }
    char id[24];
    snprintf (id, sizeof id, "%" PRId64, json_int (body, "ticket_id", 0));
    cur_page_t page;
    if (cur_page_start (&page, "workorder.list", body, json_int (body, "limit", 0), err, errsize) != 0)
        return RPL_INVALID;
    if (db_ensure (a->db) != 0)
        return svc_db_request_failure (a->db, "connecting", err, errsize);
    const char *p[] = { id, cur_page_id (&page), cur_page_fetch (&page) };
    PGresult *res = db_exec_prepared (a->db, "dispatch_wor_list", 3, p);
    if (!res)
        return svc_db_request_failure (a->db, "reading the work orders", err, errsize);
    cJSON *out = cJSON_CreateObject ();
    cJSON *list = out ? cJSON_AddArrayToObject (out, "work_orders") : NULL;
    if (!list || json_add_id (out, "ticket_id", id) != 0 || cur_page_next_row (&page, out, res, 0, 0) != 0) {
        PQclear (res);
        cJSON_Delete (out);
        snprintf (err, errsize, "out of memory");
        return RPL_INTERNAL;
    }
    int rows = cur_page_rows (&page, PQntuples (res));
    for (int r = 0; r < rows; r++) {
        cJSON *w = cJSON_CreateObject ();
        if (!w)
            break;
        cJSON_AddItemToArray (list, w);
        json_add_id (w, "work_order_id", PQgetvalue (res, r, 0));
        cJSON_AddStringToObject (w, "purpose", PQgetvalue (res, r, 1));
        if (!PQgetisnull (res, r, 2))
            json_add_id (w, "follows", PQgetvalue (res, r, 2));
        cJSON_AddStringToObject (w, "status", PQgetvalue (res, r, 3));
        if (!PQgetisnull (res, r, 4))
            cJSON_AddStringToObject (w, "technician_id", PQgetvalue (res, r, 4));
        if (!PQgetisnull (res, r, 5))
            cJSON_AddStringToObject (w, "unassigned_reason", PQgetvalue (res, r, 5));
        s_add_time (w, "created_at", res, r, 6);
        s_add_time (w, "assigned_at", res, r, 7);
        s_add_time (w, "completed_at", res, r, 8);
        s_add_time (w, "accepted_at", res, r, 9);
        /* the three-repairs rule's flag on the ticket: the technician replaces */
        if (!PQgetisnull (res, r, 12))
            cJSON_AddStringToObject (w, "replacement_fault", PQgetvalue (res, r, 12));
        if (!PQgetisnull (res, r, 10)) {
            const char *text = PQgetvalue (res, r, 10);
            cJSON *report = json_parse_strict (text, strlen (text), NULL, 0);
            if (report) {
                s_add_time (report, "reported_at", res, r, 11);
                cJSON_AddItemToObject (w, "report", report);
            }
        }
    }
    PQclear (res);
    /* a ticket of another branch, or none: nothing to show (a page after
     * a cursor always holds a row: work orders are never deleted) */
    if (cJSON_GetArraySize (list) == 0) {
        cJSON_Delete (out);
        snprintf (err, errsize, "body.ticket_id: no work orders for ticket %s", id);
        return RPL_NOT_FOUND;
    }
    *result = out;
    return RPL_OK;
}
