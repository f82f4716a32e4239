/*  deposit — a provider's deposit: provider.deposit (money received, a
 *  first deposit or a top-up), and the deposit's one state change, used
 *  also when a settlement takes a penalty from it. A deposit below the
 *  contract's (ref.organisations.deposit) is short: it must be topped up
 *  within billing.deposit_topup_days, and dispatch follows that as an SLA
 *  subject (sla.subject kind deposit: short with due_at, then topped_up). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/json.h"
#include "ledger.h"
#include "penalty.h"
#include "provider_private.h"
#include "svc/emit.h"

int prov_deposit_lock (prov_tx_t *t, const prov_contract_t *c, int64_t *held, int64_t *id, bool *short_now)
{
    char now[40];
    const char *p[] = { c->id, c->currency, prov_now (now, sizeof now) };
    PGresult *res = db_exec (t->self->db,
                             "INSERT INTO billing.provider_deposits (provider_id, currency, held, state, updated_at)"
                             " VALUES ($1, $2, 0, 'ok', $3::timestamptz) ON CONFLICT (provider_id) DO NOTHING",
                             3, p);
    PQclear (res);
    if (!res)
        return -1;
    res = db_exec (t->self->db,
                   "SELECT held, id, state = 'short' FROM billing.provider_deposits WHERE provider_id = $1 FOR UPDATE",
                   1, p);
    if (!res)
        return -1;
    bool found = PQntuples (res) == 1;
    if (found) {
        *held = strtoll (PQgetvalue (res, 0, 0), NULL, 10);
        *id = strtoll (PQgetvalue (res, 0, 1), NULL, 10);
        *short_now = strcmp (PQgetvalue (res, 0, 2), "t") == 0;
    }
    PQclear (res);
    return found ? 0 : PROV_FAIL (t, RPL_INTERNAL, "deposit: %s's deposit row is missing", c->id);
}

/*  Tells dispatch the deposit's event (sla.subject), in this transaction. */
static int s_tell (prov_tx_t *t, const prov_contract_t *c, int64_t id, const char *event, int64_t due_us)
{
    if (!c->branch[0])
        return PROV_FAIL (t, RPL_INTERNAL, "deposit: %s serves no branch to follow its deposit", c->id);
    cJSON *body = cJSON_CreateObject ();
    char due[40];
    bool ok = body && cJSON_AddStringToObject (body, "kind", "deposit")
              && cJSON_AddNumberToObject (body, "id", (double) id) && cJSON_AddStringToObject (body, "branch", c->branch)
              && cJSON_AddStringToObject (body, "event", event)
              && (due_us == 0 || cJSON_AddStringToObject (body, "due_at", clock_format_us (due_us, due, sizeof due)));
    if (!ok) {
        cJSON_Delete (body);
        return PROV_FAIL (t, RPL_INTERNAL, "request: out of memory");
    }
    return svc_emit (t->self->bus, t->self->db, "sla.subject", 1, c->branch, NULL, &body);
}

int prov_deposit_move (prov_tx_t *t, const prov_contract_t *c, const char *kind, int64_t amount, int64_t held,
                       const char *ref)
{
    int64_t before = 0, id = 0;
    bool was_short = false;
    if (prov_deposit_lock (t, c, &before, &id, &was_short) != 0)
        return -1;
    bool is_short = penalty_deposit_short (c->deposit, held) > 0;
    int64_t due_us = 0;
    if (is_short && !was_short)
        due_us = clock_now_us () + (int64_t) t->self->topup_days * 86400 * 1000000;
    char amt[24], h[24], now[40], due[40];
    snprintf (amt, sizeof amt, "%lld", (long long) amount);
    snprintf (h, sizeof h, "%lld", (long long) held);
    const char *p[] = { c->id, kind, amt, h, ref, prov_now (now, sizeof now), t->ctx->who.principal,
                        is_short ? "short" : "ok", due_us ? clock_format_us (due_us, due, sizeof due) : NULL };
    PGresult *res = db_exec (t->self->db,
                             "WITH m AS (INSERT INTO billing.deposit_movements (provider_id, kind, amount, held_after,"
                             "             ref, at, actor)"
                             "           VALUES ($1, $2, $3::bigint, $4::bigint, $5, $6::timestamptz, $7))"
                             " UPDATE billing.provider_deposits SET held = $4::bigint, state = $8,"
                             "   due_at = CASE WHEN $8 = 'ok' THEN NULL ELSE coalesce(due_at, $9::timestamptz) END,"
                             "   updated_at = $6::timestamptz"
                             " WHERE provider_id = $1",
                             9, p);
    PQclear (res);
    if (!res)
        return -1;
    if (is_short && !was_short)
        return s_tell (t, c, id, "short", due_us);
    if (!is_short && was_short)
        return s_tell (t, c, id, "topped_up", 0);
    return 0;
}

/*  The deposit as the reply shows it. */
static int s_deposit_reply (prov_tx_t *t, const prov_contract_t *c, bool replayed)
{
    const char *p[] = { c->id };
    PGresult *res = db_exec (t->self->db,
                             "SELECT held, state, to_char(due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
                             "  FROM billing.provider_deposits WHERE provider_id = $1",
                             1, p);
    if (!res)
        return -1;
    cJSON *r = t->result = cJSON_CreateObject ();
    bool ok = PQntuples (res) == 1 && r && cJSON_AddStringToObject (r, "provider", c->id)
              && cJSON_AddNumberToObject (r, "held", (double) strtoll (PQgetvalue (res, 0, 0), NULL, 10))
              && cJSON_AddNumberToObject (r, "required", (double) c->deposit)
              && cJSON_AddStringToObject (r, "currency", c->currency)
              && cJSON_AddStringToObject (r, "state", PQgetvalue (res, 0, 1))
              && (PQgetisnull (res, 0, 2) || cJSON_AddStringToObject (r, "topup_due_at", PQgetvalue (res, 0, 2)))
              && cJSON_AddBoolToObject (r, "replayed", replayed);
    PQclear (res);
    return ok ? 0 : PROV_FAIL (t, RPL_INTERNAL, "request: out of memory");
}

static int s_deposit (prov_tx_t *t)
{
    prov_contract_t c;
    int64_t amount, held = 0, id = 0, after;
    bool was_short = false;
    if (prov_contract (t, &c) != 0 || prov_amount (t, &c, "amount", &amount) != 0
        || prov_deposit_lock (t, &c, &held, &id, &was_short) != 0)
        return -1;
    char ref[200];
    snprintf (ref, sizeof ref, "deposit:%s:%s:%s", c.id, t->ctx->who.principal, json_str (t->body, "request_id", ""));
    const char *p[] = { ref };
    PGresult *res = db_exec (t->self->db, "SELECT 1 FROM billing.deposit_movements WHERE ref = $1", 1, p);
    if (!res)
        return -1;
    bool replayed = PQntuples (res) > 0;
    PQclear (res);
    if (replayed)
        return s_deposit_reply (t, &c, true);
    if (!money_add (held, amount, &after))
        return PROV_FAIL (t, RPL_INVALID, "body.amount: the deposit held would pass what can be booked");
    if (prov_deposit_move (t, &c, was_short ? "topped_up" : "received", amount, after, ref) != 0
        || prov_post (t, ref, LEDGER_DEPOSIT, LEDGER_CASH, LEDGER_DEPOSITS, amount, c.currency, c.id, ref) != 0)
        return -1;
    return s_deposit_reply (t, &c, false);
}

rpl_code_t prov_deposit (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                         size_t errsize)
{
    return prov_run (app, ctx, body, s_deposit, "recording the deposit", result, err, errsize);
}
