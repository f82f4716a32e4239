/*  cmd_estimate — the technician's diagnosis and the estimate made from it
 *  (docs/billing.md, docs/kefuctl.md "Estimates and settlements"):
 *
 *    kefuctl diagnose WO --fault CODE --labour-minutes N [--distance-km K]
 *                     [--parts CODE:QTY,...] [--findings misuse,...] [--photos REF,...] [--note T]
 *        asked of dispatch (workorder.diagnose);
 *    kefuctl estimate show WO | approve WO --name NAME [--at T] | confirm WO FINDING yes|no
 *        asked of billing (estimate.get, estimate.approve, estimate.confirm_finding).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "base/money.h"
#include "cmd_ledger.h"
#include "cmd_workorder.h"

#define S_MAX_ID INT64_C (9007199254740991)

static const char s_diagnose_usage[] =
    "usage: kefuctl diagnose WORK_ORDER_ID --fault CODE --labour-minutes N [--distance-km K]\n"
    "                        [--parts CODE:QTY,...] [--findings misuse,force_majeure,unauthorised_maintenance]\n"
    "                        [--photos REF,...] [--note TEXT]\n"
    "  The technician's diagnosis before the work: billing makes the estimate from it.\n"
    "  CODE is one of dispatch.fault_codes; parts are codes of the parts list.\n";

static const char s_estimate_usage[] =
    "usage: kefuctl estimate show WORK_ORDER_ID [--json]\n"
    "       kefuctl estimate approve WORK_ORDER_ID --name CUSTOMER_NAME [--at RFC3339] [--json]\n"
    "       kefuctl estimate confirm WORK_ORDER_ID misuse|force_majeure yes|no [--json]\n"
    "  show     every line: amount, warranty or chargeable, and the reason\n"
    "  approve  the customer approved the estimate (name and time recorded): the work goes on\n"
    "  confirm  a service advisor confirms (yes) or dismisses (no) a finding that excludes warranty\n";

int cmd_diagnose (kctl_t *k, int argc, char **argv)
{
    const char *fault = NULL, *labour = NULL, *km = NULL, *parts = NULL, *findings = NULL, *photos = NULL,
               *note = NULL;
    const args_spec_t spec[] = { { "fault", true, &fault, NULL },       { "labour-minutes", true, &labour, NULL },
                                 { "distance-km", true, &km, NULL },    { "parts", true, &parts, NULL },
                                 { "findings", true, &findings, NULL }, { "photos", true, &photos, NULL },
                                 { "note", true, &note, NULL },         { NULL, false, NULL, NULL } };
    const char *pos[1] = { NULL };
    int npos = 0;
    if (args_parse ("diagnose", KCTL_SPECS (k, spec), argc, argv, pos, 1, &npos) != 0)
        return KCTL_USAGE;
    if (k->help) {
        fputs (s_diagnose_usage, stdout);
        return KCTL_OK;
    }
    int64_t wo, minutes, metres = 0;
    if (npos != 1 || !fault || !labour) {
        fputs ("kefuctl diagnose: expected a work order id, --fault and --labour-minutes "
               "(kefuctl diagnose 7 --fault compressor_fault --labour-minutes 90)\n", stderr);
        return KCTL_USAGE;
    }
    if (args_int ("diagnose", "work order id", pos[0], 1, S_MAX_ID, &wo) != 0
        || args_int ("diagnose", "--labour-minutes", labour, 0, 100000, &minutes) != 0
        || (km && wo_km ("diagnose", km, &metres) != 0) || (note && args_text ("diagnose", "--note", note, 2000) != 0)
        || kctl_setup (k, "diagnose") != 0)
        return KCTL_USAGE;
    cJSON *body = cJSON_CreateObject (), *result = NULL;
    cJSON *part_list = body ? cJSON_AddArrayToObject (body, "parts") : NULL;
    cJSON *photo_list = body ? cJSON_AddArrayToObject (body, "photos") : NULL;
    cJSON *finding_list = body ? cJSON_AddArrayToObject (body, "findings") : NULL;
    int rc = KCTL_USAGE;
    if (!finding_list || !cJSON_AddNumberToObject (body, "work_order_id", (double) wo)
        || !cJSON_AddNumberToObject (body, "labour_minutes", (double) minutes)
        || !cJSON_AddNumberToObject (body, "distance_m", (double) metres)
        || !cJSON_AddStringToObject (body, "fault_code", fault) || (note && !cJSON_AddStringToObject (body, "note", note))
        || (parts && wo_parts ("diagnose", parts, part_list) != 0) || (photos && wo_list (photos, photo_list) != 0)
        || (findings && wo_list (findings, finding_list) != 0))
        goto cleanup;
    if (kctl_ask (k, "diagnose", CFG_SVC_DISPATCH, "workorder.diagnose", body, &result) != 0) {
        rc = KCTL_FAILED;
        goto cleanup;
    }
    if (k->json)
        rc = kctl_print_json (result) == 0 ? KCTL_OK : KCTL_FAILED;
    else {
        printf ("work order %" PRId64 " diagnosed (%s); billing makes its estimate: kefuctl estimate show %" PRId64
                "\n", wo, json_str (result, "diagnosed_at", ""), wo);
        rc = KCTL_OK;
    }
cleanup:
    cJSON_Delete (body);
    cJSON_Delete (result);
    return rc;
}

/*  The estimate for people: its state, coverage, totals, then its lines. */
static int s_print (const cJSON *r, bool csv)
{
    (void) csv;
    const char *cur = json_str (r, "currency", "CNY");
    char total[MONEY_TEXT_SIZE], warranty[MONEY_TEXT_SIZE];
    printf ("estimate of work order %lld (ticket %lld, %s): %s\n", (long long) json_int (r, "work_order_id", 0),
            (long long) json_int (r, "ticket_id", 0), json_str (r, "branch", ""), json_str (r, "status", ""));
    printf ("fault %s   %s (%s)\n", json_str (r, "fault_code", ""), json_str (r, "coverage", ""),
            json_str (r, "reason", ""));
    printf ("customer pays %s %s   warranty pays %s %s\n", money_format (json_int (r, "total", 0), cur, total, sizeof total),
            cur, money_format (json_int (r, "warranty_total", 0), cur, warranty, sizeof warranty), cur);
    const cJSON *f;
    cJSON_ArrayForEach (f, cJSON_GetObjectItemCaseSensitive (r, "findings"))
        printf ("finding %s\n", cJSON_IsString (f) ? f->valuestring : "");
    if (json_str (r, "approved_name", NULL))
        printf ("approved by the customer %s at %s (recorded by %s)\n", json_str (r, "approved_name", ""),
                json_str (r, "approved_at", ""), json_str (r, "approved_by", ""));
    static const lfmt_col_t cols[] = { { "#", "position", false },        { "kind", "kind", false },
                                       { "code", "code", false },         { "what", "description", false },
                                       { "qty", "quantity", false },      { "unit", "unit_amount", true },
                                       { "amount", "amount", true },      { "coverage", "coverage", false },
                                       { "reason", "reason", false } };
    return lfmt_print (stdout, cJSON_GetObjectItemCaseSensitive (r, "lines"), cols, 9, cur, false, "no lines");
}

int cmd_estimate (kctl_t *k, int argc, char **argv)
{
    const char *name = NULL, *at = NULL;
    const args_spec_t spec[] = { { "name", true, &name, NULL }, { "at", true, &at, NULL }, { NULL, false, NULL, NULL } };
    const char *pos[4] = { NULL };
    int npos = 0;
    if (args_parse ("estimate", KCTL_SPECS (k, spec), argc, argv, pos, 4, &npos) != 0)
        return KCTL_USAGE;
    if (k->help) {
        fputs (s_estimate_usage, stdout);
        return KCTL_OK;
    }
    const char *sub = npos > 0 ? pos[0] : "";
    int want = strcmp (sub, "confirm") == 0 ? 4 : 2;
    int64_t wo;
    if ((strcmp (sub, "show") != 0 && strcmp (sub, "approve") != 0 && want != 4) || npos != want) {
        fputs ("kefuctl estimate: expected show WO, approve WO --name N or confirm WO FINDING yes|no "
               "(kefuctl estimate --help)\n", stderr);
        return KCTL_USAGE;
    }
    if (args_int ("estimate", "work order id", pos[1], 1, S_MAX_ID, &wo) != 0 || kctl_setup (k, "estimate") != 0)
        return KCTL_USAGE;
    cJSON *body = cJSON_CreateObject ();
    if (!body || !cJSON_AddNumberToObject (body, "work_order_id", (double) wo)) {
        cJSON_Delete (body);
        return KCTL_FAILED;
    }
    const char *request = "estimate.get";
    if (strcmp (sub, "approve") == 0) {
        request = "estimate.approve";
        if (!name || args_text ("estimate", "--name", name, 200) != 0) {
            fputs ("kefuctl estimate approve: --name (the customer who approved) is required\n", stderr);
            cJSON_Delete (body);
            return KCTL_USAGE;
        }
        cJSON_AddStringToObject (body, "customer_name", name);
        if (at)
            cJSON_AddStringToObject (body, "at", at);
    }
    else if (want == 4) {
        request = "estimate.confirm_finding";
        bool yes = strcmp (pos[3], "yes") == 0;
        if (!yes && strcmp (pos[3], "no") != 0) {
            fprintf (stderr, "kefuctl estimate confirm: \"%s\": expected yes (confirmed) or no (dismissed)\n", pos[3]);
            cJSON_Delete (body);
            return KCTL_USAGE;
        }
        cJSON_AddStringToObject (body, "finding", pos[2]);
        cJSON_AddBoolToObject (body, "confirmed", yes);
    }
    return lfmt_ask (k, "estimate", request, body, s_print, false);
}
