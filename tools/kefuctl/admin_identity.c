/*  admin_identity — `kefuctl admin staff …` and `kefuctl admin tokens …`
 *  (docs/security.md): the operator's view of who may ask kefu anything.
 *  Tokens are made here, shown once, and stored only as their hash.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "auth/password.h"
#include "auth/token.h"
#include "base/clock.h"
#include "table.h"

#define S_MAX_LABEL 200
#define S_MAX_DAYS 3650

/*  "90d", "12h", "30m", "3600s" → microseconds. Returns 0 or -1 (printed). */
static int s_duration (const char *text, int64_t *us)
{
    char *end = NULL;
    errno = 0;
    long long n = strtoll (text, &end, 10);
    int64_t unit = 0;
    if (end && end != text && end[0] && !end[1])
        unit = end[0] == 'd' ? 86400 : end[0] == 'h' ? 3600 : end[0] == 'm' ? 60 : end[0] == 's' ? 1 : 0;
    if (errno || unit == 0 || n < 1 || n * unit > (long long) S_MAX_DAYS * 86400) {
        fprintf (stderr, "kefuctl admin tokens create: --expires-in: \"%s\" is not a duration such as "
                         "90d, 12h, 30m or 3600s (at most %d days)\n", text, S_MAX_DAYS);
        return -1;
    }
    *us = (int64_t) n * unit * 1000000;
    return 0;
}

static int s_tokens_create (kctl_t *k, int argc, char **argv)
{
    const char *staff = NULL, *account = NULL, *label = NULL, *expires_in = NULL;
    const args_spec_t spec[] = { { "staff", true, &staff, NULL },   { "account", true, &account, NULL },
                                 { "label", true, &label, NULL },   { "expires-in", true, &expires_in, NULL },
                                 { NULL, false, NULL, NULL } };
    int rc = admin_args (k, "tokens create", spec, argc, argv, NULL, 0, "--staff ID or --account ID");
    if (rc)
        return rc < 0 ? KCTL_OK : rc;
    if (!staff == !account) {
        fprintf (stderr, "kefuctl admin tokens create: give exactly one of --staff ID and --account ID\n");
        return KCTL_USAGE;
    }
    if (!label)
        label = "";
    if (strlen (label) > S_MAX_LABEL) {
        fprintf (stderr, "kefuctl admin tokens create: --label: longer than %d bytes\n", S_MAX_LABEL);
        return KCTL_USAGE;
    }
    int64_t ttl = 0;
    if (expires_in && s_duration (expires_in, &ttl) != 0)
        return KCTL_USAGE;
    char token[TOKEN_LEN + 1], hash[TOKEN_HASH_HEX], err[256], prefix[TOKEN_SHOWN + 1];
    if (token_make (token) != 0 || token_parse (token, strlen (token), hash, err, sizeof err) != 0) {
        fprintf (stderr, "kefuctl admin tokens create: cannot make a token (libsodium)\n");
        return KCTL_FAILED;
    }
    memcpy (prefix, token, TOKEN_SHOWN);
    prefix[TOKEN_SHOWN] = '\0';
    db_t *db = admin_connect (k, "tokens create");
    if (!db)
        return KCTL_FAILED;
    char now[32], expires[32];
    int64_t t = clock_now_us ();
    snprintf (now, sizeof now, "%lld", (long long) t);
    snprintf (expires, sizeof expires, "%lld", (long long) (t + ttl));
    const char *p[] = { hash, prefix, staff, account, label, now, expires_in ? expires : NULL };
    PGresult *res = db_exec (db,
                             "INSERT INTO auth.tokens (hash, prefix, staff_id, account_id, label, created_at, expires_at)"
                             " SELECT $1, $2, $3, $4, $5, to_timestamp($6::bigint / 1e6), to_timestamp($7::bigint / 1e6)"
                             " WHERE EXISTS (SELECT 1 FROM auth.staff WHERE id = $3 AND active)"
                             "    OR EXISTS (SELECT 1 FROM auth.service_accounts WHERE id = $4 AND active)"
                             " RETURNING id, " DB_EPOCH_US ("expires_at"),
                             7, p);
    rc = KCTL_FAILED;
    if (!res)
        fprintf (stderr, "kefuctl admin tokens create: %s\n", db_error (db));
    else if (PQntuples (res) != 1)
        fprintf (stderr, "kefuctl admin tokens create: no active %s \"%s\" (kefuctl admin staff list)\n",
                 staff ? "staff member" : "service account", staff ? staff : account);
    else {
        const char *id = PQgetvalue (res, 0, 0);
        char when[40] = "never";
        if (!PQgetisnull (res, 0, 1))
            clock_format_us (strtoll (PQgetvalue (res, 0, 1), NULL, 10), when, sizeof when);
        if (k->json)
            printf ("{\"id\":%s,\"token\":\"%s\",\"prefix\":\"%s\",\"expires_at\":%s%s%s}\n", id, token, prefix,
                    expires_in ? "\"" : "", expires_in ? when : "null", expires_in ? "\"" : "");
        else
            printf ("%s\ntoken %s for %s, expires %s: it is shown only now; keep it in a file only "
                    "you can read (KEFU_TOKEN_FILE)\n",
                    token, id, staff ? staff : account, when);
        rc = KCTL_OK;
    }
    PQclear (res);
    memset (token, 0, sizeof token); /* the token stays in memory no longer than needed */
    db_destroy (&db);
    return rc;
}

static int s_tokens_list (kctl_t *k, int argc, char **argv)
{
    const char *staff = NULL, *account = NULL;
    const args_spec_t spec[] = { { "staff", true, &staff, NULL }, { "account", true, &account, NULL },
                                 { NULL, false, NULL, NULL } };
    int rc = admin_args (k, "tokens list", spec, argc, argv, NULL, 0, "no arguments besides --staff, --account");
    if (rc)
        return rc < 0 ? KCTL_OK : rc;
    const char *p[] = { staff, account };
    return admin_query_print (k, "tokens list",
                          "SELECT id::text, prefix, coalesce(staff_id, account_id) AS holder, label,"
                          " to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS created_at,"
                          " coalesce(to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), 'never') AS expires_at,"
                          " coalesce(to_char(revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '') AS revoked_at"
                          " FROM auth.tokens WHERE ($1::text IS NULL OR staff_id = $1)"
                          " AND ($2::text IS NULL OR account_id = $2) ORDER BY id",
                          2, p, "tokens", "no tokens");
}

static int s_tokens_revoke (kctl_t *k, int argc, char **argv)
{
    const char *pos[1];
    const args_spec_t spec[] = { { NULL, false, NULL, NULL } };
    int rc = admin_args (k, "tokens revoke", spec, argc, argv, pos, 1, "the token id: kefuctl admin tokens revoke ID");
    if (rc)
        return rc < 0 ? KCTL_OK : rc;
    int64_t id;
    if (args_int ("admin tokens revoke", "token id", pos[0], 1, INT64_MAX, &id) != 0)
        return KCTL_USAGE;
    db_t *db = admin_connect (k, "tokens revoke");
    if (!db)
        return KCTL_FAILED;
    char now[32];
    snprintf (now, sizeof now, "%lld", (long long) clock_now_us ());
    const char *p[] = { pos[0], now };
    PGresult *res = db_exec (db,
                             "UPDATE auth.tokens SET revoked_at = coalesce(revoked_at, to_timestamp($2::bigint / 1e6))"
                             " WHERE id = $1::bigint RETURNING id",
                             2, p);
    rc = KCTL_FAILED;
    if (!res)
        fprintf (stderr, "kefuctl admin tokens revoke: %s\n", db_error (db));
    else if (PQntuples (res) == 0)
        fprintf (stderr, "kefuctl admin tokens revoke: no token %s (kefuctl admin tokens list)\n", pos[0]);
    else {
        printf (k->json ? "{\"revoked\":%s}\n" : "token %s revoked: every service refuses it within 2 s\n", pos[0]);
        rc = KCTL_OK;
    }
    PQclear (res);
    db_destroy (&db);
    return rc;
}

int admin_tokens (kctl_t *k, int argc, char **argv)
{
    const char *sub = argc > 0 ? argv[0] : "";
    if (strcmp (sub, "create") == 0)
        return s_tokens_create (k, argc - 1, argv + 1);
    if (strcmp (sub, "list") == 0)
        return s_tokens_list (k, argc - 1, argv + 1);
    if (strcmp (sub, "revoke") == 0)
        return s_tokens_revoke (k, argc - 1, argv + 1);
    fprintf (stderr, "kefuctl admin tokens: expected create, list or revoke\n");
    return KCTL_USAGE;
}

static int s_staff_list (kctl_t *k, int argc, char **argv)
{
    const args_spec_t spec[] = { { NULL, false, NULL, NULL } };
    int rc = admin_args (k, "staff list", spec, argc, argv, NULL, 0, "no arguments");
    if (rc)
        return rc < 0 ? KCTL_OK : rc;
    return admin_query_print (k, "staff list",
                          "SELECT id, name, place, coalesce(place_id, '') AS at,"
                          " array_to_string(roles, ',') AS roles, active::text,"
                          " (password_hash IS NOT NULL)::text AS password"
                          " FROM auth.staff ORDER BY id",
                          0, NULL, "staff", "no staff (kefuctl admin load ORG.yaml)");
}

/*  Reads one line (the password) from stdin, without its line break. */
static int s_read_password (char *out, size_t size)
{
    if (!fgets (out, (int) size, stdin))
        return -1;
    out[strcspn (out, "\r\n")] = '\0';
    return 0;
}

static int s_staff_password (kctl_t *k, int argc, char **argv)
{
    const char *pos[1];
    const args_spec_t spec[] = { { NULL, false, NULL, NULL } };
    int rc = admin_args (k, "staff password", spec, argc, argv, pos, 1,
                         "the staff id: kefuctl admin staff password ID < password-file");
    if (rc)
        return rc < 0 ? KCTL_OK : rc;
    char password[PASSWORD_MAX + 8] = "", hash[PASSWORD_HASH_MAX], err[128];
    if (s_read_password (password, sizeof password) != 0) {
        fprintf (stderr, "kefuctl admin staff password: give the password on standard input, one line\n");
        return KCTL_USAGE;
    }
    rc = password_hash (password, hash, err, sizeof err);
    memset (password, 0, sizeof password);
    if (rc != 0) {
        fprintf (stderr, "kefuctl admin staff password: %s\n", err);
        return KCTL_USAGE;
    }
    db_t *db = admin_connect (k, "staff password");
    if (!db)
        return KCTL_FAILED;
    const char *p[] = { pos[0], hash };
    PGresult *res = db_exec (db, "UPDATE auth.staff SET password_hash = $2, updated_at = now() WHERE id = $1 RETURNING id",
                             2, p);
    rc = KCTL_FAILED;
    if (!res)
        fprintf (stderr, "kefuctl admin staff password: %s\n", db_error (db));
    else if (PQntuples (res) == 0)
        fprintf (stderr, "kefuctl admin staff password: no staff member \"%s\" (kefuctl admin staff list)\n", pos[0]);
    else {
        printf (k->json ? "{\"password_set\":\"%s\"}\n" : "password of %s set (Argon2id)\n", pos[0]);
        rc = KCTL_OK;
    }
    PQclear (res);
    db_destroy (&db);
    return rc;
}

int admin_staff (kctl_t *k, int argc, char **argv)
{
    const char *sub = argc > 0 ? argv[0] : "";
    if (strcmp (sub, "list") == 0)
        return s_staff_list (k, argc - 1, argv + 1);
    if (strcmp (sub, "password") == 0)
        return s_staff_password (k, argc - 1, argv + 1);
    fprintf (stderr, "kefuctl admin staff: expected list or password\n");
    return KCTL_USAGE;
}
