/*  estimate — billing's estimate of a diagnosed work order (docs/billing.md
 *  "The flow"): made when dispatch's workorder.diagnosed arrives, each line
 *  decided warranty or chargeable (estimate_calc.h), stored in
 *  billing.estimates and estimate_lines; its moves follow estimate_states.h.
 *
 *    workorder.diagnosed      the estimate: awaiting_finding (a misuse or
 *                             force-majeure finding waits for a service
 *                             advisor) or awaiting_approval (a chargeable
 *                             line) → estimate.pending to dispatch (the work
 *                             order waits); free → nothing to wait for
 *    estimate.confirm_finding a service advisor confirms or dismisses a
 *                             finding; once none waits the estimate is made
 *                             again: awaiting_approval, or free →
 *                             estimate.approved (the work goes on)
 *    estimate.approve         the customer's approval (name, time) recorded
 *                             by an agent, service advisor or team lead →
 *                             estimate.approved
 *    estimate.get             the estimate with every line and its reason
 */
#ifndef KEFU_BILLING_ESTIMATE_H
#define KEFU_BILLING_ESTIMATE_H

#include "ledger_app.h"
#include <stdbool.h>
#include <stdint.h>

#include "estimate_calc.h"
#include "prices.h"

typedef struct {
    ledger_app_t *ledger; /* the service's database, bus and config */
    const prices_set_t *prices;
} est_app_t;

/*  bus handler of workorder.diagnosed (ctx: est_app_t). */
bus_result_t est_on_diagnosed (void *ctx, db_t *db, const env_t *msg, char *reason, size_t reason_size);

/*  The requests (rqe_run_fn; app: est_app_t). */
rpl_code_t est_rq_get (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                       size_t errsize);
rpl_code_t est_rq_approve (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                           size_t errsize);
rpl_code_t est_rq_confirm (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                           size_t errsize);

/*  Makes (or, with remake, makes again) the estimate of work order `wo`
 *  from its diagnosis and the service advisor's word on its findings, at
 *  at_us, inside the caller's transaction. status (24) gets the estimate's
 *  state. Returns 1 made, 0 made before (without remake: nothing done), -1
 *  database, -2 refused (reason set). */
int est_build (est_app_t *app, db_t *db, const char *wo, bool remake, int64_t at_us, char *status, char *reason,
               size_t reason_size);

/*  The parts of a diagnosis or done report (json: [{code, quantity}]) with
 *  their costs, in the currency of prices p. Returns n ≥ 0, -1 database,
 *  -2 refused (an unknown part, another currency; reason set). parts'
 *  strings point into *res_out, which the caller clears. */
int est_read_parts (db_t *db, const char *json, const prices_t *p, est_part_t *parts, PGresult **res_out,
                    char *reason, size_t reason_size);

/*  The lines of estimate (settlement false) or settlement `id`, replacing
 *  an estimate's earlier ones. 0 or -1 (database). */
int est_store_lines (db_t *db, bool settlement, const char *id, const est_result_t *r);

/*  estimate.pending or estimate.approved for the estimate of `wo`, with
 *  `status`, or the estimate's own when NULL. 0 or -1. */
int est_emit (est_app_t *app, db_t *db, const char *type, const char *wo, const char *status);

#endif
