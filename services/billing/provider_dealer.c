/*  provider_dealer — a reward paid through a dealer (docs/providers.md):
 *  head office gives the dealer notice to pay a settled quarter's reward
 *  (provider.notice), and once the provider confirms it was paid
 *  (provider.confirm), the amount is credited to the dealer's account
 *  (LEDGER_REWARD_VIA_DEALER: rewards payable ← dealer accounts). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger.h"
#include "provider_private.h"
#include "provider_states.h"

static int s_move (prov_tx_t *t, prov_event_t event)
{
    prov_contract_t c;
    prov_quarter_t q;
    if (prov_contract (t, &c) != 0 || prov_quarter_of (t, &q) != 0)
        return -1;
    PGresult *res = prov_exec_quarter (t, c.id, q, NULL,
                                       "SELECT state, dealer_id, reward - taken, currency FROM billing.provider_settlements"
                                       " WHERE provider_id = $1 AND year = $2::int AND quarter = $3::int AND $4::text IS NULL"
                                       " FOR UPDATE");
    if (!res)
        return -1;
    if (PQntuples (res) != 1) {
        PQclear (res);
        return PROV_FAIL (t, RPL_NOT_FOUND, "body.quarter: %dQ%d of %s is not settled", q.year, q.q, c.id);
    }
    int from = prov_state_parse (PQgetvalue (res, 0, 0));
    bool via_dealer = !PQgetisnull (res, 0, 1);
    char dealer[65], currency[MONEY_CODE_SIZE];
    snprintf (dealer, sizeof dealer, "%s", PQgetvalue (res, 0, 1));
    snprintf (currency, sizeof currency, "%s", PQgetvalue (res, 0, 3));
    int64_t payable = strtoll (PQgetvalue (res, 0, 2), NULL, 10);
    PQclear (res);
    const char *why = "";
    int to = prov_transition ((prov_state_t) from, event, via_dealer, &why);
    if (to < 0)
        return PROV_FAIL (t, RPL_CONFLICT, "body.quarter: %dQ%d of %s: %s", q.year, q.q, c.id, why);
    /* the new state, who and when, as one parameter (ids and instants hold no space) */
    char move[200], now[40];
    snprintf (move, sizeof move, "%s %s %s", prov_state_name ((prov_state_t) to), t->ctx->who.principal,
              prov_now (now, sizeof now));
    res = prov_exec_quarter (t, c.id, q, move,
                             event == PROV_NOTICE
                                 ? "UPDATE billing.provider_settlements SET state = split_part($4, ' ', 1),"
                                   "   noticed_by = split_part($4, ' ', 2), noticed_at = split_part($4, ' ', 3)::timestamptz"
                                   " WHERE provider_id = $1 AND year = $2::int AND quarter = $3::int"
                                 : "UPDATE billing.provider_settlements SET state = split_part($4, ' ', 1),"
                                   "   confirmed_by = split_part($4, ' ', 2),"
                                   "   confirmed_at = split_part($4, ' ', 3)::timestamptz"
                                   " WHERE provider_id = $1 AND year = $2::int AND quarter = $3::int");
    PQclear (res);
    if (!res)
        return -1;
    if (event == PROV_CONFIRM) {
        char key[96];
        snprintf (key, sizeof key, "via_dealer:%s:%dQ%d", c.id, q.year, q.q);
        if (prov_post (t, key, LEDGER_REWARD_VIA_DEALER, LEDGER_PROVIDER_REWARDS_PAYABLE, LEDGER_DEALER_ACCOUNTS,
                       payable, currency, dealer, key)
            != 0)
            return -1;
    }
    t->result = prov_statement_doc (t, &c, q, 0);
    return t->result ? 0 : -1;
}

static int s_notice (prov_tx_t *t)
{
    return s_move (t, PROV_NOTICE);
}

static int s_confirm (prov_tx_t *t)
{
    return s_move (t, PROV_CONFIRM);
}

rpl_code_t prov_notice (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                        size_t errsize)
{
    return prov_run (app, ctx, body, s_notice, "giving the dealer notice", result, err, errsize);
}

rpl_code_t prov_confirm (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                         size_t errsize)
{
    return prov_run (app, ctx, body, s_confirm, "confirming the reward", result, err, errsize);
}
