/*  ledger_app — see ledger_app.h. */
#include "ledger_app.h"

#include "base/clock.h"
#include "base/err.h"
#include "base/json.h"
#include "svc/failure.h"

#include <stdio.h>

rpl_code_t ledger_read_start (ledger_app_t *app, const rqe_ctx_t *ctx, const char *branch, char *err,
                              size_t errsize)
{
    if (branch && !svc_who_sees_branch (&ctx->who, branch)) {
        err_set (err, errsize, "body.branch: you do not act for %s", branch);
        return RPL_FORBIDDEN;
    }
    if (db_ensure (app->db) != 0) {
        err_set (err, errsize, "database: unavailable, try again");
        return RPL_UNAVAILABLE;
    }
    return RPL_OK;
}

int ledger_body_time (const cJSON *body, const char *key, int64_t *at_us, char *err, size_t errsize)
{
    const char *text = json_str (body, key, NULL);
    *at_us = clock_now_us ();
    if (text && clock_parse_rfc3339 (text, at_us) != 0) {
        err_set (err, errsize, "body.%s: not an RFC 3339 time", key);
        return -1;
    }
    return 0;
}

const char *ledger_actor (const rqe_ctx_t *ctx)
{
    return ctx->who.principal ? ctx->who.principal : "system";
}

/*  Each run of the transaction starts from no answer. */
static int s_step (db_t *db, void *arg)
{
    ledger_tx_t *t = arg;
    cJSON_Delete (t->result);
    t->result = NULL;
    return t->step (db, t);
}

rpl_code_t ledger_request_tx (ledger_app_t *app, const rqe_ctx_t *ctx, const cJSON *body, db_tx_fn step,
                              const char *what, cJSON **result, char *err, size_t errsize)
{
    ledger_tx_t t = { .app = app, .ctx = ctx, .body = body, .code = RPL_OK, .err = err, .errsize = errsize,
                      .step = step };
    if (ledger_body_time (body, "at", &t.at_us, err, errsize) != 0)
        return RPL_INVALID;
    snprintf (t.number, sizeof t.number, "%s", json_str (body, "number", ""));
    rpl_code_t code = svc_request_tx (app->db, s_step, &t, &t.code, what, err, errsize);
    if (code == RPL_OK)
        *result = t.result;
    else
        cJSON_Delete (t.result);
    return code;
}
