/*  cmd_claim — see cmd_claim.h. This file files and moves a claim and
 *  shows its record; the service checks everything. */
#include "cmd_claim.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/money.h"
#include "table.h"

#define CLAIM_MAX_ID INT64_C (9007199254740991)

static const char s_usage[] =
    "usage: kefuctl claim file WORK_ORDER --product P --spec S --quantity N --proof REF\n"
    "           --install-date YYYY-MM-DD --description TEXT --cause CODE\n"
    "           --photos NAME:SIZE:SHA256,... --amount 120.50 [--currency CNY] [--dealer D] [--unrepairable]\n"
    "       kefuctl claim show ID [--json]\n"
    "       kefuctl claim review ID approve|reject [--note TEXT]\n"
    "       kefuctl claim decide ID approve|reject --responsibility product_quality|installation|customer_misuse\n"
    "           [--amount 118.00 [--currency CNY]] [--note TEXT]\n"
    "       kefuctl claim part-returned ID CODE SERIAL\n"
    "       kefuctl claim part-checked ID CODE ok|not_as_stated [--note TEXT]\n"
    "  file           a dealer's or provider's claim for warranty work (head office names --dealer);\n"
    "                 every missing or wrong part is named at once\n"
    "  review         the regional manager's recommendation\n"
    "  decide         head office's decision; --amount up to the one claimed (default: all of it)\n"
    "  part-returned  a replaced part sent back; part-checked: its check (closes the claim after the last)\n";

static const char *const s_verdicts[] = { "approve", "reject", NULL };
static const char *const s_responsibilities[] = { "product_quality", "installation", "customer_misuse", NULL };
static const char *const s_checks[] = { "ok", "not_as_stated", NULL };

int claim_amount (const char *cmd, const char *text, const char *currency, int64_t *out)
{
    char err[160];
    if (money_parse (text, currency, out, err, sizeof err) != 0 || *out <= 0) {
        fprintf (stderr, "kefuctl %s: --amount: \"%s\" is not an amount above 0 in %s (%s)\n", cmd, text, currency,
                 *out <= 0 ? "expected e.g. 120.50" : err);
        return -1;
    }
    return 0;
}

int claim_send (kctl_t *k, const char *cmd, const char *request, cJSON **body_p, void (*print) (const cJSON *))
{
    cJSON *result = NULL;
    int rc = KCTL_FAILED;
    if (kctl_ask (k, cmd, CFG_SVC_CLAIMS, request, *body_p, &result) == 0)
        rc = kctl_print_result (k, result, print);
    cJSON_Delete (*body_p);
    *body_p = NULL;
    cJSON_Delete (result);
    return rc;
}

static const char *s_money (const cJSON *obj, const char *key, const char *currency, char *out, size_t size)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive (obj, key);
    if (!cJSON_IsNumber (v))
        return "-";
    return money_format ((int64_t) v->valuedouble, currency, out, size);
}

/*  The record for people: what was filed, the review, the decision, the parts. */
static void s_print_claim (const cJSON *c)
{
    const char *cur = json_str (c, "currency", "CNY");
    char amount[48], approved[48];
    const cJSON *review = cJSON_GetObjectItemCaseSensitive (c, "review");
    const cJSON *decision = cJSON_GetObjectItemCaseSensitive (c, "decision");
    printf ("claim %" PRId64 ": %s\n", json_int (c, "claim_id", 0), json_str (c, "status", ""));
    printf ("  work order %" PRId64 " of ticket %" PRId64 ", branch %s, by %s (%s) at %s\n",
            json_int (c, "work_order_id", 0), json_int (c, "ticket_id", 0), json_str (c, "branch", ""),
            json_str (c, "dealer_id", ""), json_str (c, "filed_by", ""), json_str (c, "filed_at", ""));
    printf ("  %s %s x%" PRId64 ", installed %s, proof %s, cause %s, %d photos\n", json_str (c, "product_code", ""),
            json_str (c, "spec", ""), json_int (c, "quantity", 0), json_str (c, "install_date", ""),
            json_str (c, "purchase_proof", ""), json_str (c, "cause", ""),
            cJSON_GetArraySize (cJSON_GetObjectItemCaseSensitive (c, "photos")));
    printf ("  claimed %s %s", s_money (c, "amount", cur, amount, sizeof amount), cur);
    if (json_str (c, "replacement_fault", NULL))
        printf ("; three repairs of %s: replacement", json_str (c, "replacement_fault", ""));
    if (json_int (c, "refiles", 0) > 0)
        printf ("; files again the rejected claim %" PRId64, json_int (c, "refiles", 0));
    printf ("\n");
    if (cJSON_IsObject (review))
        printf ("  reviewed: %s by %s at %s%s%s\n", json_str (review, "recommendation", ""), json_str (review, "by", ""),
                json_str (review, "at", ""), json_str (review, "note", NULL) ? ": " : "", json_str (review, "note", ""));
    if (cJSON_IsObject (decision))
        printf ("  decided: %s (%s) %s %s by %s at %s\n", json_str (decision, "decision", ""),
                json_str (decision, "responsibility", ""), s_money (decision, "approved_amount", cur, approved, sizeof approved),
                cur, json_str (decision, "by", ""), json_str (decision, "at", ""));
    static const char *const headers[] = { "part", "qty", "serial", "returned", "check", "checked by" };
    tbl_t *tbl = tbl_new (6, headers);
    const cJSON *p;
    cJSON_ArrayForEach (p, cJSON_GetObjectItemCaseSensitive (c, "parts"))
    {
        char qty[16];
        snprintf (qty, sizeof qty, "%" PRId64, json_int (p, "quantity", 0));
        const char *row[] = { json_str (p, "code", ""), qty, json_str (p, "serial", "-"),
                              json_str (p, "returned_at", "-"), json_str (p, "check_result", "-"),
                              json_str (p, "checked_by", "-") };
        if (tbl)
            tbl_add_row (tbl, row);
    }
    if (tbl && tbl_rows (tbl) > 0)
        tbl_print (tbl, stdout);
    tbl_destroy (&tbl);
}

/*  --photos NAME:SIZE:SHA256,...: each as the request carries it. */
static int s_photos (const char *text, cJSON *body)
{
    cJSON *list = cJSON_AddArrayToObject (body, "photos");
    char *copy = strdup (text), *save = NULL;
    int rc = list && copy ? 0 : -1;
    for (char *tok = copy ? strtok_r (copy, ",", &save) : NULL; rc == 0 && tok; tok = strtok_r (NULL, ",", &save)) {
        char *size = strchr (tok, ':'), *hash = size ? strchr (size + 1, ':') : NULL;
        int64_t n = 0;
        if (!hash) {
            fprintf (stderr, "kefuctl claim file: --photos: \"%s\" is not NAME:SIZE:SHA256\n", tok);
            rc = -1;
            break;
        }
        *size = '\0';
        *hash = '\0';
        if (args_int ("claim file", "--photos size", size + 1, 1, INT64_C (9007199254740991), &n) != 0) {
            rc = -1;
            break;
        }
        cJSON *o = cJSON_CreateObject ();
        if (!o || !cJSON_AddItemToArray (list, o) || !cJSON_AddStringToObject (o, "name", tok)
            || !cJSON_AddNumberToObject (o, "size", (double) n) || !cJSON_AddStringToObject (o, "sha256", hash + 1))
            rc = -1;
    }
    free (copy);
    return rc;
}

static int s_file (kctl_t *k, const char *wo, const char *const *o, bool unrepairable)
{
    /* o: product, spec, quantity, proof, install date, description, cause, photos, amount, currency, dealer */
    int64_t id = 0, qty = 0, amount = 0;
    const char *cur = o[9] ? o[9] : "CNY";
    if (args_int ("claim file", "work order", wo, 1, CLAIM_MAX_ID, &id) != 0
        || (o[2] && args_int ("claim file", "--quantity", o[2], 1, 10000, &qty) != 0)
        || (o[8] && claim_amount ("claim file", o[8], cur, &amount) != 0))
        return KCTL_USAGE;
    static const char *const keys[] = { "product_code", "spec", NULL, "purchase_proof", "install_date",
                                        "description", "cause" };
    cJSON *body = cJSON_CreateObject ();
    bool ok = body && cJSON_AddNumberToObject (body, "work_order_id", (double) id)
              && cJSON_AddStringToObject (body, "currency", cur)
              && (!o[2] || cJSON_AddNumberToObject (body, "quantity", (double) qty))
              && (!o[8] || cJSON_AddNumberToObject (body, "amount", (double) amount))
              && (!o[10] || cJSON_AddStringToObject (body, "dealer_id", o[10]))
              && (!unrepairable || cJSON_AddTrueToObject (body, "unrepairable_on_site"));
    for (int i = 0; ok && i < 7; i++)
        ok = !keys[i] || !o[i] || cJSON_AddStringToObject (body, keys[i], o[i]);
    if (!ok || (o[7] && s_photos (o[7], body) != 0) || kctl_setup (k, "claim") != 0) {
        cJSON_Delete (body);
        return ok ? KCTL_USAGE : KCTL_FAILED;
    }
    return claim_send (k, "claim", "claim.file", &body, s_print_claim);
}

/*  review / decide / part-returned / part-checked / show: the body from the positionals. */
static int s_move (kctl_t *k, const char *const *pos, int npos, const char *note, const char *resp,
                   const char *amount_text, const char *currency)
{
    const char *sub = pos[0];
    int64_t id = 0, amount = 0;
    bool show = strcmp (sub, "show") == 0 && npos == 2, review = strcmp (sub, "review") == 0 && npos == 3;
    bool decide = strcmp (sub, "decide") == 0 && npos == 3 && resp;
    bool returned = strcmp (sub, "part-returned") == 0 && npos == 4, checked = strcmp (sub, "part-checked") == 0 && npos == 4;
    if (!show && !review && !decide && !returned && !checked) {
        fputs ("kefuctl claim: expected file, show, review, decide, part-returned or part-checked with their "
               "arguments (kefuctl claim --help)\n", stderr);
        return KCTL_USAGE;
    }
    if (args_int ("claim", "claim id", pos[1], 1, CLAIM_MAX_ID, &id) != 0
        || ((review || decide) && args_enum ("claim", sub, pos[2], s_verdicts) < 0)
        || (decide && args_enum ("claim", "--responsibility", resp, s_responsibilities) < 0)
        || (checked && args_enum ("claim", "check", pos[3], s_checks) < 0)
        || (note && args_text ("claim", "--note", note, 2000) != 0)
        || (amount_text && claim_amount ("claim", amount_text, currency ? currency : "CNY", &amount) != 0))
        return KCTL_USAGE;
    cJSON *body = cJSON_CreateObject ();
    bool ok = body && cJSON_AddNumberToObject (body, "claim_id", (double) id)
              && (!review || cJSON_AddStringToObject (body, "recommendation", pos[2]))
              && (!decide || (cJSON_AddStringToObject (body, "decision", pos[2])
                              && cJSON_AddStringToObject (body, "responsibility", resp)))
              && (!amount_text || cJSON_AddNumberToObject (body, "amount", (double) amount))
              && (!(returned || checked) || cJSON_AddStringToObject (body, "code", pos[2]))
              && (!returned || cJSON_AddStringToObject (body, "serial", pos[3]))
              && (!checked || cJSON_AddStringToObject (body, "result", pos[3]))
              && (!note || cJSON_AddStringToObject (body, "note", note));
    if (!ok || kctl_setup (k, "claim") != 0) {
        cJSON_Delete (body);
        return ok ? KCTL_USAGE : KCTL_FAILED;
    }
    const char *request = show ? "claim.get" : review ? "claim.review" : decide ? "claim.decide"
                                             : returned ? "claim.part_returned" : "claim.part_checked";
    return claim_send (k, "claim", request, &body, s_print_claim);
}

int cmd_claim (kctl_t *k, int argc, char **argv)
{
    const char *o[11] = { NULL }, *note = NULL, *resp = NULL, *pos[4] = { NULL };
    bool unrepairable = false;
    const args_spec_t spec[] = {
        { "product", true, &o[0], NULL },      { "spec", true, &o[1], NULL },
        { "quantity", true, &o[2], NULL },     { "proof", true, &o[3], NULL },
        { "install-date", true, &o[4], NULL }, { "description", true, &o[5], NULL },
        { "cause", true, &o[6], NULL },        { "photos", true, &o[7], NULL },
        { "amount", true, &o[8], NULL },       { "currency", true, &o[9], NULL },
        { "dealer", true, &o[10], NULL },      { "unrepairable", false, NULL, &unrepairable },
        { "note", true, &note, NULL },         { "responsibility", true, &resp, NULL },
        { NULL, false, NULL, NULL },
    };
    int npos = 0;
    if (args_parse ("claim", KCTL_SPECS (k, spec), argc, argv, pos, 4, &npos) != 0)
        return KCTL_USAGE;
    if (k->help || npos == 0) {
        fputs (s_usage, k->help ? stdout : stderr);
        return k->help ? KCTL_OK : KCTL_USAGE;
    }
    if (strcmp (pos[0], "file") == 0 && npos == 2 && !note && !resp)
        return s_file (k, pos[1], o, unrepairable);
    bool filing_options = unrepairable;
    for (int i = 0; i < 11; i++)
        filing_options |= o[i] && i != 8 && i != 9; /* --amount and --currency are also a decision's */
    if (filing_options) {
        fputs ("kefuctl claim: the options of a claim's filing go with `claim file WORK_ORDER`\n", stderr);
        return KCTL_USAGE;
    }
    return s_move (k, pos, npos, note, resp, o[8], o[9]);
}
