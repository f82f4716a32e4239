/*  cb_requests — the requests an agent makes (docs/callback.md "Work list
 *  and outcomes"), served on services.callback.api:
 *
 *    callback.list        the calls to make now, earliest deadline first
 *    callback.attempt     a call that did not reach the customer: the next
 *                         attempt under the retry policy, or unreachable
 *    callback.outcome     a call that reached the customer: satisfied,
 *                         neutral or dissatisfied, with reasons and text
 *    callback.rest_hours  a customer's own rest hours
 *
 *  A final outcome (reached, or unreachable after the last attempt) is
 *  written with its callback.recorded message in one transaction (the
 *  outbox). A callback not due yet, or already closed, is refused
 *  `conflict` and nothing changes.
 */
#ifndef KEFU_CB_REQUESTS_H
#define KEFU_CB_REQUESTS_H

#include "cb_app.h"

int cb_requests_prepare (db_t *db);

rpl_code_t cb_rq_list (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                       size_t errsize);
rpl_code_t cb_rq_attempt (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                          size_t errsize);
rpl_code_t cb_rq_outcome (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                          size_t errsize);
rpl_code_t cb_rq_rest_hours (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                             size_t errsize);

#endif
