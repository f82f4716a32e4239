/*  cmd_provider — service providers' settlement (docs/providers.md,
 *  docs/kefuctl.md "Providers"), asked of billing's request endpoint;
 *  billing checks roles and every value, and its refusals are printed as
 *  they come (exit 1). Amounts are given in the currency's major unit
 *  ("30000.00"); a recording command makes a new request_id each run
 *  unless --request-id gives one (a script retrying records once).
 *    kefuctl provider month PROVIDER MONTH SCORE [--note TEXT]
 *    kefuctl provider penalty PROVIDER AMOUNT --reason TEXT [--currency C] [--request-id ID]
 *    kefuctl provider fraud PROVIDER INVOLVED --reason TEXT [--currency C] [--request-id ID]
 *    kefuctl provider incident PROVIDER DATE --description TEXT [--request-id ID]
 *    kefuctl provider deposit PROVIDER AMOUNT [--currency C] [--request-id ID]
 *    kefuctl provider settle|notice|confirm PROVIDER QUARTER
 *  The statement is statement.c's (cmd_statement).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/money.h"
#include "base/uuid.h"
#include "cmd_provider.h"

static const char s_usage[] =
    "usage: kefuctl provider month PROVIDER MONTH SCORE [--note TEXT]\n"
    "       kefuctl provider penalty PROVIDER AMOUNT --reason TEXT [--currency CNY] [--request-id ID]\n"
    "       kefuctl provider fraud PROVIDER INVOLVED --reason TEXT [--currency CNY] [--request-id ID]\n"
    "       kefuctl provider incident PROVIDER DATE --description TEXT [--request-id ID]\n"
    "       kefuctl provider deposit PROVIDER AMOUNT [--currency CNY] [--request-id ID]\n"
    "       kefuctl provider settle|notice|confirm PROVIDER QUARTER\n"
    "  MONTH 2026-11, QUARTER 2026Q4, DATE 2026-11-02, AMOUNT 30000.00 (docs/providers.md).\n";

/*  What a subcommand sends: its request, its positional arguments' keys
 *  (after PROVIDER), and which of them is an amount. */
typedef struct {
    const char *sub, *request;
    const char *keys[2];
    int amount_at; /* index into keys of the amount, or -1 */
    bool recorded;  /* takes a request_id */
    bool statement; /* answers with the quarter's statement */
} s_sub_t;

static const s_sub_t s_subs[] = {
    { "month", "provider.month", { "month", "score" }, -1, false, false },
    { "penalty", "provider.penalty", { "amount", NULL }, 0, true, false },
    { "fraud", "provider.fraud", { "involved", NULL }, 0, true, false },
    { "incident", "provider.incident", { "occurred_on", NULL }, -1, true, false },
    { "deposit", "provider.deposit", { "amount", NULL }, 0, true, false },
    { "settle", "provider.settle", { "quarter", NULL }, -1, false, true },
    { "notice", "provider.notice", { "quarter", NULL }, -1, false, true },
    { "confirm", "provider.confirm", { "quarter", NULL }, -1, false, true },
};

/*  Adds key: text to body as the request wants it: an amount in minor
 *  units, a score as a number, else the text. Returns 0 or -1 (printed). */
static int s_value (cJSON *body, const char *key, const char *text, bool amount, const char *currency)
{
    if (amount) {
        int64_t minor = 0;
        char why[200];
        if (money_parse (text, currency, &minor, why, sizeof why) != 0) {
            fprintf (stderr, "kefuctl provider: %s \"%s\": %s\n", key, text, why);
            return -1;
        }
        return cJSON_AddNumberToObject (body, key, (double) minor) ? 0 : -1;
    }
    if (strcmp (key, "score") == 0) {
        char *end = NULL;
        double d = strtod (text, &end);
        if (end == text || *end) {
            fprintf (stderr, "kefuctl provider: score \"%s\" is not a number\n", text);
            return -1;
        }
        return cJSON_AddNumberToObject (body, key, d) ? 0 : -1;
    }
    return cJSON_AddStringToObject (body, key, text) ? 0 : -1;
}

int cmd_provider (kctl_t *k, int argc, char **argv)
{
    const s_sub_t *sub = NULL;
    for (size_t i = 0; argc >= 1 && i < sizeof s_subs / sizeof *s_subs; i++)
        if (strcmp (argv[0], s_subs[i].sub) == 0)
            sub = &s_subs[i];
    if (!sub) {
        bool help = argc >= 1 && strcmp (argv[0], "--help") == 0;
        fputs (s_usage, help ? stdout : stderr);
        return help ? 0 : 2;
    }
    const char *positional[3] = { NULL }, *currency = "CNY", *request_id = NULL;
    int pos = 0, want = sub->keys[1] ? 3 : 2;
    cJSON *body = cJSON_CreateObject ();
    for (int i = 1; body && i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (v && (strcmp (a, "--reason") == 0 || strcmp (a, "--note") == 0 || strcmp (a, "--description") == 0)) {
            cJSON_AddStringToObject (body, a + 2, v);
            i++;
        }
        else if (v && strcmp (a, "--currency") == 0) {
            currency = v;
            cJSON_AddStringToObject (body, "currency", v);
            i++;
        }
        else if (v && strcmp (a, "--request-id") == 0 && sub->recorded) {
            request_id = v;
            i++;
        }
        else if (a[0] != '-' && pos < 3)
            positional[pos++] = a;
        else {
            fprintf (stderr, "kefuctl provider: unexpected \"%s\"\n%s", a, s_usage);
            cJSON_Delete (body);
            return 2;
        }
    }
    char rid[KUUID_STR_LEN];
    bool ok = body && pos == want && cJSON_AddStringToObject (body, "provider", positional[0]);
    for (int i = 0; ok && i < want - 1; i++)
        ok = s_value (body, sub->keys[i], positional[1 + i], sub->amount_at == i, currency) == 0;
    if (ok && sub->recorded && !request_id)
        request_id = kuuid_new (rid) == 0 ? rid : NULL;
    if (ok && sub->recorded)
        ok = request_id && cJSON_AddStringToObject (body, "request_id", request_id);
    if (!ok || kctl_setup (k, "provider") != 0) {
        if (body && pos != want)
            fputs (s_usage, stderr);
        cJSON_Delete (body);
        return 2;
    }
    cJSON *result = NULL;
    int rc = kctl_ask (k, "provider", CFG_SVC_BILLING, sub->request, body, &result) == 0 ? 0 : 1;
    if (rc == 0)
        rc = k->json || !sub->statement ? (kctl_print_json (result) == 0 ? 0 : 1)
                                        : provider_statement_print (result, false);
    cJSON_Delete (result);
    cJSON_Delete (body);
    return rc;
}
