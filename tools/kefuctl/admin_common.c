/*  admin_common — what every `kefuctl admin` command shares (admin.h): the
 *  usage text, option parsing, the owner's connection, running a statement
 *  and printing rows. Kept apart so that each command's file depends on
 *  this one and nothing depends back on a command's file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "base/json.h"
#include "table.h"

const char admin_usage[] =
    "usage: kefuctl admin migrate\n"
    "       kefuctl admin load ORG.yaml\n"
    "       kefuctl admin dead-letters [--service S]\n"
    "       kefuctl admin requeue SERVICE OUTBOX_ID\n"
    "       kefuctl admin wait-ready [--services a,b] [--timeout-ms N]\n"
    "       kefuctl admin check-config [FILE]\n"
    "       kefuctl admin staff list | password STAFF_ID\n"
    "       kefuctl admin tokens create (--staff ID | --account ID) [--label TEXT] [--expires-in 90d]\n"
    "       kefuctl admin tokens list [--staff ID | --account ID] | revoke TOKEN_ID\n"
    "       kefuctl admin audit [--customer ID] [--staff ID] [--limit N]\n"
    "       kefuctl admin keys [--dir DIR] [NAME…]\n";

db_t *admin_connect (const kctl_t *k, const char *cmd)
{
    char what[64];
    snprintf (what, sizeof what, "admin %s", cmd);
    return kctl_db_connect (k, what, "kefu_owner");
}

/*  Parses options + exactly `want` positionals and sets up. Returns
 *  KCTL_OK to continue, or the exit code (help printed counts as done: -1). */
int admin_args (kctl_t *k, const char *cmd, const args_spec_t *spec, int argc, char **argv,
                         const char **pos, int want, const char *what)
{
    int npos = 0;
    char full[64];
    snprintf (full, sizeof full, "admin %s", cmd);
    if (args_parse (full, KCTL_SPECS (k, spec), argc, argv, pos, want, &npos) != 0)
        return KCTL_USAGE;
    if (k->help) {
        fputs (admin_usage, stdout);
        return -1;
    }
    if (npos != want) {
        fprintf (stderr, "kefuctl admin %s: expected %s\n", cmd, what);
        return KCTL_USAGE;
    }
    return kctl_setup (k, full) == 0 ? KCTL_OK : KCTL_USAGE;
}

int admin_exec (db_t *db, char *err, size_t errsize, const char *what, const char *sql, int n,
                const char *const *params)
{
    PGresult *res = db_exec (db, sql, n, params);
    if (!res) {
        snprintf (err, errsize, "%s: %s", what, db_error (db));
        return -1;
    }
    PQclear (res);
    return 0;
}

char *admin_json_array (char *const *items, int n)
{
    cJSON *arr = cJSON_CreateArray ();
    char *text = NULL;
    if (!arr)
        return NULL;
    for (int i = 0; i < n; i++)
        if (!cJSON_AddItemToArray (arr, cJSON_CreateString (items[i])))
            goto cleanup;
    text = json_print (arr);
cleanup:
    cJSON_Delete (arr);
    return text;
}

int admin_print_rows (const kctl_t *k, PGresult *res, const char *key, const char *empty)
{
    int ncols = PQnfields (res);
    const char *headers[16];
    if (ncols > 16)
        return KCTL_FAILED;
    for (int c = 0; c < ncols; c++)
        headers[c] = PQfname (res, c);
    if (k->json) {
        cJSON *wrap = cJSON_CreateObject ();
        cJSON *rows = wrap ? cJSON_AddArrayToObject (wrap, key) : NULL;
        for (int r = 0; rows && r < PQntuples (res); r++) {
            cJSON *o = cJSON_CreateObject ();
            if (!o || !cJSON_AddItemToArray (rows, o))
                rows = NULL;
            for (int c = 0; rows && c < ncols; c++)
                if (PQgetisnull (res, r, c) ? !cJSON_AddNullToObject (o, headers[c])
                                            : !cJSON_AddStringToObject (o, headers[c], PQgetvalue (res, r, c)))
                    rows = NULL;
        }
        int rc = rows && kctl_print_json (wrap) == 0 ? KCTL_OK : KCTL_FAILED;
        cJSON_Delete (wrap);
        return rc;
    }
    if (PQntuples (res) == 0) {
        printf ("%s\n", empty);
        return KCTL_OK;
    }
    tbl_t *tbl = tbl_new (ncols, headers);
    int rc = tbl ? KCTL_OK : KCTL_FAILED;
    for (int r = 0; rc == KCTL_OK && r < PQntuples (res); r++) {
        const char *cells[16];
        for (int c = 0; c < ncols; c++)
            cells[c] = PQgetvalue (res, r, c);
        if (tbl_add_row (tbl, cells) != 0)
            rc = KCTL_FAILED;
    }
    if (rc == KCTL_OK)
        tbl_print (tbl, stdout);
    tbl_destroy (&tbl);
    return rc;
}

int admin_query_print (kctl_t *k, const char *cmd, const char *sql, int n, const char *const *p,
                       const char *key, const char *empty)
{
    db_t *db = admin_connect (k, cmd);
    if (!db)
        return KCTL_FAILED;
    PGresult *res = db_exec (db, sql, n, p);
    int rc = KCTL_FAILED;
    if (!res)
        fprintf (stderr, "kefuctl admin %s: %s\n", cmd, db_error (db));
    else
        rc = admin_print_rows (k, res, key, empty);
    PQclear (res);
    db_destroy (&db);
    return rc;
}
