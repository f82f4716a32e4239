/*  cmd_inspect — see cmd_inspect.h. This file shows what qc answers; qc
 *  checks everything (roles, order, units, limits), and its refusals are
 *  printed as they come (exit 1). */
#include "cmd_inspect.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/json.h"
#include "base/uuid.h"
#include "paging.h"
#include "table.h"

#define INSPECT_MAX_ITEMS 64
#define INSPECT_MAX_ID INT64_C (9007199254740991)

static const char s_inspections_usage[] =
    "usage: kefuctl inspections [--limit N] [--cursor C] [--json]\n"
    "  The levels you may sign now (your roles, your branches), oldest first:\n"
    "  work order, ticket, branch, level, role, waiting since, and the checklist.\n" PAGING_USAGE;

static const char s_inspect_usage[] =
    "usage: kefuctl inspect show WORK_ORDER [--json]\n"
    "       kefuctl inspect sign WORK_ORDER LEVEL --item NAME=READING ... [--request-id ID] [--json]\n"
    "  READING is pass or fail (a pass/fail item), a number and its unit (a measured\n"
    "  item: 11.5%, 120N·m, 2.4bar, -30degC), or for a timed item pass@START..READ\n"
    "  (RFC 3339 instants: water_test=pass@2027-01-15T08:00:00Z..2027-01-16T08:00:00Z).\n"
    "  Give one --item per item of the level's checklist (kefuctl inspections shows it).\n";

/*  The item's reading after "=": pass/fail or a number with its unit. */
static int s_reading (cJSON *item, const char *text, char *err, size_t errsize)
{
    if (strcmp (text, "pass") == 0 || strcmp (text, "fail") == 0)
        return cJSON_AddStringToObject (item, "result", text) ? 0 : -1;
    char *end = NULL;
    double v = strtod (text, &end);
    if (end == text || !isfinite (v) || isspace ((unsigned char) *text)) {
        snprintf (err, errsize, "\"%s\" is not a number (expected pass, fail, or a number and its unit: 11.5%%)",
                  text);
        return -1;
    }
    while (*end == ' ')
        end++;
    if (!*end) {
        snprintf (err, errsize, "%s: the unit is missing (e.g. 11.5%%, 2mm)", text);
        return -1;
    }
    if (strlen (end) > 16) {
        snprintf (err, errsize, "unit \"%s\" is longer than 16 bytes", end);
        return -1;
    }
    return cJSON_AddNumberToObject (item, "value", v) && cJSON_AddStringToObject (item, "unit", end) ? 0 : -1;
}

cJSON *inspect_item_parse (const char *text, char *err, size_t errsize)
{
    const char *eq = strchr (text, '=');
    if (!eq || eq == text || (size_t) (eq - text) > 64) {
        snprintf (err, errsize, "\"%s\": expected NAME=READING (e.g. wood_moisture=11.5%%)", text);
        return NULL;
    }
    char name[65], reading[128], start[48] = "", read[48] = "";
    snprintf (name, sizeof name, "%.*s", (int) (eq - text), text);
    snprintf (reading, sizeof reading, "%s", eq + 1);
    char *at = strchr (reading, '@');
    if (at) {
        *at = '\0';
        const char *span = at + 1, *dots = strstr (span, "..");
        if (!dots || dots == span || !dots[2] || (size_t) (dots - span) >= sizeof start || strlen (dots + 2) >= sizeof read) {
            snprintf (err, errsize, "%s: a timed reading is READING@START..READ (RFC 3339 instants)", name);
            return NULL;
        }
        snprintf (start, sizeof start, "%.*s", (int) (dots - span), span);
        snprintf (read, sizeof read, "%s", dots + 2);
        int64_t us;
        if (clock_parse_rfc3339 (start, &us) != 0 || clock_parse_rfc3339 (read, &us) != 0) {
            snprintf (err, errsize, "%s: \"%s..%s\" are not RFC 3339 instants (2027-01-15T08:00:00Z)", name, start,
                      read);
            return NULL;
        }
    }
    cJSON *item = cJSON_CreateObject ();
    char why[256] = "out of memory";
    if (!item || !cJSON_AddStringToObject (item, "item", name) || s_reading (item, reading, why, sizeof why) != 0
        || (at && (!cJSON_AddStringToObject (item, "started_at", start)
                   || !cJSON_AddStringToObject (item, "read_at", read)))) {
        snprintf (err, errsize, "%s: %s", name, why);
        cJSON_Delete (item);
        return NULL;
    }
    return item;
}

/*  "wood_moisture (at most 12 %), road_test (pass/fail)". */
static void s_checklist_text (const cJSON *checklist, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    const cJSON *c;
    cJSON_ArrayForEach (c, checklist)
    {
        int n = snprintf (out + used, size - used, "%s%s (%s)", used ? ", " : "", json_str (c, "item", ""),
                          json_str (c, "limit", ""));
        if (n < 0 || (size_t) n >= size - used)
            break;
        used += (size_t) n;
    }
}

int cmd_inspections (kctl_t *k, int argc, char **argv)
{
    const char *limit = NULL, *cursor = NULL;
    const args_spec_t spec[] = { { "limit", true, &limit, NULL },
                                 { "cursor", true, &cursor, NULL },
                                 { NULL, false, NULL, NULL } };
    int npos = 0;
    int64_t n = 50;
    if (args_parse ("inspections", KCTL_SPECS (k, spec), argc, argv, NULL, 0, &npos) != 0)
        return KCTL_USAGE;
    if (k->help) {
        fputs (s_inspections_usage, stdout);
        return KCTL_OK;
    }
    if ((limit && args_int ("inspections", "--limit", limit, 1, 500, &n) != 0)
        || paging_check ("inspections", cursor) != 0 || kctl_setup (k, "inspections") != 0)
        return KCTL_USAGE;
    int rc = KCTL_FAILED;
    cJSON *body = cJSON_CreateObject (), *result = NULL;
    static const char *const headers[] = { "work order", "ticket", "branch", "level", "role", "waiting since",
                                           "checklist" };
    tbl_t *tbl = tbl_new (7, headers);
    if (!body || !tbl || !cJSON_AddNumberToObject (body, "limit", (double) n) || paging_add (body, cursor) != 0) {
        fputs ("kefuctl inspections: out of memory\n", stderr);
        goto cleanup;
    }
    if (kctl_ask (k, "inspections", CFG_SVC_QC, "inspection.pending", body, &result) != 0)
        goto cleanup;
    const cJSON *list = cJSON_GetObjectItemCaseSensitive (result, "pending");
    paging_print_next (result); /* --json prints the list alone: the cursor goes to stderr in both forms */
    if (k->json) {
        rc = kctl_print_json (list) == 0 ? KCTL_OK : KCTL_FAILED;
        goto cleanup;
    }
    tbl_set_max_width (tbl, 6, 80);
    const cJSON *p;
    cJSON_ArrayForEach (p, list)
    {
        char wo[24], ticket[24], checklist[1024];
        snprintf (wo, sizeof wo, "%" PRId64, json_int (p, "work_order_id", 0));
        snprintf (ticket, sizeof ticket, "%" PRId64, json_int (p, "ticket_id", 0));
        s_checklist_text (cJSON_GetObjectItemCaseSensitive (p, "checklist"), checklist, sizeof checklist);
        const char *row[] = { wo, ticket, json_str (p, "branch", ""), json_str (p, "level", ""),
                              json_str (p, "role", ""), json_str (p, "started_at", ""), checklist };
        tbl_add_row (tbl, row);
    }
    if (tbl_rows (tbl) == 0)
        printf ("nothing to sign\n");
    else
        tbl_print (tbl, stdout);
    rc = KCTL_OK;
cleanup:
    cJSON_Delete (body);
    cJSON_Delete (result);
    tbl_destroy (&tbl);
    return rc;
}

/*  "120 N·m" / "pass" / "pass, 2027-01-15T08:00:00Z..2027-01-16T08:00:00Z". */
static void s_reading_text (const cJSON *r, char *out, size_t size)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive (r, "value");
    int n = cJSON_IsNumber (v) ? snprintf (out, size, "%g %s", v->valuedouble, json_str (r, "unit", ""))
                               : snprintf (out, size, "%s", json_str (r, "result", ""));
    if (json_str (r, "started_at", NULL) && n >= 0 && (size_t) n < size)
        snprintf (out + n, size - (size_t) n, ", %s..%s", json_str (r, "started_at", ""), json_str (r, "read_at", ""));
}

/*  The record for people: a header line, the levels, the failure reports. */
static int s_print_record (const cJSON *rec)
{
    printf ("work order %" PRId64 " (ticket %" PRId64 ", %s), plan %s: %s\n", json_int (rec, "work_order_id", 0),
            json_int (rec, "ticket_id", 0), json_str (rec, "branch", ""), json_str (rec, "plan", ""),
            json_str (rec, "status", ""));
    static const char *const headers[] = { "level", "role", "status", "started", "signed by", "signed at",
                                           "readings" };
    tbl_t *tbl = tbl_new (7, headers);
    if (!tbl)
        return -1;
    const cJSON *l, *levels = cJSON_GetObjectItemCaseSensitive (rec, "levels");
    cJSON_ArrayForEach (l, levels)
    {
        char readings[1024] = "";
        size_t used = 0;
        const cJSON *r;
        cJSON_ArrayForEach (r, cJSON_GetObjectItemCaseSensitive (l, "items"))
        {
            char one[256];
            s_reading_text (r, one, sizeof one);
            int n = snprintf (readings + used, sizeof readings - used, "%s%s=%s", used ? ", " : "",
                              json_str (r, "item", ""), one);
            if (n < 0 || (size_t) n >= sizeof readings - used)
                break;
            used += (size_t) n;
        }
        const char *row[] = { json_str (l, "level", ""), json_str (l, "role", ""), json_str (l, "status", ""),
                              json_str (l, "started_at", ""), json_str (l, "signed_by", ""),
                              json_str (l, "signed_at", ""), readings };
        tbl_add_row (tbl, row);
    }
    tbl_print (tbl, stdout);
    tbl_destroy (&tbl);
    cJSON_ArrayForEach (l, levels)
    {
        const cJSON *f;
        cJSON_ArrayForEach (f, cJSON_GetObjectItemCaseSensitive (l, "failed_items"))
            printf ("failed at %s: %s: %s\n", json_str (l, "level", ""), json_str (f, "item", ""),
                    json_str (f, "reason", ""));
    }
    return 0;
}

static int s_show (kctl_t *k, int64_t wo)
{
    cJSON *body = cJSON_CreateObject (), *result = NULL;
    int rc = KCTL_FAILED;
    if (!body || !cJSON_AddNumberToObject (body, "work_order_id", (double) wo))
        fputs ("kefuctl inspect: out of memory\n", stderr);
    else if (kctl_ask (k, "inspect", CFG_SVC_QC, "inspection.get", body, &result) == 0)
        rc = (k->json ? kctl_print_json (result) : s_print_record (result)) == 0 ? KCTL_OK : KCTL_FAILED;
    cJSON_Delete (body);
    cJSON_Delete (result);
    return rc;
}

/*  What the signature did, in one line, from the record qc answered. */
static void s_print_signed (const cJSON *rec, const char *level)
{
    const cJSON *l, *next = NULL, *mine = NULL;
    cJSON_ArrayForEach (l, cJSON_GetObjectItemCaseSensitive (rec, "levels"))
    {
        if (strcmp (json_str (l, "level", ""), level) == 0)
            mine = l;
        if (strcmp (json_str (l, "status", ""), "pending") == 0)
            next = l;
    }
    const char *status = mine ? json_str (mine, "status", "") : "";
    printf ("work order %" PRId64 ": level %s %s", json_int (rec, "work_order_id", 0), level, status);
    if (strcmp (json_str (rec, "status", ""), "passed") == 0)
        printf ("; the work is accepted\n");
    else if (strcmp (status, "failed") == 0)
        printf ("; the work order goes back for rework\n");
    else
        printf ("%s%s%s\n", next ? "; next: " : "", next ? json_str (next, "level", "") : "",
                next ? "" : "");
    const cJSON *f;
    if (mine)
        cJSON_ArrayForEach (f, cJSON_GetObjectItemCaseSensitive (mine, "failed_items"))
            printf ("  %s: %s\n", json_str (f, "item", ""), json_str (f, "reason", ""));
}

static int s_sign (kctl_t *k, int64_t wo, const char *level, char **items, int n_items, const char *request_id)
{
    int rc = KCTL_FAILED;
    char id[KUUID_STR_LEN], err[512];
    cJSON *body = cJSON_CreateObject (), *list = body ? cJSON_AddArrayToObject (body, "items") : NULL, *result = NULL;
    if (!request_id && kuuid_new (id) != 0) {
        fputs ("kefuctl inspect: no random numbers for the request id\n", stderr);
        goto cleanup;
    }
    if (!list || !cJSON_AddNumberToObject (body, "work_order_id", (double) wo)
        || !cJSON_AddStringToObject (body, "level", level)
        || !cJSON_AddStringToObject (body, "request_id", request_id ? request_id : id)) {
        fputs ("kefuctl inspect: out of memory\n", stderr);
        goto cleanup;
    }
    for (int i = 0; i < n_items; i++) {
        cJSON *item = inspect_item_parse (items[i], err, sizeof err);
        if (!item) {
            fprintf (stderr, "kefuctl inspect sign: --item %s\n", err);
            rc = KCTL_USAGE;
            goto cleanup;
        }
        cJSON_AddItemToArray (list, item);
    }
    if (kctl_ask (k, "inspect", CFG_SVC_QC, "inspection.sign", body, &result) != 0)
        goto cleanup;
    if (k->json)
        rc = kctl_print_json (result) == 0 ? KCTL_OK : KCTL_FAILED;
    else {
        s_print_signed (result, level);
        rc = KCTL_OK;
    }
cleanup:
    cJSON_Delete (body);
    cJSON_Delete (result);
    return rc;
}

int cmd_inspect (kctl_t *k, int argc, char **argv)
{
    /* --item repeats, which args_parse refuses: taken out first */
    char *items[INSPECT_MAX_ITEMS], *rest[256];
    int n_items = 0, n_rest = 0;
    for (int i = 0; i < argc; i++) {
        const char *v = NULL;
        if (strcmp (argv[i], "--item") == 0) {
            if (i + 1 >= argc) {
                fputs ("kefuctl inspect: --item needs a value (NAME=READING)\n", stderr);
                return KCTL_USAGE;
            }
            v = argv[++i];
        }
        else if (strncmp (argv[i], "--item=", 7) == 0)
            v = argv[i] + 7;
        if (v) {
            if (n_items == INSPECT_MAX_ITEMS) {
                fprintf (stderr, "kefuctl inspect: at most %d --item\n", INSPECT_MAX_ITEMS);
                return KCTL_USAGE;
            }
            items[n_items++] = (char *) (uintptr_t) v;
        }
        else if (n_rest < 256)
            rest[n_rest++] = argv[i];
    }
    const char *request_id = NULL, *pos[3] = { NULL };
    const args_spec_t spec[] = { { "request-id", true, &request_id, NULL }, { NULL, false, NULL, NULL } };
    int npos = 0;
    if (args_parse ("inspect", KCTL_SPECS (k, spec), n_rest, rest, pos, 3, &npos) != 0)
        return KCTL_USAGE;
    if (k->help) {
        fputs (s_inspect_usage, stdout);
        return KCTL_OK;
    }
    int64_t wo = 0;
    bool show = npos == 2 && strcmp (pos[0], "show") == 0 && n_items == 0 && !request_id;
    bool sign = npos == 3 && strcmp (pos[0], "sign") == 0 && n_items > 0;
    if (!show && !sign) {
        fputs ("kefuctl inspect: expected `inspect show WORK_ORDER` or `inspect sign WORK_ORDER LEVEL --item "
               "NAME=READING ...` (kefuctl inspect --help)\n", stderr);
        return KCTL_USAGE;
    }
    if (args_int ("inspect", "work order", pos[1], 1, INSPECT_MAX_ID, &wo) != 0
        || (sign && args_text ("inspect", "level", pos[2], 64) != 0)
        || (request_id && args_text ("inspect", "--request-id", request_id, 64) != 0)
        || kctl_setup (k, "inspect") != 0)
        return KCTL_USAGE;
    return show ? s_show (k, wo) : s_sign (k, wo, pos[2], items, n_items, request_id);
}
