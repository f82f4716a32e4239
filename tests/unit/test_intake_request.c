/*  Unit tests of intake's request handling that need no database: typed
 *  reading of bodies and their cross-field rules (services/intake/request.c)
 *  and the whole validation path of the request endpoint against the real
 *  schema files (iapi_serve with no ticket desk: every refusal happens
 *  before the database would be touched).
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../services/intake/api.h"
#include "../../services/intake/request.h"
#include "svc/reply.h"
#include "base/json.h"
#include "base/log.h"
#include "msg/schema.h"
#include "unit.h"

static cJSON *s_json (const char *text)
{
    return cJSON_Parse (text);
}

/*  Serves a request with the project's schemas and no ticket desk; returns
 *  the parsed reply (caller deletes). */
static cJSON *s_serve (const char *payload, size_t len)
{
    char err[256];
    schema_set_t *schemas = schema_set_load ("schemas", err, sizeof err);
    if (!schemas) {
        fprintf (stdout, "    schemas: %s\n", err);
        return NULL;
    }
    FILE *devnull = fopen ("/dev/null", "w");
    log_set_stream (devnull);
    char *reply = iapi_serve (schemas, NULL, payload, len);
    log_set_stream (NULL);
    if (devnull)
        fclose (devnull);
    schema_set_destroy (&schemas);
    cJSON *doc = reply ? cJSON_Parse (reply) : NULL;
    free (reply);
    return doc;
}

static const char *s_code (const cJSON *reply)
{
    return json_str (cJSON_GetObjectItemCaseSensitive (reply, "error"), "code", NULL);
}

static const char *s_message (const cJSON *reply)
{
    return json_str (cJSON_GetObjectItemCaseSensitive (reply, "error"), "message", NULL);
}

UNIT_TEST (intake_request_submit_known_customer)
{
    cJSON *body = s_json ("{\"channel\":\"hotline\",\"kind\":\"repair\","
                          "\"customer\":{\"id\":\"C1001\"},\"product\":{\"code\":\"AC-1\","
                          "\"serial\":\"SN1\",\"warranty_card\":\"W1\"},"
                          "\"description\":\"空调不制冷\"}");
    irq_submit_t rq;
    char err[256] = "";
    int rc = irq_parse_submit (body, &rq, err, sizeof err);
    UNIT_ASSERT_INT_EQ (rc, 0);
    UNIT_ASSERT_STR_EQ (rq.customer_id, "C1001");
    UNIT_ASSERT (rq.name == NULL && rq.phone == NULL);
    UNIT_ASSERT_STR_EQ (rq.priority, "normal");
    UNIT_ASSERT_STR_EQ (rq.product_code, "AC-1");
    UNIT_ASSERT_STR_EQ (rq.warranty_card, "W1");
    UNIT_ASSERT_STR_EQ (rq.description, "空调不制冷");
    UNIT_ASSERT (!rq.answered);
    cJSON_Delete (body);
}

UNIT_TEST (intake_request_submit_inline_customer_chinese)
{
    cJSON *body = s_json ("{\"channel\":\"walk_in\",\"kind\":\"installation\","
                          "\"priority\":\"high\",\"customer\":{\"name\":\"张伟\","
                          "\"phone\":\"138 1234 5678\",\"address\":\"上海市浦东新区世纪大道100号\","
                          "\"region\":\"EAST\"},\"description\":\"安装热水器\"}");
    irq_submit_t rq;
    char err[256] = "";
    UNIT_ASSERT_INT_EQ (irq_parse_submit (body, &rq, err, sizeof err), 0);
    UNIT_ASSERT (rq.customer_id == NULL);
    UNIT_ASSERT_STR_EQ (rq.name, "张伟");
    UNIT_ASSERT_STR_EQ (rq.address, "上海市浦东新区世纪大道100号");
    UNIT_ASSERT_STR_EQ (rq.priority, "high");
    UNIT_ASSERT (rq.product_code == NULL);
    cJSON_Delete (body);
}

UNIT_TEST (intake_request_submit_cross_field_rules)
{
    static const struct {
        const char *body, *expect;
    } cases[] = {
        { "{\"channel\":\"web\",\"kind\":\"repair\",\"customer\":{\"id\":\"C1\"},"
          "\"description\":\"x\",\"answered\":true}",
          "body.answered: only a consultation can be answered at intake (kind is \"repair\")" },
        { "{\"channel\":\"web\",\"kind\":\"consultation\",\"customer\":{\"id\":\"C1\"},"
          "\"description\":\"x\",\"resolution\":\"told\"}",
          "body.resolution: only allowed with" },
        { "{\"channel\":\"web\",\"kind\":\"repair\",\"customer\":{\"id\":\"C1\","
          "\"name\":\"A\"},\"description\":\"x\"}",
          "body.customer: give either \"id\"" },
        { "{\"channel\":\"web\",\"kind\":\"repair\",\"customer\":{\"name\":\"A\","
          "\"phone\":\"13800000000\",\"region\":\"R\"},\"description\":\"x\"}",
          "body.customer: missing required field \"address\"" },
        { "{\"channel\":\"web\",\"kind\":\"repair\",\"customer\":\"C1\",\"description\":\"x\"}",
          "body.customer: expected an object" },
        { "{\"channel\":\"web\",\"kind\":\"repair\",\"customer\":{\"id\":\"C1\"},"
          "\"description\":\"x\",\"request_id\":\"not-a-uuid\"}",
          "body.request_id: expected a UUID" },
        { "{\"channel\":7,\"kind\":\"repair\",\"customer\":{\"id\":\"C1\"},\"description\":\"x\"}",
          "body.channel: expected a string" },
        { "{\"kind\":\"repair\",\"customer\":{\"id\":\"C1\"},\"description\":\"x\"}",
          "body: missing required field \"channel\"" },
        { "{\"channel\":\"web\",\"kind\":\"repair\",\"customer\":{\"id\":\"C1\"},"
          "\"description\":\"x\",\"product\":{\"serial\":\"S\"}}",
          "body.product: missing required field \"code\"" },
        { "{\"channel\":\"web\",\"kind\":\"consultation\",\"customer\":{\"id\":\"C1\"},"
          "\"description\":\"x\",\"answered\":\"yes\"}",
          "body.answered: expected true or false" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *body = s_json (cases[i].body);
        UNIT_ASSERT (body != NULL);
        irq_submit_t rq;
        char err[256] = "";
        int rc = irq_parse_submit (body, &rq, err, sizeof err);
        cJSON_Delete (body);
        UNIT_ASSERT_INT_EQ (rc, -1);
        UNIT_ASSERT_CONTAINS (err, cases[i].expect);
    }
}

UNIT_TEST (intake_request_consultation_answered_is_accepted)
{
    cJSON *body = s_json ("{\"channel\":\"chat\",\"kind\":\"consultation\","
                          "\"customer\":{\"id\":\"C1\"},\"description\":\"保修多久？\","
                          "\"answered\":true,\"resolution\":\"一年\","
                          "\"request_id\":\"6f1c2a3b-0d4e-4f5a-8b6c-7d8e9f0a1b2c\"}");
    irq_submit_t rq;
    char err[256] = "";
    UNIT_ASSERT_INT_EQ (irq_parse_submit (body, &rq, err, sizeof err), 0);
    UNIT_ASSERT (rq.answered);
    UNIT_ASSERT_STR_EQ (rq.resolution, "一年");
    UNIT_ASSERT_STR_EQ (rq.request_id, "6f1c2a3b-0d4e-4f5a-8b6c-7d8e9f0a1b2c");
    cJSON_Delete (body);
}

UNIT_TEST (intake_request_get_and_list)
{
    char err[256] = "";
    int64_t id = 0;
    cJSON *b = s_json ("{\"ticket_id\":42}");
    UNIT_ASSERT_INT_EQ (irq_parse_get (b, &id, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (id, 42);
    cJSON_Delete (b);
    b = s_json ("{\"ticket_id\":4.5}");
    UNIT_ASSERT_INT_EQ (irq_parse_get (b, &id, err, sizeof err), -1);
    UNIT_ASSERT_CONTAINS (err, "body.ticket_id: expected an integer");
    cJSON_Delete (b);
    b = s_json ("{\"ticket_id\":0}");
    UNIT_ASSERT_INT_EQ (irq_parse_get (b, &id, err, sizeof err), -1);
    cJSON_Delete (b);

    irq_list_t f;
    b = s_json ("{}");
    UNIT_ASSERT_INT_EQ (irq_parse_list (b, &f, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (f.limit, IRQ_LIST_DEFAULT);
    UNIT_ASSERT (f.branch == NULL && f.status == NULL);
    cJSON_Delete (b);
    b = s_json ("{\"branch\":\"SH01\",\"status\":\"open\",\"limit\":500}");
    UNIT_ASSERT_INT_EQ (irq_parse_list (b, &f, err, sizeof err), 0);
    UNIT_ASSERT_STR_EQ (f.branch, "SH01");
    UNIT_ASSERT_STR_EQ (f.status, "open");
    UNIT_ASSERT_INT_EQ (f.limit, 500);
    cJSON_Delete (b);
    b = s_json ("{\"limit\":501}");
    UNIT_ASSERT_INT_EQ (irq_parse_list (b, &f, err, sizeof err), -1);
    UNIT_ASSERT_CONTAINS (err, "body.limit: expected an integer from 1 to 500");
    cJSON_Delete (b);
}

/*  ticket.event's cross-field rules, read without a ticket desk (the
 *  request fuzz target reaches them the same way, through iapi_serve). */
UNIT_TEST (intake_request_event)
{
    char err[256] = "";
    irq_event_t rq;
    cJSON *b = s_json ("{\"ticket_id\":7,\"event\":\"paused\",\"actor\":\"王师傅\","
                       "\"reason\":\"waiting_parts\",\"note\":\"等配件\"}");
    UNIT_ASSERT_INT_EQ (irq_parse_event (b, NULL, &rq, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (rq.ticket_id, 7);
    UNIT_ASSERT_STR_EQ (rq.event, "paused");
    UNIT_ASSERT_STR_EQ (rq.reason, "waiting_parts");
    UNIT_ASSERT_INT_EQ (rq.escalation_id, 0);
    cJSON_Delete (b);
    b = s_json ("{\"ticket_id\":7,\"event\":\"escalation_acknowledged\",\"actor\":\"李经理\","
                "\"escalation_id\":3}");
    UNIT_ASSERT_INT_EQ (irq_parse_event (b, NULL, &rq, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (rq.escalation_id, 3);
    cJSON_Delete (b);
    const struct { const char *body, *want; } bad[] = {
        { "{\"ticket_id\":0,\"event\":\"resumed\",\"actor\":\"a\"}", "body.ticket_id: expected an integer" },
        { "{\"ticket_id\":1,\"event\":\"paused\",\"actor\":\"a\"}", "body.reason: required with paused" },
        { "{\"ticket_id\":1,\"event\":\"resumed\",\"actor\":\"a\",\"reason\":\"waiting_parts\"}",
          "body.reason: only with the event paused (this is resumed)" },
        { "{\"ticket_id\":1,\"event\":\"escalation_acknowledged\",\"actor\":\"a\"}",
          "body.escalation_id: required with escalation_acknowledged" },
        { "{\"ticket_id\":1,\"event\":\"resumed\",\"actor\":\"\"}", "non-empty \"actor\"" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        b = s_json (bad[i].body);
        UNIT_ASSERT_INT_EQ (irq_parse_event (b, NULL, &rq, err, sizeof err), -1);
        UNIT_ASSERT_CONTAINS (err, bad[i].want);
        cJSON_Delete (b);
    }
}

UNIT_TEST (intake_request_event_actor_is_the_caller)
{
    char err[256] = "";
    irq_event_t rq;
    cJSON *b = s_json ("{\"ticket_id\":7,\"event\":\"first_reply\"}");
    UNIT_ASSERT_INT_EQ (irq_parse_event (b, "A101", &rq, err, sizeof err), 0);
    UNIT_ASSERT_STR_EQ (rq.actor, "A101");
    UNIT_ASSERT_INT_EQ (irq_parse_event (b, NULL, &rq, err, sizeof err), -1);
    cJSON_Delete (b);
    b = s_json ("{\"ticket_id\":7,\"event\":\"first_reply\",\"actor\":\"A101\"}");
    UNIT_ASSERT_INT_EQ (irq_parse_event (b, "A101", &rq, err, sizeof err), 0);
    cJSON_Delete (b);
    b = s_json ("{\"ticket_id\":7,\"event\":\"first_reply\",\"actor\":\"冒名 王芳\"}");
    UNIT_ASSERT_INT_EQ (irq_parse_event (b, "A101", &rq, err, sizeof err), -1);
    UNIT_ASSERT_CONTAINS (err, "body.actor: must be you (A101) or left out");
    cJSON_Delete (b);
}

UNIT_TEST (intake_request_replies)
{
    cJSON *result = cJSON_CreateObject ();
    cJSON_AddNumberToObject (result, "ticket_id", 7);
    char *text = rpl_ok (&result);
    UNIT_ASSERT (result == NULL);
    UNIT_ASSERT_STR_EQ (text, "{\"ok\":true,\"result\":{\"ticket_id\":7}}");
    free (text);
    text = rpl_error (RPL_NOT_FOUND, "body.customer.id: no customer \"C9\"");
    UNIT_ASSERT_STR_EQ (text, "{\"ok\":false,\"error\":{\"code\":\"not_found\","
                              "\"message\":\"body.customer.id: no customer \\\"C9\\\"\"}}");
    free (text);
    UNIT_ASSERT_STR_EQ (rpl_code_name (RPL_UNAVAILABLE), "unavailable");
    UNIT_ASSERT_STR_EQ (rpl_code_name (RPL_INVALID), "invalid");
}

UNIT_TEST (intake_request_envelope_frames)
{
    size_t req[] = { 5, 0, 40 };     /* REQ: identity, delimiter, request */
    size_t dealer[] = { 5, 40 };     /* DEALER: identity, request */
    size_t alone[] = { 40 };
    size_t no_id[] = { 0, 40 };
    UNIT_ASSERT_INT_EQ (rpl_envelope_frames (3, req), 2);
    UNIT_ASSERT_INT_EQ (rpl_envelope_frames (2, dealer), 1);
    UNIT_ASSERT_INT_EQ (rpl_envelope_frames (1, alone), -1);
    UNIT_ASSERT_INT_EQ (rpl_envelope_frames (2, no_id), -1);
}

UNIT_TEST (intake_request_error_field_never_cuts_utf8)
{
    char out[8];
    UNIT_ASSERT_STR_EQ (rpl_error_field ("body.kind: bad", out, sizeof out), "body.ki");
    char small[6];
    /* "ab" + 张 (3 bytes) + 伟: cut must not leave half of 伟 */
    UNIT_ASSERT_STR_EQ (rpl_error_field ("ab张伟", small, sizeof small), "ab张");
    UNIT_ASSERT_STR_EQ (rpl_error_field ("body: x", out, sizeof out), "body");
}

/* ------------------------------------------ the endpoint's validation path */

UNIT_TEST (intake_api_refuses_bad_input_with_specific_errors)
{
    static const struct {
        const char *payload, *code, *expect;
    } cases[] = {
        { "{\"request\":", "invalid", "request: " },
        { "[1,2]", "invalid", "" },
        { "{\"request\":\"ticket.delete\",\"version\":1,\"body\":{}}", "invalid", "request" },
        { "{\"request\":\"ticket.get\",\"version\":2,\"body\":{\"ticket_id\":1}}", "invalid",
          "version" },
        { "{\"request\":\"ticket.get\",\"version\":1,\"body\":{\"ticket_id\":\"1\"}}",
          "invalid", "body.ticket_id" },
        { "{\"request\":\"ticket.get\",\"version\":1,\"body\":{\"ticket_id\":1,\"x\":1}}",
          "invalid", "body" },
        { "{\"request\":\"ticket.get\",\"version\":1,\"body\":{\"ticket_id\":1},\"extra\":1}",
          "invalid", "extra" },
        { "{\"request\":\"ticket.submit\",\"version\":1,\"body\":{\"channel\":\"fax\","
          "\"kind\":\"repair\",\"customer\":{\"id\":\"C1\"},\"description\":\"x\"}}",
          "invalid", "body.channel" },
        { "{\"request\":\"ticket.submit\",\"version\":1,\"body\":{\"channel\":\"web\","
          "\"kind\":\"repair\",\"customer\":{\"id\":\"C1\"},\"description\":\"x\","
          "\"answered\":true}}",
          "invalid", "body.answered: only a consultation" },
        { "{\"request\":\"ticket.list\",\"version\":1,\"body\":{\"limit\":0}}", "invalid",
          "body.limit" },
        { "{\"request\":\"ticket.list\",\"version\":1,\"body\":{\"status\":\"lost\"}}",
          "invalid", "body.status" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *reply = s_serve (cases[i].payload, strlen (cases[i].payload));
        UNIT_ASSERT (reply != NULL);
        UNIT_ASSERT (cJSON_IsFalse (cJSON_GetObjectItemCaseSensitive (reply, "ok")));
        UNIT_ASSERT_STR_EQ (s_code (reply), cases[i].code);
        UNIT_ASSERT_CONTAINS (s_message (reply), cases[i].expect);
        cJSON_Delete (reply);
    }
}

UNIT_TEST (intake_api_refuses_invalid_utf8_and_oversize)
{
    const char bad[] = "{\"request\":\"ticket.get\",\"version\":1,\"body\":{\"x\":\"\xC3\x28\"}}";
    cJSON *reply = s_serve (bad, sizeof bad - 1);
    UNIT_ASSERT (reply != NULL);
    UNIT_ASSERT_STR_EQ (s_code (reply), "invalid");
    UNIT_ASSERT_CONTAINS (s_message (reply), "UTF-8");
    cJSON_Delete (reply);

    size_t big = RPL_MAX_PAYLOAD + 1;
    char *huge = malloc (big);
    UNIT_ASSERT (huge != NULL);
    memset (huge, '{', big);   /* would be malformed too: must not even be parsed */
    reply = s_serve (huge, big);
    free (huge);
    UNIT_ASSERT (reply != NULL);
    UNIT_ASSERT_STR_EQ (s_code (reply), "invalid");
    UNIT_ASSERT_CONTAINS (s_message (reply), "request: too large (65537 bytes; at most 65536)");
    cJSON_Delete (reply);

    reply = s_serve ("", 0);
    UNIT_ASSERT (reply != NULL);
    UNIT_ASSERT_STR_EQ (s_code (reply), "invalid");
    cJSON_Delete (reply);
}

UNIT_TEST (intake_api_valid_request_reaches_the_desk)
{
    /* With no ticket desk a valid request passes every check and is then
     * answered "internal": proves validation accepted it. */
    const char *ok = "{\"request\":\"ticket.submit\",\"version\":1,\"body\":{"
                     "\"channel\":\"hotline\",\"kind\":\"repair\",\"customer\":{"
                     "\"name\":\"李娜\",\"phone\":\"13912345678\",\"address\":\"北京市朝阳区\","
                     "\"region\":\"NORTH\"},\"product\":{\"code\":\"AC-1\"},"
                     "\"description\":\"不制冷\"}}";
    cJSON *reply = s_serve (ok, strlen (ok));
    UNIT_ASSERT (reply != NULL);
    UNIT_ASSERT_STR_EQ (s_code (reply), "internal");
    UNIT_ASSERT_CONTAINS (s_message (reply), "no ticket desk");
    cJSON_Delete (reply);
}
