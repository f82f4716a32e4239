/*  cmd_invoice — `kefuctl invoices`, `invoice show|void|issue` and `pay`
 *  (cmd_ledger.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/money.h"
#include "base/uuid.h"
#include "cmd_ledger.h"
#include "paging.h"

#define S_MAX_ID INT64_C (9007199254740991)

static const char s_invoices_usage[] =
    "usage: kefuctl invoices [--branch B] [--status open|partly_paid|paid|void|unpaid] [--customer C]\n"
    "                        [--ticket T] [--limit N] [--cursor C] [--json]\n"
    "  Invoices of your branches, newest first: number, customer, amount, paid, balance, status.\n" PAGING_USAGE;

static const char s_invoice_usage[] =
    "usage: kefuctl invoice show NUMBER [--json]\n"
    "       kefuctl invoice void NUMBER --reason TEXT [--json]\n"
    "       kefuctl invoice issue --branch B --customer C --amount 12.50 [--currency CNY]\n"
    "                             [--description TEXT] [--ticket T] [--request-id ID] [--json]\n"
    "  show   the invoice, its balance, credit note and payments\n"
    "  void   voids an invoice with no payment; a credit note (CN-…) balances it\n"
    "  issue  a manual invoice (finance); --request-id makes a retry return the same invoice\n";

static const char s_pay_usage[] =
    "usage: kefuctl pay NUMBER --amount 12.50 --ref REFERENCE [--currency CNY] [--json]\n"
    "  Records a payment against the invoice; REFERENCE is the bank, WeChat or cash receipt's.\n"
    "  The same reference again records nothing new; more than the balance is refused.\n";

static const lfmt_col_t s_invoice_cols[] = {
    { "number", "number", false },   { "branch", "branch", false },     { "customer", "customer_id", false },
    { "name", "customer_name", false }, { "amount", "amount", true },   { "paid", "paid", true },
    { "balance", "balance", true },  { "status", "status", false },     { "issued", "issued_at", false },
};

static int s_print_list (const cJSON *r, bool csv)
{
    int rc = lfmt_print (stdout, cJSON_GetObjectItemCaseSensitive (r, "invoices"), s_invoice_cols, 9, "CNY", csv,
                         "no invoices");
    paging_print_next (r);
    return rc;
}

/*  One invoice for people: its lines, then its payments. */
static int s_print_one (const cJSON *r, bool csv)
{
    (void) csv;
    const char *cur = json_str (r, "currency", "CNY");
    char amount[MONEY_TEXT_SIZE], paid[MONEY_TEXT_SIZE], balance[MONEY_TEXT_SIZE];
    printf ("invoice %s  %s  branch %s  issued %s by %s\n", json_str (r, "number", ""), json_str (r, "status", ""),
            json_str (r, "branch", ""), json_str (r, "issued_at", ""), json_str (r, "issued_by", ""));
    printf ("customer %s %s\n", json_str (r, "customer_id", ""), json_str (r, "customer_name", ""));
    if (json_str (r, "description", NULL))
        printf ("for      %s\n", json_str (r, "description", ""));
    printf ("amount   %s %s   paid %s   balance %s\n", money_format (json_int (r, "amount", 0), cur, amount, sizeof amount),
            cur, money_format (json_int (r, "paid", 0), cur, paid, sizeof paid),
            money_format (json_int (r, "balance", 0), cur, balance, sizeof balance));
    if (json_str (r, "credit_note", NULL))
        printf ("credit note %s\n", json_str (r, "credit_note", ""));
    if (json_str (r, "stage", NULL))
        printf ("project stage %s\n", json_str (r, "stage", ""));
    const cJSON *payment = cJSON_GetObjectItemCaseSensitive (r, "payment");
    if (payment && cJSON_IsTrue (cJSON_GetObjectItemCaseSensitive (payment, "duplicate")))
        printf ("payment %s was recorded before: nothing new recorded\n", json_str (payment, "reference", ""));
    static const lfmt_col_t cols[] = { { "payment", "reference", false },
                                       { "amount", "amount", true },
                                       { "received", "received_at", false },
                                       { "by", "recorded_by", false } };
    return lfmt_print (stdout, cJSON_GetObjectItemCaseSensitive (r, "payments"), cols, 4, cur, false,
                       "no payments");
}

int cmd_invoices (kctl_t *k, int argc, char **argv)
{
    const char *branch = NULL, *status = NULL, *customer = NULL, *ticket = NULL, *limit = NULL, *cursor = NULL;
    const args_spec_t spec[] = { { "branch", true, &branch, NULL },     { "status", true, &status, NULL },
                                 { "customer", true, &customer, NULL }, { "ticket", true, &ticket, NULL },
                                 { "limit", true, &limit, NULL },       { "cursor", true, &cursor, NULL },
                                 { NULL, false, NULL, NULL } };
    static const char *const statuses[] = { "open", "partly_paid", "paid", "void", "unpaid", NULL };
    int npos = 0;
    int64_t n = 200, t = 0;
    if (args_parse ("invoices", KCTL_SPECS (k, spec), argc, argv, NULL, 0, &npos) != 0)
        return KCTL_USAGE;
    if (k->help) {
        fputs (s_invoices_usage, stdout);
        return KCTL_OK;
    }
    if ((status && args_enum ("invoices", "--status", status, statuses) < 0)
        || (limit && args_int ("invoices", "--limit", limit, 1, 1000, &n) != 0)
        || (ticket && args_int ("invoices", "--ticket", ticket, 1, S_MAX_ID, &t) != 0)
        || paging_check ("invoices", cursor) != 0 || kctl_setup (k, "invoices") != 0)
        return KCTL_USAGE;
    cJSON *body = cJSON_CreateObject ();
    if (body && ((branch && !cJSON_AddStringToObject (body, "branch", branch))
                 || (status && !cJSON_AddStringToObject (body, "status", status))
                 || (customer && !cJSON_AddStringToObject (body, "customer_id", customer))
                 || (t && !cJSON_AddNumberToObject (body, "ticket_id", (double) t))
                 || !cJSON_AddNumberToObject (body, "limit", (double) n) || paging_add (body, cursor) != 0))
        cJSON_Delete (body), body = NULL;
    return lfmt_ask (k, "invoices", "invoice.list", body, s_print_list, false);
}

static int s_issue (kctl_t *k, int argc, char **argv)
{
    const char *branch = NULL, *customer = NULL, *amount = NULL, *currency = "CNY", *description = NULL,
               *ticket = NULL, *request_id = NULL;
    const args_spec_t spec[] = { { "branch", true, &branch, NULL },         { "customer", true, &customer, NULL },
                                 { "amount", true, &amount, NULL },         { "currency", true, &currency, NULL },
                                 { "description", true, &description, NULL }, { "ticket", true, &ticket, NULL },
                                 { "request-id", true, &request_id, NULL }, { NULL, false, NULL, NULL } };
    int npos = 0;
    int64_t t = 0;
    char uuid[KUUID_STR_LEN];
    if (args_parse ("invoice issue", KCTL_SPECS (k, spec), argc, argv, NULL, 0, &npos) != 0)
        return KCTL_USAGE;
    if (!branch || !customer || !amount) {
        fprintf (stderr, "kefuctl invoice issue: --%s is required\n", !branch ? "branch" : !customer ? "customer" : "amount");
        return KCTL_USAGE;
    }
    if (!request_id && kuuid_new (uuid) == 0)
        request_id = uuid;
    cJSON *body = cJSON_CreateObject ();
    if (!body || lfmt_amount ("invoice issue", "--amount", amount, currency, body, "amount") != 0
        || (ticket && args_int ("invoice issue", "--ticket", ticket, 1, S_MAX_ID, &t) != 0)
        || kctl_setup (k, "invoice issue") != 0) {
        cJSON_Delete (body);
        return KCTL_USAGE;
    }
    if (!cJSON_AddStringToObject (body, "request_id", request_id ? request_id : "")
        || !cJSON_AddStringToObject (body, "branch", branch) || !cJSON_AddStringToObject (body, "customer_id", customer)
        || !cJSON_AddStringToObject (body, "currency", currency)
        || (description && !cJSON_AddStringToObject (body, "description", description))
        || (t && !cJSON_AddNumberToObject (body, "ticket_id", (double) t)))
        cJSON_Delete (body), body = NULL;
    return lfmt_ask (k, "invoice issue", "invoice.issue", body, s_print_one, false);
}

int cmd_invoice (kctl_t *k, int argc, char **argv)
{
    const char *action = argc > 0 ? argv[0] : "";
    if (strcmp (action, "issue") == 0)
        return s_issue (k, argc - 1, argv + 1);
    const char *reason = NULL, *pos[1] = { NULL };
    const args_spec_t spec[] = { { "reason", true, &reason, NULL }, { NULL, false, NULL, NULL } };
    int npos = 0;
    bool is_void = strcmp (action, "void") == 0;
    if (argc > 0 && args_parse ("invoice", KCTL_SPECS (k, spec), argc - 1, argv + 1, pos, 1, &npos) != 0)
        return KCTL_USAGE;
    if (k->help || argc == 0) {
        fputs (s_invoice_usage, argc == 0 && !k->help ? stderr : stdout);
        return k->help ? KCTL_OK : KCTL_USAGE;
    }
    if ((!is_void && strcmp (action, "show") != 0) || npos != 1 || (is_void && !reason) || (!is_void && reason)) {
        fprintf (stderr, "kefuctl invoice: expected show NUMBER, void NUMBER --reason TEXT or issue … (kefuctl "
                         "invoice --help)\n");
        return KCTL_USAGE;
    }
    if (kctl_setup (k, "invoice") != 0)
        return KCTL_USAGE;
    cJSON *body = cJSON_CreateObject ();
    if (body && (!cJSON_AddStringToObject (body, "number", pos[0])
                 || (reason && !cJSON_AddStringToObject (body, "reason", reason))))
        cJSON_Delete (body), body = NULL;
    return lfmt_ask (k, is_void ? "invoice void" : "invoice show", is_void ? "invoice.void" : "invoice.get", body,
                     s_print_one, false);
}

int cmd_pay (kctl_t *k, int argc, char **argv)
{
    const char *amount = NULL, *ref = NULL, *currency = "CNY", *pos[1] = { NULL };
    const args_spec_t spec[] = { { "amount", true, &amount, NULL },
                                 { "ref", true, &ref, NULL },
                                 { "currency", true, &currency, NULL },
                                 { NULL, false, NULL, NULL } };
    int npos = 0;
    if (args_parse ("pay", KCTL_SPECS (k, spec), argc, argv, pos, 1, &npos) != 0)
        return KCTL_USAGE;
    if (k->help) {
        fputs (s_pay_usage, stdout);
        return KCTL_OK;
    }
    if (npos != 1 || !amount || !ref) {
        fprintf (stderr, "kefuctl pay: %s is required (kefuctl pay --help)\n",
                 npos != 1 ? "the invoice NUMBER" : !amount ? "--amount" : "--ref");
        return KCTL_USAGE;
    }
    cJSON *body = cJSON_CreateObject ();
    if (!body || lfmt_amount ("pay", "--amount", amount, currency, body, "amount") != 0
        || args_text ("pay", "--ref", ref, 64) != 0 || kctl_setup (k, "pay") != 0) {
        cJSON_Delete (body);
        return KCTL_USAGE;
    }
    if (!cJSON_AddStringToObject (body, "number", pos[0]) || !cJSON_AddStringToObject (body, "reference", ref)
        || !cJSON_AddStringToObject (body, "currency", currency))
        cJSON_Delete (body), body = NULL;
    return lfmt_ask (k, "pay", "payment.record", body, s_print_one, false);
}
