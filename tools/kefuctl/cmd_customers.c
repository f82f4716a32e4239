/*  cmd_customers — see cmd_customers.h. */
#include "cmd_customers.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "table.h"

static const char s_customers_usage[] =
    "usage: kefuctl customers --phone P | --name N [--limit N] [--json]\n"
    "  Customers of your branches: by phone number (spaces and dashes do not matter)\n"
    "  or by name (its first characters, then anywhere in it). Phone and address in\n"
    "  full only if you may read contact data (each such read is audited).\n"
    "  --limit N   at most N (1..100, default 20)\n";

static const char s_screenpop_usage[] =
    "usage: kefuctl screenpop open PHONE [--json]\n"
    "       kefuctl screenpop show ID [--json]\n"
    "  open  what a phone system does on a call: stores the number for\n"
    "        intake.screenpop_seconds and prints the pop's id\n"
    "  show  the customers of the pop's number and their open tickets, or none\n";

/*  Asks intake and prints the result as JSON or through print. */
static int s_ask (kctl_t *k, const char *cmd, const char *request, cJSON *body, void (*print) (const cJSON *))
{
    cJSON *result = NULL;
    int rc = KCTL_FAILED;
    client_opts_t opts = kctl_client_opts (k, cmd);
    char err[1024] = "";
    if (!body)
        fprintf (stderr, "kefuctl %s: out of memory\n", cmd);
    else if (client_call (&opts, request, body, &result, err, sizeof err) != CLIENT_OK)
        fprintf (stderr, "kefuctl %s: %s\n", cmd, err);
    else
        rc = kctl_print_result (k, result, print);
    cJSON_Delete (body);
    cJSON_Delete (result);
    return rc;
}

static void s_print_customers (const cJSON *list)
{
    static const char *const headers[] = { "customer", "name", "phone", "branch", "region", "class", "address" };
    tbl_t *tbl = tbl_new (7, headers);
    if (!tbl)
        return;
    const cJSON *c;
    cJSON_ArrayForEach (c, list)
    {
        const char *row[] = { json_str (c, "id", ""),     json_str (c, "name", ""),  json_str (c, "phone", "-"),
                              json_str (c, "branch", "-"), json_str (c, "region", ""), json_str (c, "class", ""),
                              json_str (c, "address", "-") };
        tbl_add_row (tbl, row);
    }
    if (tbl_rows (tbl) == 0)
        printf ("no customer found\n");
    else
        tbl_print (tbl, stdout);
    tbl_destroy (&tbl);
}

static void s_print_found (const cJSON *r)
{
    s_print_customers (cJSON_GetObjectItemCaseSensitive (r, "customers"));
}

int cmd_customers (kctl_t *k, int argc, char **argv)
{
    const char *phone = NULL, *name = NULL, *limit = NULL;
    const args_spec_t spec[] = { { "phone", true, &phone, NULL },
                                 { "name", true, &name, NULL },
                                 { "limit", true, &limit, NULL },
                                 { NULL, false, NULL, NULL } };
    int npos = 0;
    int64_t n = 20;
    if (args_parse ("customers", KCTL_SPECS (k, spec), argc, argv, NULL, 0, &npos) != 0)
        return KCTL_USAGE;
    if (k->help) {
        fputs (s_customers_usage, stdout);
        return KCTL_OK;
    }
    if (!phone == !name) {
        fputs ("kefuctl customers: give --phone P or --name N (one of them)\n", stderr);
        return KCTL_USAGE;
    }
    if ((limit && args_int ("customers", "--limit", limit, 1, 100, &n) != 0)
        || (phone && args_text ("customers", "--phone", phone, 32) != 0)
        || (name && args_text ("customers", "--name", name, 256) != 0) || kctl_setup (k, "customers") != 0)
        return KCTL_USAGE;
    cJSON *body = cJSON_CreateObject ();
    if (body
        && (!cJSON_AddStringToObject (body, phone ? "phone" : "name", phone ? phone : name)
            || !cJSON_AddNumberToObject (body, "limit", (double) n)))
        cJSON_Delete (body), body = NULL;
    return s_ask (k, "customers", "customer.find", body, s_print_found);
}

static void s_print_opened (const cJSON *r)
{
    printf ("screen pop %s (until %s)\n", json_str (r, "id", ""), json_str (r, "expires_at", ""));
}

static void s_print_pop (const cJSON *r)
{
    const char *phone = json_str (r, "phone", NULL);
    printf ("caller: %s\n", phone ? phone : json_str (r, "phone_masked", ""));
    const cJSON *customers = cJSON_GetObjectItemCaseSensitive (r, "customers");
    if (cJSON_GetArraySize (customers) == 0) {
        printf ("no customer of your branches has this number: a new ticket (kefuctl submit --phone ...)\n");
        return;
    }
    s_print_customers (customers);
    static const char *const headers[] = { "ticket", "customer", "branch", "kind", "status", "created", "description" };
    tbl_t *tbl = tbl_new (7, headers);
    if (!tbl)
        return;
    tbl_set_max_width (tbl, 6, 40);
    const cJSON *t;
    cJSON_ArrayForEach (t, cJSON_GetObjectItemCaseSensitive (r, "open_tickets"))
    {
        char id[24];
        snprintf (id, sizeof id, "%" PRId64, json_int (t, "id", 0));
        const char *row[] = { id, json_str (t, "customer_id", ""), json_str (t, "branch", ""), json_str (t, "kind", ""),
                              json_str (t, "status", ""), json_str (t, "created_at", ""),
                              json_str (t, "description", "") };
        tbl_add_row (tbl, row);
    }
    if (tbl_rows (tbl) == 0)
        printf ("no open tickets\n");
    else {
        printf ("\n");
        tbl_print (tbl, stdout);
    }
    tbl_destroy (&tbl);
}

int cmd_screenpop (kctl_t *k, int argc, char **argv)
{
    const args_spec_t spec[] = { { NULL, false, NULL, NULL } };
    const char *pos[2] = { NULL, NULL };
    int npos = 0;
    if (args_parse ("screenpop", KCTL_SPECS (k, spec), argc, argv, pos, 2, &npos) != 0)
        return KCTL_USAGE;
    if (k->help) {
        fputs (s_screenpop_usage, stdout);
        return KCTL_OK;
    }
    bool open = npos == 2 && strcmp (pos[0], "open") == 0, show = npos == 2 && strcmp (pos[0], "show") == 0;
    if (!open && !show) {
        fputs (s_screenpop_usage, stderr);
        return KCTL_USAGE;
    }
    if (args_text ("screenpop", open ? "phone" : "id", pos[1], 64) != 0 || kctl_setup (k, "screenpop") != 0)
        return KCTL_USAGE;
    cJSON *body = cJSON_CreateObject ();
    if (body && !cJSON_AddStringToObject (body, open ? "phone" : "id", pos[1]))
        cJSON_Delete (body), body = NULL;
    return open ? s_ask (k, "screenpop", "screenpop.open", body, s_print_opened)
                : s_ask (k, "screenpop", "screenpop.get", body, s_print_pop);
}
