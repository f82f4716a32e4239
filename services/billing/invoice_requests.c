/*  invoice_requests — see invoice_requests.h. Every write runs in one
 *  transaction (ledger_request_tx) that also reads the record it answers. */
#include "invoice_requests.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/json.h"
#include "invoice_read.h"
#include "invoices.h"
#include "payments.h"
#include "stages.h"
#include "svc/failure.h"

/*  Reads the record of t->number into t->result (in the transaction). */
static int s_answer (ledger_tx_t *t, db_t *db)
{
    int found = inv_read (db, t->number, &t->result);
    if (found == 0)
        return rpl_refuse (&t->code, t->err, t->errsize, RPL_NOT_FOUND, "body.number: no invoice \"%s\"", t->number);
    return found < 0 ? -1 : 0;
}

/* ---- invoice.issue --------------------------------------------------------------- */

static int s_issue (db_t *db, void *arg)
{
    ledger_tx_t *t = arg;
    const cJSON *b = t->body;
    const char *branch = json_str (b, "branch", "");
    if (!svc_who_sees_branch (&t->ctx->who, branch))
        return rpl_refuse (&t->code, t->err, t->errsize, RPL_FORBIDDEN, "body.branch: you do not act for %s", branch);
    char source[200], err[512];
    snprintf (source, sizeof source, "manual:%s:%s", ledger_actor (t->ctx), json_str (b, "request_id", ""));
    inv_request_t r = { .branch_id = branch,
                        .customer_id = json_str (b, "customer_id", ""),
                        .source = source,
                        .ticket_id = json_int (b, "ticket_id", 0),
                        .work_order_id = json_int (b, "work_order_id", 0),
                        .description = json_str (b, "description", NULL),
                        .amount = json_int (b, "amount", 0),
                        .currency = json_str (b, "currency", ""),
                        .at_us = t->at_us,
                        .actor = ledger_actor (t->ctx) };
    inv_result_t issued = inv_issue (db, &r, t->number, NULL, err, sizeof err);
    if (issued == INV_REFUSED)
        return rpl_refuse (&t->code, t->err, t->errsize, strstr (err, "no customer") ? RPL_NOT_FOUND : RPL_INVALID,
                           "body.%s", err);
    return issued == INV_DB_FAILED ? -1 : s_answer (t, db);
}

LEDGER_REQUEST (inv_rq_issue)
{
    return ledger_request_tx (app, ctx, body, s_issue, "issuing the invoice", result, err, errsize);
}

/* ---- invoice.void ---------------------------------------------------------------- */

static int s_void (db_t *db, void *arg)
{
    ledger_tx_t *t = arg;
    char cn[INV_NUMBER_SIZE];
    int rc = inv_void (db, t->number, json_str (t->body, "reason", ""), t->at_us, ledger_actor (t->ctx), cn,
                       &t->code, t->err, t->errsize);
    return rc != 0 ? -1 : s_answer (t, db);
}

LEDGER_REQUEST (inv_rq_void)
{
    return ledger_request_tx (app, ctx, body, s_void, "voiding the invoice", result, err, errsize);
}

/* ---- payment.record --------------------------------------------------------------- */

static int s_pay (db_t *db, void *arg)
{
    ledger_tx_t *t = arg;
    pay_request_t r = { .number = t->number,
                        .reference = json_str (t->body, "reference", ""),
                        .amount = json_int (t->body, "amount", 0),
                        .currency = json_str (t->body, "currency", ""),
                        .at_us = t->at_us,
                        .actor = ledger_actor (t->ctx) };
    pay_outcome_t out;
    if (pay_record (db, &r, &out, &t->code, t->err, t->errsize) != 0
        || (out.now_paid && stage_invoice_paid (t->app, db, out.invoice_id, t->at_us) != 0) || s_answer (t, db) != 0)
        return -1;
    cJSON *p = cJSON_AddObjectToObject (t->result, "payment");
    if (!p || !cJSON_AddStringToObject (p, "reference", r.reference)
        || !cJSON_AddNumberToObject (p, "amount", (double) r.amount) || !cJSON_AddBoolToObject (p, "duplicate", out.duplicate))
        return rpl_refuse (&t->code, t->err, t->errsize, RPL_INTERNAL, "out of memory");
    return 0;
}

LEDGER_REQUEST (inv_rq_pay)
{
    return ledger_request_tx (app, ctx, body, s_pay, "recording the payment", result, err, errsize);
}

/* ---- reads ------------------------------------------------------------------------ */

LEDGER_REQUEST (inv_rq_get)
{
    rpl_code_t code = ledger_read_start (app, ctx, NULL, err, errsize);
    const char *number = json_str (body, "number", "");
    int found = code == RPL_OK ? inv_read (((ledger_app_t *) app)->db, number, result) : 1;
    if (found < 0)
        return svc_db_request_failure (((ledger_app_t *) app)->db, "reading the invoice", err, errsize);
    if (found == 0) {
        err_set (err, errsize, "body.number: no invoice \"%s\"", number);
        return RPL_NOT_FOUND;
    }
    return code;
}

LEDGER_REQUEST (inv_rq_list)
{
    cur_page_t page;
    inv_filter_t f = { .branch = json_str (body, "branch", NULL),
                       .status = json_str (body, "status", NULL),
                       .customer_id = json_str (body, "customer_id", NULL),
                       .ticket_id = json_int (body, "ticket_id", 0),
                       .limit = json_int (body, "limit", 200),
                       .page = &page };
    if (cur_page_start (&page, "invoice.list", body, f.limit, err, errsize) != 0)
        return RPL_INVALID;
    rpl_code_t code = ledger_read_start (app, ctx, f.branch, err, errsize);
    if (code == RPL_OK && inv_list (((ledger_app_t *) app)->db, &f, result) != 0)
        return svc_db_request_failure (((ledger_app_t *) app)->db, "listing invoices", err, errsize);
    return code;
}
