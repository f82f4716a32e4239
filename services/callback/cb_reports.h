/*  cb_reports — the callback reports (docs/callback.md "Reports"), served
 *  on services.callback.api:
 *
 *    callback.coverage      per branch and period: every finished ticket
 *                           (resolved or closed in [from, to)) has a
 *                           recorded callback, or the list says why not
 *                           (still due, unreachable, cancelled, none);
 *    callback.satisfaction  satisfied / reached per branch, agent or
 *                           technician (the accepted work order's).
 *
 *  Both read under the caller's branches (row-level security).
 */
#ifndef KEFU_CB_REPORTS_H
#define KEFU_CB_REPORTS_H

#include "cb_app.h"

int cb_reports_prepare (db_t *db);

rpl_code_t cb_rq_coverage (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                           size_t errsize);
rpl_code_t cb_rq_satisfaction (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                               size_t errsize);

#endif
