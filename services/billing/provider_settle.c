/*  provider_settle — provider.settle: a quarter's figures (prov_calc)
 *  made final, the reward booked once, the pending penalties taken from the
 *  reward, then the deposit, then other receivables. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "ledger.h"
#include "penalty.h"
#include "provider_private.h"
#include "provider_states.h"

/*  Takes the provider's pending penalties, in the order recorded, from the
 *  reward, then the deposit, then other receivables; books each part.
 *  *taken: what came out of the reward. */
static int s_take_penalties (prov_tx_t *t, const prov_contract_t *c, const prov_calc_t *calc, int64_t *taken)
{
    int64_t reward_left = calc->reward, deposit_left = 0, deposit_id = 0;
    bool was_short;
    if (prov_deposit_lock (t, c, &deposit_left, &deposit_id, &was_short) != 0)
        return -1;
    const char *p[] = { c->id };
    PGresult *res = db_exec (t->self->db,
                             "SELECT id, amount FROM billing.provider_penalties"
                             " WHERE provider_id = $1 AND settled_q IS NULL ORDER BY id FOR UPDATE",
                             1, p);
    if (!res)
        return -1;
    int rc = 0;
    for (int r = 0; rc == 0 && r < PQntuples (res); r++) {
        const char *id = PQgetvalue (res, r, 0);
        penalty_split_t s;
        if (penalty_take (strtoll (PQgetvalue (res, r, 1), NULL, 10), &reward_left, &deposit_left, &s) != 0) {
            rc = PROV_FAIL (t, RPL_INTERNAL, "penalty %s: cannot be taken", id);
            break;
        }
        char y[8], qq[4], fr[24], fd[24], fo[24], key[3][64], ref[64];
        snprintf (y, sizeof y, "%d", calc->quarter.year);
        snprintf (qq, sizeof qq, "%d", calc->quarter.q);
        snprintf (fr, sizeof fr, "%" PRId64, s.from_reward);
        snprintf (fd, sizeof fd, "%" PRId64, s.from_deposit);
        snprintf (fo, sizeof fo, "%" PRId64, s.from_other);
        snprintf (ref, sizeof ref, "penalty:%s", id);
        snprintf (key[0], sizeof key[0], "penalty:%s:reward", id);
        snprintf (key[1], sizeof key[1], "penalty:%s:deposit", id);
        snprintf (key[2], sizeof key[2], "penalty:%s:other", id);
        const char *pu[] = { id, y, qq, fr, fd, fo };
        PGresult *u = db_exec (t->self->db,
                               "UPDATE billing.provider_penalties SET settled_year = $2::int, settled_q = $3::int,"
                               "   from_reward = $4::bigint, from_deposit = $5::bigint, from_other = $6::bigint"
                               " WHERE id = $1::bigint",
                               6, pu);
        PQclear (u);
        if (!u
            || prov_post (t, key[0], LEDGER_PENALTY, LEDGER_PROVIDER_REWARDS_PAYABLE, LEDGER_PENALTIES, s.from_reward,
                          c->currency, c->id, ref) != 0
            || prov_post (t, key[1], LEDGER_PENALTY, LEDGER_DEPOSITS, LEDGER_PENALTIES, s.from_deposit, c->currency,
                          c->id, ref) != 0
            || prov_post (t, key[2], LEDGER_PENALTY, LEDGER_OTHER_RECEIVABLES, LEDGER_PENALTIES, s.from_other,
                          c->currency, c->id, ref) != 0
            || (s.from_deposit > 0
                && prov_deposit_move (t, c, "penalty", s.from_deposit, deposit_left, key[1]) != 0))
            rc = -1;
    }
    PQclear (res);
    *taken = calc->reward - reward_left;
    return rc;
}

static int s_settle (prov_tx_t *t)
{
    prov_contract_t c;
    prov_quarter_t q;
    prov_calc_t calc;
    if (prov_contract (t, &c) != 0 || prov_quarter_of (t, &q) != 0 || prov_calc (t, &c, q, &calc) != 0)
        return -1;
    if (calc.settled) {
        t->result = prov_statement_doc (t, &c, q, 0);
        return t->result && cJSON_AddBoolToObject (t->result, "replayed", true) ? 0 : -1;
    }
    char y[8], qq[4], months[4], scores[40], avg[12], coef[12], rec[24], sat[24], base[24], reward[24], now[40];
    snprintf (y, sizeof y, "%d", q.year);
    snprintf (qq, sizeof qq, "%d", q.q);
    snprintf (months, sizeof months, "%d", calc.months);
    snprintf (scores, sizeof scores, "{%d,%d,%d}", calc.scores[0], calc.scores[1], calc.scores[2]);
    snprintf (avg, sizeof avg, "%d", calc.average);
    snprintf (coef, sizeof coef, "%d", calc.grade.coefficient);
    snprintf (rec, sizeof rec, "%" PRId64, calc.recorded);
    snprintf (sat, sizeof sat, "%" PRId64, calc.satisfied);
    snprintf (base, sizeof base, "%" PRId64, c.base);
    snprintf (reward, sizeof reward, "%" PRId64, calc.reward);
    const char *p[] = { c.id, y, qq, months, scores, avg, calc.grade.name, coef, calc.eligible ? "t" : "f",
                        calc.eligible ? NULL : calc.reason, rec, sat, base, reward, c.currency,
                        c.dealer[0] ? c.dealer : NULL, t->ctx->who.principal, prov_now (now, sizeof now) };
    PGresult *res = db_exec (t->self->db,
                             "INSERT INTO billing.provider_settlements (provider_id, year, quarter, months, scores,"
                             "   average, grade, coefficient, eligible, reason, callbacks, satisfied, base, reward,"
                             "   taken, currency, dealer_id, state, settled_by, settled_at)"
                             " VALUES ($1, $2::int, $3::int, $4::int, $5::int[], $6::int, $7, $8::int, $9::bool, $10,"
                             "   $11::int, $12::int, $13::bigint, $14::bigint, 0, $15, $16, 'settled', $17,"
                             "   $18::timestamptz)"
                             " ON CONFLICT (provider_id, year, quarter) DO NOTHING RETURNING 1",
                             18, p);
    if (!res)
        return -1;
    bool inserted = PQntuples (res) == 1;
    PQclear (res);
    if (!inserted) /* another instance settled it meanwhile: it is in our snapshot after the wait */
        return PROV_FAIL (t, RPL_CONFLICT, "body.quarter: %dQ%d was settled at the same moment: ask again", q.year,
                          q.q);
    char key[96], taken_s[24];
    snprintf (key, sizeof key, "reward:%s:%dQ%d", c.id, q.year, q.q);
    int64_t taken = 0;
    if (prov_post (t, key, LEDGER_REWARD, LEDGER_SERVICE_REVENUE, LEDGER_PROVIDER_REWARDS_PAYABLE, calc.reward,
                   c.currency, c.id, key)
            != 0
        || s_take_penalties (t, &c, &calc, &taken) != 0)
        return -1;
    snprintf (taken_s, sizeof taken_s, "%" PRId64, taken);
    res = prov_exec_quarter (t, c.id, q, taken_s,
                             "UPDATE billing.provider_settlements SET taken = $4::bigint"
                             " WHERE provider_id = $1 AND year = $2::int AND quarter = $3::int");
    PQclear (res);
    if (!res)
        return -1;
    t->result = prov_statement_doc (t, &c, q, 0);
    return t->result && cJSON_AddBoolToObject (t->result, "replayed", false) ? 0 : -1;
}

rpl_code_t prov_settle (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                        size_t errsize)
{
    return prov_run (app, ctx, body, s_settle, "settling the quarter", result, err, errsize);
}
