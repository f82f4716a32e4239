/*  ledger_app — what the ledger's requests and message handlers share
 *  (invoices, payments, stages, claim credits, reports): the service's
 *  database handle, its bus, and the billing: section of kefu.yaml.
 *  billing.c makes one in its wiring (ledger_app_new).
 */
#ifndef KEFU_BILLING_LEDGER_APP_H
#define KEFU_BILLING_LEDGER_APP_H

#include "billing_config.h"
#include "db/db.h"
#include "msg/bus.h"
#include "svc/request_endpoint.h"

typedef struct {
    db_t *db;
    bus_t *bus;
    const billing_config_t *cfg;
} ledger_app_t;

/*  Declares or defines a request handler of billing's table (rqe_run_fn). */
#define LEDGER_REQUEST(fn)                                                                                   \
    rpl_code_t fn (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err, size_t errsize)

/*  A read's start: the caller acts for `branch` (NULL: any of theirs) and
 *  the database is ready. RPL_OK, else RPL_FORBIDDEN or RPL_UNAVAILABLE
 *  with err. */
rpl_code_t ledger_read_start (ledger_app_t *app, const rqe_ctx_t *ctx, const char *branch, char *err,
                              size_t errsize);

/*  One write request in its transaction: what its step (a db_tx_fn given
 *  a ledger_tx_t) reads and what it answers. */
typedef struct {
    ledger_app_t *app;
    const rqe_ctx_t *ctx;
    const cJSON *body;
    int64_t at_us;     /* body.at, or now */
    rpl_code_t code;   /* a refusal's (rpl_refuse) */
    char *err;
    size_t errsize;
    char number[64];   /* body.number when given; the invoice to answer with */
    cJSON *result;     /* the answer; dropped when the transaction runs again */
    db_tx_fn step;
} ledger_tx_t;

/*  Runs step in the request's one transaction (svc_request_tx) and hands
 *  over its result. */
rpl_code_t ledger_request_tx (ledger_app_t *app, const rqe_ctx_t *ctx, const cJSON *body, db_tx_fn step,
                              const char *what, cJSON **result, char *err, size_t errsize);

/*  The time a body gives under key (RFC 3339), or now when absent: 0, or
 *  -1 with "body.<key>: …" in err. */
int ledger_body_time (const cJSON *body, const char *key, int64_t *at_us, char *err, size_t errsize);

/*  The principal of the request, or "system". */
const char *ledger_actor (const rqe_ctx_t *ctx);

#endif
