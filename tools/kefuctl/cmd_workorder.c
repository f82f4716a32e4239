/*  cmd_workorder — the work orders' commands, asked of dispatch's request
 *  endpoint:
 *
 *    kefuctl done WO --cause C --labour-minutes N [--distance-km K]
 *                 [--parts CODE:QTY[:SERIAL],...] [--photos REF,...]
 *                 [--serial UNIT] [--note TEXT]
 *        the technician's done report (request workorder.report);
 *    kefuctl workorders TICKET
 *        a ticket's work orders: visit, reworks and revisits, their state,
 *        technician and report (request workorder.list).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "cmd_workorder.h"
#include "kctl.h"
#include "paging.h"
#include "table.h"

static const char s_done_usage[] =
    "usage: kefuctl done WORK_ORDER_ID --cause CODE --labour-minutes N [--distance-km K]\n"
    "                    [--parts CODE:QTY[:SERIAL],...] [--photos REF,...] [--serial UNIT] [--note TEXT]\n"
    "  The technician's done report: the work order becomes completed and its inspection\n"
    "  starts. CODE is one of dispatch.fault_codes; K may have up to 3 decimals (12.5).\n";

static const char s_list_usage[] =
    "usage: kefuctl workorders TICKET_ID [--limit N] [--cursor C] [--json]\n"
    "  The ticket's work orders, oldest first: purpose (visit, rework, revisit), state,\n"
    "  technician, when done and accepted, and the done report's cause and labour.\n"
    "  --limit N     at most N (1-500) a page; default every one\n" PAGING_USAGE;

int wo_km (const char *cmd, const char *text, int64_t *metres)
{
    const char *dot = strchr (text, '.');
    char whole[16] = "", frac[4] = "000";
    size_t wl = dot ? (size_t) (dot - text) : strlen (text);
    size_t fl = dot ? strlen (dot + 1) : 0;
    bool ok = wl >= 1 && wl < sizeof whole && fl <= 3 && (!dot || fl >= 1);
    for (size_t i = 0; ok && i < wl; i++)
        ok = text[i] >= '0' && text[i] <= '9';
    for (size_t i = 0; ok && i < fl; i++)
        ok = dot[1 + i] >= '0' && dot[1 + i] <= '9';
    if (ok) {
        memcpy (whole, text, wl);
        if (fl)
            memcpy (frac, dot + 1, fl);
        *metres = strtoll (whole, NULL, 10) * 1000 + strtoll (frac, NULL, 10);
        ok = *metres <= 10000000;
    }
    if (!ok)
        fprintf (stderr, "kefuctl %s: --distance-km: \"%s\" is not a distance in km (0 to 10000, up to "
                         "3 decimals: 12.5)\n", cmd, text);
    return ok ? 0 : -1;
}

int wo_parts (const char *cmd, const char *text, cJSON *parts)
{
    char *copy = strdup (text), *save = NULL;
    int rc = copy ? 0 : -1;
    for (char *item = copy ? strtok_r (copy, ",", &save) : NULL; item && rc == 0; item = strtok_r (NULL, ",", &save)) {
        char *qty = strchr (item, ':'), *serial = qty ? strchr (qty + 1, ':') : NULL;
        if (qty)
            *qty++ = '\0';
        if (serial)
            *serial++ = '\0';
        int64_t n = 1;
        if (qty && args_int (cmd, "--parts quantity", qty, 1, 10000, &n) != 0) {
            rc = -1;
            break;
        }
        cJSON *p = cJSON_CreateObject ();
        if (!p || !cJSON_AddItemToArray (parts, p) || !cJSON_AddStringToObject (p, "code", item)
            || !cJSON_AddNumberToObject (p, "quantity", (double) n) || (serial && !cJSON_AddStringToObject (p, "serial", serial)))
            rc = -1;
    }
    free (copy);
    return rc;
}

int wo_list (const char *text, cJSON *photos)
{
    char *copy = strdup (text), *save = NULL;
    int rc = copy ? 0 : -1;
    for (char *item = copy ? strtok_r (copy, ",", &save) : NULL; item && rc == 0; item = strtok_r (NULL, ",", &save))
        if (!cJSON_AddItemToArray (photos, cJSON_CreateString (item)))
            rc = -1;
    free (copy);
    return rc;
}

int cmd_done (kctl_t *k, int argc, char **argv)
{
    const char *cause = NULL, *labour = NULL, *km = NULL, *parts = NULL, *photos = NULL, *serial = NULL,
               *note = NULL;
    const args_spec_t spec[] = { { "cause", true, &cause, NULL }, { "labour-minutes", true, &labour, NULL },
                                 { "distance-km", true, &km, NULL }, { "parts", true, &parts, NULL },
                                 { "photos", true, &photos, NULL }, { "serial", true, &serial, NULL },
                                 { "note", true, &note, NULL }, { NULL, false, NULL, NULL } };
    const char *pos[1] = { NULL };
    int npos = 0;
    if (args_parse ("done", KCTL_SPECS (k, spec), argc, argv, pos, 1, &npos) != 0)
        return KCTL_USAGE;
    if (k->help) {
        fputs (s_done_usage, stdout);
        return KCTL_OK;
    }
    int64_t wo, minutes, metres = 0;
    if (npos != 1 || !cause || !labour) {
        fputs ("kefuctl done: expected a work order id, --cause and --labour-minutes "
               "(kefuctl done 7 --cause wear --labour-minutes 90)\n", stderr);
        return KCTL_USAGE;
    }
    if (args_int ("done", "work order id", pos[0], 1, INT64_C (9007199254740991), &wo) != 0
        || args_int ("done", "--labour-minutes", labour, 0, 100000, &minutes) != 0 || (km && wo_km ("done", km, &metres) != 0)
        || (note && args_text ("done", "--note", note, 2000) != 0) || kctl_setup (k, "done") != 0)
        return KCTL_USAGE;
    int rc = KCTL_FAILED;
    cJSON *body = cJSON_CreateObject (), *result = NULL;
    cJSON *part_list = body ? cJSON_AddArrayToObject (body, "parts") : NULL;
    cJSON *photo_list = body ? cJSON_AddArrayToObject (body, "photos") : NULL;
    if (!part_list || !photo_list || !cJSON_AddNumberToObject (body, "work_order_id", (double) wo)
        || !cJSON_AddNumberToObject (body, "labour_minutes", (double) minutes)
        || !cJSON_AddNumberToObject (body, "distance_m", (double) metres) || !cJSON_AddStringToObject (body, "cause", cause)
        || (serial && !cJSON_AddStringToObject (body, "unit_serial", serial))
        || (note && !cJSON_AddStringToObject (body, "note", note))) {
        fputs ("kefuctl done: out of memory\n", stderr);
        goto cleanup;
    }
    if ((parts && wo_parts ("done", parts, part_list) != 0) || (photos && wo_list (photos, photo_list) != 0)) {
        rc = KCTL_USAGE;
        goto cleanup;
    }
    char err[1024] = "";
    client_opts_t opts = kctl_dispatch_opts (k, "done");
    if (client_call (&opts, "workorder.report", body, &result, err, sizeof err) != CLIENT_OK) {
        fprintf (stderr, "kefuctl done: %s\n", err);
        goto cleanup;
    }
    if (k->json)
        rc = kctl_print_json (result) == 0 ? KCTL_OK : KCTL_FAILED;
    else {
        printf ("work order %" PRId64 " of ticket %lld is %s (%s); its inspection starts\n", wo,
                (long long) json_int (result, "ticket_id", 0), json_str (result, "status", ""),
                json_str (result, "done_at", ""));
        rc = KCTL_OK;
    }
cleanup:
    cJSON_Delete (body);
    cJSON_Delete (result);
    return rc;
}

int cmd_workorders (kctl_t *k, int argc, char **argv)
{
    const char *limit = NULL, *cursor = NULL;
    const args_spec_t spec[] = { { "limit", true, &limit, NULL },
                                 { "cursor", true, &cursor, NULL },
                                 { NULL, false, NULL, NULL } };
    const char *pos[1] = { NULL };
    int npos = 0;
    if (args_parse ("workorders", KCTL_SPECS (k, spec), argc, argv, pos, 1, &npos) != 0)
        return KCTL_USAGE;
    if (k->help) {
        fputs (s_list_usage, stdout);
        return KCTL_OK;
    }
    int64_t ticket, lim = 0;
    if (npos != 1) {
        fputs ("kefuctl workorders: expected one ticket id (kefuctl workorders 42)\n", stderr);
        return KCTL_USAGE;
    }
    if (args_int ("workorders", "ticket id", pos[0], 1, INT64_C (9007199254740991), &ticket) != 0
        || (limit && args_int ("workorders", "--limit", limit, 1, 500, &lim) != 0)
        || paging_check ("workorders", cursor) != 0 || kctl_setup (k, "workorders") != 0)
        return KCTL_USAGE;
    int rc = KCTL_FAILED;
    cJSON *body = cJSON_CreateObject (), *result = NULL;
    static const char *const headers[] = { "work order", "purpose", "follows", "state", "technician", "completed",
                                           "accepted", "cause", "labour min" };
    tbl_t *tbl = tbl_new (9, headers);
    char err[1024] = "";
    if (!body || !tbl || !cJSON_AddNumberToObject (body, "ticket_id", (double) ticket)
        || (limit && !cJSON_AddNumberToObject (body, "limit", (double) lim)) || paging_add (body, cursor) != 0) {
        fputs ("kefuctl workorders: out of memory\n", stderr);
        goto cleanup;
    }
    client_opts_t opts = kctl_dispatch_opts (k, "workorders");
    if (client_call (&opts, "workorder.list", body, &result, err, sizeof err) != CLIENT_OK) {
        fprintf (stderr, "kefuctl workorders: %s\n", err);
        goto cleanup;
    }
    if (k->json) {
        rc = kctl_print_json (result) == 0 ? KCTL_OK : KCTL_FAILED;
        goto cleanup;
    }
    const cJSON *w, *first = cJSON_GetArrayItem (cJSON_GetObjectItemCaseSensitive (result, "work_orders"), 0);
    /* the three-repairs rule: the technician replaces rather than repairs */
    if (json_str (first, "replacement_fault", NULL))
        printf ("replace: fault %s was repaired too often within warranty; replace the unit\n",
                json_str (first, "replacement_fault", ""));
    cJSON_ArrayForEach (w, cJSON_GetObjectItemCaseSensitive (result, "work_orders"))
    {
        char id[24], follows[24] = "", labour[24] = "";
        const cJSON *report = cJSON_GetObjectItemCaseSensitive (w, "report");
        snprintf (id, sizeof id, "%lld", (long long) json_int (w, "work_order_id", 0));
        if (json_int (w, "follows", 0) > 0)
            snprintf (follows, sizeof follows, "%lld", (long long) json_int (w, "follows", 0));
        if (report)
            snprintf (labour, sizeof labour, "%lld", (long long) json_int (report, "labour_minutes", 0));
        const char *row[] = { id, json_str (w, "purpose", ""), follows, json_str (w, "status", ""),
                              json_str (w, "technician_id", ""), json_str (w, "completed_at", ""),
                              json_str (w, "accepted_at", ""), report ? json_str (report, "cause", "") : "", labour };
        tbl_add_row (tbl, row);
    }
    tbl_print (tbl, stdout);
    paging_print_next (result);
    rc = KCTL_OK;
cleanup:
    cJSON_Delete (body);
    cJSON_Delete (result);
    tbl_destroy (&tbl);
    return rc;
}
