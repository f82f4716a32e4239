/*  cmd_statement — a service provider's statement (docs/providers.md "The
 *  statement"), asked of billing (provider.statement):
 *    kefuctl statement PROVIDER (--quarter 2026Q4 | --month 2026-11) [--json | --csv]
 *  A table of each step with its figures for people, the reply as it is
 *  with --json, and CSV (step,item,value,detail) for reports. Amounts are
 *  printed in the currency's major unit, coefficients as 1.200.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/money.h"
#include "cmd_provider.h"
#include "table.h"

static const char s_usage[] = "usage: kefuctl statement PROVIDER (--quarter 2026Q4 | --month 2026-11) [--json | --csv]\n";

/*  "24000.00" of a money member of o. */
static const char *s_amount (const cJSON *o, const char *key, const char *currency, char *out, size_t size)
{
    return money_format (json_int (o, key, 0), currency, out, size);
}

/*  "96.33" of a score member, "-" when null. */
static const char *s_score (const cJSON *o, const char *key, char *out, size_t size)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive (o, key);
    if (cJSON_IsNumber (v))
        snprintf (out, size, "%.2f", v->valuedouble);
    else
        snprintf (out, size, "-");
    return out;
}

/*  One row of the steps: a table row, or a CSV line. */
static void s_row (tbl_t *t, const char *step, const char *item, const char *value, const char *detail)
{
    if (t) {
        const char *cells[] = { step, item, value, detail };
        tbl_add_row (t, cells);
        return;
    }
    printf ("%s,%s,%s,\"", step, item, value);
    for (const char *p = detail; *p; p++)
        printf (*p == '"' ? "\"\"" : "%c", *p);
    printf ("\"\n");
}

int provider_statement_print (const cJSON *st, bool csv)
{
    static const char *const headers[] = { "step", "item", "value", "detail" };
    const char *cur = json_str (st, "currency", "CNY");
    tbl_t *t = csv ? NULL : tbl_new (4, headers);
    char a[MONEY_TEXT_SIZE], b[MONEY_TEXT_SIZE], c[MONEY_TEXT_SIZE], d[MONEY_TEXT_SIZE], s1[16], s2[16];
    char detail[600];
    if (csv)
        printf ("step,item,value,detail\n");
    const cJSON *m;
    cJSON_ArrayForEach (m, cJSON_GetObjectItemCaseSensitive (st, "months"))
    {
        snprintf (detail, sizeof detail, "%s, counts %s", json_bool (m, "covered", false) ? "covered" : "not covered",
                  s_score (m, "counts", s2, sizeof s2));
        s_row (t, "month", json_str (m, "month", ""), s_score (m, "score", s1, sizeof s1), detail);
    }
    snprintf (detail, sizeof detail, "of %d months covered; a month at or below %s counts 0",
              (int) json_int (st, "months_covered", 0), s_score (st, "threshold", s2, sizeof s2));
    s_row (t, "average", "", s_score (st, "average", s1, sizeof s1), detail);
    int64_t coef = json_int (st, "coefficient", 0);
    snprintf (s2, sizeof s2, "%d.%03d", (int) (coef / 1000), (int) (coef % 1000));
    s_row (t, "grade", json_str (st, "grade", ""), s2, "coefficient");
    s_row (t, "eligible", json_bool (st, "eligible", false) ? "yes" : "no", "", json_str (st, "reason", ""));
    snprintf (detail, sizeof detail, "base %s × %s ÷ 12 × %d months (the year so far less earlier quarters)",
              s_amount (st, "base", cur, b, sizeof b), s2, (int) json_int (st, "months_covered", 0));
    s_row (t, "reward", "", s_amount (st, "reward", cur, a, sizeof a), detail);
    cJSON_ArrayForEach (m, cJSON_GetObjectItemCaseSensitive (st, "penalties"))
    {
        char id[24];
        snprintf (id, sizeof id, "%s %lld", json_str (m, "kind", ""), (long long) json_int (m, "penalty_id", 0));
        if (json_bool (m, "taken", false))
            snprintf (detail, sizeof detail, "from reward %s, deposit %s, other receivables %s: %s",
                      s_amount (m, "from_reward", cur, b, sizeof b), s_amount (m, "from_deposit", cur, c, sizeof c),
                      s_amount (m, "from_other", cur, d, sizeof d), json_str (m, "reason", ""));
        else
            snprintf (detail, sizeof detail, "pending (taken at settlement): %s", json_str (m, "reason", ""));
        s_row (t, "penalty", id, s_amount (m, "amount", cur, a, sizeof a), detail);
    }
    const char *dealer = json_str (st, "paid_by_dealer", NULL);
    snprintf (detail, sizeof detail, "%s; taken from reward %s", dealer ? dealer : "paid by head office",
              s_amount (st, "taken_from_reward", cur, b, sizeof b));
    s_row (t, "payable", json_str (st, "state", ""), s_amount (st, "payable", cur, a, sizeof a), detail);
    const cJSON *dep = cJSON_GetObjectItemCaseSensitive (st, "deposit");
    snprintf (detail, sizeof detail, "of %s required%s%s", s_amount (dep, "required", cur, b, sizeof b),
              json_str (dep, "topup_due_at", NULL) ? "; top up by " : "", json_str (dep, "topup_due_at", ""));
    s_row (t, "deposit", json_str (dep, "state", ""), s_amount (dep, "held", cur, a, sizeof a), detail);
    if (t) {
        printf ("%s %s (%s, %s)\n", json_str (st, "provider", ""), json_str (st, "quarter", ""), cur,
                json_str (st, "state", ""));
        tbl_print (t, stdout);
        tbl_destroy (&t);
    }
    return 0;
}

int cmd_statement (kctl_t *k, int argc, char **argv)
{
    bool json = k->json, csv = false;
    const char *provider = NULL;
    cJSON *body = cJSON_CreateObject ();
    for (int i = 0; body && i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp (a, "--json") == 0)
            json = true;
        else if (strcmp (a, "--csv") == 0)
            csv = true;
        else if (v && (strcmp (a, "--quarter") == 0 || strcmp (a, "--month") == 0)) {
            cJSON_AddStringToObject (body, a + 2, v);
            i++;
        }
        else if (a[0] != '-' && !provider)
            provider = a;
        else {
            bool help = strcmp (a, "--help") == 0;
            fputs (s_usage, help ? stdout : stderr);
            cJSON_Delete (body);
            return help ? 0 : 2;
        }
    }
    if (!body || !provider || !cJSON_AddStringToObject (body, "provider", provider) || kctl_setup (k, "statement") != 0) {
        if (!provider)
            fputs (s_usage, stderr);
        cJSON_Delete (body);
        return 2;
    }
    cJSON *result = NULL;
    int rc = kctl_ask (k, "statement", CFG_SVC_BILLING, "provider.statement", body, &result) == 0 ? 0 : 1;
    if (rc == 0)
        rc = json ? (kctl_print_json (result) == 0 ? 0 : 1) : provider_statement_print (result, csv);
    cJSON_Delete (result);
    cJSON_Delete (body);
    return rc;
}
