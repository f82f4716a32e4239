/*  session_store — see session_store.h. */
#include "session_store.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "gw_db.h"

/*  Two pools: log-ins have their own connections, so that a flood of
 *  session reads (any well-formed token makes one query) cannot take them;
 *  such a flood only makes the reads wait and answer 503. */
#define S_LOGIN_POOL_SIZE 4
#define S_READ_POOL_SIZE 2
#define S_WAIT_MS 2000

static const gw_db_statement_t s_login_statements[] = {
    {"gw_login_begin",
     "SELECT password_hash, known, account_times, address_times, pair_times, attempt"
     "  FROM auth.login_begin($1, $2::inet, to_timestamp($3::bigint / 1e6),"
     "                        to_timestamp($4::bigint / 1e6), to_timestamp($5::bigint / 1e6),"
     "                        $6::int, $7::int, $8::int, $9::int)"},
    {"gw_session_open", "SELECT staff, name, roles, branches FROM auth.session_open($1, $2, $3, $4::inet,"
                        " to_timestamp($5::bigint / 1e6), to_timestamp($6::bigint / 1e6))"},
    {NULL, NULL},
};

static const gw_db_statement_t s_read_statements[] = {
    {"gw_session_who", "SELECT staff, name, roles, branches, expires_us"
                       "  FROM auth.session_who($1, to_timestamp($2::bigint / 1e6))"},
    {"gw_session_close", "SELECT auth.session_close($1, to_timestamp($2::bigint / 1e6))"},
    {"gw_token_open", "SELECT auth.token_open($1, to_timestamp($2::bigint / 1e6))"},
    {NULL, NULL},
};

static pthread_mutex_t s_lock = PTHREAD_MUTEX_INITIALIZER;
static gw_db_t *s_login_pool, *s_read_pool;

int gw_store_start (const cfg_t *cfg)
{
    pthread_mutex_lock (&s_lock);
    if (!s_login_pool || !s_read_pool) {
        char role[128];
        snprintf (role, sizeof role, "%sgateway", cfg->db_role_prefix ? cfg->db_role_prefix : "kefu_");
        char *conninfo = cfg_conninfo_for (cfg, role, "kefu-gateway");
        if (conninfo && !s_login_pool)
            s_login_pool = gw_db_new (conninfo, S_LOGIN_POOL_SIZE, s_login_statements);
        if (conninfo && !s_read_pool)
            s_read_pool = gw_db_new (conninfo, S_READ_POOL_SIZE, s_read_statements);
        free (conninfo);
    }
    int rc = s_login_pool && s_read_pool ? 0 : -1;
    pthread_mutex_unlock (&s_lock);
    return rc;
}

/*  Runs one statement on a connection borrowed from pool. Returns the
 *  result (caller PQclears) or NULL, logged. */
static PGresult *s_run (gw_db_t *pool, const char *name, int n, const char *const *params)
{
    db_t *db = pool ? gw_db_borrow (pool, S_WAIT_MS) : NULL;
    if (!db)
        return NULL;
    PGresult *res = db_exec_prepared (db, name, n, params);
    if (!res)
        log_kv (LOG_WARN, "gateway_db_failed", "statement", name, "reason", db_error (db), NULL);
    gw_db_return (pool, &db);
    return res;
}

/*  "{1,2,3}" (a bigint[]) into times, at most max. */
static int s_times (const char *text, int64_t *times, int max)
{
    int n = 0;
    for (const char *p = text; *p && n < max;) {
        if (*p < '0' || *p > '9') {
            p++;
            continue;
        }
        char *end;
        times[n++] = strtoll (p, &end, 10);
        p = end;
    }
    return n;
}

/*  "{a,b}" (a text[] of identifiers: no quoting) into list; NULL: none. */
static int s_list (const char *text, char list[][GW_ID_MAX], int max)
{
    int n = 0;
    const char *p = text && *text == '{' ? text + 1 : "";
    while (*p && *p != '}' && n < max) {
        size_t len = strcspn (p, ",}");
        if (len > 0 && len < GW_ID_MAX) {
            memcpy (list[n], p, len);
            list[n++][len] = '\0';
        }
        p += len;
        if (*p == ',')
            p++;
    }
    return n;
}

static void s_who (const PGresult *res, gw_session_who_t *who)
{
    memset (who, 0, sizeof *who);
    snprintf (who->staff, sizeof who->staff, "%s", PQgetvalue (res, 0, 0));
    snprintf (who->name, sizeof who->name, "%s", PQgetvalue (res, 0, 1));
    who->n_roles = s_list (PQgetvalue (res, 0, 2), who->roles, GW_LIST_MAX);
    if (!PQgetisnull (res, 0, 3))
        who->n_branches = s_list (PQgetvalue (res, 0, 3), who->branches, GW_LIST_MAX);
}

int gw_store_login_begin (const char *staff, const char *address, int64_t now_us, char **hash,
                          gw_login_record_t *record)
{
    char now[24], since[24], known_since[24], max[8], account[8], by_address[8], pair[8];
    snprintf (now, sizeof now, "%" PRId64, now_us);
    snprintf (since, sizeof since, "%" PRId64, now_us - (int64_t) GW_LOGIN_WINDOW_S * 1000000);
    snprintf (known_since, sizeof known_since, "%" PRId64,
              now_us - (int64_t) GW_LOGIN_KNOWN_DAYS * 86400 * 1000000);
    snprintf (max, sizeof max, "%d", GW_LOGIN_TIMES_MAX);
    snprintf (account, sizeof account, "%d", GW_LOGIN_ACCOUNT_LIMIT);
    snprintf (by_address, sizeof by_address, "%d", GW_LOGIN_ADDRESS_LIMIT);
    snprintf (pair, sizeof pair, "%d", GW_LOGIN_PAIR_LIMIT);
    const char *params[] = {staff, address, now, since, known_since, max, account, by_address, pair};
    *hash = NULL;
    memset (record, 0, sizeof *record);
    PGresult *res = s_run (s_login_pool, "gw_login_begin", 9, params);
    if (!res)
        return -1;
    int rc = -1;
    if (PQntuples (res) == 1) {
        if (!PQgetisnull (res, 0, 0) && !(*hash = strdup (PQgetvalue (res, 0, 0))))
            goto cleanup;
        record->known = strcmp (PQgetvalue (res, 0, 1), "t") == 0;
        record->n_account = s_times (PQgetvalue (res, 0, 2), record->account, GW_LOGIN_TIMES_MAX);
        record->n_address = s_times (PQgetvalue (res, 0, 3), record->address, GW_LOGIN_TIMES_MAX);
        record->n_pair = s_times (PQgetvalue (res, 0, 4), record->pair, GW_LOGIN_TIMES_MAX);
        record->counted = !PQgetisnull (res, 0, 5);
        rc = 0;
    }
cleanup:
    PQclear (res);
    return rc;
}

int gw_store_session_open (const char *staff, const char *token_hash, const char *prefix, const char *address,
                           int64_t now_us, int64_t expires_us, gw_session_who_t *who, bool *opened)
{
    char now[24], expires[24];
    snprintf (now, sizeof now, "%" PRId64, now_us);
    snprintf (expires, sizeof expires, "%" PRId64, expires_us);
    const char *params[] = {staff, token_hash, prefix, address, now, expires};
    PGresult *res = s_run (s_login_pool, "gw_session_open", 6, params);
    if (!res)
        return -1;
    *opened = PQntuples (res) == 1;
    if (*opened) {
        s_who (res, who);
        who->expires_us = expires_us;
    }
    PQclear (res);
    return 0;
}

int gw_store_session_who (const char *token_hash, int64_t now_us, gw_session_who_t *who, bool *found)
{
    char now[24];
    snprintf (now, sizeof now, "%" PRId64, now_us);
    const char *params[] = {token_hash, now};
    PGresult *res = s_run (s_read_pool, "gw_session_who", 2, params);
    if (!res)
        return -1;
    *found = PQntuples (res) == 1;
    if (*found) {
        s_who (res, who);
        who->expires_us = strtoll (PQgetvalue (res, 0, 4), NULL, 10);
    }
    PQclear (res);
    return 0;
}

int gw_store_session_close (const char *token_hash, int64_t now_us)
{
    char now[24];
    snprintf (now, sizeof now, "%" PRId64, now_us);
    const char *params[] = {token_hash, now};
    PGresult *res = s_run (s_read_pool, "gw_session_close", 2, params);
    PQclear (res);
    return res ? 0 : -1;
}

int gw_store_token_open (const char *token_hash, int64_t now_us, bool *open)
{
    char now[24];
    snprintf (now, sizeof now, "%" PRId64, now_us);
    const char *params[] = {token_hash, now};
    PGresult *res = s_run (s_read_pool, "gw_token_open", 2, params);
    if (!res)
        return -1;
    *open = PQntuples (res) == 1 && strcmp (PQgetvalue (res, 0, 0), "t") == 0;
    PQclear (res);
    return 0;
}
