/*  fuzz target "http_request": one HTTP request, as libmicrohttpd hands it
 *  to the gateway, through everything of the gateway that reads outside
 *  input, with no socket and no service (services/gateway/): the route
 *  match and its path fields, the credentials (Authorization, the session
 *  cookie, X-CSRF-Token), the query parameters typed by the request's
 *  schema, Idempotency-Key, Content-Type and the JSON body; then, for a
 *  request that passed, a made-up reply holding its body through the reply
 *  mapping (Link from next_cursor, CSV when Accept asks for it).
 *
 *  The input is the request's text: "METHOD /path?query\n", header lines
 *  "Name: value\n", an empty line, the body. Beyond "no crash, no leak":
 *  every refusal is one of the documented statuses with a {code, message}
 *  JSON body, and a request that passed has a JSON object for its body.
 */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <strings.h>

#include "base/json.h"
#include "fuzz.h"
#include "../../services/gateway/answer.h"
#include "../../services/gateway/auth.h"
#include "../../services/gateway/build.h"
#include "../../services/gateway/exchange.h"
#include "../../services/gateway/routes.h"

static gw_routes_t *s_routes;

static void fuzz_setup (void)
{
    char dir[4096], err[512] = "";
    s_routes = gw_routes_new (fuzz_repo_path ("schemas", dir, sizeof dir), err, sizeof err);
    FUZZ_CHECK (s_routes, "%s", err);
}

/*  Decodes %xx and + in place, as libmicrohttpd does for query text. */
static void s_unescape (char *s)
{
    char *out = s;
    for (; *s; s++) {
        if (*s == '+')
            *out++ = ' ';
        else if (*s == '%' && isxdigit ((unsigned char) s[1]) && isxdigit ((unsigned char) s[2])) {
            char hex[3] = { s[1], s[2], 0 };
            *out++ = (char) strtol (hex, NULL, 16);
            s += 2;
        }
        else
            *out++ = *s;
    }
    *out = '\0';
}

static void s_query (char *q, gw_request_t *req)
{
    while (q && *q) {
        char *next = strchr (q, '&');
        if (next)
            *next++ = '\0';
        char *eq = strchr (q, '=');
        if (eq)
            *eq++ = '\0';
        s_unescape (q);
        if (eq)
            s_unescape (eq);
        if (req->n_query < GW_MAX_QUERY)
            req->query[req->n_query] = (gw_pair_t) { q, eq };
        req->n_query++;
        q = next;
    }
}

static void s_header (char *line, gw_request_t *req)
{
    char *colon = strchr (line, ':');
    if (!colon)
        return;
    *colon = '\0';
    char *v = colon + 1;
    while (*v == ' ')
        v++;
    static const struct {
        const char *name;
        size_t offset;
    } known[] = {
        { "Authorization", offsetof (gw_request_t, authorization) },
        { "Cookie", offsetof (gw_request_t, cookie) },
        { "X-CSRF-Token", offsetof (gw_request_t, csrf) },
        { "Idempotency-Key", offsetof (gw_request_t, idempotency_key) },
        { "Accept", offsetof (gw_request_t, accept) },
        { "Content-Type", offsetof (gw_request_t, content_type) },
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcasecmp (line, known[i].name) == 0)
            *(const char **) (void *) ((char *) req + known[i].offset) = v;
}

static void s_check_error (const gw_response_t *resp)
{
    static const int statuses[] = { 400, 401, 403, 404, 405, 409, 413, 429, 500, 503 };
    int known = 0;
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
        known |= resp->status == statuses[i];
    FUZZ_CHECK (known, "status %d", resp->status);
    cJSON *doc = cJSON_ParseWithLength (resp->body, resp->body_len);
    FUZZ_CHECK (doc && json_str (doc, "code", NULL) && json_str (doc, "message", NULL) && cJSON_GetArraySize (doc) == 2,
                "error body %.*s", (int) resp->body_len, resp->body ? resp->body : "");
    cJSON_Delete (doc);
}

/*  A reply of the service that echoes the body's plain members as a
 *  list's one row (a service's rows are flat), with a cursor. */
static void s_answer (const gw_match_t *m, const gw_request_t *req, const cJSON *body)
{
    cJSON *reply = cJSON_CreateObject (), *result = cJSON_CreateObject (), *list = cJSON_CreateArray ();
    cJSON *echo = cJSON_CreateObject ();
    const cJSON *member;
    cJSON_ArrayForEach (member, body)
        if (!cJSON_IsObject (member) && !cJSON_IsArray (member))
            cJSON_AddItemToObject (echo, member->string, cJSON_Duplicate (member, 0));
    cJSON_AddItemToArray (list, echo);
    cJSON_AddItemToObject (result, "rows", list);
    cJSON_AddStringToObject (result, "next_cursor", json_str (body, "cursor", "c1"));
    cJSON_AddBoolToObject (reply, "ok", 1);
    cJSON_AddItemToObject (reply, "result", result);
    char *text = json_print (reply);
    gw_route_t row = *m->row;
    static const gw_csv_t csv = { "rows", "ticket_id,description,customer,request_id" };
    row.csv = &csv;
    gw_match_t with_csv = *m;
    with_csv.row = &row;
    gw_response_t resp = { 0 };
    gw_answer (&with_csv, req, text, strlen (text), &resp);
    FUZZ_CHECK (resp.status == 200 || resp.status == 201, "status %d", resp.status);
    gw_response_clear (&resp);
    free (text);
    cJSON_Delete (reply);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    char *text = malloc (size + 1);
    if (!text)
        return 0;
    memcpy (text, data, size);
    text[size] = '\0';
    gw_request_t req = { .client_addr = "127.0.0.1" };
    char *split = strstr (text, "\n\n");
    if (split) {
        *split = '\0';
        req.body = split + 2;
        req.body_len = size - (size_t) (split + 2 - text);
    }
    char *line = text, *next = strchr (line, '\n');
    if (next)
        *next++ = '\0';
    char *sp = strchr (line, ' ');
    req.method = line;
    req.path = sp ? (*sp = '\0', sp + 1) : "/";
    char *q = strchr (req.path, '?');
    if (q)
        *q++ = '\0';
    s_query (q, &req);
    for (line = next; line && *line; line = next) {
        next = strchr (line, '\n');
        if (next)
            *next++ = '\0';
        s_header (line, &req);
    }

    gw_match_t m;
    gw_response_t resp = { 0 };
    char token[GW_TOKEN_MAX + 1];
    cJSON *body = NULL;
    int found = gw_routes_match (s_routes, req.method, req.path, &m);
    if (found != 200)
        FUZZ_CHECK ((found == 404 || found == 405) && (found == 404 || m.allow[0]), "match %d", found);
    else if (gw_auth_token (&req, token, sizeof token, &resp) != 0 || gw_build_body (&m, &req, &body, &resp) != 0)
        s_check_error (&resp);
    else {
        FUZZ_CHECK (cJSON_IsObject (body), "no body object");
        s_answer (&m, &req, body);
    }
    cJSON_Delete (body);
    gw_response_clear (&resp);
    free (text);
    return 0;
}
