/*  ledger: what ledger_post refuses before it asks the database (each with
 *  the field and what was expected), and the names of the chart of
 *  accounts and of the entry kinds (services/billing/ledger.c). Posting
 *  itself is tested against a real database: tests/integration/ledger.c. */
#include <stdint.h>
#include <string.h>

#include "../../services/billing/ledger.h"
#include "unit.h"

static ledger_entry_t s_entry (void)
{
    return (ledger_entry_t) { .key = "claim:1",
                              .kind = LEDGER_CLAIM_CREDIT,
                              .debit = LEDGER_WARRANTY_COST,
                              .credit = LEDGER_DEALER_ACCOUNTS,
                              .amount = 1250,
                              .currency = "CNY",
                              .branch_id = "SH01",
                              .party = "D1",
                              .ref = "claim:1",
                              .at_us = INT64_C (1795485600000000),
                              .actor = "system" };
}

/*  Refused with err containing want; the database (NULL here) is never asked. */
static bool s_refused (ledger_entry_t e, const char *want)
{
    char err[256] = "";
    ledger_result_t r = ledger_post (NULL, &e, err, sizeof err);
    return unit_refused (r != LEDGER_REFUSED, want, err, want);
}

UNIT_TEST (ledger_refuses_an_invalid_entry_naming_the_field)
{
    ledger_entry_t e = s_entry ();
    e.amount = 0;
    UNIT_ASSERT (s_refused (e, "amount: 0 is not above zero"));
    e.amount = -5;
    UNIT_ASSERT (s_refused (e, "amount: -5 is not above zero"));
    e = s_entry ();
    e.currency = "RMB";
    UNIT_ASSERT (s_refused (e, "currency: unknown currency \"RMB\""));
    e = s_entry ();
    e.credit = e.debit;
    UNIT_ASSERT (s_refused (e, "credit: the same account as debit (warranty_cost)"));
    e = s_entry ();
    e.debit = LEDGER_ACCOUNT_COUNT;
    UNIT_ASSERT (s_refused (e, "debit: unknown account"));
    e = s_entry ();
    e.kind = LEDGER_KIND_COUNT;
    UNIT_ASSERT (s_refused (e, "kind: unknown entry kind"));
    e = s_entry ();
    e.key = "";
    UNIT_ASSERT (s_refused (e, "key: 1 to 200"));
    e.key = "a\nb";
    UNIT_ASSERT (s_refused (e, "key: 1 to 200"));
    e = s_entry ();
    e.branch_id = "SH 01";
    UNIT_ASSERT (s_refused (e, "branch_id: not a branch id"));
    e = s_entry ();
    e.actor = NULL;
    UNIT_ASSERT (s_refused (e, "actor: 1 to 64"));
    e = s_entry ();
    e.at_us = 0;
    UNIT_ASSERT (s_refused (e, "at: no time given"));
}

UNIT_TEST (ledger_names_every_account_and_kind_once)
{
    for (int i = 0; i < LEDGER_ACCOUNT_COUNT; i++) {
        const char *name = ledger_account_name ((ledger_account_t) i);
        UNIT_ASSERT (name != NULL);
        UNIT_ASSERT_INT_EQ (ledger_account_from_name (name), i);
    }
    UNIT_ASSERT (ledger_account_name (LEDGER_ACCOUNT_COUNT) == NULL);
    UNIT_ASSERT_INT_EQ (ledger_account_from_name ("bank"), -1);
    for (int i = 0; i < LEDGER_KIND_COUNT; i++)
        UNIT_ASSERT (ledger_kind_name ((ledger_kind_t) i) != NULL);
    UNIT_ASSERT (strcmp (ledger_kind_name (LEDGER_CLAIM_CREDIT), "claim_credit") == 0);
    UNIT_ASSERT (ledger_kind_name (LEDGER_KIND_COUNT) == NULL);
}
