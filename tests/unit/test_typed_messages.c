/*  Typed messages (common/msg/ticket_created.h, ticket_updated.h): a body
 *  decodes into its struct once, and a body a handler cannot use is refused
 *  with the field and the reason. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "msg/ticket_created.h"
#include "msg/ticket_updated.h"
#include "unit.h"

static env_t s_env (const char *type, const char *body)
{
    env_t e;
    memset (&e, 0, sizeof e);
    snprintf (e.type, sizeof e.type, "%s", type);
    snprintf (e.id, sizeof e.id, "00000000-0000-4000-8000-000000000001");
    e.body = cJSON_Parse (body);
    return e;
}

UNIT_TEST (ticket_created_decodes_once_into_its_struct)
{
    env_t e = s_env ("ticket.created",
                     "{\"ticket_id\":42,\"status\":\"open\",\"branch\":\"SH01\",\"customer_id\":\"C1001\","
                     "\"region\":\"SH-PD\",\"tier\":\"tier1\",\"kind\":\"repair\",\"channel\":\"hotline\","
                     "\"priority\":\"high\",\"product\":{\"code\":\"AC-3200\",\"line\":\"air-conditioner\","
                     "\"premium\":true},\"description\":\"x\",\"created_at\":\"2026-11-23T01:00:00.000000Z\","
                     "\"flags\":[\"safety\"],\"customer_class\":\"vip\"}");
    ticket_created_t t;
    char err[256];
    UNIT_ASSERT (e.body && ticket_created_decode (&e, &t, err, sizeof err) == 0);
    UNIT_ASSERT_STR_EQ (t.ticket_id_text, "42");
    UNIT_ASSERT (!t.closed && t.has_product && t.premium);
    UNIT_ASSERT_STR_EQ (t.product_line, "air-conditioner");
    UNIT_ASSERT_STR_EQ (t.customer_class, "vip");
    UNIT_ASSERT_INT_EQ (t.n_flags, 1);
    UNIT_ASSERT_STR_EQ (t.flags[0], "safety");
    UNIT_ASSERT_INT_EQ (t.created_us, 1795395600000000LL);
    cJSON_ReplaceItemInObject (e.body, "status", cJSON_CreateString ("pending"));
    UNIT_ASSERT (ticket_created_decode (&e, &t, err, sizeof err) == -1);
    UNIT_ASSERT_STR_EQ (err, "body.status: expected open or closed");
    cJSON_ReplaceItemInObject (e.body, "status", cJSON_CreateString ("closed"));
    cJSON_DeleteItemFromObject (e.body, "tier");
    UNIT_ASSERT (ticket_created_decode (&e, &t, err, sizeof err) == -1);
    UNIT_ASSERT_STR_EQ (err, "body.tier: expected a string of 1 to 64 bytes");
    cJSON_Delete (e.body);
}

UNIT_TEST (ticket_updated_decodes_and_wants_the_escalation_it_acknowledges)
{
    env_t e = s_env ("ticket.updated", "{\"ticket_id\":7,\"branch\":\"SH01\",\"event\":\"paused\","
                                       "\"actor\":\"王芳\",\"at\":\"2026-11-23T01:30:00.000000Z\","
                                       "\"reason\":\"waiting_parts\"}");
    ticket_updated_t u;
    char err[256];
    UNIT_ASSERT (e.body && ticket_updated_decode (&e, &u, err, sizeof err) == 0);
    UNIT_ASSERT_STR_EQ (u.ticket_id_text, "7");
    UNIT_ASSERT_STR_EQ (u.reason, "waiting_parts");
    UNIT_ASSERT_INT_EQ (u.escalation_id, 0);
    cJSON_ReplaceItemInObject (e.body, "event", cJSON_CreateString ("escalation_acknowledged"));
    UNIT_ASSERT (ticket_updated_decode (&e, &u, err, sizeof err) == -1);
    UNIT_ASSERT_STR_EQ (err, "body.escalation_id: expected an integer >= 1");
    cJSON_AddNumberToObject (e.body, "escalation_id", 3);
    UNIT_ASSERT (ticket_updated_decode (&e, &u, err, sizeof err) == 0);
    UNIT_ASSERT_STR_EQ (u.escalation_id_text, "3");
    cJSON_ReplaceItemInObject (e.body, "at", cJSON_CreateString ("yesterday"));
    UNIT_ASSERT (ticket_updated_decode (&e, &u, err, sizeof err) == -1);
    UNIT_ASSERT_STR_EQ (err, "body.at: expected an RFC 3339 date-time");
    cJSON_Delete (e.body);
}
