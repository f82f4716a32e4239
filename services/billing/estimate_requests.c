/*  estimate_requests — estimate.get, estimate.approve and
 *  estimate.confirm_finding (see estimate.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/json.h"
#include "base/log.h"
#include "db/statements.h"
#include "estimate.h"
#include "estimate_states.h"
#include "job_tx.h"
#include "ledger_rows.h"
#include "settlement.h"
#include "svc/failure.h"

static const char s_read[] =
    "SELECT id AS estimate_id, work_order_id, ticket_id, branch_id AS branch, status, currency, fault_code, card_no,"
    " product_code, to_json (findings)::text AS findings, to_json (confirmed)::text AS confirmed,"
    " to_json (dismissed)::text AS dismissed, coverage, reason, labour_minutes, distance_m, total, warranty_total,"
    " approved_name, approved_by, " DB_EPOCH_US ("approved_at") " AS approved_at, "
    DB_EPOCH_US ("created_at") " AS created_at FROM billing.estimates WHERE work_order_id = $1::bigint";

static const char s_lines[] =
    "SELECT l.position, l.kind, l.code, l.description, l.quantity, l.unit_amount, l.amount, l.coverage, l.reason"
    " FROM billing.estimate_lines l JOIN billing.estimates e ON e.id = l.estimate_id"
    " WHERE e.work_order_id = $1::bigint ORDER BY l.position";

typedef job_tx_t s_tx_t;
#define S_FAIL JOB_FAIL

/*  The estimate of work order wo with its lines, or NULL. */
static cJSON *s_estimate (db_t *db, const char *wo)
{
    const char *p[] = { wo };
    PGresult *res = db_exec (db, s_read, 1, p), *lines = NULL;
    cJSON *out = NULL;
    if (!res || PQntuples (res) != 1 || !(lines = db_exec (db, s_lines, 1, p)))
        goto done;
    out = ledger_row_json (res, 0);
    static const char *const arrays[] = { "findings", "confirmed", "dismissed", NULL };
    for (int i = 0; out && arrays[i]; i++) {
        const char *text = json_str (out, arrays[i], "[]");
        cJSON *list = json_parse_strict (text, strlen (text), NULL, 0);
        if (!list || !cJSON_ReplaceItemInObjectCaseSensitive (out, arrays[i], list)) {
            cJSON_Delete (list);
            cJSON_Delete (out);
            out = NULL;
        }
    }
    if (out && !ledger_rows_add (out, "lines", lines)) {
        cJSON_Delete (out);
        out = NULL;
    }
done:
    PQclear (lines);
    PQclear (res);
    return out;
}

static int s_answer (s_tx_t *t, db_t *db)
{
    t->result = s_estimate (db, t->wo);
    return t->result ? 0 : S_FAIL (t, RPL_INTERNAL, "reading the estimate back");
}

/* ---- estimate.get -------------------------------------------------------- */

rpl_code_t est_rq_get (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                       size_t errsize)
{
    return job_read (app, ctx, body, s_estimate, "estimate", result, err, errsize);
}

/* ---- estimate.approve ---------------------------------------------------- */

static int s_approve (job_tx_t *t, db_t *db, int state)
{
    char at[40], from[96];
    clock_format_us (t->at_us, at, sizeof at);
    const char *name = json_str (t->body, "customer_name", "");
    /* approved before: a new approval clears a settlement held for an overrun */
    if (state == EST_APPROVED) {
        int cleared = stl_reapprove (db, t->wo, name, at);
        if (cleared < 0)
            return -1;
        if (cleared == 0)
            return S_FAIL (t, RPL_CONFLICT,
                           "the estimate of work order %s is approved and its settlement waits for no new approval",
                           t->wo);
        /* the settlement's wait on the customer is over: its clocks run again */
        if (est_emit (t->app, db, "estimate.approved", t->wo, NULL) != 0)
            return -1;
        return s_answer (t, db);
    }
    if (!states_can_move (&estimate_states, state, EST_APPROVED))
        return S_FAIL (t, RPL_CONFLICT,
                       "the estimate of work order %s is %s: only an estimate awaiting approval is approved", t->wo,
                       estimate_state_names[state]);
    states_from_sql (&estimate_states, EST_APPROVED, from, sizeof from);
    const char *p[] = { t->wo, name, ledger_actor (t->ctx), at, from };
    PGresult *res = db_exec (db,
                             "UPDATE billing.estimates SET status = '" EST_S_APPROVED "', approved_name = $2,"
                             " approved_by = $3, approved_at = $4::timestamptz, updated_at = $4::timestamptz"
                             " WHERE work_order_id = $1::bigint AND status = ANY ($5::text[])",
                             5, p);
    if (!res)
        return -1;
    PQclear (res);
    if (stl_reapprove (db, t->wo, name, at) < 0 || est_emit (t->app, db, "estimate.approved", t->wo, NULL) != 0)
        return -1;
    return s_answer (t, db);
}

rpl_code_t est_rq_approve (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                           size_t errsize)
{
    return job_run (app, ctx, body, "estimates", &estimate_states, s_approve, "approving the estimate", result, err, errsize);
}

/* ---- estimate.confirm_finding -------------------------------------------- */

/* Records the word on finding $2 ($3: confirmed) unless given before;
 * answers whether a finding still waits. */
static const char s_word[] =
    "UPDATE billing.estimates SET confirmed = CASE WHEN $3::bool THEN confirmed || $2::text ELSE confirmed END,"
    " dismissed = CASE WHEN $3::bool THEN dismissed ELSE dismissed || $2::text END, updated_at = $4::timestamptz"
    " WHERE work_order_id = $1::bigint AND $2::text = ANY (findings) AND $2::text <> ALL (confirmed || dismissed)"
    " RETURNING EXISTS (SELECT 1 FROM unnest (findings) f WHERE f IN ('misuse', 'force_majeure')"
    "  AND f <> ALL (confirmed || dismissed))";

static int s_confirm (job_tx_t *t, db_t *db, int state)
{
    const char *finding = json_str (t->body, "finding", "");
    if (state != EST_AWAITING_FINDING)
        return S_FAIL (t, RPL_CONFLICT, "the estimate of work order %s is %s: no finding waits for a service advisor",
                       t->wo, estimate_state_names[state]);
    char at[40];
    const char *p[] = { t->wo, finding, json_bool (t->body, "confirmed", false) ? "true" : "false",
                        clock_format_us (t->at_us, at, sizeof at) };
    PGresult *res = db_exec (db, s_word, 4, p);
    if (!res)
        return -1;
    bool done = PQntuples (res) == 1, waits = done && strcmp (PQgetvalue (res, 0, 0), "t") == 0;
    PQclear (res);
    if (!done)
        return S_FAIL (t, RPL_CONFLICT,
                       "body.finding: the technician did not report %s on work order %s, or it was decided already",
                       finding, t->wo);
    if (!waits) {
        char status[24], why[512];
        int made = est_build (t->app, db, t->wo, true, t->at_us, status, why, sizeof why);
        if (made == -2)
            return S_FAIL (t, RPL_CONFLICT, "%s", why);
        if (made < 0)
            return -1;
        /* free: the work goes on; chargeable: the customer's approval waits
         * now, and dispatch pauses the ticket's clocks (docs/sla.md) */
        bool free = strcmp (status, EST_S_FREE) == 0;
        if ((free || strcmp (status, EST_S_AWAITING_APPROVAL) == 0)
            && est_emit (t->app, db, free ? "estimate.approved" : "estimate.pending", t->wo, NULL) != 0)
            return -1;
    }
    return s_answer (t, db);
}

rpl_code_t est_rq_confirm (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                           size_t errsize)
{
    return job_run (app, ctx, body, "estimates", &estimate_states, s_confirm, "recording the word on a finding", result, err, errsize);
}
