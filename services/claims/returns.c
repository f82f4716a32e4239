/*  returns — see returns.h. */
#include "returns.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/log.h"
#include "claim_state.h"
#include "claim_tx.h"
#include "db/statements.h"
#include "return_rules.h"

static const db_statement_t s_statements[] = {
    /* $1 lot, $2 now: the lot, its age in days (UTC dates) and its defects so far */
    { "clm_lot",
      "SELECT l.dealer_id, l.quantity, (($2::timestamptz AT TIME ZONE 'UTC')::date - l.ship_date),"
      "  (SELECT coalesce (sum (d.count), 0) FROM claims.lot_defects d WHERE d.lot = l.lot),"
      "  l.product_code, to_char (l.ship_date, 'YYYY-MM-DD')"
      " FROM ref.lots l WHERE l.lot = $1" },
    { "clm_defect_insert",
      "INSERT INTO claims.lot_defects (lot, count, note, recorded_by, recorded_at)"
      " VALUES ($1, $2::int, $3, $4, $5::timestamptz) RETURNING id" },
    { "clm_return_of",
      "SELECT id FROM claims.returns WHERE (kind = 'pre_sale' AND lot = $1) OR (kind = 'after_sale' AND claim_id = $2::bigint)" },
    { "clm_return_insert",
      "INSERT INTO claims.returns (kind, lot, claim_id, branch_id, org_id, defects, quantity, rate_bp, age_days,"
      "  requested_by, requested_at)"
      " VALUES ($1, $2, $3::bigint, $4, $5, $6::int, $7::int, $8::int, $9::int, $10, $11::timestamptz) RETURNING id" },
    { "clm_return_record",
      "SELECT jsonb_build_object ('return_id', id, 'kind', kind, 'lot', lot, 'claim_id', claim_id,"
      " 'branch', branch_id, 'dealer_id', org_id, 'defects', defects, 'quantity', quantity, 'rate_bp', rate_bp,"
      " 'age_days', age_days, 'requested_by', requested_by, 'requested_at', " CLM_TS ("requested_at") ")::text"
      " FROM claims.returns WHERE id = $1::bigint" },
};

int clm_returns_prepare (db_t *db)
{
    return db_prepare_statements (db, s_statements, DB_STATEMENTS (s_statements));
}

/*  The lot named in the body, visible to the caller, into *lot (caller
 *  PQclears). Returns 0 or -1. */
static int s_lot (clm_tx_t *t, PGresult **lot)
{
    const char *p[] = { json_str (t->body, "lot", ""), t->now };
    PGresult *res = db_exec_prepared (t->app->db, "clm_lot", 2, p);
    if (!res)
        return -1;
    if (PQntuples (res) != 1 || (t->ctx->who.organisation && strcmp (t->ctx->who.organisation, PQgetvalue (res, 0, 0)) != 0)) {
        PQclear (res);
        return CLM_FAIL (t, RPL_NOT_FOUND, "body.lot: no lot %s", p[0]);
    }
    *lot = res;
    return 0;
}

static int s_return_record (clm_tx_t *t)
{
    const char *p[] = { t->id };
    cJSON *doc = NULL;
    if (clm_json_row (t, "clm_return_record", 1, p, &doc) != 0)
        return -1;
    if (!doc || !clm_sees (&t->ctx->who, json_str (doc, "branch", NULL), json_str (doc, "dealer_id", NULL))) {
        cJSON_Delete (doc);
        return CLM_FAIL (t, RPL_NOT_FOUND, "body.return_id: no return %s", t->id);
    }
    t->result = doc;
    return 0;
}

/* ---- lot.defect --------------------------------------------------------------------- */

static int s_defect (clm_tx_t *t)
{
    PGresult *lot = NULL;
    if (s_lot (t, &lot) != 0)
        return -1;
    char count[24];
    snprintf (count, sizeof count, "%" PRId64, json_int (t->body, "count", 0));
    const char *p[] = { json_str (t->body, "lot", ""), count, json_str (t->body, "note", NULL),
                        t->ctx->who.principal, t->now };
    PGresult *res = db_exec_prepared (t->app->db, "clm_defect_insert", 5, p);
    int rc = -1;
    if (res) {
        int64_t defects = strtoll (PQgetvalue (lot, 0, 3), NULL, 10) + json_int (t->body, "count", 0);
        int64_t quantity = strtoll (PQgetvalue (lot, 0, 1), NULL, 10);
        cJSON *r = t->result = cJSON_CreateObject ();
        rc = r && json_add_id (r, "defect_id", PQgetvalue (res, 0, 0)) == 0
                     && cJSON_AddStringToObject (r, "lot", p[0]) && cJSON_AddStringToObject (r, "dealer_id", PQgetvalue (lot, 0, 0))
                     && cJSON_AddStringToObject (r, "product_code", PQgetvalue (lot, 0, 4))
                     && cJSON_AddStringToObject (r, "ship_date", PQgetvalue (lot, 0, 5))
                     && cJSON_AddNumberToObject (r, "quantity", (double) quantity)
                     && cJSON_AddNumberToObject (r, "defects", (double) defects)
                     && cJSON_AddNumberToObject (r, "rate_bp", (double) rr_rate_bp (defects, quantity))
                 ? 0
                 : CLM_FAIL (t, RPL_INTERNAL, "out of memory");
        PQclear (res);
    }
    PQclear (lot);
    return rc;
}

/* ---- return.request ----------------------------------------------------------------- */

/*  Refused when the lot or the claim was returned already. */
static int s_not_returned (clm_tx_t *t, const char *lot, const char *claim)
{
    const char *p[] = { lot, claim };
    PGresult *res = db_exec_prepared (t->app->db, "clm_return_of", 2, p);
    if (!res)
        return -1;
    int rc = PQntuples (res) == 0 ? 0
                                  : CLM_FAIL (t, RPL_CONFLICT, "already_returned: %s %s is returned already (return %s)",
                                              lot ? "lot" : "claim", lot ? lot : claim, PQgetvalue (res, 0, 0));
    PQclear (res);
    return rc;
}

static int s_insert (clm_tx_t *t, const char *const p[11])
{
    PGresult *res = db_exec_prepared (t->app->db, "clm_return_insert", 11, p);
    if (!res)
        return -1;
    snprintf (t->id, sizeof t->id, "%s", PQgetvalue (res, 0, 0));
    PQclear (res);
    return s_return_record (t);
}

static int s_pre_sale (clm_tx_t *t)
{
    const char *name = json_str (t->body, "lot", NULL);
    if (!name)
        return CLM_FAIL (t, RPL_INVALID, "body.lot: a pre-sale return names its lot");
    PGresult *lot = NULL;
    if (s_lot (t, &lot) != 0)
        return -1;
    int64_t quantity = strtoll (PQgetvalue (lot, 0, 1), NULL, 10), age = strtoll (PQgetvalue (lot, 0, 2), NULL, 10);
    int64_t defects = strtoll (PQgetvalue (lot, 0, 3), NULL, 10);
    const claims_config_t *cfg = t->app->cfg;
    char why[512];
    int rc = -1;
    if (rr_pre_sale (defects, quantity, cfg->lot_defect_rate_bp, age, cfg->lot_return_days, why, sizeof why) != 0)
        CLM_FAIL (t, RPL_CONFLICT, "%s", why);
    else if (s_not_returned (t, name, NULL) == 0) {
        char d[24], q[24], bp[24];
        snprintf (d, sizeof d, "%" PRId64, defects);
        snprintf (q, sizeof q, "%" PRId64, quantity);
        snprintf (bp, sizeof bp, "%" PRId64, rr_rate_bp (defects, quantity));
        const char *p[] = { "pre_sale", name, NULL, NULL, PQgetvalue (lot, 0, 0), d, q, bp, PQgetvalue (lot, 0, 2),
                            t->ctx->who.principal, t->now };
        rc = s_insert (t, p);
    }
    PQclear (lot);
    return rc;
}

static int s_after_sale (clm_tx_t *t)
{
    if (!cJSON_GetObjectItemCaseSensitive (t->body, "claim_id"))
        return CLM_FAIL (t, RPL_INVALID, "body.claim_id: an after-sale return names the claim for the work");
    snprintf (t->id, sizeof t->id, "%" PRId64, json_int (t->body, "claim_id", 0));
    int status;
    PGresult *row = NULL;
    if (clm_claim_row (t, true, &status, &row) != 0)
        return -1;
    rr_after_sale_t facts = {
        .approved = status == CLM_APPROVED || status == CLM_CLOSED,
        .responsibility = PQgetisnull (row, 0, CLM_ROW_RESPONSIBILITY) ? NULL : PQgetvalue (row, 0, CLM_ROW_RESPONSIBILITY),
        .unrepairable_on_site = strcmp (PQgetvalue (row, 0, CLM_ROW_UNREPAIRABLE), "t") == 0,
        .three_repairs = strcmp (PQgetvalue (row, 0, CLM_ROW_THREE_REPAIRS), "t") == 0,
    };
    char why[512], claim[24];
    snprintf (claim, sizeof claim, "%s", t->id);
    int rc = -1;
    if (rr_after_sale (&facts, why, sizeof why) != 0)
        CLM_FAIL (t, RPL_CONFLICT, "%s", why);
    else if (s_not_returned (t, NULL, claim) == 0) {
        const char *p[] = { "after_sale", NULL, claim, PQgetvalue (row, 0, CLM_ROW_BRANCH), PQgetvalue (row, 0, CLM_ROW_ORG),
                            NULL, NULL, NULL, NULL, t->ctx->who.principal, t->now };
        rc = s_insert (t, p);
    }
    PQclear (row);
    return rc;
}

static int s_request (clm_tx_t *t)
{
    return strcmp (json_str (t->body, "kind", ""), "pre_sale") == 0 ? s_pre_sale (t) : s_after_sale (t);
}

/* ---- the requests ------------------------------------------------------------------- */

rpl_code_t clm_rq_lot_defect (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                              size_t errsize)
{
    return clm_tx_run (app, ctx, body, NULL, s_defect, "recording the defects", result, err, errsize);
}

rpl_code_t clm_rq_return_request (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                                  size_t errsize)
{
    rpl_code_t code = clm_tx_run (app, ctx, body, NULL, s_request, "recording the return", result, err, errsize);
    if (code == RPL_OK)
        log_kv (LOG_INFO, "return_accepted", "kind", json_str (body, "kind", ""), "by", ctx->who.principal, NULL);
    return code;
}

static int s_get (clm_tx_t *t)
{
    return s_return_record (t);
}

rpl_code_t clm_rq_return_get (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                              size_t errsize)
{
    return clm_tx_run (app, ctx, body, "return_id", s_get, "reading the return", result, err, errsize);
}
