/*  job_tx — one request on a job's estimate or settlement in its one
 *  transaction (svc_request_tx): the thing of the body's work order locked
 *  and its state parsed, then the request's step, then the answer handed
 *  over. Shared by estimate_requests.c and settlement_requests.c.
 */
#ifndef KEFU_BILLING_JOB_TX_H
#define KEFU_BILLING_JOB_TX_H

#include <stdint.h>

#include "estimate.h"
#include "model/states.h"

typedef struct job_tx_s job_tx_t;
struct job_tx_s {
    est_app_t *app;
    const rqe_ctx_t *ctx;
    const cJSON *body;
    char wo[24];     /* body.work_order_id */
    int64_t at_us;   /* body.at, or now */
    rpl_code_t code; /* a refusal's (JOB_FAIL) */
    char *err;
    size_t errsize;
    cJSON *result;   /* the answer; dropped when the transaction runs again */
    const char *table;       /* "estimates" or "settlements" (billing.<table>) */
    const states_t *states;  /* its state table */
    int (*step) (job_tx_t *t, db_t *db, int state);
};

/*  A refusal: the code and the reason (svc/reply.h); returns -1. */
#define JOB_FAIL(t, why, ...) rpl_refuse (&(t)->code, (t)->err, (t)->errsize, (why), __VA_ARGS__)

/*  Runs step with the work order's estimate or settlement (table) locked. */
rpl_code_t job_run (void *app, const rqe_ctx_t *ctx, const cJSON *body, const char *table, const states_t *states,
                    int (*step) (job_tx_t *, db_t *, int), const char *what, cJSON **result, char *err,
                    size_t errsize);

/*  A read of the work order's estimate or settlement (read: the thing as
 *  JSON, NULL when there is none or it cannot be read), as the caller may
 *  see it (row-level security). */
rpl_code_t job_read (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON *(*read) (db_t *, const char *wo),
                     const char *thing, cJSON **result, char *err, size_t errsize);

#endif
