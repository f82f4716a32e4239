/*  build — an HTTP request's fields into a request body (build.h). */
#include "build.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/json.h"

/*  Integers up to 2^53 - 1 either way: exact in a JSON number. */
#define S_INT_MAX 9007199254740991LL

int gw_is_json_type (const char *ct)
{
    if (!ct)
        return 0;
    while (*ct == ' ')
        ct++;
    size_t n = strcspn (ct, "; ");
    return n == 16 && strncasecmp (ct, "application/json", 16) == 0;
}

/*  How many bytes of text, at most max, end on a whole UTF-8 character:
 *  a name quoted in a message is cut there, never inside a character. */
static int s_clip (const char *text, size_t max)
{
    size_t n = strnlen (text, max);
    if (text[n] != '\0')
        while (n > 0 && ((unsigned char) text[n] & 0xC0) == 0x80)
            n--;
    return (int) n;
}

static int s_invalid (gw_response_t *resp, const char *what, const char *why)
{
    gw_response_error (resp, 400, "invalid", "%s: %s", what, why);
    return 400;
}

/*  The text of a path field or query value as the schema's type. Returns
 *  the item, or NULL with why set. */
static cJSON *s_typed (gw_field_type_t type, const char *text, const char **why)
{
    if (type == GW_FIELD_INTEGER) {
        const char *p = text + (text[0] == '-');
        size_t n = strlen (p);
        if (n == 0 || n > 16 || strspn (p, "0123456789") != n) {
            *why = "expected an integer";
            return NULL;
        }
        long long v = strtoll (text, NULL, 10);
        if (v > S_INT_MAX || v < -S_INT_MAX) {
            *why = "integer out of range";
            return NULL;
        }
        return cJSON_CreateNumber ((double) v);
    }
    if (type == GW_FIELD_BOOLEAN) {
        if (strcmp (text, "true") == 0 || strcmp (text, "false") == 0)
            return cJSON_CreateBool (text[0] == 't');
        *why = "expected true or false";
        return NULL;
    }
    if (type == GW_FIELD_STRING || type == GW_FIELD_UNKNOWN) {
        if (!json_utf8_valid (text, strlen (text), NULL)) {
            *why = "not valid UTF-8";
            return NULL;
        }
        return cJSON_CreateString (text);
    }
    *why = "cannot be given in the URL (send it in a JSON body)";
    return NULL;
}

/*  Sets body[name] = item (taken), refusing a different value already there. */
static int s_put (cJSON *body, const char *name, cJSON *item, const char *what, gw_response_t *resp)
{
    if (!item)
        return s_invalid (resp, what, "out of memory");
    const cJSON *had = cJSON_GetObjectItemCaseSensitive (body, name);
    if (had) {
        bool same = cJSON_Compare (had, item, true);
        cJSON_Delete (item);
        if (same)
            return 0;
        char why[120];
        snprintf (why, sizeof why, "differs from the body's \"%.*s\"", s_clip (name, 40), name);
        return s_invalid (resp, what, why);
    }
    cJSON_AddItemToObject (body, name, item);
    return 0;
}

static int s_body (const gw_match_t *m, const gw_request_t *req, cJSON **body_p, gw_response_t *resp)
{
    if (req->body_len == 0) {
        *body_p = cJSON_CreateObject ();
        return *body_p ? 0 : s_invalid (resp, "body", "out of memory");
    }
    if (!(m->row->flags & GW_BODY))
        return s_invalid (resp, "body", "this operation takes no body (its fields are the path and "
                                        "query parameters)");
    if (!gw_is_json_type (req->content_type))
        return s_invalid (resp, "Content-Type", "expected application/json");
    char err[160] = "";
    *body_p = json_parse_strict (req->body, req->body_len, err, sizeof err);
    if (!*body_p)
        return s_invalid (resp, "body", err);
    if (!cJSON_IsObject (*body_p))
        return s_invalid (resp, "body", "expected a JSON object");
    return 0;
}

static bool s_query_taken (const gw_match_t *m, const char *key)
{
    if (m->row->flags & GW_QUERY)
        return true;
    return (m->row->flags & GW_PAGED) && (strcmp (key, "cursor") == 0 || strcmp (key, "limit") == 0);
}

static int s_query (const gw_match_t *m, const gw_request_t *req, cJSON *body, gw_response_t *resp)
{
    if (req->n_query > GW_MAX_QUERY)
        return s_invalid (resp, "query", "too many parameters");
    for (int i = 0; i < req->n_query; i++) {
        const char *key = req->query[i].key, *value = req->query[i].value;
        if (!json_utf8_valid (key, strlen (key), NULL))
            return s_invalid (resp, "query", "a parameter name is not valid UTF-8");
        char what[120];
        snprintf (what, sizeof what, "query parameter \"%.*s\"", s_clip (key, 40), key);
        if (!s_query_taken (m, key))
            return s_invalid (resp, what, "not taken by this operation");
        gw_field_type_t type = gw_routes_field_type (m, key);
        if (type == GW_FIELD_UNKNOWN)
            return s_invalid (resp, what, "unknown to this operation");
        for (int j = 0; j < i; j++)
            if (strcmp (req->query[j].key, key) == 0)
                return s_invalid (resp, what, "given more than once");
        for (int f = 0; f < m->n_fields; f++)
            if (strcmp (m->fields[f].name, key) == 0)
                return s_invalid (resp, what, "is part of the path");
        if (!value)
            return s_invalid (resp, what, "needs a value (name=value)");
        const char *why = NULL;
        cJSON *item = s_typed (type, value, &why);
        if (!item)
            return s_invalid (resp, what, why);
        if (s_put (body, key, item, what, resp) != 0)
            return 400;
    }
    return 0;
}

static int s_idempotency (const gw_match_t *m, const char *key, cJSON *body, gw_response_t *resp)
{
    if (!key)
        return 0;
    size_t n = strlen (key);
    if (n == 0 || n > GW_IDEMPOTENCY_KEY_MAX
        || strspn (key, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != n)
        return s_invalid (resp, "Idempotency-Key", "expected 1 to 64 of A-Z a-z 0-9 _ -");
    if (!(m->row->flags & GW_IDEMPOTENT))
        return 0; /* nothing to repeat safely: a read, or an action that is idempotent by itself */
    return s_put (body, "request_id", cJSON_CreateString (key), "Idempotency-Key", resp);
}

int gw_build_body (const gw_match_t *m, const gw_request_t *req, cJSON **body_p, gw_response_t *resp)
{
    cJSON *body = NULL;
    int rc = s_body (m, req, &body, resp);
    for (int f = 0; rc == 0 && f < m->n_fields; f++) {
        char what[64];
        snprintf (what, sizeof what, "path {%s}", m->fields[f].name);
        const char *why = NULL;
        cJSON *item = s_typed (gw_routes_field_type (m, m->fields[f].name), m->fields[f].value, &why);
        rc = item ? s_put (body, m->fields[f].name, item, what, resp) : s_invalid (resp, what, why);
    }
    if (rc == 0)
        rc = s_query (m, req, body, resp);
    if (rc == 0)
        rc = s_idempotency (m, req->idempotency_key, body, resp);
    if (rc != 0) {
        cJSON_Delete (body);
        return rc;
    }
    *body_p = body;
    return 0;
}
