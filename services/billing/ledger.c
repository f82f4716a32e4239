/*  ledger — see ledger.h. One INSERT … ON CONFLICT (key) DO NOTHING per
 *  entry: the unique key makes a redelivered message, a retried request or
 *  a second billing instance book the event once, and a concurrent poster
 *  of the same key waits for the first to commit, then finds it. The
 *  statement is ad hoc (db_exec), not prepared, so that every module that
 *  posts may do so on any connection without registering anything. */
#include "ledger.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/ident.h"

static const char *const s_accounts[LEDGER_ACCOUNT_COUNT] = {
    [LEDGER_CASH] = "cash",
    [LEDGER_CUSTOMER_RECEIVABLES] = "customer_receivables",
    [LEDGER_SERVICE_REVENUE] = "service_revenue",
    [LEDGER_WARRANTY_COST] = "warranty_cost",
    [LEDGER_DEALER_ACCOUNTS] = "dealer_accounts",
    [LEDGER_PROVIDER_REWARDS_PAYABLE] = "provider_rewards_payable",
    [LEDGER_DEPOSITS] = "deposits",
    [LEDGER_PENALTIES] = "penalties",
    [LEDGER_OTHER_RECEIVABLES] = "other_receivables",
};

static const char *const s_kinds[LEDGER_KIND_COUNT] = {
    [LEDGER_CHARGE] = "charge",
    [LEDGER_CREDIT_NOTE] = "credit_note",
    [LEDGER_PAYMENT] = "payment",
    [LEDGER_WARRANTY] = "warranty",
    [LEDGER_CLAIM_CREDIT] = "claim_credit",
    [LEDGER_REWARD] = "reward",
    [LEDGER_PENALTY] = "penalty",
    [LEDGER_DEPOSIT] = "deposit",
    [LEDGER_REWARD_VIA_DEALER] = "reward_via_dealer",
    [LEDGER_CORRECTION] = "correction",
};

const char *ledger_account_name (ledger_account_t account)
{
    return (int) account >= 0 && account < LEDGER_ACCOUNT_COUNT ? s_accounts[account] : NULL;
}

const char *ledger_kind_name (ledger_kind_t kind)
{
    return (int) kind >= 0 && kind < LEDGER_KIND_COUNT ? s_kinds[kind] : NULL;
}

int ledger_account_from_name (const char *name)
{
    for (int i = 0; name && i < LEDGER_ACCOUNT_COUNT; i++)
        if (strcmp (s_accounts[i], name) == 0)
            return i;
    return -1;
}

bool ledger_account_debit_side (ledger_account_t account)
{
    return account == LEDGER_CASH || account == LEDGER_CUSTOMER_RECEIVABLES || account == LEDGER_WARRANTY_COST
           || account == LEDGER_OTHER_RECEIVABLES;
}

/*  Whether an optional text is absent or 1..max characters with no control
 *  character (keys and refs come from requests and messages). */
static bool s_text_ok (const char *text, size_t max)
{
    if (!text)
        return true;
    size_t n = strlen (text);
    if (n == 0 || n > max)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char) text[i] < 0x20 || text[i] == 0x7f)
            return false;
    return true;
}

static bool s_valid (const ledger_entry_t *e, char *err, size_t errsize)
{
    if (!e->key || !s_text_ok (e->key, 200)) {
        err_set (err, errsize, "key: 1 to 200 printable characters expected");
        return false;
    }
    if (!ledger_kind_name (e->kind)) {
        err_set (err, errsize, "kind: unknown entry kind %d", (int) e->kind);
        return false;
    }
    if (!ledger_account_name (e->debit) || !ledger_account_name (e->credit)) {
        err_set (err, errsize, "%s: unknown account", ledger_account_name (e->debit) ? "credit" : "debit");
        return false;
    }
    if (e->debit == e->credit) {
        err_set (err, errsize, "credit: the same account as debit (%s)", ledger_account_name (e->debit));
        return false;
    }
    if (e->amount <= 0) {
        err_set (err, errsize, "amount: %" PRId64 " is not above zero", e->amount);
        return false;
    }
    if (!e->currency || !money_currency_known (e->currency)) {
        err_set (err, errsize, "currency: unknown currency \"%s\" (expected an ISO 4217 code)",
                 e->currency ? e->currency : "");
        return false;
    }
    if (e->branch_id && !ident_valid (e->branch_id, 32)) {
        err_set (err, errsize, "branch_id: not a branch id");
        return false;
    }
    if (!s_text_ok (e->party, 64) || !s_text_ok (e->ref, 200)) {
        err_set (err, errsize, "%s: 1 to %d printable characters expected",
                 s_text_ok (e->party, 64) ? "ref" : "party", s_text_ok (e->party, 64) ? 200 : 64);
        return false;
    }
    if (!e->actor || !s_text_ok (e->actor, 64)) {
        err_set (err, errsize, "actor: 1 to 64 printable characters expected");
        return false;
    }
    if (e->at_us <= 0) {
        err_set (err, errsize, "at: no time given");
        return false;
    }
    return true;
}

static const char s_insert[] =
    "INSERT INTO billing.ledger_entries (key, kind, debit, credit, amount, currency, branch_id, party, ref, at, actor)"
    " VALUES ($1, $2, $3, $4, $5::bigint, $6, $7, $8, $9, $10::timestamptz, $11)"
    " ON CONFLICT (key) DO NOTHING RETURNING id";

/*  The entry already booked under the key, compared with this one: the same
 *  event posted again is fine, another event under its key is a mistake. */
static const char s_same[] =
    "SELECT kind = $2 AND debit = $3 AND credit = $4 AND amount = $5::bigint AND currency = $6"
    " FROM billing.ledger_entries WHERE key = $1";

ledger_result_t ledger_post (db_t *db, const ledger_entry_t *e, char *err, size_t errsize)
{
    if (!e || !s_valid (e, err, errsize))
        return LEDGER_REFUSED;
    char amount[24], at[40];
    snprintf (amount, sizeof amount, "%" PRId64, e->amount);
    clock_format_us (e->at_us, at, sizeof at);
    const char *params[] = { e->key,       ledger_kind_name (e->kind), ledger_account_name (e->debit),
                             ledger_account_name (e->credit), amount, e->currency, e->branch_id,
                             e->party,     e->ref,   at,     e->actor };
    PGresult *res = db_exec (db, s_insert, 11, params);
    if (!res) {
        err_set (err, errsize, "%s", db_error (db));
        return LEDGER_DB_FAILED;
    }
    bool posted = PQntuples (res) == 1;
    PQclear (res);
    if (posted)
        return LEDGER_POSTED;
    if (!(res = db_exec (db, s_same, 6, params))) {
        err_set (err, errsize, "%s", db_error (db));
        return LEDGER_DB_FAILED;
    }
    /* invisible (another branch's books): the key is taken all the same */
    bool differs = PQntuples (res) == 1 && strcmp (PQgetvalue (res, 0, 0), "t") != 0;
    PQclear (res);
    if (differs) {
        err_set (err, errsize, "key: \"%s\" was posted before for another amount, currency or accounts", e->key);
        return LEDGER_REFUSED;
    }
    return LEDGER_ALREADY;
}
