/*  cmd_ledger — `kefuctl ledger`, `reconcile` and `account` (cmd_ledger.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "base/money.h"
#include "cmd_ledger.h"
#include "paging.h"

static const char s_ledger_usage[] =
    "usage: kefuctl ledger [--branch B] [--month YYYY-MM] [--kind K] [--party P] [--limit N] [--cursor C]\n"
    "                      [--csv | --json]\n"
    "  The ledger's entries, oldest first: each moves an amount from the credit account to the\n"
    "  debit account (docs/ledger.md \"Chart of accounts\"). A month is the branch's (needs --branch).\n" PAGING_USAGE;

static const char s_reconcile_usage[] =
    "usage: kefuctl reconcile --branch B --month YYYY-MM [--currency CNY] [--timezone ZONE] [--csv | --json]\n"
    "  The branch's monthly report: chargeable revenue, warranty cost, claims paid, rewards,\n"
    "  penalties, payments received and receivables open, each from the source tables and from\n"
    "  the ledger, and whether they agree to the fen (exit 0 either way; --json says \"reconciled\").\n"
    "  --branch HQ: head office's books (providers' rewards, penalties and where they were taken,\n"
    "  deposits), in --timezone (default: the one zone of every branch).\n";

static const char s_account_usage[] =
    "usage: kefuctl account PARTY [--json]\n"
    "  A dealer's, provider's or customer's balance on each account its ledger entries touch.\n";

static const char *const s_kinds[] = { "charge", "credit_note", "payment", "warranty", "claim_credit", "reward",
                                       "penalty", "deposit", "reward_via_dealer", "correction", NULL };

static int s_print_entries (const cJSON *r, bool csv)
{
    static const lfmt_col_t cols[] = { { "at", "at", false },         { "kind", "kind", false },
                                       { "debit", "debit", false },   { "credit", "credit", false },
                                       { "amount", "amount", true },  { "currency", "currency", false },
                                       { "branch", "branch", false }, { "party", "party", false },
                                       { "ref", "ref", false },       { "key", "key", false } };
    int rc = lfmt_print (stdout, cJSON_GetObjectItemCaseSensitive (r, "entries"), cols, 10, "CNY", csv, "no entries");
    paging_print_next (r);
    return rc;
}

int cmd_ledger (kctl_t *k, int argc, char **argv)
{
    const char *branch = NULL, *month = NULL, *kind = NULL, *party = NULL, *limit = NULL, *cursor = NULL;
    bool csv = false;
    const args_spec_t spec[] = { { "branch", true, &branch, NULL }, { "month", true, &month, NULL },
                                 { "kind", true, &kind, NULL },     { "party", true, &party, NULL },
                                 { "limit", true, &limit, NULL },   { "csv", false, NULL, &csv },
                                 { "cursor", true, &cursor, NULL }, { NULL, false, NULL, NULL } };
    int npos = 0;
    int64_t n = 500;
    if (args_parse ("ledger", KCTL_SPECS (k, spec), argc, argv, NULL, 0, &npos) != 0)
        return KCTL_USAGE;
    if (k->help) {
        fputs (s_ledger_usage, stdout);
        return KCTL_OK;
    }
    if ((kind && args_enum ("ledger", "--kind", kind, s_kinds) < 0)
        || (limit && args_int ("ledger", "--limit", limit, 1, 5000, &n) != 0) || paging_check ("ledger", cursor) != 0
        || kctl_setup (k, "ledger") != 0)
        return KCTL_USAGE;
    cJSON *body = cJSON_CreateObject ();
    if (body && ((branch && !cJSON_AddStringToObject (body, "branch", branch))
                 || (month && !cJSON_AddStringToObject (body, "month", month))
                 || (kind && !cJSON_AddStringToObject (body, "kind", kind))
                 || (party && !cJSON_AddStringToObject (body, "party", party))
                 || !cJSON_AddNumberToObject (body, "limit", (double) n) || paging_add (body, cursor) != 0))
        cJSON_Delete (body), body = NULL;
    return lfmt_ask (k, "ledger", "ledger.entries", body, s_print_entries, csv);
}

static int s_print_report (const cJSON *r, bool csv)
{
    static const lfmt_col_t cols[] = { { "figure", "figure", false },
                                       { "source", "source", true },
                                       { "ledger", "ledger", true },
                                       { "difference", "difference", true } };
    const char *currency = json_str (r, "currency", "CNY");
    if (!csv)
        printf ("%s %s, month %s (%s to %s), %s\n",
                strcmp (json_str (r, "books", ""), "head_office") == 0 ? "head office" : "branch",
                json_str (r, "branch", ""), json_str (r, "month", ""), json_str (r, "from", ""), json_str (r, "to", ""),
                currency);
    int rc = lfmt_print (stdout, cJSON_GetObjectItemCaseSensitive (r, "figures"), cols, 4, currency, csv, "");
    if (!csv)
        printf ("%s\n", cJSON_IsTrue (cJSON_GetObjectItemCaseSensitive (r, "reconciled"))
                            ? "reconciled: every figure agrees with the ledger to the fen"
                            : "NOT reconciled: see the differences above");
    return rc;
}

int cmd_reconcile (kctl_t *k, int argc, char **argv)
{
    const char *branch = NULL, *month = NULL, *currency = NULL, *zone = NULL;
    bool csv = false;
    const args_spec_t spec[] = { { "branch", true, &branch, NULL },
                                 { "month", true, &month, NULL },
                                 { "currency", true, &currency, NULL },
                                 { "timezone", true, &zone, NULL },
                                 { "csv", false, NULL, &csv },
                                 { NULL, false, NULL, NULL } };
    int npos = 0;
    if (args_parse ("reconcile", KCTL_SPECS (k, spec), argc, argv, NULL, 0, &npos) != 0)
        return KCTL_USAGE;
    if (k->help) {
        fputs (s_reconcile_usage, stdout);
        return KCTL_OK;
    }
    if (!branch || !month) {
        fprintf (stderr, "kefuctl reconcile: --%s is required (kefuctl reconcile --help)\n", !branch ? "branch" : "month");
        return KCTL_USAGE;
    }
    if (kctl_setup (k, "reconcile") != 0)
        return KCTL_USAGE;
    cJSON *body = cJSON_CreateObject ();
    if (body && (!cJSON_AddStringToObject (body, "branch", branch) || !cJSON_AddStringToObject (body, "month", month)
                 || (currency && !cJSON_AddStringToObject (body, "currency", currency))
                 || (zone && !cJSON_AddStringToObject (body, "timezone", zone))))
        cJSON_Delete (body), body = NULL;
    return lfmt_ask (k, "reconcile", "ledger.report", body, s_print_report, csv);
}

static int s_print_account (const cJSON *r, bool csv)
{
    static const lfmt_col_t cols[] = { { "account", "account", false },
                                       { "debits", "debits", true },
                                       { "credits", "credits", true },
                                       { "balance", "balance", true },
                                       { "currency", "currency", false } };
    printf ("party %s\n", json_str (r, "party", ""));
    return lfmt_print (stdout, cJSON_GetObjectItemCaseSensitive (r, "accounts"), cols, 5, "CNY", csv,
                       "no entries for this party");
}

int cmd_account (kctl_t *k, int argc, char **argv)
{
    const char *pos[1] = { NULL };
    const args_spec_t spec[] = { { NULL, false, NULL, NULL } };
    int npos = 0;
    if (args_parse ("account", KCTL_SPECS (k, spec), argc, argv, pos, 1, &npos) != 0)
        return KCTL_USAGE;
    if (k->help) {
        fputs (s_account_usage, stdout);
        return KCTL_OK;
    }
    if (npos != 1) {
        fputs ("kefuctl account: the PARTY is required (a dealer, provider or customer id)\n", stderr);
        return KCTL_USAGE;
    }
    if (kctl_setup (k, "account") != 0)
        return KCTL_USAGE;
    cJSON *body = cJSON_CreateObject ();
    if (body && !cJSON_AddStringToObject (body, "party", pos[0]))
        cJSON_Delete (body), body = NULL;
    return lfmt_ask (k, "account", "account.get", body, s_print_account, false);
}
