/*  provider_records — what is recorded against a provider between
 *  settlements: provider.penalty, provider.fraud (a fine of fraud_factor ×
 *  the amount involved) and provider.incident (a media-exposure incident).
 *  A penalty or fine waits for the provider's next settlement, which takes
 *  it from the reward, then the deposit, then other receivables. A
 *  request_id makes a retried request record nothing twice. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "penalty.h"
#include "provider_private.h"
#include "reward.h"

/*  The penalty row (new or recorded before under the request_id) as the reply. */
static int s_penalty_reply (prov_tx_t *t, PGresult *res, bool replayed)
{
    cJSON *r = t->result = cJSON_CreateObject ();
    bool ok = r && json_add_id (r, "penalty_id", PQgetvalue (res, 0, 0)) == 0
              && cJSON_AddStringToObject (r, "provider", PQgetvalue (res, 0, 1))
              && cJSON_AddStringToObject (r, "kind", PQgetvalue (res, 0, 2))
              && cJSON_AddNumberToObject (r, "amount", (double) strtoll (PQgetvalue (res, 0, 3), NULL, 10))
              && cJSON_AddStringToObject (r, "currency", PQgetvalue (res, 0, 4))
              && cJSON_AddStringToObject (r, "reason", PQgetvalue (res, 0, 5))
              && cJSON_AddStringToObject (r, "recorded_by", PQgetvalue (res, 0, 6))
              && cJSON_AddBoolToObject (r, "replayed", replayed);
    if (ok && !PQgetisnull (res, 0, 7))
        ok = cJSON_AddNumberToObject (r, "involved", (double) strtoll (PQgetvalue (res, 0, 7), NULL, 10))
             && cJSON_AddNumberToObject (r, "factor", atoi (PQgetvalue (res, 0, 8)));
    return ok ? 0 : PROV_FAIL (t, RPL_INTERNAL, "request: out of memory");
}

#define S_PENALTY_COLS "id, provider_id, kind, amount, currency, reason, recorded_by, involved, factor"

static int s_record_penalty (prov_tx_t *t, const prov_contract_t *c, const char *kind, int64_t amount,
                             int64_t involved)
{
    char amt[24], inv[24], factor[12], now[40];
    snprintf (amt, sizeof amt, "%lld", (long long) amount);
    snprintf (inv, sizeof inv, "%lld", (long long) involved);
    snprintf (factor, sizeof factor, "%d", t->self->rules->fraud_factor);
    bool fraud = involved > 0;
    const char *p[] = { c->id, kind, amt, c->currency, fraud ? inv : NULL, fraud ? factor : NULL,
                        json_str (t->body, "reason", ""), t->ctx->who.principal, prov_now (now, sizeof now),
                        json_str (t->body, "request_id", "") };
    PGresult *res = db_exec (t->self->db,
                             "INSERT INTO billing.provider_penalties (provider_id, kind, amount, currency, involved,"
                             "   factor, reason, recorded_by, recorded_at, request_id)"
                             " VALUES ($1, $2, $3::bigint, $4, $5::bigint, $6::int, $7, $8, $9::timestamptz, $10)"
                             " ON CONFLICT (recorded_by, request_id) DO NOTHING RETURNING " S_PENALTY_COLS,
                             10, p);
    if (!res)
        return -1;
    bool replayed = PQntuples (res) == 0;
    if (replayed) {
        PQclear (res);
        const char *pk[] = { t->ctx->who.principal, p[9] };
        res = db_exec (t->self->db,
                       "SELECT " S_PENALTY_COLS " FROM billing.provider_penalties"
                       " WHERE recorded_by = $1 AND request_id = $2",
                       2, pk);
        if (!res)
            return -1;
    }
    int rc = -1;
    if (PQntuples (res) != 1)
        PROV_FAIL (t, RPL_INTERNAL, "body.request_id: the penalty it recorded is not found");
    else if (replayed && (strcmp (PQgetvalue (res, 0, 1), c->id) != 0 || strcmp (PQgetvalue (res, 0, 2), kind) != 0
                          || strcmp (PQgetvalue (res, 0, 3), amt) != 0))
        PROV_FAIL (t, RPL_CONFLICT, "body.request_id: \"%s\" recorded another penalty (%s) before", p[9],
                   PQgetvalue (res, 0, 0));
    else
        rc = s_penalty_reply (t, res, replayed);
    PQclear (res);
    return rc;
}

static int s_penalty (prov_tx_t *t)
{
    prov_contract_t c;
    int64_t amount;
    if (prov_contract (t, &c) != 0 || prov_amount (t, &c, "amount", &amount) != 0)
        return -1;
    return s_record_penalty (t, &c, "penalty", amount, 0);
}

static int s_fraud (prov_tx_t *t)
{
    prov_contract_t c;
    int64_t involved, fine;
    if (prov_contract (t, &c) != 0 || prov_amount (t, &c, "involved", &involved) != 0)
        return -1;
    if (!penalty_fraud_fine (involved, t->self->rules->fraud_factor, &fine))
        return PROV_FAIL (t, RPL_INVALID, "body.involved: %d × this amount is past what can be booked",
                          t->self->rules->fraud_factor);
    return s_record_penalty (t, &c, "fraud", fine, involved);
}

static int s_incident (prov_tx_t *t)
{
    prov_contract_t c;
    if (prov_contract (t, &c) != 0)
        return -1;
    const char *on = json_str (t->body, "occurred_on", "");
    int y = 0, m = 0, d = 0;
    char tail;
    if (sscanf (on, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || strlen (on) != 10
        || !reward_date_valid (y * 10000 + m * 100 + d))
        return PROV_FAIL (t, RPL_INVALID, "body.occurred_on: \"%s\" is not a date (2026-11-02)", on);
    char now[40];
    const char *p[] = { c.id, on, json_str (t->body, "description", ""), t->ctx->who.principal,
                        prov_now (now, sizeof now), json_str (t->body, "request_id", "") };
    PGresult *res = db_exec (t->self->db,
                             "WITH n AS (INSERT INTO billing.provider_incidents (provider_id, kind, occurred_on,"
                             "   description, recorded_by, recorded_at, request_id)"
                             " VALUES ($1, 'media_exposure', $2::date, $3, $4, $5::timestamptz, $6)"
                             " ON CONFLICT (recorded_by, request_id) DO NOTHING RETURNING id, false AS replayed)"
                             " SELECT id, replayed FROM n UNION ALL"
                             " SELECT id, true FROM billing.provider_incidents WHERE recorded_by = $4 AND request_id = $6",
                             6, p);
    if (!res)
        return -1;
    int rc = -1;
    if (PQntuples (res) < 1)
        PROV_FAIL (t, RPL_INTERNAL, "body.request_id: the incident it recorded is not found");
    else {
        cJSON *r = t->result = cJSON_CreateObject ();
        rc = r && json_add_id (r, "incident_id", PQgetvalue (res, 0, 0)) == 0
                     && cJSON_AddStringToObject (r, "provider", c.id) && cJSON_AddStringToObject (r, "occurred_on", on)
                     && cJSON_AddBoolToObject (r, "replayed", strcmp (PQgetvalue (res, 0, 1), "t") == 0)
                 ? 0
                 : PROV_FAIL (t, RPL_INTERNAL, "request: out of memory");
    }
    PQclear (res);
    return rc;
}

rpl_code_t prov_penalty (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                         size_t errsize)
{
    return prov_run (app, ctx, body, s_penalty, "recording the penalty", result, err, errsize);
}

rpl_code_t prov_fraud (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err, size_t errsize)
{
    return prov_run (app, ctx, body, s_fraud, "recording the fraud finding", result, err, errsize);
}

rpl_code_t prov_incident (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                          size_t errsize)
{
    return prov_run (app, ctx, body, s_incident, "recording the incident", result, err, errsize);
}
