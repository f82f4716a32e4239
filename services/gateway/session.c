/*  session — see session.h. */
#include "session.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "auth/token.h"
#include "base/clock.h"
#include "base/log.h"
#include "login.h"
#include "session_store.h"

#define S_HOUR_US (INT64_C (3600) * 1000000)

char *gw_session_cookie (const char *token, bool tls, char *out, size_t size)
{
    snprintf (out, size, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s", GW_SESSION_COOKIE,
              token ? token : "", token ? "" : "; Max-Age=0", tls ? "; Secure" : "");
    return out;
}

static int s_cookie (gw_response_t *resp, const char *token, bool tls)
{
    char value[GW_SESSION_COOKIE_MAX];
    return gw_response_header (resp, "Set-Cookie", gw_session_cookie (token, tls, value, sizeof value));
}

/*  {staff, name, roles, branches, csrf, expires_at}: the body of POST's 201
 *  and GET's 200 (server.c marks every response Cache-Control: no-store). */
static int s_answer_who (gw_response_t *resp, int status, const gw_session_who_t *who,
                         const char *token)
{
    char csrf[GW_CSRF_LEN + 1], expires[40];
    gw_csrf_of (token, csrf);
    cJSON *body = cJSON_CreateObject ();
    cJSON *roles = cJSON_AddArrayToObject (body, "roles");
    cJSON *branches = cJSON_AddArrayToObject (body, "branches");
    bool ok = body && roles && branches && cJSON_AddStringToObject (body, "staff", who->staff)
              && cJSON_AddStringToObject (body, "name", who->name)
              && cJSON_AddStringToObject (body, "csrf", csrf)
              && cJSON_AddStringToObject (body, "expires_at",
                                          clock_format_us (who->expires_us, expires, sizeof expires));
    for (int i = 0; ok && i < who->n_roles; i++)
        ok = cJSON_AddItemToArray (roles, cJSON_CreateString (who->roles[i]));
    for (int i = 0; ok && i < who->n_branches; i++)
        ok = cJSON_AddItemToArray (branches, cJSON_CreateString (who->branches[i]));
    if (ok)
        ok = gw_response_json (resp, status, body) == 0;
    cJSON_Delete (body);
    if (!ok)
        gw_response_error (resp, 500, "internal", "session: out of memory");
    return ok ? 0 : -1;
}

static int s_unavailable (gw_response_t *resp)
{
    gw_response_error (resp, 503, "unavailable", "session: the database did not answer; try again");
    return resp->status;
}

/*  429 with the wait in Retry-After (gw_response_error sets 1 s). */
static int s_throttled (gw_response_t *resp, int64_t wait_s)
{
    gw_response_error (resp, 429, "rate_limited",
                       "log-in: too many failed attempts; try again in %lld s", (long long) wait_s);
    char value[24];
    snprintf (value, sizeof value, "%lld", (long long) wait_s);
    for (int i = 0; i < resp->n_headers; i++)
        if (strcmp (resp->headers[i].name, "Retry-After") == 0) {
            char *copy = strdup (value);
            if (copy) {
                free (resp->headers[i].value);
                resp->headers[i].value = copy;
            }
        }
    return resp->status;
}

static bool s_is_json (const char *content_type)
{
    static const char json[] = "application/json";
    return content_type && strncasecmp (content_type, json, sizeof json - 1) == 0
           && (content_type[sizeof json - 1] == '\0' || content_type[sizeof json - 1] == ';'
               || content_type[sizeof json - 1] == ' ');
}

/*  POST: the password checked by login.h's rules; a session on success. */
static int s_log_in (const gw_session_env_t *env, const gw_request_t *req, gw_response_t *resp)
{
    char err[256];
    gw_login_body_t body;
    if (!s_is_json (req->content_type)) {
        gw_response_error (resp, 400, "invalid", "Content-Type: expected application/json");
        return resp->status;
    }
    if (gw_login_parse (req->body, req->body_len, &body, err, sizeof err) != 0) {
        gw_response_error (resp, 400, "invalid", "%s", err);
        return resp->status;
    }
    const char *address = req->client_addr && *req->client_addr ? req->client_addr : "0.0.0.0";
    char *hash = NULL;
    gw_login_record_t record;
    int64_t now = clock_now_us ();
    if (gw_store_login_begin (body.staff, address, now, &hash, &record) != 0) {
        sodium_memzero (&body, sizeof body);
        return s_unavailable (resp);
    }
    /* not counted: over a limit (at least 1 s: the database counted one
     * failure at the window's very edge that the rule already lets go) */
    int64_t wait = 0;
    if (!record.counted) {
        wait = gw_login_retry_after_s (&record, now);
        wait = wait > 0 ? wait : 1;
    }
    gw_check_t check = wait ? GW_CHECK_WRONG : gw_login_check (hash, body.password);
    sodium_memzero (&body.password, sizeof body.password);
    bool exists = hash != NULL;
    free (hash);
    if (wait) {
        log_kv (LOG_DEBUG, "login_throttled", "address", address, NULL);
        return s_throttled (resp, wait);
    }
    if (check == GW_CHECK_BUSY) {
        log_kv (LOG_WARN, "login_busy", "reason", "every password check slot stayed busy", NULL);
        gw_response_error (resp, 503, "unavailable", "log-in: too many log-ins at once; try again");
        return resp->status;
    }
    if (check == GW_CHECK_WRONG) {
        /* the same answer, and the same work, for an unknown id and a wrong
         * password; the failure was written by login_begin */
        log_kv (LOG_INFO, "login_refused", "staff", exists ? body.staff : "(unknown)", "address", address, NULL);
        gw_response_error (resp, 401, "unauthenticated", "staff or password: not recognised");
        return resp->status;
    }
    char token[TOKEN_LEN + 1], token_hash[TOKEN_HASH_HEX], prefix[TOKEN_SHOWN + 1];
    if (token_make (token) != 0 || token_parse (token, strlen (token), token_hash, err, sizeof err) != 0) {
        gw_response_error (resp, 500, "internal", "log-in: cannot make a token");
        return resp->status;
    }
    memcpy (prefix, token, TOKEN_SHOWN);
    prefix[TOKEN_SHOWN] = '\0';
    int hours = env->config->session_hours;
    gw_session_who_t who;
    bool opened = false;
    int rc = gw_store_session_open (body.staff, token_hash, prefix, address, now,
                                    now + (int64_t) hours * S_HOUR_US, &who, &opened);
    if (rc == 0 && opened) {
        log_kv (LOG_INFO, "login", "staff", body.staff, "address", address, "token", prefix, NULL);
        if (s_answer_who (resp, 201, &who, token) == 0)
            s_cookie (resp, token, req->tls);
    }
    else if (rc == 0)
        gw_response_error (resp, 401, "unauthenticated", "staff or password: not recognised");
    else
        s_unavailable (resp);
    sodium_memzero (token, sizeof token);
    return resp->status;
}

/*  The session's token from the request (cookie or bearer; CSRF checked
 *  for DELETE by auth.h) and its hash. Returns 0, or the status set. */
static int s_token (const gw_request_t *req, gw_response_t *resp, char *token, char *token_hash)
{
    int status = gw_auth_token (req, token, GW_TOKEN_MAX + 1, resp);
    if (status != 0)
        return status;
    char err[128];
    if (token_parse (token, strlen (token), token_hash, err, sizeof err) != 0) {
        gw_response_error (resp, 401, "unauthenticated", "%s", err);
        return resp->status;
    }
    return 0;
}

int gw_session_handle (const gw_session_env_t *env, const gw_request_t *req, gw_response_t *resp)
{
    bool post = strcmp (req->method, "POST") == 0, get = strcmp (req->method, "GET") == 0;
    bool del = strcmp (req->method, "DELETE") == 0;
    if (!post && !get && !del) {
        gw_response_error (resp, 405, "method_not_allowed", "%s: %s is not allowed (GET, HEAD, POST, DELETE)",
                           req->path, req->method);
        gw_response_header (resp, "Allow", "GET, HEAD, POST, DELETE");
        return resp->status;
    }
    if (gw_store_start (env->cfg) != 0) {
        gw_response_error (resp, 500, "internal", "session: out of memory");
        return resp->status;
    }
    if (post)
        return s_log_in (env, req, resp);
    char token[GW_TOKEN_MAX + 1], token_hash[TOKEN_HASH_HEX];
    if (s_token (req, resp, token, token_hash) != 0)
        return resp->status;
    int64_t now = clock_now_us ();
    if (get) {
        gw_session_who_t who;
        bool found = false;
        if (gw_store_session_who (token_hash, now, &who, &found) != 0)
            return s_unavailable (resp);
        if (!found)
            gw_response_error (resp, 401, "unauthenticated",
                               "session: not logged in (logged out, expired, or not a session's token)");
        else
            s_answer_who (resp, 200, &who, token);
        return resp->status;
    }
    if (gw_store_session_close (token_hash, now) != 0)
        return s_unavailable (resp);
    gw_response_clear (resp);
    resp->status = 204;
    s_cookie (resp, NULL, req->tls);
    return resp->status;
}
