/*  test_gateway — the gateway's parts that need no socket: its
 *  configuration section, route matching, the typing of path fields and
 *  query parameters, credentials and the CSRF value, reply mapping and CSV
 *  (services/gateway/, docs/gateway.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../services/gateway/answer.h"
#include "../../services/gateway/auth.h"
#include "../../services/gateway/build.h"
#include "../../services/gateway/csv.h"
#include "../../services/gateway/gateway_config.h"
#include "../../services/gateway/routes.h"
#include "base/json.h"
#include "unit.h"

static gw_routes_t *s_routes (void)
{
    char dir[512], err[512] = "";
    gw_routes_t *routes = gw_routes_new (unit_repo_file ("schemas", dir, sizeof dir), err, sizeof err);
    if (!routes)
        printf ("    %s\n", err);
    return routes;
}

UNIT_TEST (gateway_config_checks_its_section)
{
    char err[512] = "";
    cfg_t *cfg = cfg_load_string_for ("k.yaml", "services:\n  gateway:\n    http: \"[::1]:8080\"\n", "gateway",
                                      err, sizeof err);
    UNIT_ASSERT (cfg != NULL);
    UNIT_ASSERT_STR_EQ (gateway_config (cfg)->http, "[::1]:8080");
    UNIT_ASSERT_INT_EQ (gateway_config (cfg)->body_limit, 65536);
    UNIT_ASSERT_INT_EQ (gateway_config (cfg)->request_timeout_ms, 30000);
    UNIT_ASSERT_INT_EQ (gateway_config (cfg)->per_ip_limit, 16);
    cfg_destroy (&cfg);
    cfg = cfg_load_string_for ("k.yaml", "services:\n  gateway:\n    http: \"localhost\"\n", "gateway", err, sizeof err);
    UNIT_ASSERT (unit_refused (cfg != NULL, "no port", err, "k.yaml:3: services.gateway.http: \"localhost\": expected host:port"));
    cfg = cfg_load_string_for ("k.yaml", "services:\n  gateway:\n    tls_cert: /x.crt\n", "gateway", err, sizeof err);
    UNIT_ASSERT (unit_refused (cfg != NULL, "cert alone", err, "tls_cert and tls_key go together"));
    cfg = cfg_load_string_for ("k.yaml", "services:\n  gateway:\n    colour: red\n", "gateway", err, sizeof err);
    UNIT_ASSERT (unit_refused (cfg != NULL, "unknown key", err, "services.gateway.colour: unknown key"));
    /* another service accepts the section unread */
    cfg = cfg_load_string_for ("k.yaml", "services:\n  gateway:\n    http: \"127.0.0.1:1\"\n", "intake", err, sizeof err);
    UNIT_ASSERT (cfg != NULL);
    cfg_destroy (&cfg);
}

UNIT_TEST (gateway_routes_match_paths_fields_and_methods)
{
    gw_routes_t *routes = s_routes ();
    UNIT_ASSERT (routes != NULL);
    gw_match_t m;
    UNIT_ASSERT_INT_EQ (gw_routes_match (routes, "GET", "/api/v1/tickets/42", &m), 200);
    UNIT_ASSERT_STR_EQ (m.row->request, "ticket.get");
    UNIT_ASSERT_INT_EQ (m.n_fields, 1);
    UNIT_ASSERT_STR_EQ (m.fields[0].name, "ticket_id");
    UNIT_ASSERT_STR_EQ (m.fields[0].value, "42");
    UNIT_ASSERT_INT_EQ (gw_routes_field_type (&m, "ticket_id"), GW_FIELD_INTEGER);
    UNIT_ASSERT_INT_EQ (gw_routes_match (routes, "DELETE", "/api/v1/tickets", &m), 405);
    UNIT_ASSERT_STR_EQ (m.allow, "GET, HEAD, POST");
    UNIT_ASSERT_INT_EQ (gw_routes_match (routes, "HEAD", "/api/v1/tickets/42", &m), 200);
    UNIT_ASSERT_STR_EQ (m.row->request, "ticket.get");
    UNIT_ASSERT_INT_EQ (gw_routes_match (routes, "HEAD", "/api/v1/screen-pops", &m), 405);
    UNIT_ASSERT_INT_EQ (gw_routes_match (routes, "GET", "/api/v1/tickets/", &m), 404);
    UNIT_ASSERT_INT_EQ (gw_routes_match (routes, "GET", "/api/v1/tickets/1/2", &m), 404);
    UNIT_ASSERT_INT_EQ (gw_routes_match (routes, "GET", "/api/v1", &m), 404);
    UNIT_ASSERT_INT_EQ (gw_routes_match (routes, "GET", "", &m), 404);
    gw_routes_destroy (&routes);
}

/*  The body built from a GET of path with the given query, or the error
 *  message (into out). Returns the status. */
static int s_build (gw_routes_t *routes, const char *path, const gw_pair_t *query, int n, char *out, size_t size)
{
    gw_match_t m;
    gw_request_t req = { .method = "GET", .path = path, .n_query = n };
    if (n > 0)
        memcpy (req.query, query, sizeof *query * (size_t) n);
    if (gw_routes_match (routes, "GET", path, &m) != 200)
        return 404;
    gw_response_t resp = { 0 };
    cJSON *body = NULL;
    int rc = gw_build_body (&m, &req, &body, &resp);
    char *text = rc == 0 ? json_print (body) : NULL;
    snprintf (out, size, "%s", rc == 0 ? text : resp.body);
    free (text);
    cJSON_Delete (body);
    gw_response_clear (&resp);
    return rc == 0 ? 200 : rc;
}

UNIT_TEST (gateway_query_and_path_values_are_typed_by_the_schema)
{
    gw_routes_t *routes = s_routes ();
    UNIT_ASSERT (routes != NULL);
    char out[600];
    gw_pair_t ok[] = { { "limit", "5" }, { "branch", "SH01" }, { "kind", "repair" } };
    UNIT_ASSERT_INT_EQ (s_build (routes, "/api/v1/tickets", ok, 3, out, sizeof out), 200);
    UNIT_ASSERT_STR_EQ (out, "{\"limit\":5,\"branch\":\"SH01\",\"kind\":\"repair\"}");
    UNIT_ASSERT_INT_EQ (s_build (routes, "/api/v1/tickets/7", NULL, 0, out, sizeof out), 200);
    UNIT_ASSERT_STR_EQ (out, "{\"ticket_id\":7}");
    static const struct {
        const char *path;
        gw_pair_t q;
        int n;
        const char *want;
    } bad[] = {
        { "/api/v1/tickets", { "limit", "ten" }, 1, "query parameter \\\"limit\\\": expected an integer" },
        { "/api/v1/tickets", { "limit", "99999999999999999" }, 1, "limit\\\": expected an integer" },
        { "/api/v1/tickets", { "limit", NULL }, 1, "limit\\\": needs a value" },
        { "/api/v1/tickets", { "colour", "red" }, 1, "\\\"colour\\\": unknown to this operation" },
        { "/api/v1/tickets/1", { "limit", "1" }, 1, "\\\"limit\\\": not taken by this operation" },
        { "/api/v1/tickets/x1", { NULL, NULL }, 0, "path {ticket_id}: expected an integer" },
        { "/api/v1/tickets/-", { NULL, NULL }, 0, "path {ticket_id}: expected an integer" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        UNIT_ASSERT_INT_EQ (s_build (routes, bad[i].path, &bad[i].q, bad[i].n, out, sizeof out), 400);
        UNIT_ASSERT_CONTAINS (out, bad[i].want);
    }
    gw_pair_t twice[] = { { "limit", "1" }, { "limit", "1" } };
    UNIT_ASSERT_INT_EQ (s_build (routes, "/api/v1/tickets", twice, 2, out, sizeof out), 400);
    UNIT_ASSERT_CONTAINS (out, "given more than once");
    gw_routes_destroy (&routes);
}

UNIT_TEST (gateway_a_long_parameter_name_is_quoted_whole_characters_only)
{
    gw_routes_t *routes = s_routes ();
    UNIT_ASSERT (routes != NULL);
    char out[600], key[64];
    /* 39 bytes, then a 3-byte character across the 40-byte quote */
    snprintf (key, sizeof key, "%s名字", "abcdefghijklmnopqrstuvwxyzabcdefghijklm");
    gw_pair_t q[] = { { key, "1" } };
    UNIT_ASSERT_INT_EQ (s_build (routes, "/api/v1/tickets/1", q, 1, out, sizeof out), 400);
    UNIT_ASSERT (json_utf8_valid (out, strlen (out), NULL));
    UNIT_ASSERT_CONTAINS (out, "query parameter \\\"abcdefghijklmnopqrstuvwxyzabcdefghijklm\\\": not taken");
    gw_routes_destroy (&routes);
}

UNIT_TEST (gateway_credentials_and_csrf)
{
    char csrf[GW_CSRF_LEN + 1], token[GW_TOKEN_MAX + 1], cookie[64];
    gw_csrf_of ("kefu_abc", csrf);
    UNIT_ASSERT_STR_EQ (csrf, "414f78754a825e50c7fb9cc8192f6e35"); /* hashlib.blake2b(digest_size=16) */
    UNIT_ASSERT_INT_EQ (gw_cookie_value ("a=1; kefu_session=kefu_x; b=2", "kefu_session", cookie, sizeof cookie), 1);
    UNIT_ASSERT_STR_EQ (cookie, "kefu_x");
    UNIT_ASSERT_INT_EQ (gw_cookie_value ("kefu_sessionx=1", "kefu_session", cookie, sizeof cookie), 0);
    gw_response_t resp = { 0 };
    gw_request_t req = { .method = "GET", .authorization = "bearer  kefu_abc " };
    UNIT_ASSERT_INT_EQ (gw_auth_token (&req, token, sizeof token, &resp), 0);
    UNIT_ASSERT_STR_EQ (token, "kefu_abc");
    req = (gw_request_t) { .method = "GET", .authorization = "Bearer kefu_a\"b" };
    UNIT_ASSERT_INT_EQ (gw_auth_token (&req, token, sizeof token, &resp), 401);
    gw_response_clear (&resp);
    req = (gw_request_t) { .method = "POST", .cookie = "kefu_session=kefu_abc" };
    UNIT_ASSERT_INT_EQ (gw_auth_token (&req, token, sizeof token, &resp), 403);
    UNIT_ASSERT_CONTAINS (resp.body, "\"code\":\"csrf\"");
    gw_response_clear (&resp);
    req.csrf = csrf;
    UNIT_ASSERT_INT_EQ (gw_auth_token (&req, token, sizeof token, &resp), 0);
    req = (gw_request_t) { .method = "GET" };
    UNIT_ASSERT_INT_EQ (gw_auth_token (&req, token, sizeof token, &resp), 401);
    UNIT_ASSERT_STR_EQ (resp.headers[0].name, "WWW-Authenticate");
    gw_response_clear (&resp);
}

UNIT_TEST (gateway_replies_map_to_statuses_link_and_csv)
{
    UNIT_ASSERT_INT_EQ (gw_status_of_code ("not_found"), 404);
    UNIT_ASSERT_INT_EQ (gw_status_of_code ("unavailable"), 503);
    UNIT_ASSERT_INT_EQ (gw_status_of_code ("something_new"), 500);
    UNIT_ASSERT (gw_accepts_csv ("application/json;q=0.5, text/csv"));
    UNIT_ASSERT (!gw_accepts_csv ("text/csvx"));
    static const gw_csv_t csv = { "rows", "id,name,note" };
    static const gw_route_t row = { GW_GET, "/api/v1/things", "intake", "ticket.list", GW_QUERY | GW_PAGED, &csv };
    gw_match_t m = { .row = &row };
    gw_request_t req = { .method = "GET", .path = "/api/v1/things", .accept = "text/csv", .n_query = 2,
                         .query = { { "branch", "上海 1" }, { "cursor", "old" } } };
    const char *reply = "{\"ok\":true,\"result\":{\"rows\":[{\"id\":1,\"name\":\"王, \\\"小\\\"\",\"note\":null},"
                        "{\"id\":2,\"name\":\"a\\nb\",\"note\":{\"x\":1}}],\"next_cursor\":\"c_2\"}}";
    gw_response_t resp = { 0 };
    gw_answer (&m, &req, reply, strlen (reply), &resp);
    UNIT_ASSERT_INT_EQ (resp.status, 200);
    UNIT_ASSERT_STR_EQ (resp.content_type, "text/csv; charset=utf-8");
    UNIT_ASSERT_STR_EQ (resp.body, "id,name,note\r\n1,\"王, \"\"小\"\"\",\r\n2,\"a\nb\",\"{\"\"x\"\":1}\"\r\n");
    UNIT_ASSERT_STR_EQ (resp.headers[0].name, "Link");
    UNIT_ASSERT_STR_EQ (resp.headers[0].value,
                        "</api/v1/things?branch=%E4%B8%8A%E6%B5%B7%201&cursor=c_2>; rel=\"next\"");
    gw_response_clear (&resp);
    const char *refused = "{\"ok\":false,\"error\":{\"code\":\"conflict\",\"message\":\"closed\"}}";
    gw_answer (&m, &req, refused, strlen (refused), &resp);
    UNIT_ASSERT_INT_EQ (resp.status, 409);
    UNIT_ASSERT_STR_EQ (resp.body, "{\"code\":\"conflict\",\"message\":\"closed\"}");
    gw_response_clear (&resp);
    gw_answer (&m, &req, "{\"ok\":1}", 8, &resp);
    UNIT_ASSERT_INT_EQ (resp.status, 500);
    gw_response_clear (&resp);
    /* the Link names the path as sent: each segment encoded again */
    req.path = "/api/v1/things/上海 1>";
    req.accept = NULL;
    gw_answer (&m, &req, reply, strlen (reply), &resp);
    UNIT_ASSERT_INT_EQ (resp.status, 200);
    UNIT_ASSERT_STR_EQ (resp.headers[0].value, "</api/v1/things/%E4%B8%8A%E6%B5%B7%201%3E?branch=%E4%B8%8A%E6%B5%B7%201"
                                               "&cursor=c_2>; rel=\"next\"");
    gw_response_clear (&resp);
    /* a reply that cannot be CSV is 500 and nothing else: no Link */
    req.accept = "text/csv";
    const char *not_rows = "{\"ok\":true,\"result\":{\"rows\":7,\"next_cursor\":\"c_2\"}}";
    gw_answer (&m, &req, not_rows, strlen (not_rows), &resp);
    UNIT_ASSERT_INT_EQ (resp.status, 500);
    UNIT_ASSERT_INT_EQ (resp.n_headers, 0);
    gw_response_clear (&resp);
}
