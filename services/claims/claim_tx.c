/*  claim_tx — see claim_tx.h. */
#include "claim_tx.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/json.h"
#include "base/log.h"
#include "claim_state.h"
#include "db/scope.h"
#include "db/statements.h"
#include "svc/emit.h"
#include "svc/failure.h"

#define S_PART                                                                                                \
    "jsonb_build_object ('code', p.code, 'quantity', p.quantity, 'serial', p.serial,"                        \
    " 'returned_serial', p.returned_serial, 'returned_by', p.returned_by, 'returned_at', " CLM_TS ("p.returned_at") "," \
    " 'check_result', p.check_result, 'check_note', p.check_note, 'checked_by', p.checked_by,"                \
    " 'checked_at', " CLM_TS ("p.checked_at") ")"

#define S_ROW                                                                                                 \
    "SELECT status, ticket_id, branch_id, org_id, amount, currency, work_order_id, decision, responsibility," \
    "  unrepairable_on_site, replacement_fault IS NOT NULL FROM claims.claims WHERE id = $1::bigint"

static const db_statement_t s_statements[] = {
    { "clm_row", S_ROW },
    { "clm_row_lock", S_ROW " FOR UPDATE" },
    { "clm_record",
      "SELECT jsonb_build_object ('claim_id', c.id, 'work_order_id', c.work_order_id, 'ticket_id', c.ticket_id,"
      " 'branch', c.branch_id, 'dealer_id', c.org_id, 'status', c.status, 'product_code', c.product_code,"
      " 'spec', c.spec, 'quantity', c.quantity, 'purchase_proof', c.purchase_proof,"
      " 'install_date', to_char (c.install_date, 'YYYY-MM-DD'), 'description', c.description, 'cause', c.cause,"
      " 'photos', c.photos, 'amount', c.amount, 'currency', c.currency,"
      " 'unrepairable_on_site', c.unrepairable_on_site, 'replacement_fault', c.replacement_fault,"
      " 'filed_by', c.filed_by, 'filed_at', " CLM_TS ("c.filed_at") ", 'refiles', c.refiles,"
      " 'review', CASE WHEN c.reviewed_at IS NOT NULL THEN jsonb_build_object ('recommendation', c.recommendation,"
      "   'note', c.review_note, 'by', c.reviewed_by, 'at', " CLM_TS ("c.reviewed_at") ") END,"
      " 'decision', CASE WHEN c.decided_at IS NOT NULL THEN jsonb_build_object ('decision', c.decision,"
      "   'responsibility', c.responsibility, 'approved_amount', c.approved_amount, 'note', c.decision_note,"
      "   'by', c.decided_by, 'at', " CLM_TS ("c.decided_at") ") END,"
      " 'closed_at', " CLM_TS ("c.closed_at") ","
      " 'parts', coalesce ((SELECT jsonb_agg (" S_PART " ORDER BY p.position) FROM claims.claim_parts p"
      "   WHERE p.claim_id = c.id), '[]'::jsonb))::text"
      " FROM claims.claims c WHERE c.id = $1::bigint" },
};

int clm_tx_prepare (db_t *db)
{
    return db_prepare_statements (db, s_statements, DB_STATEMENTS (s_statements));
}

bool clm_sees (const svc_who_t *who, const char *branch, const char *org)
{
    if (who->organisation)
        return org && strcmp (who->organisation, org) == 0;
    if (!who->branches)
        return true;
    return branch && svc_who_sees_branch (who, branch);
}

/*  The request's transaction: start clean (db_tx may run it again), read
 *  for the system, confine in the handler. */
typedef struct {
    clm_tx_t *t;
    int (*fn) (clm_tx_t *);
} s_run_t;

static int s_tx (db_t *db, void *arg)
{
    s_run_t *r = arg;
    cJSON_Delete (r->t->result);
    r->t->result = NULL;
    r->t->emitted = false;
    r->t->code = RPL_OK;
    if (db_scope_system (db) != 0)
        return -1;
    return r->fn (r->t);
}

rpl_code_t clm_tx_run (void *app_arg, const rqe_ctx_t *ctx, const cJSON *body, const char *id_key,
                       int (*fn) (clm_tx_t *), const char *what, cJSON **result, char *err, size_t errsize)
{
    clm_app_t *app = app_arg;
    *result = NULL;
    if (!ctx->who.principal) {
        snprintf (err, errsize, "request: claims are asked for by a person");
        return RPL_FORBIDDEN;
    }
    clm_tx_t t = { .app = app, .ctx = ctx, .body = body, .code = RPL_OK, .err = err, .errsize = errsize };
    clock_format_us (clock_now_us (), t.now, sizeof t.now);
    if (id_key)
        snprintf (t.id, sizeof t.id, "%" PRId64, json_int (body, id_key, 0));
    s_run_t r = { &t, fn };
    rpl_code_t code = svc_request_tx (app->db, s_tx, &r, &t.code, what, err, errsize);
    if (code != RPL_OK) {
        cJSON_Delete (t.result);
        return code;
    }
    if (t.emitted)
        bus_kick (app->bus);
    *result = t.result;
    return RPL_OK;
}

int clm_json_row (clm_tx_t *t, const char *name, int n, const char *const *params, cJSON **out)
{
    *out = NULL;
    PGresult *res = db_exec_prepared (t->app->db, name, n, params);
    if (!res)
        return -1;
    if (PQntuples (res) >= 1 && !PQgetisnull (res, 0, 0)) {
        *out = cJSON_Parse (PQgetvalue (res, 0, 0));
        if (!*out) {
            PQclear (res);
            return CLM_FAIL (t, RPL_INTERNAL, "out of memory");
        }
    }
    PQclear (res);
    return 0;
}

int clm_claim_row (clm_tx_t *t, bool lock, int *status, PGresult **row)
{
    *row = NULL;
    const char *p[] = { t->id };
    PGresult *res = db_exec_prepared (t->app->db, lock ? "clm_row_lock" : "clm_row", 1, p);
    if (!res)
        return -1;
    if (PQntuples (res) != 1
        || !clm_sees (&t->ctx->who, PQgetvalue (res, 0, CLM_ROW_BRANCH), PQgetvalue (res, 0, CLM_ROW_ORG))) {
        PQclear (res);
        return CLM_FAIL (t, RPL_NOT_FOUND, "body.claim_id: no claim %s", t->id);
    }
    if (states_parse (&clm_states, PQgetvalue (res, 0, CLM_ROW_STATUS), status) != 0) {
        PQclear (res);
        return CLM_FAIL (t, RPL_INTERNAL, "claim %s has an unknown status", t->id);
    }
    *row = res;
    return 0;
}

int clm_record (clm_tx_t *t)
{
    const char *p[] = { t->id };
    cJSON *doc = NULL;
    if (clm_json_row (t, "clm_record", 1, p, &doc) != 0)
        return -1;
    if (!doc)
        return CLM_FAIL (t, RPL_NOT_FOUND, "body.claim_id: no claim %s", t->id);
    cJSON_Delete (t->result);
    t->result = doc;
    return 0;
}

int clm_emit_subject (clm_tx_t *t, const char *ticket, const char *branch, const char *event)
{
    /* until dispatch runs claims' clocks (sla.subject routed), there is no
     * one to tell: the claim's own record keeps every time */
    if (!t->app->sla_subjects)
        return 0;
    cJSON *body = cJSON_CreateObject ();
    if (!body || !cJSON_AddStringToObject (body, "kind", "claim") || json_add_id (body, "id", t->id) != 0
        || json_add_id (body, "ticket_id", ticket) != 0 || !cJSON_AddStringToObject (body, "branch", branch)
        || !cJSON_AddStringToObject (body, "event", event)) {
        cJSON_Delete (body);
        return CLM_FAIL (t, RPL_INTERNAL, "out of memory");
    }
    if (svc_emit (t->app->bus, t->app->db, "sla.subject", 1, branch, ticket, &body) != 0)
        return -1;
    t->emitted = true;
    return 0;
}

void clm_log (const cJSON *record, const char *event, const rqe_ctx_t *ctx)
{
    char id[24];
    snprintf (id, sizeof id, "%.0f", cJSON_GetNumberValue (cJSON_GetObjectItemCaseSensitive (record, "claim_id")));
    log_kv (LOG_INFO, event, "claim_id", id, "by", ctx->who.principal, NULL);
}
