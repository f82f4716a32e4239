/*  claim_decide — a claim's moves after filing (docs/claims.md "The
 *  decision", "Parts returned"), each one request, one transaction, the
 *  claim locked and moved by clm_transition (claim_state.h):
 *    claim.review         the regional manager of the work's region
 *                         recommends approve or reject, with a note;
 *    claim.decide         head office approves (an amount up to the one
 *                         claimed; claim.approved to billing credits the
 *                         dealer) or rejects, assigning responsibility;
 *                         a second decision is refused (conflict);
 *    claim.part_returned  the claimant sends back a replaced part;
 *    claim.part_checked   head office or a qc inspector of the branch
 *                         checks it: ok, or not as stated with a note.
 *  An approved claim closes when every replaced part is checked (at once
 *  when there is none). Each move emits sla.subject (reviewed, decided,
 *  closed) for the claim's decision clock.
 */
#ifndef KEFU_CLAIM_DECIDE_H
#define KEFU_CLAIM_DECIDE_H

#include "claims_app.h"
#include "svc/request_endpoint.h"

int clm_decide_prepare (db_t *db);

rpl_code_t clm_rq_review (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                          size_t errsize);
rpl_code_t clm_rq_decide (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                          size_t errsize);
rpl_code_t clm_rq_part_returned (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                                 size_t errsize);
rpl_code_t clm_rq_part_checked (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                                size_t errsize);

#endif
