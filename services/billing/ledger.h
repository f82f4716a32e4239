/*  ledger — billing's book of every movement of money (docs/ledger.md).
 *  Billing alone writes it; everything else in billing that
 *  moves money (a charge, a payment, a warranty cost, a claim credit, a
 *  reward, a penalty, the use of a deposit, a reward paid through a dealer,
 *  a credit note) posts here, inside the transaction of its own change.
 *
 *  An entry moves one amount from one account to another, so every entry
 *  balances by construction. Entries are append-only (the database
 *  refuses UPDATE, DELETE and TRUNCATE: billing.ledger_entries, 0027); a
 *  correction is a new entry the other way.
 *  Each entry carries a key that names the business event it books
 *  ("payment:INV-SH01-2026-000001:WX123"), unique: posting the same event
 *  twice (a redelivered message, a retried request, a second instance)
 *  books it once.
 */
#ifndef KEFU_BILLING_LEDGER_H
#define KEFU_BILLING_LEDGER_H

#include <stdbool.h>
#include <stdint.h>

#include "base/money.h"
#include "db/db.h"

/*  The chart of accounts (docs/ledger.md "Chart of accounts"). */
typedef enum {
    LEDGER_CASH = 0,                 /* money received or paid out */
    LEDGER_CUSTOMER_RECEIVABLES,     /* what customers owe */
    LEDGER_SERVICE_REVENUE,          /* chargeable work */
    LEDGER_WARRANTY_COST,            /* free work under warranty */
    LEDGER_DEALER_ACCOUNTS,          /* what the company owes dealers */
    LEDGER_PROVIDER_REWARDS_PAYABLE, /* rewards owed to service providers */
    LEDGER_DEPOSITS,                 /* providers' deposits held */
    LEDGER_PENALTIES,                /* penalties and fines imposed */
    LEDGER_OTHER_RECEIVABLES,        /* what providers owe beyond reward and deposit */
    LEDGER_ACCOUNT_COUNT
} ledger_account_t;

/*  What an entry books. */
typedef enum {
    LEDGER_CHARGE = 0,       /* an invoice: receivables ← revenue */
    LEDGER_CREDIT_NOTE,      /* a voided invoice balanced: revenue ← receivables */
    LEDGER_PAYMENT,          /* cash ← receivables */
    LEDGER_WARRANTY,         /* warranty cost ← dealer accounts (or cash) */
    LEDGER_CLAIM_CREDIT,     /* an approved claim: warranty cost ← dealer accounts */
    LEDGER_REWARD,           /* a provider's reward: revenue-side cost ← rewards payable */
    LEDGER_PENALTY,          /* rewards payable / deposits / other receivables ← penalties */
    LEDGER_DEPOSIT,          /* a deposit received or topped up: cash ← deposits */
    LEDGER_REWARD_VIA_DEALER,/* a reward the dealer pays: rewards payable ← dealer accounts */
    LEDGER_CORRECTION,       /* a correction of an earlier entry */
    LEDGER_KIND_COUNT
} ledger_kind_t;

/*  "cash", "customer_receivables", …; NULL out of range. */
const char *ledger_account_name (ledger_account_t account);
/*  "charge", "credit_note", …; NULL out of range. */
const char *ledger_kind_name (ledger_kind_t kind);
/*  The account of a name ("cash" → LEDGER_CASH); -1 for an unknown name. */
int ledger_account_from_name (const char *name);
/*  True for the accounts whose balance is debits less credits (cash,
 *  receivables, warranty cost: what is held or owed to the company, or
 *  spent); false for those whose balance is credits less debits (revenue,
 *  dealer accounts, rewards payable, deposits, penalties). */
bool ledger_account_debit_side (ledger_account_t account);

typedef struct {
    const char *key;        /* unique business key of the event (1–200 chars) */
    ledger_kind_t kind;
    ledger_account_t debit; /* the account that receives the amount */
    ledger_account_t credit;
    int64_t amount;         /* minor units, > 0 */
    const char *currency;   /* ISO 4217 */
    const char *branch_id;  /* whose books; NULL for head office's (providers) */
    const char *party;      /* the customer, dealer or provider concerned; may be NULL */
    const char *ref;        /* what it books: "invoice:…", "claim:…", "statement:…"; may be NULL */
    int64_t at_us;          /* when it happened (the injected clock), µs since the epoch */
    const char *actor;      /* the principal, or "system" */
} ledger_entry_t;

typedef enum {
    LEDGER_POSTED = 0,  /* a new entry */
    LEDGER_ALREADY,     /* an entry with this key was posted before: nothing new */
    LEDGER_REFUSED,     /* the entry is invalid (err says which field) */
    LEDGER_DB_FAILED,   /* the database refused: db_error(db) */
} ledger_result_t;

/*  Posts one entry inside the caller's open transaction (db_tx). An entry
 *  with the key of an earlier one posts nothing (LEDGER_ALREADY); when that
 *  earlier one (visible to the transaction) books another amount, currency,
 *  kind or pair of accounts, the key was reused by mistake: LEDGER_REFUSED.
 *  Needs no prepared statement: any billing connection may post. A
 *  transaction acting for some branches may post only to their books
 *  (row-level security); head office's (branch_id NULL) needs every branch
 *  (db_scope_system). */
ledger_result_t ledger_post (db_t *db, const ledger_entry_t *entry, char *err, size_t errsize);

#endif
