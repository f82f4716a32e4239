/*  stages — see stages.h. */
#include "stages.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/json.h"
#include "base/log.h"
#include "base/money.h"
#include "invoice_read.h"
#include "invoices.h"
#include "ledger_rows.h"
#include "msg/routes.h"
#include "svc/emit.h"
#include "svc/failure.h"

#define S_DAY_US (INT64_C (86400) * 1000000)

static const char *const s_stages[] = { "deposit", "mid_term", "final" };

/*  sla.subject for the stage (the contract's body). Sent only once the
 *  route exists: dispatch's handler of subjects comes with its own work. */
static int s_emit (ledger_app_t *app, db_t *db, int64_t stage_id, int64_t ticket_id, const char *branch,
                   const char *event, int64_t due_us)
{
    if (!app->bus || !routes_for ("sla.subject"))
        return 0;
    char due[40], ticket[24];
    snprintf (ticket, sizeof ticket, "%" PRId64, ticket_id);
    cJSON *body = cJSON_CreateObject ();
    if (!body || !cJSON_AddStringToObject (body, "kind", "payment_stage")
        || !cJSON_AddNumberToObject (body, "id", (double) stage_id)
        || !cJSON_AddNumberToObject (body, "ticket_id", (double) ticket_id)
        || !cJSON_AddStringToObject (body, "branch", branch) || !cJSON_AddStringToObject (body, "event", event)
        || (due_us > 0 && !cJSON_AddStringToObject (body, "due_at", clock_format_us (due_us, due, sizeof due)))) {
        cJSON_Delete (body);
        return -1;
    }
    return svc_emit (app->bus, db, "sla.subject", 1, branch, ticket, &body);
}

/*  The stage of the ticket falls due when it waits: invoiced, due in `days`.
 *  Returns 0 (also when there is no such waiting stage), or -1 with err. */
static int s_fall_due (ledger_app_t *app, db_t *db, int64_t ticket_id, const char *stage, int64_t at_us, int days,
                       const char *actor, char *err, size_t errsize)
{
    char ticket[24];
    snprintf (ticket, sizeof ticket, "%" PRId64, ticket_id);
    const char *params[] = { ticket, stage };
    PGresult *res = db_exec (db,
                             "SELECT s.id, s.amount, p.branch_id, p.customer_id, p.currency"
                             " FROM billing.payment_stages s JOIN billing.projects p ON p.ticket_id = s.ticket_id"
                             " WHERE s.ticket_id = $1::bigint AND s.stage = $2 AND s.status = 'waiting'"
                             " FOR UPDATE OF s",
                             2, params);
    if (!res) {
        err_set (err, errsize, "%s", db_error (db));
        return -1;
    }
    if (PQntuples (res) != 1) {
        PQclear (res);
        return 0;
    }
    int64_t id = strtoll (PQgetvalue (res, 0, 0), NULL, 10);
    char source[96], description[64], branch[40], customer[72], currency[8];
    snprintf (source, sizeof source, "stage:%" PRId64 ":%s", ticket_id, stage);
    snprintf (description, sizeof description, "project %" PRId64 ": %s payment", ticket_id, stage);
    snprintf (branch, sizeof branch, "%s", PQgetvalue (res, 0, 2));
    snprintf (customer, sizeof customer, "%s", PQgetvalue (res, 0, 3));
    snprintf (currency, sizeof currency, "%s", PQgetvalue (res, 0, 4));
    inv_request_t r = { .branch_id = branch,
                        .customer_id = customer,
                        .source = source,
                        .ticket_id = ticket_id,
                        .description = description,
                        .amount = strtoll (PQgetvalue (res, 0, 1), NULL, 10),
                        .currency = currency,
                        .at_us = at_us,
                        .actor = actor };
    PQclear (res);
    char number[INV_NUMBER_SIZE], due[40], id_text[24], invoice_text[24];
    int64_t invoice = 0;
    inv_result_t issued = inv_issue (db, &r, number, &invoice, err, errsize);
    if (issued != INV_ISSUED && issued != INV_ALREADY)
        return -1;
    int64_t due_us = at_us + (int64_t) days * S_DAY_US;
    snprintf (id_text, sizeof id_text, "%" PRId64, id);
    snprintf (invoice_text, sizeof invoice_text, "%" PRId64, invoice);
    const char *p[] = { id_text, invoice_text, clock_format_us (due_us, due, sizeof due) };
    res = db_exec (db,
                   "UPDATE billing.payment_stages SET status = 'due', invoice_id = $2::bigint, due_at = $3::timestamptz"
                   " WHERE id = $1::bigint",
                   3, p);
    if (!res) {
        err_set (err, errsize, "%s", db_error (db));
        return -1;
    }
    PQclear (res);
    log_kv (LOG_INFO, "payment_stage_due", "ticket_id", ticket, "stage", stage, "invoice", number, NULL);
    if (s_emit (app, db, id, ticket_id, branch, "due", due_us) != 0) {
        err_set (err, errsize, "writing sla.subject to the outbox");
        return -1;
    }
    return 0;
}

int stage_invoice_paid (ledger_app_t *app, db_t *db, int64_t invoice_id, int64_t at_us)
{
    char invoice[24], at[40];
    snprintf (invoice, sizeof invoice, "%" PRId64, invoice_id);
    const char *params[] = { invoice, clock_format_us (at_us, at, sizeof at) };
    PGresult *res = db_exec (db,
                             "UPDATE billing.payment_stages SET status = 'paid', paid_at = $2::timestamptz"
                             " WHERE invoice_id = $1::bigint AND status = 'due' RETURNING id, ticket_id, branch_id",
                             2, params);
    if (!res)
        return -1;
    int rc = 0;
    if (PQntuples (res) == 1)
        rc = s_emit (app, db, strtoll (PQgetvalue (res, 0, 0), NULL, 10), strtoll (PQgetvalue (res, 0, 1), NULL, 10),
                     PQgetvalue (res, 0, 2), "paid", 0);
    PQclear (res);
    return rc;
}

/* ---- project.open ------------------------------------------------------------------ */

static int s_open (db_t *db, void *arg)
{
    ledger_tx_t *t = arg;
    const cJSON *b = t->body;
    const char *branch = json_str (b, "branch", "");
    if (!svc_who_sees_branch (&t->ctx->who, branch))
        return rpl_refuse (&t->code, t->err, t->errsize, RPL_FORBIDDEN, "body.branch: you do not act for %s", branch);
    if (!money_currency_known (json_str (b, "currency", "")))
        return rpl_refuse (&t->code, t->err, t->errsize, RPL_INVALID,
                           "body.currency: unknown currency \"%s\" (expected an ISO 4217 code)",
                           json_str (b, "currency", ""));
    char ticket[24], at[40], amounts[3][24];
    int64_t ticket_id = json_int (b, "ticket_id", 0);
    snprintf (ticket, sizeof ticket, "%" PRId64, ticket_id);
    for (int i = 0; i < 3; i++)
        snprintf (amounts[i], sizeof amounts[i], "%" PRId64, json_int (b, s_stages[i], 0));
    const char *params[] = { ticket,     branch,     json_str (b, "customer_id", ""), json_str (b, "currency", ""),
                             clock_format_us (t->at_us, at, sizeof at), ledger_actor (t->ctx),
                             amounts[0], amounts[1], amounts[2] };
    PGresult *res = db_exec (db,
                             "WITH p AS (INSERT INTO billing.projects (ticket_id, branch_id, customer_id, currency,"
                             "  opened_at, opened_by) SELECT $1::bigint, $2, c.id, $4, $5::timestamptz, $6"
                             "  FROM ref.customers c WHERE c.id = $3"
                             "  ON CONFLICT (ticket_id) DO NOTHING RETURNING ticket_id, branch_id)"
                             " INSERT INTO billing.payment_stages (ticket_id, branch_id, stage, amount)"
                             " SELECT p.ticket_id, p.branch_id, s.stage, s.amount FROM p,"
                             "  (VALUES ('deposit', $7::bigint), ('mid_term', $8::bigint), ('final', $9::bigint))"
                             "  AS s (stage, amount) RETURNING id",
                             9, params);
    if (!res)
        return -1;
    bool made = PQntuples (res) == 3;
    PQclear (res);
    if (!made)
        return rpl_refuse (&t->code, t->err, t->errsize, RPL_CONFLICT,
                           "body.ticket_id: project %s is open already, or customer \"%s\" is unknown", ticket,
                           json_str (b, "customer_id", ""));
    char err[512];
    if (s_fall_due (t->app, db, ticket_id, "deposit", t->at_us, t->app->cfg->stage_payment_days,
                    ledger_actor (t->ctx), err, sizeof err)
        != 0)
        return -1;
    res = db_exec (db,
                   "SELECT s.stage, s.amount, s.status, i.number AS invoice, " DB_EPOCH_US ("s.due_at") " AS due_at,"
                   " " DB_EPOCH_US ("s.paid_at") " AS paid_at FROM billing.payment_stages s"
                   " LEFT JOIN billing.invoices i ON i.id = s.invoice_id WHERE s.ticket_id = $1::bigint ORDER BY s.id",
                   1, params);
    if (!res)
        return -1;
    t->result = cJSON_CreateObject ();
    bool ok = t->result && cJSON_AddNumberToObject (t->result, "ticket_id", (double) ticket_id)
              && ledger_rows_add (t->result, "stages", res);
    PQclear (res);
    return ok ? 0 : rpl_refuse (&t->code, t->err, t->errsize, RPL_INTERNAL, "out of memory");
}

LEDGER_REQUEST (stage_rq_open)
{
    return ledger_request_tx (app, ctx, body, s_open, "opening the project", result, err, errsize);
}

/* ---- messages ---------------------------------------------------------------------- */

static bus_result_t s_on_level (ledger_app_t *app, db_t *db, const env_t *msg, const char *time_key, bool accepted,
                                char *reason, size_t reason_size)
{
    int64_t ticket = json_int (msg->body, "ticket_id", 0), at_us = 0;
    const char *level = json_str (msg->body, "level", "");
    if (clock_parse_rfc3339 (json_str (msg->body, time_key, ""), &at_us) != 0) {
        err_set (reason, reason_size, "body.%s: not an RFC 3339 time", time_key);
        return BUS_REJECT;
    }
    bool mid = strcmp (level, app->cfg->mid_term_level) == 0;
    char err[512] = "";
    int rc = 0;
    if (mid || accepted)
        rc = s_fall_due (app, db, ticket, "mid_term", at_us, app->cfg->stage_payment_days, "system", err, sizeof err);
    if (rc == 0 && accepted && !mid)
        rc = s_fall_due (app, db, ticket, "final", at_us, app->cfg->final_payment_days, "system", err, sizeof err);
    if (rc != 0)
        return svc_db_bus_failure (db, "making a payment stage due", reason, reason_size);
    return BUS_OK;
}

bus_result_t stage_on_level_signed (void *ctx, db_t *db, const env_t *msg, char *reason, size_t reason_size)
{
    ledger_app_t *app = ctx;
    if (strcmp (json_str (msg->body, "level", ""), app->cfg->mid_term_level) != 0)
        return BUS_OK;
    return s_on_level (app, db, msg, "signed_at", false, reason, reason_size);
}

bus_result_t stage_on_accepted (void *ctx, db_t *db, const env_t *msg, char *reason, size_t reason_size)
{
    return s_on_level (ctx, db, msg, "accepted_at", true, reason, reason_size);
}
