/*  test_envelope — making, encoding and decoding message envelopes
 *  (common/msg/envelope.c) against the real schemas/ of the repository: the
 *  round trip, byte-exact Chinese text, and every rejection path of
 *  env_decode with its reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "msg/envelope.h"
#include "unit.h"

#define S_ID "6f1c0a4e-1b2c-4d3e-8f90-0123456789ab"

static const char *s_body_created =
    "{\"ticket_id\":42,\"status\":\"open\",\"branch\":\"SH01\",\"customer_id\":\"C1001\","
    "\"region\":\"SH\",\"tier\":\"tier1\",\"kind\":\"repair\",\"channel\":\"hotline\","
    "\"priority\":\"normal\",\"product\":{\"code\":\"AC-3200\",\"line\":\"空调\",\"premium\":false},"
    "\"description\":\"空调不制冷，开机十分钟后出风是热的\",\"created_at\":\"2026-11-22T06:48:42.123456Z\"}";

/*  An envelope text with the given type, version and body (all verbatim). */
static char *s_envelope (const char *type, const char *version, const char *body)
{
    char *text = malloc (4096);
    if (text)
        snprintf (text, 4096,
                  "{\"id\":\"" S_ID "\",\"type\":%s,\"version\":%s,\"ts\":\"2026-11-22T06:48:42.5Z\","
                  "\"source\":{\"service\":\"intake\",\"instance\":\"intake-1\"},\"branch\":\"SH01\","
                  "\"correlation_id\":\"42\",\"body\":%s}",
                  type, version, body);
    return text;
}

/*  Decodes text; returns the error (static buffer) or NULL when accepted. */
static const char *s_reject (const schema_set_t *set, const char *text, char *id_out)
{
    static char err[1024];
    env_t *env = env_decode (text, strlen (text), set, id_out, err, sizeof err);
    if (env) {
        env_destroy (&env);
        return NULL;
    }
    return err;
}

UNIT_TEST (envelope_round_trip_keeps_every_byte)
{
    char err[512];
    schema_set_t *set = schema_set_load ("schemas", err, sizeof err);
    UNIT_ASSERT (set);
    env_set_origin ("intake", "intake-1");
    clock_set (1795330122123456); /* 2026-11-22T06:48:42.123456Z */
    cJSON *body = cJSON_Parse (s_body_created);
    cJSON *expect = cJSON_Duplicate (body, true);
    env_t *env = env_new ("ticket.created", "SH01", "42", &body);
    clock_use_real ();
    UNIT_ASSERT (body == NULL);
    UNIT_ASSERT (env);
    UNIT_ASSERT (kuuid_valid (env->id));
    UNIT_ASSERT_INT_EQ (env->version, 1);
    UNIT_ASSERT_INT_EQ (env->ts_us, 1795330122123456);
    char *text = env_encode (env);
    UNIT_ASSERT (text);
    UNIT_ASSERT (!strchr (text, '\n'));
    UNIT_ASSERT_CONTAINS (text, "\"ts\":\"2026-11-22T06:48:42.123456Z\"");
    UNIT_ASSERT_CONTAINS (text, "空调不制冷，开机十分钟后出风是热的");
    char id[KUUID_STR_LEN];
    env_t *back = env_decode (text, strlen (text), set, id, err, sizeof err);
    if (!back)
        unit_fail (__FILE__, __LINE__, "decode failed: %s", err);
    UNIT_ASSERT (back);
    UNIT_ASSERT_STR_EQ (back->id, env->id);
    UNIT_ASSERT_STR_EQ (id, env->id);
    UNIT_ASSERT_STR_EQ (back->type, "ticket.created");
    UNIT_ASSERT_INT_EQ (back->version, 1);
    UNIT_ASSERT_INT_EQ (back->ts_us, env->ts_us);
    UNIT_ASSERT_STR_EQ (back->service, "intake");
    UNIT_ASSERT_STR_EQ (back->instance, "intake-1");
    UNIT_ASSERT_STR_EQ (back->branch, "SH01");
    UNIT_ASSERT_STR_EQ (back->correlation_id, "42");
    UNIT_ASSERT (cJSON_Compare (back->body, expect, true));
    UNIT_ASSERT_STR_EQ (cJSON_GetObjectItem (back->body, "description")->valuestring,
                        "空调不制冷，开机十分钟后出风是热的");
    /* encoding the decoded envelope gives the same bytes */
    char *again = env_encode (back);
    UNIT_ASSERT (again);
    UNIT_ASSERT_STR_EQ (again, text);
    free (again);
    free (text);
    cJSON_Delete (expect);
    env_destroy (&back);
    env_destroy (&env);
    env_destroy (&env);
    UNIT_ASSERT (env == NULL);
    schema_set_destroy (&set);
}

UNIT_TEST (envelope_null_branch_and_correlation)
{
    char err[512];
    schema_set_t *set = schema_set_load ("schemas", err, sizeof err);
    UNIT_ASSERT (set);
    env_set_origin ("dispatch", "dispatch-a");
    cJSON *body = cJSON_Parse ("{\"work_order_id\":7,\"ticket_id\":42,\"reason\":\"没有在班的高级技师\","
                               "\"at\":\"2026-11-22T06:48:42Z\"}");
    env_t *env = env_new ("workorder.unassigned", NULL, NULL, &body);
    UNIT_ASSERT (env);
    char *text = env_encode (env);
    UNIT_ASSERT (text);
    UNIT_ASSERT_CONTAINS (text, "\"branch\":null,\"correlation_id\":null");
    env_t *back = env_decode (text, strlen (text), set, NULL, err, sizeof err);
    if (!back)
        unit_fail (__FILE__, __LINE__, "decode failed: %s", err);
    UNIT_ASSERT (back);
    UNIT_ASSERT_STR_EQ (back->branch, "");
    UNIT_ASSERT_STR_EQ (back->correlation_id, "");
    UNIT_ASSERT_STR_EQ (back->service, "dispatch");
    free (text);
    env_destroy (&back);
    env_destroy (&env);
    schema_set_destroy (&set);
}

UNIT_TEST (envelope_new_refuses_what_does_not_fit)
{
    char longer[80];
    memset (longer, 'a', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    cJSON *body = cJSON_CreateObject ();
    UNIT_ASSERT (env_new (longer, NULL, NULL, &body) == NULL);
    UNIT_ASSERT (body == NULL); /* ownership taken even on failure: ASan checks no leak */
    body = cJSON_CreateObject ();
    UNIT_ASSERT (env_new ("ticket.created", longer, NULL, &body) == NULL);
    UNIT_ASSERT (body == NULL);
    UNIT_ASSERT (env_new (NULL, NULL, NULL, NULL) == NULL);
    /* a missing body becomes {} */
    env_t *env = env_new ("ticket.created", NULL, NULL, NULL);
    UNIT_ASSERT (env);
    UNIT_ASSERT (cJSON_IsObject (env->body));
    env_destroy (&env);
    UNIT_ASSERT (env_encode (NULL) == NULL);
}

UNIT_TEST (envelope_decode_rejects_with_reasons)
{
    char err[512];
    schema_set_t *set = schema_set_load ("schemas", err, sizeof err);
    UNIT_ASSERT (set);
    char id[KUUID_STR_LEN];
    char *text;

    /* the well-formed reference message is accepted */
    text = s_envelope ("\"ticket.created\"", "1", s_body_created);
    UNIT_ASSERT (s_reject (set, text, id) == NULL);
    free (text);

    UNIT_ASSERT_CONTAINS (s_reject (set, "{\"id\":\"\xc3\x28\"}", id), "invalid UTF-8 at byte");
    UNIT_ASSERT_STR_EQ (id, "");
    UNIT_ASSERT_CONTAINS (s_reject (set, "{\"id\":", id), "malformed JSON");
    UNIT_ASSERT_CONTAINS (s_reject (set, "[1,2]", id), "expected a JSON object");
    UNIT_ASSERT_CONTAINS (s_reject (set, "{\"id\":\"" S_ID "\"} x", id), "trailing data");
    UNIT_ASSERT_STR_EQ (s_reject (set, "", id), "empty message (expected one JSON envelope)");
    UNIT_ASSERT (env_decode (NULL, 0, set, id, err, sizeof err) == NULL);
    UNIT_ASSERT (env_decode ("{}", 2, NULL, id, err, sizeof err) == NULL);
    UNIT_ASSERT_STR_EQ (err, "no schemas loaded to validate the message");

    /* a missing field: the id is still reported so the message can be dead-lettered */
    UNIT_ASSERT_STR_EQ (s_reject (set, "{\"id\":\"" S_ID "\",\"type\":\"ticket.created\"}", id),
                        "envelope: missing required field \"version\"");
    UNIT_ASSERT_STR_EQ (id, S_ID);

    text = s_envelope ("\"ticket.exploded\"", "1", "{}");
    UNIT_ASSERT_STR_EQ (s_reject (set, text, id), "unknown message type \"ticket.exploded\"");
    free (text);
    /* a request schema is not a message type */
    text = s_envelope ("\"ticket.submit\"", "1", "{}");
    UNIT_ASSERT_STR_EQ (s_reject (set, text, id), "unknown message type \"ticket.submit\"");
    free (text);
    text = s_envelope ("\"ticket.created\"", "3", s_body_created);
    UNIT_ASSERT_STR_EQ (s_reject (set, text, id), "unsupported version 3 of ticket.created (known: 1)");
    free (text);
    text = s_envelope ("\"ticket.created\"", "0", s_body_created);
    UNIT_ASSERT_STR_EQ (s_reject (set, text, id), "envelope: version: 0 is less than the minimum 1");
    free (text);
    text = s_envelope ("\"ticket.created\"", "\"1\"", s_body_created);
    UNIT_ASSERT_STR_EQ (s_reject (set, text, id), "envelope: version: expected integer, got string");
    free (text);
    text = s_envelope ("\"Ticket Created\"", "1", s_body_created);
    UNIT_ASSERT_CONTAINS (s_reject (set, text, id), "envelope: type: does not match the pattern");
    free (text);

    /* body violations name the field under body */
    text = s_envelope ("\"ticket.created\"", "1", "{\"ticket_id\":42}");
    UNIT_ASSERT_STR_EQ (s_reject (set, text, id), "body: missing required field \"status\"");
    free (text);
    char body[2048];
    snprintf (body, sizeof body, "%s", s_body_created);
    char *kind = strstr (body, "\"repair\"");
    memcpy (kind, "\"repaix\"", 8);
    text = s_envelope ("\"ticket.created\"", "1", body);
    UNIT_ASSERT_STR_EQ (s_reject (set, text, id),
                        "body.kind: \"repaix\" is not one of consultation, repair, installation, "
                        "complaint, return, suggestion");
    free (text);
    snprintf (body, sizeof body, "%.*s,\"colour\":\"red\"}", (int) strlen (s_body_created) - 1,
              s_body_created);
    text = s_envelope ("\"ticket.created\"", "1", body);
    UNIT_ASSERT_STR_EQ (s_reject (set, text, id), "body: unknown field \"colour\"");
    free (text);
    text = s_envelope ("\"workorder.assigned\"", "1",
                       "{\"work_order_id\":1,\"ticket_id\":2,\"technician\":{\"id\":\"T1\",\"name\":\"李师傅\","
                       "\"grade\":\"master\"},\"assigned_at\":\"2026-11-22T06:48:42Z\",\"load\":1}");
    UNIT_ASSERT_STR_EQ (s_reject (set, text, id), "body.technician.grade: \"master\" is not one of "
                                                  "trainee, junior, intermediate, senior");
    free (text);
    schema_set_destroy (&set);
}

UNIT_TEST (envelope_decode_rejects_bad_envelope_fields)
{
    char err[512];
    schema_set_t *set = schema_set_load ("schemas", err, sizeof err);
    UNIT_ASSERT (set);
    char id[KUUID_STR_LEN];
    struct {
        const char *from, *to, *expect;
    } cases[] = {
        { "\"service\":\"intake\"", "\"service\":\"sales\"",
          "envelope: source.service: \"sales\" is not one of intake, dispatch, qc, billing, callback, claims" },
        { "\"ts\":\"2026-11-22T06:48:42.5Z\"", "\"ts\":\"2026-11-22 06:48\"", "envelope: ts: " },
        /* valid RFC 3339, but before year 0000 in UTC (found by fuzzing) */
        { "\"ts\":\"2026-11-22T06:48:42.5Z\"", "\"ts\":\"0000-01-01T00:00:00+01:00\"",
          "envelope: ts: not a time that can be represented" },
        { "\"branch\":\"SH01\"", "\"branch\":\"SH 01\"", "envelope: branch: does not match the pattern" },
        { "\"branch\":\"SH01\"", "\"branch\":\"\"", "envelope: branch: must not be empty" },
        { "\"correlation_id\":\"42\"", "\"correlation_id\":42", "envelope: correlation_id: expected null or string, got integer" },
        { "\"id\":\"" S_ID "\"", "\"id\":\"42\"", "envelope: id: " },
        { "\"instance\":\"intake-1\"", "\"instance\":\"intake-1\",\"pid\":7", "envelope: source: unknown field \"pid\"" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *base = s_envelope ("\"ticket.created\"", "1", s_body_created);
        char text[4096];
        char *at = strstr (base, cases[i].from);
        UNIT_ASSERT (at);
        snprintf (text, sizeof text, "%.*s%s%s", (int) (at - base), base, cases[i].to,
                  at + strlen (cases[i].from));
        free (base);
        const char *got = s_reject (set, text, id);
        if (!got || !strstr (got, cases[i].expect)) {
            unit_fail (__FILE__, __LINE__, "case %zu: got \"%s\", expected \"%s\"", i,
                       got ? got : "(accepted)", cases[i].expect);
            break;
        }
    }
    /* 63 Chinese characters fit the schema's 63 code points but not the
     * 63-byte instance buffer: refused with a reason, never truncated */
    char instance[256] = "";
    for (int i = 0; i < 63; i++)
        strcat (instance, "甲");
    char body[4096];
    snprintf (body, sizeof body,
              "{\"id\":\"" S_ID "\",\"type\":\"ticket.created\",\"version\":1,\"ts\":\"2026-11-22T06:48:42Z\","
              "\"source\":{\"service\":\"intake\",\"instance\":\"%s\"},\"branch\":null,"
              "\"correlation_id\":null,\"body\":%s}", instance, s_body_created);
    UNIT_ASSERT_CONTAINS (s_reject (set, body, id), "envelope: source.instance: longer than");
    schema_set_destroy (&set);
}
