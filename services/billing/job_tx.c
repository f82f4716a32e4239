/*  job_tx — see job_tx.h. */
#include "job_tx.h"

#include <inttypes.h>
#include <stdio.h>

#include "base/err.h"
#include "base/json.h"
#include "base/log.h"
#include "svc/failure.h"

/*  The thing locked: its state, or -1 with the refusal set (or a database
 *  failure: code left RPL_OK). */
static int s_lock (job_tx_t *t, db_t *db)
{
    char sql[128];
    snprintf (sql, sizeof sql, "SELECT status FROM billing.%s WHERE work_order_id = $1::bigint FOR UPDATE", t->table);
    const char *p[] = { t->wo };
    PGresult *res = db_exec (db, sql, 1, p);
    if (!res)
        return -1;
    int state = -1;
    if (PQntuples (res) != 1)
        JOB_FAIL (t, RPL_NOT_FOUND, "body.work_order_id: work order %s has no %s", t->wo, t->states->thing);
    else if (states_parse (t->states, PQgetvalue (res, 0, 0), &state) != 0)
        JOB_FAIL (t, RPL_INTERNAL, "the %s of work order %s has an unknown status", t->states->thing, t->wo);
    PQclear (res);
    return state;
}

/*  Each run of the transaction starts from no answer. */
static int s_step (db_t *db, void *arg)
{
    job_tx_t *t = arg;
    cJSON_Delete (t->result);
    t->result = NULL;
    int state = s_lock (t, db);
    return state < 0 ? -1 : t->step (t, db, state);
}

rpl_code_t job_run (void *app, const rqe_ctx_t *ctx, const cJSON *body, const char *table, const states_t *states,
                    int (*step) (job_tx_t *, db_t *, int), const char *what, cJSON **result, char *err,
                    size_t errsize)
{
    est_app_t *a = app;
    *result = NULL;
    job_tx_t t = { .app = a, .ctx = ctx, .body = body, .code = RPL_OK, .err = err, .errsize = errsize,
                   .table = table, .states = states, .step = step };
    snprintf (t.wo, sizeof t.wo, "%" PRId64, json_int (body, "work_order_id", 0));
    if (ledger_body_time (body, "at", &t.at_us, err, errsize) != 0)
        return RPL_INVALID;
    rpl_code_t code = svc_request_tx (a->ledger->db, s_step, &t, &t.code, what, err, errsize);
    if (code != RPL_OK) {
        cJSON_Delete (t.result);
        return code;
    }
    bus_kick (a->ledger->bus);
    log_kv (LOG_INFO, "job_request", "request", what, "work_order_id", t.wo, "by", ledger_actor (ctx), NULL);
    *result = t.result;
    return RPL_OK;
}

rpl_code_t job_read (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON *(*read) (db_t *, const char *wo),
                     const char *thing, cJSON **result, char *err, size_t errsize)
{
    est_app_t *a = app;
    *result = NULL;
    rpl_code_t code = ledger_read_start (a->ledger, ctx, NULL, err, errsize);
    if (code != RPL_OK)
        return code;
    char wo[24];
    snprintf (wo, sizeof wo, "%" PRId64, json_int (body, "work_order_id", 0));
    if ((*result = read (a->ledger->db, wo)))
        return RPL_OK;
    err_set (err, errsize, "body.work_order_id: work order %s has no %s", wo, thing);
    return RPL_NOT_FOUND;
}
