/*  claim_read — reading claims (docs/claims.md "Reading claims"):
 *    claim.get   one claim's whole record: what was filed, the review, the
 *                decision, every replaced part's return and check;
 *    claim.list  the caller's claims, newest first (an organisation's
 *                staff their organisation's, others their branches', head
 *                office all), optionally of one status.
 */
#ifndef KEFU_CLAIM_READ_H
#define KEFU_CLAIM_READ_H

#include "claims_app.h"
#include "svc/request_endpoint.h"

int clm_read_prepare (db_t *db);

rpl_code_t clm_rq_get (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                       size_t errsize);
rpl_code_t clm_rq_list (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                        size_t errsize);

#endif
