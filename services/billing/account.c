/*  account — see account.h. */
#include "account.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/json.h"
#include "base/log.h"
#include "base/money.h"
#include "ledger.h"
#include "ledger_rows.h"
#include "svc/failure.h"

static const char s_credit[] =
    "INSERT INTO billing.claim_credits (claim_id, branch_id, dealer_id, ticket_id, work_order_id, amount,"
    " currency, responsibility, credited_at)"
    " VALUES ($1::bigint, $2, $3, $4::bigint, $5::bigint, $6::bigint, $7, $8, $9::timestamptz)"
    " ON CONFLICT (claim_id) DO NOTHING";

bus_result_t account_on_claim_approved (void *ctx, db_t *db, const env_t *msg, char *reason, size_t reason_size)
{
    (void) ctx;
    const cJSON *b = msg->body;
    int64_t claim = json_int (b, "claim_id", 0), amount = json_int (b, "amount", 0);
    const char *currency = json_str (b, "currency", "");
    if (amount <= 0 || !money_currency_known (currency)) {
        err_set (reason, reason_size, "body.%s: %s", amount <= 0 ? "amount" : "currency",
                 amount <= 0 ? "not above zero" : "unknown currency (expected an ISO 4217 code)");
        return BUS_REJECT;
    }
    char id[24], amount_text[24], ticket[24], wo[24], at[40], key[48];
    snprintf (id, sizeof id, "%" PRId64, claim);
    snprintf (amount_text, sizeof amount_text, "%" PRId64, amount);
    snprintf (ticket, sizeof ticket, "%" PRId64, json_int (b, "ticket_id", 0));
    snprintf (wo, sizeof wo, "%" PRId64, json_int (b, "work_order_id", 0));
    snprintf (key, sizeof key, "claim:%" PRId64, claim);
    clock_format_us (msg->ts_us, at, sizeof at);
    const char *params[] = { id,       json_str (b, "branch", ""), json_str (b, "dealer_id", ""),
                             ticket,   wo,
                             amount_text,
                             currency, json_str (b, "responsibility", ""),
                             at };
    PGresult *res = db_exec (db, s_credit, 9, params);
    if (!res)
        return svc_db_bus_failure (db, "recording the claim credit", reason, reason_size);
    PQclear (res);
    ledger_entry_t e = { .key = key,
                         .kind = LEDGER_CLAIM_CREDIT,
                         .debit = LEDGER_WARRANTY_COST,
                         .credit = LEDGER_DEALER_ACCOUNTS,
                         .amount = amount,
                         .currency = currency,
                         .branch_id = json_str (b, "branch", ""),
                         .party = json_str (b, "dealer_id", ""),
                         .ref = key,
                         .at_us = msg->ts_us,
                         .actor = "system" };
    char err[512];
    ledger_result_t posted = ledger_post (db, &e, err, sizeof err);
    if (posted == LEDGER_REFUSED) {
        err_set (reason, reason_size, "%s", err);
        return BUS_REJECT;
    }
    if (posted == LEDGER_DB_FAILED)
        return svc_db_bus_failure (db, "posting the claim credit", reason, reason_size);
    log_kv (LOG_INFO, "claim_credited", "claim_id", id, "dealer_id", e.party, "posted",
            posted == LEDGER_POSTED ? "new" : "already", NULL);
    return BUS_OK;
}

LEDGER_REQUEST (account_rq_get)
{
    db_t *db = ((ledger_app_t *) app)->db;
    rpl_code_t code = ledger_read_start (app, ctx, NULL, err, errsize);
    if (code != RPL_OK)
        return code;
    const char *party = json_str (body, "party", "");
    const char *params[] = { party };
    /* one row per account and currency the party's entries touch */
    PGresult *res = db_exec (db,
                             "SELECT account, currency, sum(dr)::bigint AS debits, sum(cr)::bigint AS credits"
                             " FROM (SELECT debit AS account, currency, amount AS dr, 0 AS cr"
                             "       FROM billing.ledger_entries WHERE party = $1"
                             "       UNION ALL SELECT credit, currency, 0, amount"
                             "       FROM billing.ledger_entries WHERE party = $1) x"
                             " GROUP BY account, currency ORDER BY account, currency",
                             1, params);
    if (!res)
        return svc_db_request_failure (db, "reading the accounts", err, errsize);
    cJSON *doc = cJSON_CreateObject ();
    cJSON *list = doc && cJSON_AddStringToObject (doc, "party", party) ? ledger_rows_add (doc, "accounts", res) : NULL;
    PQclear (res);
    cJSON *a;
    bool ok = list != NULL;
    cJSON_ArrayForEach (a, list)
    {
        int account = ledger_account_from_name (json_str (a, "account", ""));
        int64_t dr = json_int (a, "debits", 0), cr = json_int (a, "credits", 0);
        /* the balance on the account's own side: what is owed to or by the party */
        int64_t balance = account >= 0 && ledger_account_debit_side (account) ? dr - cr : cr - dr;
        ok = ok && cJSON_AddNumberToObject (a, "balance", (double) balance);
    }
    if (!ok) {
        cJSON_Delete (doc);
        err_set (err, errsize, "out of memory");
        return RPL_INTERNAL;
    }
    *result = doc;
    return RPL_OK;
}
