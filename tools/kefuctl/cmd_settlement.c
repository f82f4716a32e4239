/*  cmd_settlement — a job's settlement (docs/billing.md "Settlement",
 *  docs/kefuctl.md "Estimates and settlements"), asked of billing:
 *
 *    kefuctl settlement show WO                          every line and its reason (settlement.get)
 *    kefuctl settlement WO --print text|html             the document the customer signs
 *    kefuctl settlement accept WO --name NAME [--at T]   accepted: its invoice is issued
 *    kefuctl settlement dispute WO POS:REASON...         the customer disputes lines
 *    kefuctl settlement decide WO POS:upheld[:AMOUNT]|POS:rejected... [--note T]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/money.h"
#include "cmd_ledger.h"
#include "settlement_print.h"

#define S_MAX_ID INT64_C (9007199254740991)
#define S_MAX_ITEMS 100

static const char s_usage[] =
    "usage: kefuctl settlement show WORK_ORDER_ID [--json]\n"
    "       kefuctl settlement WORK_ORDER_ID --print text|html\n"
    "       kefuctl settlement accept WORK_ORDER_ID --name CUSTOMER_NAME [--at RFC3339] [--json]\n"
    "       kefuctl settlement dispute WORK_ORDER_ID LINE:REASON... [--json]\n"
    "       kefuctl settlement decide WORK_ORDER_ID LINE:upheld[:AMOUNT]|LINE:rejected... [--note TEXT] [--json]\n"
    "  show     every line: amount, warranty or chargeable with the reason, disputes and decisions\n"
    "  --print  the settlement for the customer to sign, as plain text or HTML\n"
    "  accept   the customer accepts (name and time recorded); the invoice is issued\n"
    "  dispute  the customer disputes lines (their numbers, as show lists them), each with a reason\n"
    "  decide   finance or the department head decides every disputed line: upheld (reduced to\n"
    "           AMOUNT, e.g. 90.00, or removed when none is given) or rejected (it stands)\n";

static int s_show (const cJSON *r, bool csv)
{
    (void) csv;
    return stp_print (stdout, r, false);
}

/*  "2:reason" items into body.lines. 0 or -1 (printed). */
static int s_dispute_lines (const char *const *items, int n, cJSON *lines)
{
    for (int i = 0; i < n; i++) {
        const char *colon = strchr (items[i], ':');
        char pos[16] = "";
        int64_t line = 0;
        if (colon && (size_t) (colon - items[i]) < sizeof pos)
            memcpy (pos, items[i], (size_t) (colon - items[i]));
        if (!colon || !colon[1] || args_int ("settlement dispute", "line", pos, 1, 1000, &line) != 0) {
            fprintf (stderr, "kefuctl settlement dispute: \"%s\": expected LINE:REASON (2:too long)\n", items[i]);
            return -1;
        }
        cJSON *o = cJSON_CreateObject ();
        if (!o || !cJSON_AddItemToArray (lines, o) || !cJSON_AddNumberToObject (o, "position", (double) line)
            || !cJSON_AddStringToObject (o, "reason", colon + 1))
            return -1;
    }
    return 0;
}

/*  "2:upheld:90.00" or "3:rejected" items into body.decisions (amounts in
 *  the settlement's currency, CNY). 0 or -1 (printed). */
static int s_decisions (const char *const *items, int n, const char *note, cJSON *list)
{
    for (int i = 0; i < n; i++) {
        char copy[128], *save = NULL;
        snprintf (copy, sizeof copy, "%s", items[i]);
        char *pos = strtok_r (copy, ":", &save), *what = strtok_r (NULL, ":", &save), *amount = strtok_r (NULL, "", &save);
        int64_t line = 0;
        bool upheld = what && strcmp (what, "upheld") == 0, rejected = what && strcmp (what, "rejected") == 0;
        if (!pos || (!upheld && !rejected) || (rejected && amount)
            || args_int ("settlement decide", "line", pos, 1, 1000, &line) != 0) {
            fprintf (stderr, "kefuctl settlement decide: \"%s\": expected LINE:upheld[:AMOUNT] or LINE:rejected\n",
                     items[i]);
            return -1;
        }
        cJSON *o = cJSON_CreateObject ();
        if (!o || !cJSON_AddItemToArray (list, o) || !cJSON_AddNumberToObject (o, "position", (double) line)
            || !cJSON_AddStringToObject (o, "decision", what) || (note && !cJSON_AddStringToObject (o, "note", note)))
            return -1;
        if (upheld && amount && lfmt_amount ("settlement decide", "amount", amount, "CNY", o, "amount") != 0)
            return -1;
    }
    return 0;
}

int cmd_settlement (kctl_t *k, int argc, char **argv)
{
    const char *name = NULL, *at = NULL, *note = NULL, *print = NULL;
    const args_spec_t spec[] = { { "name", true, &name, NULL }, { "at", true, &at, NULL },
                                 { "note", true, &note, NULL }, { "print", true, &print, NULL },
                                 { NULL, false, NULL, NULL } };
    const char *pos[S_MAX_ITEMS + 2] = { NULL };
    int npos = 0;
    if (args_parse ("settlement", KCTL_SPECS (k, spec), argc, argv, pos, S_MAX_ITEMS + 2, &npos) != 0)
        return KCTL_USAGE;
    if (k->help) {
        fputs (s_usage, stdout);
        return KCTL_OK;
    }
    /* "settlement WO --print …" names no sub-command */
    const char *sub = print ? "show" : npos > 0 ? pos[0] : "";
    int first = print ? 0 : 1;
    int64_t wo;
    bool known = strcmp (sub, "show") == 0 || strcmp (sub, "accept") == 0 || strcmp (sub, "dispute") == 0
                 || strcmp (sub, "decide") == 0;
    if (!known || npos <= first || (print && strcmp (print, "text") != 0 && strcmp (print, "html") != 0)) {
        fputs ("kefuctl settlement: expected show|accept|dispute|decide WO, or WO --print text|html "
               "(kefuctl settlement --help)\n", stderr);
        return KCTL_USAGE;
    }
    if (args_int ("settlement", "work order id", pos[first], 1, S_MAX_ID, &wo) != 0 || kctl_setup (k, "settlement") != 0)
        return KCTL_USAGE;
    cJSON *body = cJSON_CreateObject ();
    const char *request = "settlement.get";
    const char *const *items = pos + first + 1;
    int nitems = npos - first - 1;
    int bad = !body || !cJSON_AddNumberToObject (body, "work_order_id", (double) wo);
    if (!bad && strcmp (sub, "accept") == 0) {
        request = "settlement.accept";
        bad = !name || (at && !cJSON_AddStringToObject (body, "at", at))
              || !cJSON_AddStringToObject (body, "customer_name", name);
    }
    else if (!bad && strcmp (sub, "dispute") == 0) {
        request = "settlement.dispute";
        bad = nitems < 1 || s_dispute_lines (items, nitems, cJSON_AddArrayToObject (body, "lines")) != 0;
    }
    else if (!bad && strcmp (sub, "decide") == 0) {
        request = "settlement.decide";
        bad = nitems < 1 || s_decisions (items, nitems, note, cJSON_AddArrayToObject (body, "decisions")) != 0;
    }
    if (bad) {
        fprintf (stderr, "kefuctl settlement %s: expected %s (kefuctl settlement --help)\n", sub,
                 strcmp (sub, "accept") == 0 ? "--name CUSTOMER_NAME" : "at least one LINE:… item");
        cJSON_Delete (body);
        return KCTL_USAGE;
    }
    if (!print)
        return lfmt_ask (k, "settlement", request, body, s_show, false);
    cJSON *result = NULL;
    int rc = KCTL_FAILED;
    if (kctl_ask (k, "settlement", CFG_SVC_BILLING, request, body, &result) == 0)
        rc = stp_print (stdout, result, strcmp (print, "html") == 0) == 0 ? KCTL_OK : KCTL_FAILED;
    cJSON_Delete (body);
    cJSON_Delete (result);
    return rc;
}
