/*  answer — replies to responses (answer.h); CSV in csv.c. */
#include "answer.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/json.h"
#include "base/log.h"
#include "csv.h"

static const struct {
    const char *code;
    int status;
} s_codes[] = {
    { "invalid", 400 },  { "unauthenticated", 401 }, { "forbidden", 403 }, { "not_found", 404 },
    { "conflict", 409 }, { "rate_limited", 429 },    { "internal", 500 },  { "unavailable", 503 },
};

int gw_status_of_code (const char *code)
{
    for (size_t i = 0; code && i < sizeof s_codes / sizeof s_codes[0]; i++)
        if (strcmp (s_codes[i].code, code) == 0)
            return s_codes[i].status;
    return 500;
}

int gw_accepts_csv (const char *accept)
{
    for (const char *p = accept; p && *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t n = strcspn (p, ",;");
        while (n > 0 && p[n - 1] == ' ')
            n--;
        if (n == 8 && strncasecmp (p, "text/csv", 8) == 0)
            return 1;
        p += strcspn (p, ",");
    }
    return 0;
}

/*  Appends text to out (at *n, size outsize), percent-encoded: all but
 *  A-Z a-z 0-9 - _ . ~ and the characters of keep. Returns false when it
 *  does not fit (a cut link would name another page). */
static bool s_encode (const char *text, const char *keep, char *out, size_t *n, size_t outsize)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *) text; *p; p++) {
        if (*n + 4 > outsize)
            return false;
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')
            || strchr ("-_.~", *p) || strchr (keep, *p))
            out[(*n)++] = (char) *p;
        else {
            out[(*n)++] = '%';
            out[(*n)++] = hex[*p >> 4];
            out[(*n)++] = hex[*p & 15];
        }
    }
    out[*n] = '\0';
    return true;
}

static bool s_text (const char *text, char *out, size_t *n, size_t outsize)
{
    size_t len = strlen (text);
    if (*n + len + 1 > outsize)
        return false;
    memcpy (out + *n, text, len + 1);
    *n += len;
    return true;
}

/*  Link: <path?…&cursor=next>; rel="next": the same path (encoded again:
 *  it was decoded) and query with the cursor of the next page. */
static void s_link_next (const gw_request_t *req, const char *next, gw_response_t *resp)
{
    char link[4096];
    size_t n = 0;
    bool fits = s_text ("<", link, &n, sizeof link) && s_encode (req->path, "/", link, &n, sizeof link)
             && s_text ("?", link, &n, sizeof link);
    for (int i = 0; fits && i < req->n_query && i < GW_MAX_QUERY; i++) {
        if (strcmp (req->query[i].key, "cursor") == 0 || !req->query[i].value)
            continue;
        fits = s_encode (req->query[i].key, "", link, &n, sizeof link) && s_text ("=", link, &n, sizeof link)
            && s_encode (req->query[i].value, "", link, &n, sizeof link) && s_text ("&", link, &n, sizeof link);
    }
    fits = fits && s_text ("cursor=", link, &n, sizeof link) && s_encode (next, "", link, &n, sizeof link)
        && s_text (">; rel=\"next\"", link, &n, sizeof link);
    if (fits)
        gw_response_header (resp, "Link", link);
}

static void s_ok (const gw_match_t *m, const gw_request_t *req, const cJSON *result, gw_response_t *resp)
{
    int status = m->row->flags & GW_CREATED ? 201 : 200;
    if (m->row->csv && gw_accepts_csv (req->accept)) {
        if (gw_csv_of (m->row->csv, result, resp) == 0)
            resp->status = status;
        else {
            gw_response_error (resp, 500, "internal", "the reply could not be written as CSV");
            return; /* a failure has no next page */
        }
    }
    else
        gw_response_json (resp, status, result);
    const char *next = json_str (result, "next_cursor", NULL);
    if (next && *next)
        s_link_next (req, next, resp);
}

void gw_answer (const gw_match_t *m, const gw_request_t *req, const char *reply, size_t len,
                gw_response_t *resp)
{
    char err[160] = "";
    cJSON *doc = json_parse_strict (reply, len, err, sizeof err);
    const cJSON *ok = cJSON_GetObjectItemCaseSensitive (doc, "ok");
    const cJSON *result = cJSON_GetObjectItemCaseSensitive (doc, "result");
    const cJSON *error = cJSON_GetObjectItemCaseSensitive (doc, "error");
    const char *code = json_str (error, "code", NULL), *message = json_str (error, "message", NULL);
    if (cJSON_IsTrue (ok) && cJSON_IsObject (result))
        s_ok (m, req, result, resp);
    else if (cJSON_IsFalse (ok) && code && message)
        gw_response_error (resp, gw_status_of_code (code), code, "%s", message);
    else {
        log_kv (LOG_ERROR, "reply_malformed", "upstream", m->row->service, "request", m->row->request,
                "reason", doc ? "expected ok with result or error" : err, NULL);
        gw_response_error (resp, 500, "internal", "%s answered with a malformed reply", m->row->service);
    }
    cJSON_Delete (doc);
}
