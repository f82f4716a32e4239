/*  Unit tests of the service kit's request endpoint (common/svc/
 *  request_endpoint.c) through rqe_serve, with the project's schema files
 *  and tables made up here: a request reaches the right handler with the
 *  context and a schema-checked body; what the handler answers becomes the
 *  reply; unknown requests name the table; a batch handler serves a request
 *  alone as a group of one. Also: services.<name>.api in the configuration.
 *  The socket side (framing, group commit) is driven from outside by
 *  tests/e2e (test_bad_input.py, test_group_commit.py, test_service_endpoints.py).
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "conf/config.h"
#include "msg/schema.h"
#include "auth/roles.h"
#include "svc/request_endpoint.h"
#include "unit.h"

/*  What the fake handlers saw. */
static struct {
    int calls, batch_n;
    char request[40];
    bool principal_set;
    int n_branches;
    long ticket_id;
    void *app;
} s_seen;

static rpl_code_t s_get (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result,
                         char *err, size_t errsize)
{
    s_seen.calls++;
    s_seen.app = app;
    snprintf (s_seen.request, sizeof s_seen.request, "%s", ctx->request);
    s_seen.principal_set = ctx->who.principal != NULL && ctx->who.branches == NULL;
    s_seen.n_branches = (int) ctx->who.n_branches;
    s_seen.ticket_id = (long) cJSON_GetObjectItemCaseSensitive (body, "ticket_id")->valuedouble;
    if (s_seen.ticket_id == 404) {
        snprintf (err, errsize, "body.ticket_id: no ticket 404");
        return RPL_NOT_FOUND;
    }
    *result = cJSON_CreateObject ();
    cJSON_AddNumberToObject (*result, "seen", (double) s_seen.ticket_id);
    return RPL_OK;
}

static void s_submit (void *app, rqe_item_t *const *items, int n)
{
    s_seen.calls++;
    s_seen.app = app;
    s_seen.batch_n = n;
    for (int i = 0; i < n; i++) {
        snprintf (items[i]->err, sizeof items[i]->err, "body: refused by the test (%s)",
                  items[i]->ctx->request);
        items[i]->code = RPL_CONFLICT;
    }
}

static const rqe_handler_t s_table[] = {
    { "ticket.get", s_get, NULL, ROLES_ALL },
    { "ticket.submit", NULL, s_submit, ROLES_ALL },
    { NULL, NULL, NULL, 0 },
};
static const rqe_handler_t s_empty[] = { { NULL, NULL, NULL, 0 } };

/*  Serves payload through table with app; returns the parsed reply. */
static cJSON *s_serve (const rqe_handler_t *table, void *app, const char *payload)
{
    char err[256], path[512];
    schema_set_t *schemas = schema_set_load (unit_repo_file ("schemas", path, sizeof path), err,
                                             sizeof err);
    if (!schemas) {
        printf ("    schemas: %s\n", err);
        return NULL;
    }
    memset (&s_seen, 0, sizeof s_seen);
    char logged[4096];
    unit_log_capture ();
    char *reply = rqe_serve (schemas, table, app, payload, strlen (payload));
    unit_log_captured (logged, sizeof logged);
    schema_set_destroy (&schemas);
    cJSON *doc = reply ? cJSON_Parse (reply) : NULL;
    free (reply);
    return doc;
}

static const char *s_error (const cJSON *reply, const char *key)
{
    return json_str (cJSON_GetObjectItemCaseSensitive (reply, "error"), key, NULL);
}

/*  True when payload is refused with code and a message containing want
 *  and no handler ran; otherwise says what came instead. */
static bool s_refused (const rqe_handler_t *table, const char *payload, const char *code,
                       const char *want)
{
    cJSON *reply = s_serve (table, NULL, payload);
    const char *got = reply ? s_error (reply, "code") : NULL;
    const char *message = reply ? s_error (reply, "message") : NULL;
    bool ok = got && message && strcmp (got, code) == 0 && strstr (message, want)
              && s_seen.calls == 0;
    if (!ok)
        printf ("    %s: got %s \"%s\" after %d calls, want %s \"%s\"\n", payload,
                got ? got : "no reply", message ? message : "", s_seen.calls, code, want);
    cJSON_Delete (reply);
    return ok;
}

UNIT_TEST (request_endpoint_runs_the_named_handler_as_the_system_without_a_socket)
{
    int app = 7;
    cJSON *reply = s_serve (s_table, &app,
                            "{\"request\":\"ticket.get\",\"version\":1,\"body\":{\"ticket_id\":42}}");
    UNIT_ASSERT (reply != NULL);
    UNIT_ASSERT (cJSON_IsTrue (cJSON_GetObjectItemCaseSensitive (reply, "ok")));
    const cJSON *result = cJSON_GetObjectItemCaseSensitive (reply, "result");
    UNIT_ASSERT_INT_EQ ((int) cJSON_GetObjectItemCaseSensitive (result, "seen")->valuedouble, 42);
    UNIT_ASSERT_INT_EQ (s_seen.calls, 1);
    UNIT_ASSERT (s_seen.app == &app);
    UNIT_ASSERT_STR_EQ (s_seen.request, "ticket.get");
    /* rqe_serve (tests and fuzzing) checks no token: the handler acts for
     * the system, every branch (NULL branches) */
    UNIT_ASSERT (s_seen.principal_set);
    UNIT_ASSERT_INT_EQ (s_seen.n_branches, 0);
    cJSON_Delete (reply);
}

UNIT_TEST (request_endpoint_handler_errors_become_the_reply)
{
    cJSON *reply = s_serve (s_table, NULL,
                            "{\"request\":\"ticket.get\",\"version\":1,\"body\":{\"ticket_id\":404}}");
    UNIT_ASSERT (reply != NULL);
    UNIT_ASSERT (cJSON_IsFalse (cJSON_GetObjectItemCaseSensitive (reply, "ok")));
    UNIT_ASSERT_STR_EQ (s_error (reply, "code"), "not_found");
    UNIT_ASSERT_STR_EQ (s_error (reply, "message"), "body.ticket_id: no ticket 404");
    cJSON_Delete (reply);
}

UNIT_TEST (request_endpoint_batch_handler_serves_one_request_as_a_group_of_one)
{
    int app = 1;
    cJSON *reply = s_serve (s_table, &app,
                            "{\"request\":\"ticket.submit\",\"version\":1,\"body\":{"
                            "\"channel\":\"web\",\"kind\":\"repair\",\"customer\":{\"id\":\"C1\"},"
                            "\"description\":\"x\"}}");
    UNIT_ASSERT (reply != NULL);
    UNIT_ASSERT_INT_EQ (s_seen.calls, 1);
    UNIT_ASSERT_INT_EQ (s_seen.batch_n, 1);
    UNIT_ASSERT (s_seen.app == &app);
    UNIT_ASSERT_STR_EQ (s_error (reply, "code"), "conflict");
    UNIT_ASSERT_STR_EQ (s_error (reply, "message"), "body: refused by the test (ticket.submit)");
    cJSON_Delete (reply);
}

UNIT_TEST (request_endpoint_refuses_before_any_handler_runs)
{
    static const struct {
        const char *payload, *message;
    } cases[] = {
        { "{\"request\":\"ticket.get\",\"version\":1,\"body\":{\"ticket_id\":\"42\"}}",
          "body.ticket_id" },
        { "{\"request\":\"ticket.get\",\"version\":2,\"body\":{\"ticket_id\":42}}",
          "version" },
        { "{\"request\":\"ticket.list\",\"version\":1,\"body\":{}}",
          "request: unknown request \"ticket.list\" (expected one of ticket.get, ticket.submit)" },
        { "{\"request\":\"ticket.get\"", "request: " },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        UNIT_ASSERT (s_refused (s_table, cases[i].payload, "invalid", cases[i].message));
}

UNIT_TEST (request_endpoint_empty_table_refuses_every_request)
{
    UNIT_ASSERT (s_refused (s_empty,
                            "{\"request\":\"ticket.get\",\"version\":1,\"body\":{\"ticket_id\":1}}",
                            "invalid",
                            "request: unknown request \"ticket.get\" (this service takes no requests yet)"));
}

UNIT_TEST (request_endpoint_api_address_per_service)
{
    char err[512] = "";
    cfg_t *cfg = cfg_load_string ("kefu.yaml", "services:\n  qc:\n    api: \"tcp://127.0.0.1:7201\"\n",
                                  err, sizeof err);
    if (!cfg)
        printf ("    %s\n", err);
    UNIT_ASSERT (cfg != NULL);
    UNIT_ASSERT_STR_EQ (cfg->endpoints[cfg_service_index ("qc")].api, "tcp://127.0.0.1:7201");
    UNIT_ASSERT_STR_EQ (cfg->endpoints[cfg_service_index ("dispatch")].api, "tcp://127.0.0.1:7102");
    UNIT_ASSERT_STR_EQ (cfg->endpoints[cfg_service_index ("callback")].api, "tcp://127.0.0.1:7105");
    UNIT_ASSERT_STR_EQ (cfg->endpoints[cfg_service_index ("billing")].api, "tcp://127.0.0.1:7104");
    UNIT_ASSERT_STR_EQ (cfg->endpoints[cfg_service_index ("claims")].api, "tcp://127.0.0.1:7106");
    cfg_destroy (&cfg);
    cfg = cfg_load_string ("kefu.yaml", "services:\n  claims:\n    api: \"udp://x\"\n", err, sizeof err);
    UNIT_ASSERT (cfg == NULL);
    UNIT_ASSERT_CONTAINS (err, "kefu.yaml:3: services.claims.api: \"udp://x\"");
}
