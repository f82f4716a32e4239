/*  read_util — see read_util.h. */
#include "read_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "svc/failure.h"

char *rdu_pg_array (const char *const *items, size_t n)
{
    size_t size = 3;
    for (size_t i = 0; i < n; i++)
        size += 2 * strlen (items[i]) + 3;
    char *out = malloc (size), *o = out;
    if (!out)
        return NULL;
    *o++ = '{';
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            *o++ = ',';
        *o++ = '"';
        for (const char *p = items[i]; *p; p++) {
            if (*p == '"' || *p == '\\')
                *o++ = '\\';
            *o++ = *p;
        }
        *o++ = '"';
    }
    *o++ = '}';
    *o = '\0';
    return out;
}

int rdu_scope (const svc_who_t *who, char **out)
{
    *out = NULL;
    if (!who->branches)
        return 0;
    *out = rdu_pg_array (who->branches, who->n_branches);
    return *out ? 0 : -1;
}

rpl_code_t rdu_ready (db_t *db, char *err, size_t errsize)
{
    if (!db) {
        snprintf (err, errsize, "request: dispatch has no database");
        return RPL_INTERNAL;
    }
    if (db_ensure (db) != 0)
        return svc_db_request_failure (db, "connecting", err, errsize);
    return RPL_OK;
}

rpl_code_t rdu_begin (db_t *db, const svc_who_t *who, char **scope, char *err, size_t errsize)
{
    *scope = NULL;
    rpl_code_t code = rdu_ready (db, err, errsize);
    if (code == RPL_OK && rdu_scope (who, scope) != 0)
        code = rdu_oom (err, errsize);
    return code;
}

rpl_code_t rdu_calendar_failure (db_t *db, const char *branch, const char *why, char *err, size_t errsize)
{
    if (!db_connected (db))
        return svc_db_request_failure (db, "reading the branch's calendar", err, errsize);
    log_kv (LOG_ERROR, "calendar_failed", "branch", branch, "reason", why, NULL);
    snprintf (err, errsize, "branch %s's calendar: %s", branch, why);
    return RPL_INTERNAL;
}

rpl_code_t rdu_oom (char *err, size_t errsize)
{
    snprintf (err, errsize, "out of memory");
    return RPL_INTERNAL;
}

bool rdu_add_time (cJSON *obj, const char *key, const char *us_text, bool is_null)
{
    if (is_null)
        return cJSON_AddNullToObject (obj, key) != NULL;
    char at[40];
    clock_format_us (strtoll (us_text, NULL, 10), at, sizeof at);
    return cJSON_AddStringToObject (obj, key, at) != NULL;
}

bool rdu_add_int (cJSON *obj, const char *key, const char *text, bool is_null)
{
    if (is_null)
        return cJSON_AddNullToObject (obj, key) != NULL;
    return cJSON_AddNumberToObject (obj, key, (double) strtoll (text, NULL, 10)) != NULL;
}

bool rdu_add_text (cJSON *obj, const char *key, const char *text, bool is_null)
{
    if (is_null)
        return cJSON_AddNullToObject (obj, key) != NULL;
    return cJSON_AddStringToObject (obj, key, text) != NULL;
}
