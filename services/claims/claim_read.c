/*  claim_read — see claim_read.h. */
#include "claim_read.h"

#include <inttypes.h>
#include <stdio.h>

#include "base/json.h"
#include "claim_state.h"
#include "claim_tx.h"
#include "db/cursor.h"
#include "db/statements.h"

static const db_statement_t s_statements[] = {
    /* $1 organisation (NULL: any), $2 branches (NULL: all), $3 status (NULL: any), $4 limit + 1,
     * $5 the cursor's claim (NULL: the first page) */
    { "clm_list",
      "SELECT jsonb_build_object ('claims', coalesce (jsonb_agg (x.doc ORDER BY x.id DESC), '[]'::jsonb))::text"
      " FROM (SELECT c.id, jsonb_build_object ('claim_id', c.id, 'work_order_id', c.work_order_id,"
      "   'ticket_id', c.ticket_id, 'branch', c.branch_id, 'dealer_id', c.org_id, 'status', c.status,"
      "   'product_code', c.product_code, 'amount', c.amount, 'currency', c.currency,"
      "   'approved_amount', c.approved_amount, 'responsibility', c.responsibility,"
      "   'replacement_fault', c.replacement_fault, 'filed_at', " CLM_TS ("c.filed_at") ") AS doc"
      "  FROM claims.claims c"
      "  WHERE ($1::text IS NULL OR c.org_id = $1) AND ($2::text[] IS NULL OR c.branch_id = ANY ($2::text[]))"
      "    AND ($3::text IS NULL OR c.status = $3) AND ($5::bigint IS NULL OR c.id < $5::bigint)"
      "  ORDER BY c.id DESC LIMIT $4::int) x" },
};

int clm_read_prepare (db_t *db)
{
    return db_prepare_statements (db, s_statements, DB_STATEMENTS (s_statements));
}

static int s_get (clm_tx_t *t)
{
    int status;
    PGresult *row = NULL;
    if (clm_claim_row (t, false, &status, &row) != 0)
        return -1;
    PQclear (row);
    return clm_record (t);
}

static int s_list (clm_tx_t *t)
{
    const svc_who_t *who = &t->ctx->who;
    char branches[2048];
    cur_page_t page;
    if (cur_page_start (&page, "claim.list", t->body, json_int (t->body, "limit", 200), t->err, t->errsize) != 0) {
        t->code = RPL_INVALID;
        return -1;
    }
    if (!who->organisation && who->branches && !svc_who_branches_fit (who, sizeof branches))
        return CLM_FAIL (t, RPL_INTERNAL, "too many branches to list");
    const char *scope = who->organisation ? NULL : svc_who_branches_literal (who, branches, sizeof branches);
    const char *p[] = { who->organisation, scope, json_str (t->body, "status", NULL), cur_page_fetch (&page),
                        cur_page_id (&page) };
    if (clm_json_row (t, "clm_list", 5, p, &t->result) != 0)
        return -1;
    /* the row past the limit only says that a next page follows */
    cJSON *claims = cJSON_GetObjectItemCaseSensitive (t->result, "claims");
    int fetched = cJSON_GetArraySize (claims);
    if (fetched <= page.limit)
        return 0;
    cJSON_DeleteItemFromArray (claims, fetched - 1);
    int64_t last = json_int (cJSON_GetArrayItem (claims, (int) page.limit - 1), "claim_id", 0);
    if (cur_page_next (&page, t->result, fetched, last, last) != 0)
        return CLM_FAIL (t, RPL_INTERNAL, "out of memory");
    return 0;
}

rpl_code_t clm_rq_get (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                       size_t errsize)
{
    return clm_tx_run (app, ctx, body, "claim_id", s_get, "reading the claim", result, err, errsize);
}

rpl_code_t clm_rq_list (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                        size_t errsize)
{
    return clm_tx_run (app, ctx, body, NULL, s_list, "listing claims", result, err, errsize);
}
