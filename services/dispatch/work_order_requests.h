/*  work_order_requests — the requests about work orders that dispatch
 *  serves (docs/dispatch.md "Several work orders", "The done report"):
 *
 *    workorder.report  the technician's done report: the work order (assigned)
 *                    becomes completed, the report is stored
 *                    (dispatch.done_reports), the ticket's clocks move on
 *                    work_order_completed, and workorder.done goes to qc
 *                    (the inspection starts) and intake (the history), all
 *                    in one transaction;
 *    workorder.list  a ticket's work orders, oldest first, with their
 *                    reports.
 *
 *  `app` is the dispatcher's dapi_app_t (api.h). The request endpoint has
 *  stated the caller's branches on the connection, so row-level security
 *  confines every read and write; a work order of another branch is
 *  answered not_found, as if it did not exist.
 */
#ifndef KEFU_DISPATCH_WORK_ORDER_REQUESTS_H
#define KEFU_DISPATCH_WORK_ORDER_REQUESTS_H

#include "api.h"
#include "db/db.h"
#include "svc/reply.h"
#include "svc/request_endpoint.h"

/*  One request on a work order in its transaction: what its steps read
 *  and what it answers (the done report here, the diagnosis in diagnosis.c). */
typedef struct {
    dapi_app_t *app;
    const rqe_ctx_t *ctx;
    const cJSON *body;
    char id[24], now[40]; /* the work order; the request's time */
    rpl_code_t code;      /* a refusal's (WOR_FAIL) */
    char *err;
    size_t errsize;
    cJSON *result;        /* the answer; dropped when the transaction runs again */
} wor_tx_t;

/*  A refusal: the code and the reason (svc/reply.h); returns -1. */
#define WOR_FAIL(x, why, ...) rpl_refuse (&(x)->code, (x)->err, (x)->errsize, (why), __VA_ARGS__)

/*  Registers the requests' statements on db. Returns 0 or -1. */
int wor_prepare (db_t *db);

rpl_code_t wor_done (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                     size_t errsize);
rpl_code_t wor_list (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                     size_t errsize);

#endif
