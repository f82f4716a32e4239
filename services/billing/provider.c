/*  provider — see provider.h. The object, the one transaction every
 *  provider request runs in, the checks they share (the provider and who
 *  may act on it, the quarter, an amount), and provider.month. */
#include "provider_private.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/json.h"
#include "db/scope.h"
#include "ledger.h"
#include "svc/failure.h"

prov_t *prov_new (db_t *db, bus_t *bus, pr_rules_t **rules_p, int topup_days)
{
    prov_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->db = db;
    self->bus = bus;
    self->rules = *rules_p;
    *rules_p = NULL;
    self->topup_days = topup_days;
    return self;
}

void prov_destroy (prov_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    pr_destroy (&(*self_p)->rules);
    free (*self_p);
    *self_p = NULL;
}

const char *prov_now (char *out, size_t size)
{
    return clock_format_us (clock_now_us (), out, size);
}

PGresult *prov_exec_quarter (prov_tx_t *t, const char *provider, prov_quarter_t q, const char *extra, const char *sql)
{
    char y[8], n[4];
    snprintf (y, sizeof y, "%d", q.year);
    snprintf (n, sizeof n, "%d", q.q);
    const char *p[] = { provider, y, n, extra };
    return db_exec (t->self->db, sql, 4, p);
}

static int s_tx (db_t *db, void *arg)
{
    prov_tx_t *t = arg;
    cJSON_Delete (t->result); /* a retried transaction starts again */
    t->result = NULL;
    t->code = RPL_OK;
    if (db_scope_system (db) != 0)
        return PROV_FAIL (t, RPL_INTERNAL, "request: cannot act for head office's books");
    return t->step (t);
}

rpl_code_t prov_run (prov_t *self, const rqe_ctx_t *ctx, const cJSON *body, int (*step) (prov_tx_t *t),
                     const char *what, cJSON **result, char *err, size_t errsize)
{
    if (!ctx->who.principal) {
        snprintf (err, errsize, "request: a provider's books are kept by a person");
        return RPL_FORBIDDEN;
    }
    prov_tx_t t = { .self = self, .ctx = ctx, .body = body, .step = step, .err = err, .errsize = errsize };
    rpl_code_t code = svc_request_tx (self->db, s_tx, &t, &t.code, what, err, errsize);
    if (code == RPL_OK)
        *result = t.result;
    else
        cJSON_Delete (t.result);
    return code;
}

#define S_CONTRACT_SQL                                                                                       \
    "WITH b AS (SELECT b.id, b.timezone, b.region_id FROM ref.branches b, ref.organisations o"               \
    "            WHERE o.id = $1 AND b.region_id = ANY (o.regions))"                                         \
    " SELECT o.kind, o.contract_base, o.currency, o.deposit, to_char(o.contract_start, 'YYYYMMDD'),"         \
    "        to_char(o.contract_end, 'YYYYMMDD'), o.reward_dealer,"                                          \
    "        (SELECT id FROM b ORDER BY id LIMIT 1), (SELECT timezone FROM b ORDER BY id LIMIT 1),"          \
    "        $2::text[] IS NULL OR EXISTS (SELECT 1 FROM b WHERE b.id = ANY ($2::text[]))"                   \
    "   FROM ref.organisations o WHERE o.id = $1"

int prov_contract (prov_tx_t *t, prov_contract_t *c)
{
    memset (c, 0, sizeof *c);
    const svc_who_t *who = &t->ctx->who;
    const char *id = json_str (t->body, "provider", "");
    snprintf (c->id, sizeof c->id, "%s", id);
    if (who->organisation && strcmp (who->organisation, id) != 0)
        return PROV_FAIL (t, RPL_NOT_FOUND, "body.provider: \"%s\" is not the caller's organisation", id);
    /* a regional manager acts for their region's branches; a provider's
       staff for no branch, their organisation checked above */
    bool by_region = who->branches && !who->organisation;
    char branches[DB_SCOPE_MAX];
    if (by_region && !svc_who_branches_fit (who, sizeof branches))
        return PROV_FAIL (t, RPL_FORBIDDEN, "request: the caller acts for too many branches");
    const char *p[] = { id, by_region ? svc_who_branches_literal (who, branches, sizeof branches) : NULL };
    PGresult *res = db_exec (t->self->db, S_CONTRACT_SQL, 2, p);
    if (!res)
        return -1;
    int rc = -1;
    if (PQntuples (res) != 1 || strcmp (PQgetvalue (res, 0, 0), "provider") != 0)
        PROV_FAIL (t, RPL_NOT_FOUND, "body.provider: no service provider \"%s\"", id);
    else if (strcmp (PQgetvalue (res, 0, 9), "t") != 0)
        PROV_FAIL (t, RPL_NOT_FOUND, "body.provider: \"%s\" serves no region of the caller's", id);
    else {
        c->has_base = !PQgetisnull (res, 0, 1);
        c->base = c->has_base ? strtoll (PQgetvalue (res, 0, 1), NULL, 10) : 0;
        snprintf (c->currency, sizeof c->currency, "%s", PQgetvalue (res, 0, 2));
        c->deposit = strtoll (PQgetvalue (res, 0, 3), NULL, 10);
        c->start = (reward_date_t) atoi (PQgetvalue (res, 0, 4));
        c->end = (reward_date_t) atoi (PQgetvalue (res, 0, 5));
        snprintf (c->dealer, sizeof c->dealer, "%s", PQgetvalue (res, 0, 6));
        snprintf (c->branch, sizeof c->branch, "%s", PQgetvalue (res, 0, 7));
        snprintf (c->zone, sizeof c->zone, "%s", PQgetisnull (res, 0, 8) ? "UTC" : PQgetvalue (res, 0, 8));
        rc = 0;
    }
    PQclear (res);
    return rc;
}

int prov_quarter_of (prov_tx_t *t, prov_quarter_t *q)
{
    const char *quarter = json_str (t->body, "quarter", NULL), *month = json_str (t->body, "month", NULL);
    int y = 0, n = 0, m = 0;
    char tail;
    if (quarter && (sscanf (quarter, "%4dQ%1d%c", &y, &n, &tail) != 2 || y < 2000 || y > 9999 || n < 1 || n > 4))
        return PROV_FAIL (t, RPL_INVALID, "body.quarter: \"%s\" is not a quarter (2026Q4)", quarter);
    if (month && (sscanf (month, "%4d-%2d%c", &y, &m, &tail) != 2 || y < 2000 || y > 9999 || m < 1 || m > 12
                  || strlen (month) != 7))
        return PROV_FAIL (t, RPL_INVALID, "body.month: \"%s\" is not a month (2026-11)", month);
    if (quarter && month && (y != atoi (quarter) || (m + 2) / 3 != n))
        return PROV_FAIL (t, RPL_INVALID, "body.month: %s is not a month of %s", month, quarter);
    if (!quarter && !month)
        return PROV_FAIL (t, RPL_INVALID, "body.quarter: a quarter (2026Q4) or a month (2026-11) is expected");
    q->year = y;
    q->q = quarter ? n : (m + 2) / 3;
    return 0;
}

int prov_amount (prov_tx_t *t, const prov_contract_t *c, const char *field, int64_t *amount)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive (t->body, field);
    const char *currency = json_str (t->body, "currency", c->currency);
    if (!money_currency_known (currency))
        return PROV_FAIL (t, RPL_INVALID, "body.currency: \"%s\" is not an ISO 4217 currency", currency);
    if (strcmp (currency, c->currency) != 0)
        return PROV_FAIL (t, RPL_INVALID, "body.currency: %s, but %s's contract is in %s", currency, c->id,
                          c->currency);
    if (!json_is_integer (v) || v->valuedouble <= 0)
        return PROV_FAIL (t, RPL_INVALID, "body.%s: a whole number of minor units above 0 is expected", field);
    *amount = (int64_t) v->valuedouble;
    return 0;
}

int prov_post (prov_tx_t *t, const char *key, int kind, int debit, int credit, int64_t amount,
               const char *currency, const char *party, const char *ref)
{
    if (amount == 0)
        return 0; /* nothing moves */
    ledger_entry_t e = { .key = key, .kind = (ledger_kind_t) kind, .debit = (ledger_account_t) debit,
                         .credit = (ledger_account_t) credit, .amount = amount, .currency = currency,
                         .branch_id = NULL, .party = party, .ref = ref, .at_us = clock_now_us (),
                         .actor = t->ctx->who.principal };
    char why[256] = "";
    ledger_result_t r = ledger_post (t->self->db, &e, why, sizeof why);
    if (r == LEDGER_POSTED || r == LEDGER_ALREADY)
        return 0;
    if (r == LEDGER_REFUSED)
        return PROV_FAIL (t, RPL_INTERNAL, "ledger: %s: %s", key, why);
    return -1;
}

/*  provider.month ------------------------------------------------------- */

static int s_month (prov_tx_t *t)
{
    prov_contract_t c;
    prov_quarter_t q;
    if (prov_contract (t, &c) != 0 || prov_quarter_of (t, &q) != 0)
        return -1;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive (t->body, "score");
    double hundredths = cJSON_IsNumber (v) ? v->valuedouble * 100 : -1;
    if (!isfinite (hundredths) || hundredths < 0 || hundredths > 10000
        || fabs (hundredths - round (hundredths)) > 1e-6)
        return PROV_FAIL (t, RPL_INVALID, "body.score: 0 to 100 points with at most two decimals is expected");
    char score[16], now[40];
    snprintf (score, sizeof score, "%d", (int) round (hundredths));
    const char *month = json_str (t->body, "month", "");
    const char *p[] = { c.id, month, score, json_str (t->body, "note", NULL), t->ctx->who.principal,
                        prov_now (now, sizeof now) };
    PGresult *res = prov_exec_quarter (t, c.id, q, NULL,
                                       "SELECT 1 FROM billing.provider_settlements WHERE provider_id = $1"
                                       "   AND year = $2::int AND quarter = $3::int AND $4::text IS NULL");
    bool settled = res && PQntuples (res) > 0;
    PQclear (res);
    if (!res)
        return -1;
    if (settled)
        return PROV_FAIL (t, RPL_CONFLICT, "body.month: %dQ%d of %s is settled: its months are final", q.year, q.q,
                          c.id);
    res = db_exec (t->self->db,
                   "INSERT INTO billing.provider_months (provider_id, month, score, note, recorded_by, recorded_at)"
                   " VALUES ($1, $2, $3::int, $4, $5, $6::timestamptz)"
                   " ON CONFLICT (provider_id, month) DO UPDATE SET score = EXCLUDED.score,"
                   "   note = EXCLUDED.note, recorded_by = EXCLUDED.recorded_by, recorded_at = EXCLUDED.recorded_at",
                   6, p);
    PQclear (res);
    if (!res)
        return -1;
    t->result = cJSON_CreateObject ();
    if (!t->result || !cJSON_AddStringToObject (t->result, "provider", c.id)
        || !cJSON_AddStringToObject (t->result, "month", month)
        || !cJSON_AddNumberToObject (t->result, "score", round (hundredths) / 100)
        || !cJSON_AddStringToObject (t->result, "recorded_by", t->ctx->who.principal))
        return PROV_FAIL (t, RPL_INTERNAL, "request: out of memory");
    return 0;
}

rpl_code_t prov_month (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err, size_t errsize)
{
    return prov_run (app, ctx, body, s_month, "recording the month's score", result, err, errsize);
}
