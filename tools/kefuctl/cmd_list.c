/*  cmd_list — `kefuctl list`: tickets matching filters (ticket.list) as a
 *  table for people or raw JSON for scripts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "model/ticket.h"
#include "base/json.h"
#include "kctl.h"
#include "paging.h"
#include "table.h"

#define LIST_DESC_WIDTH 40

static const char s_list_usage[] =
    "usage: kefuctl list [--branch B] [--status S] [--kind K] [--customer C] [--limit N] [--cursor C]\n"
    "  status: open, unassigned, assigned, resolved, closed; limit 1-500 (default 50)\n" PAGING_USAGE;
static const char *const s_list_kinds[] = { "consultation", "repair", "installation", "complaint", "return", "suggestion", NULL };

/*  First present member among the names (contract names first, then
 *  spellings a reply may use). */
static const cJSON *s_list_field (const cJSON *obj, const char *a, const char *b)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive (obj, a);
    return v || !b ? v : cJSON_GetObjectItemCaseSensitive (obj, b);
}

int cmd_list (kctl_t *k, int argc, char **argv)
{
    const char *branch = NULL, *status = NULL, *kind = NULL, *customer = NULL, *limit = NULL, *cursor = NULL;
    const args_spec_t spec[] = {
        { "branch", true, &branch, NULL }, { "status", true, &status, NULL },
        { "kind", true, &kind, NULL },     { "customer", true, &customer, NULL },
        { "limit", true, &limit, NULL },   { "cursor", true, &cursor, NULL },
        { NULL, false, NULL, NULL },
    };
    int npos = 0;
    if (args_parse ("list", KCTL_SPECS (k, spec), argc, argv, NULL, 0, &npos) != 0)
        return KCTL_USAGE;
    if (k->help) {
        fputs (s_list_usage, stdout);
        return KCTL_OK;
    }
    int64_t lim = 0;
    if ((branch && args_text ("list", "--branch", branch, 64))
        || (status && args_enum ("list", "--status", status, ticket_state_names) < 0)
        || (kind && args_enum ("list", "--kind", kind, s_list_kinds) < 0)
        || (customer && args_text ("list", "--customer", customer, 64))
        || (limit && args_int ("list", "--limit", limit, 1, 500, &lim)) || paging_check ("list", cursor) != 0)
        return KCTL_USAGE;
    if (kctl_setup (k, "list") != 0)
        return KCTL_USAGE;

    int rc = KCTL_FAILED;
    cJSON *result = NULL;
    tbl_t *tbl = NULL;
    cJSON *body = cJSON_CreateObject ();
    if (!body || (branch && !cJSON_AddStringToObject (body, "branch", branch))
        || (status && !cJSON_AddStringToObject (body, "status", status))
        || (kind && !cJSON_AddStringToObject (body, "kind", kind))
        || (customer && !cJSON_AddStringToObject (body, "customer_id", customer))
        || (limit && !cJSON_AddNumberToObject (body, "limit", (double) lim)) || paging_add (body, cursor) != 0)
        goto cleanup;
    client_opts_t opts = kctl_client_opts (k, "list");
    char err[1024] = "";
    if (client_call (&opts, "ticket.list", body, &result, err, sizeof err) != CLIENT_OK) {
        fprintf (stderr, "kefuctl list: %s\n", err);
        goto cleanup;
    }
    if (k->json) {
        rc = kctl_print_json (result) == 0 ? KCTL_OK : KCTL_FAILED;
        goto cleanup;
    }
    const cJSON *tickets = cJSON_GetObjectItemCaseSensitive (result, "tickets");
    if (!cJSON_IsArray (tickets)) {
        fprintf (stderr, "kefuctl list: malformed reply from intake: expected \"tickets\" to be an array\n");
        goto cleanup;
    }
    const char *headers[] = { "id", "status", "kind", "channel", "priority", "branch", "customer", "created", "description" };
    tbl = tbl_new (9, headers);
    if (!tbl)
        goto cleanup;
    tbl_set_max_width (tbl, 8, LIST_DESC_WIDTH);
    const cJSON *t;
    cJSON_ArrayForEach (t, tickets)
    {
        const cJSON *src[9] = {
            s_list_field (t, "id", "ticket_id"), s_list_field (t, "status", NULL),
            s_list_field (t, "kind", NULL),      s_list_field (t, "channel", NULL),
            s_list_field (t, "priority", NULL),  s_list_field (t, "branch_id", "branch"),
            s_list_field (t, "customer_id", NULL), s_list_field (t, "created_at", NULL),
            s_list_field (t, "description", NULL),
        };
        char *cells[9];
        int added = -1;
        int c = 0;
        for (; c < 9; c++)
            if (!(cells[c] = kctl_value_text (src[c])))
                break;
        const char *cname = json_str (t, "customer_name", NULL);
        if (c == 9 && cname) {
            /* the customer column reads "C1001 王秀英" when the name came along */
            char *both = NULL;
            if (asprintf (&both, "%s %s", cells[6], cname) < 0)
                both = NULL;
            if (both) {
                free (cells[6]);
                cells[6] = both;
            }
        }
        if (c == 9)
            added = tbl_add_row (tbl, (const char *const *) cells);
        for (int i = 0; i < c; i++)
            free (cells[i]);
        if (added != 0)
            goto cleanup;
    }
    if (tbl_rows (tbl) == 0) {
        puts ("no tickets match");
        rc = KCTL_OK;
        goto cleanup;
    }
    rc = tbl_print (tbl, stdout) == 0 ? KCTL_OK : KCTL_FAILED;
    if (rc == KCTL_OK) {
        printf ("%d ticket%s\n", tbl_rows (tbl), tbl_rows (tbl) == 1 ? "" : "s");
        paging_print_next (result);
    }
cleanup:
    tbl_destroy (&tbl);
    cJSON_Delete (result);
    cJSON_Delete (body);
    return rc;
}
