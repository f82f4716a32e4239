/*  settlement — what the customer pays for a job, line by line with the
 *  reason (docs/billing.md "Settlement"); its states are settlement_states.h.
 *
 *    workorder.done      the done report priced on the estimate's warranty
 *                        decision; more than the approved total plus the
 *                        branch's overrun share → awaiting_approval with the
 *                        reason (estimate.approve again clears it)
 *    workorder.accepted  the settlement is offered (open); its warranty lines
 *                        are booked as warranty cost (LEDGER_WARRANTY, key
 *                        warranty:<work_order_id>); an installation's accepted
 *                        date is recorded as its install date (billing.installs)
 *    settlement.get | accept | dispute | decide   the requests
 *                        (settlement_requests.c)
 *
 *  A work order billing made no estimate for (never diagnosed) has no
 *  settlement: its messages change nothing here.
 */
#ifndef KEFU_BILLING_SETTLEMENT_H
#define KEFU_BILLING_SETTLEMENT_H

#include "estimate.h"

/*  bus handlers (ctx: est_app_t), run in billing.c's one handler per type. */
bus_result_t stl_on_done (void *ctx, db_t *db, const env_t *msg, char *reason, size_t reason_size);
bus_result_t stl_on_accepted (void *ctx, db_t *db, const env_t *msg, char *reason, size_t reason_size);

/*  The customer's new approval of work order wo's settlement held for an
 *  overrun (name, at), in the caller's transaction: 1 cleared, 0 none
 *  waits, -1 database. */
int stl_reapprove (db_t *db, const char *wo, const char *name, const char *at);

/*  The requests (rqe_run_fn; app: est_app_t). */
rpl_code_t stl_rq_get (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                       size_t errsize);
rpl_code_t stl_rq_accept (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                          size_t errsize);
rpl_code_t stl_rq_dispute (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                           size_t errsize);
rpl_code_t stl_rq_decide (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                          size_t errsize);

#endif
