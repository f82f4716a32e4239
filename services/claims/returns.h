/*  returns — lots' defects and returns (docs/claims.md "Returns"), each
 *  one request, one transaction:
 *    lot.defect      defects found in a lot (ref.lots): count and note, by
 *                    the lot's dealer's staff, a qc inspector or head office;
 *    return.request  a pre-sale return of a whole lot (kind pre_sale, lot)
 *                    or an after-sale return of a claimed unit (kind
 *                    after_sale, claim_id), judged by return_rules.h; a
 *                    refusal names its rule (conflict) and stores nothing;
 *    return.get      an accepted return with the figures it was judged on.
 *  A lot belongs to its dealer, not to a branch: a dealer's staff see their
 *  own lots, qc inspectors and head office every lot.
 */
#ifndef KEFU_RETURNS_H
#define KEFU_RETURNS_H

#include "claims_app.h"
#include "svc/request_endpoint.h"

int clm_returns_prepare (db_t *db);

rpl_code_t clm_rq_lot_defect (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                              size_t errsize);
rpl_code_t clm_rq_return_request (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                                  size_t errsize);
rpl_code_t clm_rq_return_get (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                              size_t errsize);

#endif
