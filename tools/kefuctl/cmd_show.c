/*  cmd_show — `kefuctl show ID`: one ticket with its fields and its whole
 *  history (ticket.get), as "key: value" lines and a table, or raw JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "base/json.h"
#include "kctl.h"
#include "table.h"

#define SHOW_DETAIL_WIDTH 90
#define SHOW_MAX_TICKET_ID 9007199254740991LL /* largest integer JSON carries exactly */

static const char s_show_usage[] = "usage: kefuctl show TICKET_ID   (the ticket and its whole history)\n";

/*  Prints the members of obj as aligned "key: value" lines; nested objects
 *  are flattened with dotted keys ("customer.name"). */
static void s_show_fields (const cJSON *obj, const char *prefix, int keywidth)
{
    const cJSON *it;
    cJSON_ArrayForEach (it, obj)
    {
        char key[128];
        snprintf (key, sizeof key, "%s%s", prefix, it->string ? it->string : "?");
        if (cJSON_IsObject (it)) {
            char sub[130];
            snprintf (sub, sizeof sub, "%s.", key);
            s_show_fields (it, sub, keywidth);
            continue;
        }
        char *v = kctl_value_text (it);
        char *clean = tbl_clean (v, 0);
        printf ("%-*s  %s\n", keywidth, key, clean ? clean : "");
        free (clean);
        free (v);
    }
}

/*  Widest flattened key, for alignment. */
static int s_show_keywidth (const cJSON *obj, int prefix_len)
{
    int w = 0;
    const cJSON *it;
    cJSON_ArrayForEach (it, obj)
    {
        int len = prefix_len + (it->string ? (int) strlen (it->string) : 1);
        if (cJSON_IsObject (it))
            len = s_show_keywidth (it, len + 1);
        if (len > w)
            w = len;
    }
    return w;
}

/*  Appends "key=value" pairs of obj to *out (growing it), nested objects
 *  flattened with dotted keys ("technician.name=王建国"). Returns 0 or -1. */
static int s_show_pairs (const cJSON *obj, const char *prefix, char **out, size_t *len, size_t *cap)
{
    const cJSON *it;
    cJSON_ArrayForEach (it, obj)
    {
        char key[128];
        snprintf (key, sizeof key, "%s%s", prefix, it->string ? it->string : "");
        /* ids of the plumbing are in --json; the summary is for people */
        if (strcmp (key, "message_id") == 0 || strcmp (key, "request_id") == 0)
            continue;
        if (cJSON_IsObject (it)) {
            char sub[130];
            snprintf (sub, sizeof sub, "%s.", key);
            if (s_show_pairs (it, sub, out, len, cap) != 0)
                return -1;
            continue;
        }
        char *v = kctl_value_text (it);
        if (!v)
            return -1;
        size_t need = *len + strlen (key) + strlen (v) + 4;
        if (need > *cap) {
            char *bigger = realloc (*out, need * 2);
            if (!bigger) {
                free (v);
                return -1;
            }
            *out = bigger;
            *cap = need * 2;
        }
        *len += (size_t) sprintf (*out + *len, "%s%s=%s", *len ? ", " : "", key, v);
        free (v);
    }
    return 0;
}

/*  "k=v, k=v" summary of a history entry's detail. Caller frees. */
static char *s_show_detail (const cJSON *detail)
{
    if (!cJSON_IsObject (detail))
        return kctl_value_text (detail);
    size_t cap = 256, len = 0;
    char *out = malloc (cap);
    if (!out)
        return NULL;
    out[0] = '\0';
    if (s_show_pairs (detail, "", &out, &len, &cap) != 0) {
        free (out);
        return NULL;
    }
    return out;
}

/*  The three-repairs rule's flag as one line for the agent:
 *  "replace: fault E03 repaired 3 times within warranty (work orders 4, 9, 14)". */
static void s_show_replacement (const cJSON *r)
{
    if (!cJSON_IsObject (r))
        return;
    printf ("replace: fault %s repaired %lld times within warranty (work orders", json_str (r, "fault", "?"),
            (long long) json_int (r, "repairs", 0));
    const cJSON *wo;
    const char *sep = " ";
    cJSON_ArrayForEach (wo, cJSON_GetObjectItemCaseSensitive (r, "work_orders"))
    {
        printf ("%s%lld", sep, (long long) wo->valuedouble);
        sep = ", ";
    }
    printf (")\n");
}

int cmd_show (kctl_t *k, int argc, char **argv)
{
    const char *pos[1];
    int npos = 0;
    const args_spec_t spec[] = { { NULL, false, NULL, NULL } };
    if (args_parse ("show", KCTL_SPECS (k, spec), argc, argv, pos, 1, &npos) != 0)
        return KCTL_USAGE;
    if (k->help) {
        fputs (s_show_usage, stdout);
        return KCTL_OK;
    }
    if (npos != 1) {
        fprintf (stderr, "kefuctl show: the ticket id is missing (expected: kefuctl show TICKET_ID)\n");
        return KCTL_USAGE;
    }
    int64_t id;
    if (args_int ("show", "ticket id", pos[0], 1, SHOW_MAX_TICKET_ID, &id) != 0)
        return KCTL_USAGE;
    if (kctl_setup (k, "show") != 0)
        return KCTL_USAGE;

    int rc = KCTL_FAILED;
    cJSON *result = NULL;
    tbl_t *tbl = NULL;
    cJSON *body = cJSON_CreateObject ();
    if (!body || !cJSON_AddNumberToObject (body, "ticket_id", (double) id))
        goto cleanup;
    client_opts_t opts = kctl_client_opts (k, "show");
    char err[1024] = "";
    if (client_call (&opts, "ticket.get", body, &result, err, sizeof err) != CLIENT_OK) {
        fprintf (stderr, "kefuctl show: %s\n", err);
        goto cleanup;
    }
    if (k->json) {
        rc = kctl_print_json (result) == 0 ? KCTL_OK : KCTL_FAILED;
        goto cleanup;
    }
    const cJSON *ticket = cJSON_GetObjectItemCaseSensitive (result, "ticket");
    const cJSON *history = cJSON_GetObjectItemCaseSensitive (result, "history");
    if (!cJSON_IsObject (ticket) || !cJSON_IsArray (history)) {
        fprintf (stderr, "kefuctl show: malformed reply from intake: expected \"ticket\" and \"history\"\n");
        goto cleanup;
    }
    printf ("ticket %lld\n", (long long) id);
    s_show_fields (ticket, "", s_show_keywidth (ticket, 0));
    s_show_replacement (cJSON_GetObjectItemCaseSensitive (ticket, "replacement"));
    const char *headers[] = { "at", "event", "actor", "detail" };
    tbl = tbl_new (4, headers);
    if (!tbl)
        goto cleanup;
    tbl_set_max_width (tbl, 3, SHOW_DETAIL_WIDTH);
    const cJSON *h;
    cJSON_ArrayForEach (h, history)
    {
        char *detail = s_show_detail (cJSON_GetObjectItemCaseSensitive (h, "detail"));
        const char *cells[] = { json_str (h, "at", ""), json_str (h, "event", ""), json_str (h, "actor", ""),
                                detail ? detail : "" };
        int added = tbl_add_row (tbl, cells);
        free (detail);
        if (added != 0)
            goto cleanup;
    }
    printf ("\nhistory (%d event%s)\n", tbl_rows (tbl), tbl_rows (tbl) == 1 ? "" : "s");
    rc = tbl_print (tbl, stdout) == 0 ? KCTL_OK : KCTL_FAILED;
cleanup:
    tbl_destroy (&tbl);
    cJSON_Delete (result);
    cJSON_Delete (body);
    return rc;
}
