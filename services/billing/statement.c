/*  statement — provider.statement: a provider's quarter, each step with its
 *  figures (docs/providers.md "The statement"): each month's score and
 *  whether it counts, the average, grade, coefficient, eligibility and its
 *  reason, the reward, every penalty and where it was taken from, what is
 *  payable and by whom, and the deposit. A quarter not settled yet shows
 *  what settling it now would give, and the penalties it would take. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "provider_private.h"

static bool s_points (cJSON *o, const char *key, int32_t hundredths)
{
    return hundredths < 0 ? cJSON_AddNullToObject (o, key) != NULL
                          : cJSON_AddNumberToObject (o, key, (double) hundredths / 100) != NULL;
}

static bool s_money (cJSON *o, const char *key, const char *text)
{
    return cJSON_AddNumberToObject (o, key, (double) strtoll (text, NULL, 10)) != NULL;
}

static bool s_months (cJSON *doc, const prov_calc_t *calc, int32_t threshold, int month)
{
    cJSON *list = cJSON_AddArrayToObject (doc, "months");
    for (int i = 0; list && i < 3; i++) {
        int m = calc->quarter.q * 3 - 2 + i;
        if (month && m != month)
            continue;
        char name[8];
        snprintf (name, sizeof name, "%04d-%02d", calc->quarter.year, m);
        int32_t score = calc->scores[i];
        cJSON *o = cJSON_CreateObject ();
        if (!o || !cJSON_AddItemToArray (list, o) || !cJSON_AddStringToObject (o, "month", name)
            || !cJSON_AddBoolToObject (o, "covered", calc->covered[i]) || !s_points (o, "score", score)
            || !s_points (o, "counts", calc->covered[i] ? (score > threshold ? score : 0) : -1))
            return false;
    }
    return list != NULL;
}

/*  The penalties the quarter took (settled) or would take (pending). */
static int s_penalties (prov_tx_t *t, const prov_contract_t *c, const prov_calc_t *calc, cJSON *doc)
{
    PGresult *res = prov_exec_quarter (t, c->id, calc->quarter, calc->settled ? "t" : "f",
                                       "SELECT id, kind, amount, reason, recorded_by,"
                                       "       to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
                                       "       from_reward, from_deposit, from_other, involved"
                                       "  FROM billing.provider_penalties WHERE provider_id = $1"
                                       "   AND CASE WHEN $4::bool THEN settled_year = $2::int AND settled_q = $3::int"
                                       "            ELSE settled_q IS NULL END"
                                       " ORDER BY id");
    if (!res)
        return -1;
    cJSON *list = cJSON_AddArrayToObject (doc, "penalties");
    bool ok = list != NULL;
    for (int r = 0; ok && r < PQntuples (res); r++) {
        cJSON *o = cJSON_CreateObject ();
        ok = o && cJSON_AddItemToArray (list, o) && json_add_id (o, "penalty_id", PQgetvalue (res, r, 0)) == 0
             && cJSON_AddStringToObject (o, "kind", PQgetvalue (res, r, 1)) && s_money (o, "amount", PQgetvalue (res, r, 2))
             && cJSON_AddStringToObject (o, "reason", PQgetvalue (res, r, 3))
             && cJSON_AddStringToObject (o, "recorded_by", PQgetvalue (res, r, 4))
             && cJSON_AddStringToObject (o, "recorded_at", PQgetvalue (res, r, 5))
             && cJSON_AddBoolToObject (o, "taken", calc->settled)
             && (PQgetisnull (res, r, 9) || s_money (o, "involved", PQgetvalue (res, r, 9)));
        if (ok && calc->settled)
            ok = s_money (o, "from_reward", PQgetvalue (res, r, 6)) && s_money (o, "from_deposit", PQgetvalue (res, r, 7))
                 && s_money (o, "from_other", PQgetvalue (res, r, 8));
    }
    PQclear (res);
    return ok ? 0 : PROV_FAIL (t, RPL_INTERNAL, "request: out of memory");
}

/*  The settlement's state and payable, and the deposit. */
static int s_money_state (prov_tx_t *t, const prov_contract_t *c, const prov_calc_t *calc, cJSON *doc)
{
    PGresult *res = prov_exec_quarter (t, c->id, calc->quarter, NULL,
                                       "SELECT s.state, s.taken, s.reward - s.taken, s.dealer_id, d.held, d.state,"
                                       "       to_char(d.due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
                                       "  FROM (SELECT $4::text) one"
                                       "  LEFT JOIN billing.provider_settlements s ON s.provider_id = $1"
                                       "        AND s.year = $2::int AND s.quarter = $3::int"
                                       "  LEFT JOIN billing.provider_deposits d ON d.provider_id = $1");
    if (!res)
        return -1;
    bool settled = !PQgetisnull (res, 0, 0);
    const char *dealer = settled ? (PQgetisnull (res, 0, 3) ? NULL : PQgetvalue (res, 0, 3))
                                 : (c->dealer[0] ? c->dealer : NULL);
    cJSON *dep = NULL;
    bool ok = cJSON_AddStringToObject (doc, "state", settled ? PQgetvalue (res, 0, 0) : "open")
              && s_money (doc, "taken_from_reward", settled ? PQgetvalue (res, 0, 1) : "0")
              && (settled ? s_money (doc, "payable", PQgetvalue (res, 0, 2))
                          : cJSON_AddNumberToObject (doc, "payable", (double) calc->reward) != NULL)
              && (dealer ? cJSON_AddStringToObject (doc, "paid_by_dealer", dealer) != NULL
                         : cJSON_AddNullToObject (doc, "paid_by_dealer") != NULL)
              && (dep = cJSON_AddObjectToObject (doc, "deposit"))
              && s_money (dep, "held", PQgetisnull (res, 0, 4) ? "0" : PQgetvalue (res, 0, 4))
              && cJSON_AddNumberToObject (dep, "required", (double) c->deposit)
              && cJSON_AddStringToObject (dep, "state", PQgetisnull (res, 0, 5) ? "ok" : PQgetvalue (res, 0, 5))
              && (PQgetisnull (res, 0, 6) || cJSON_AddStringToObject (dep, "topup_due_at", PQgetvalue (res, 0, 6)));
    PQclear (res);
    return ok ? 0 : PROV_FAIL (t, RPL_INTERNAL, "request: out of memory");
}

cJSON *prov_statement_doc (prov_tx_t *t, const prov_contract_t *c, prov_quarter_t q, int month)
{
    prov_calc_t calc;
    if (prov_calc (t, c, q, &calc) != 0)
        return NULL;
    char quarter[8];
    snprintf (quarter, sizeof quarter, "%dQ%d", q.year, q.q);
    const pr_rules_t *rules = t->self->rules;
    cJSON *doc = cJSON_CreateObject (), *cb = NULL;
    bool ok = doc && cJSON_AddStringToObject (doc, "provider", c->id) && cJSON_AddStringToObject (doc, "quarter", quarter)
              && cJSON_AddStringToObject (doc, "currency", c->currency)
              && cJSON_AddNumberToObject (doc, "base", (double) c->base)
              && cJSON_AddNumberToObject (doc, "months_covered", calc.months)
              && s_months (doc, &calc, rules->threshold, month) && s_points (doc, "threshold", rules->threshold)
              && s_points (doc, "average", calc.average) && cJSON_AddStringToObject (doc, "grade", calc.grade.name)
              && cJSON_AddNumberToObject (doc, "coefficient", calc.grade.coefficient)
              && cJSON_AddBoolToObject (doc, "eligible", calc.eligible)
              && (calc.eligible ? cJSON_AddNullToObject (doc, "reason") != NULL
                                : cJSON_AddStringToObject (doc, "reason", calc.reason) != NULL)
              && (cb = cJSON_AddObjectToObject (doc, "callbacks"))
              && cJSON_AddNumberToObject (cb, "recorded", (double) calc.recorded)
              && cJSON_AddNumberToObject (cb, "satisfied", (double) calc.satisfied)
              && cJSON_AddNumberToObject (doc, "reward", (double) calc.reward);
    if (!ok) {
        cJSON_Delete (doc);
        PROV_FAIL (t, RPL_INTERNAL, "request: out of memory");
        return NULL;
    }
    if (s_penalties (t, c, &calc, doc) != 0 || s_money_state (t, c, &calc, doc) != 0) {
        cJSON_Delete (doc);
        return NULL;
    }
    return doc;
}

static int s_statement (prov_tx_t *t)
{
    prov_contract_t c;
    prov_quarter_t q;
    if (prov_contract (t, &c) != 0 || prov_quarter_of (t, &q) != 0)
        return -1;
    const char *month = json_str (t->body, "month", NULL);
    t->result = prov_statement_doc (t, &c, q, month ? atoi (month + 5) : 0);
    return t->result ? 0 : -1;
}

rpl_code_t prov_statement (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                           size_t errsize)
{
    return prov_run (app, ctx, body, s_statement, "reading the statement", result, err, errsize);
}
