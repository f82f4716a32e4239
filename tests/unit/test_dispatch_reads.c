/*  Unit tests of dispatch's request table (services/dispatch/reads/) through
 *  rqe_serve with the project's schema files and no database: every invalid
 *  body is refused `invalid` with the field first, before any database
 *  work, and a valid one without a database is answered `internal`. What
 *  the requests answer from a real database, and their confinement to the
 *  caller's branches, is tests/integration/reads.c and tests/e2e/test_sla_reads.py.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "msg/schema.h"
#include "../../services/dispatch/api.h"
#include "unit.h"

/*  True when the request with body is answered code with a message that
 *  starts with want; otherwise says what came instead. */
static bool s_answered (const char *request, const char *body, const char *code, const char *want)
{
    char err[256], path[512], payload[1024];
    schema_set_t *schemas = schema_set_load (unit_repo_file ("schemas", path, sizeof path), err, sizeof err);
    if (!schemas) {
        printf ("    schemas: %s\n", err);
        return false;
    }
    snprintf (payload, sizeof payload, "{\"request\":\"%s\",\"version\":1,\"body\":%s}", request, body);
    unit_log_capture ();
    char *text = rqe_serve (schemas, dapi_requests, NULL, payload, strlen (payload));
    char logged[4096];
    unit_log_captured (logged, sizeof logged);
    schema_set_destroy (&schemas);
    cJSON *reply = text ? cJSON_Parse (text) : NULL;
    const cJSON *error = cJSON_GetObjectItemCaseSensitive (reply, "error");
    const char *got = json_str (error, "code", NULL), *message = json_str (error, "message", NULL);
    bool ok = got && message && strcmp (got, code) == 0 && strncmp (message, want, strlen (want)) == 0;
    if (!ok)
        printf ("    %s %s: got %s, want %s \"%s\"\n", request, body, text ? text : "no reply", code, want);
    cJSON_Delete (reply);
    free (text);
    return ok;
}

UNIT_TEST (dispatch_reads_refuse_invalid_bodies_with_the_field)
{
    UNIT_ASSERT (s_answered ("sla.board", "{\"branch\":\"\"}", "invalid", "body.branch: "));
    UNIT_ASSERT (s_answered ("sla.board", "{\"colour\":\"red\"}", "invalid", "body: unknown field \"colour\""));
    UNIT_ASSERT (s_answered ("sla.clocks", "{}", "invalid",
                             "body: matches none of the 2 alternatives: alternative 1: missing required field "
                             "\"ticket_id\"; alternative 2: missing required field \"subject\""));
    UNIT_ASSERT (s_answered ("sla.clocks", "{\"subject\":{\"kind\":\"claim\",\"id\":1}}", "invalid",
                             "body.subject.kind: "));
    UNIT_ASSERT (s_answered ("sla.clocks", "{\"subject\":{\"kind\":\"deposit\"}}", "invalid",
                             "body.subject: missing required field \"id\""));
    UNIT_ASSERT (s_answered ("sla.clocks", "{\"ticket_id\":0}", "invalid", "body.ticket_id: "));
    UNIT_ASSERT (s_answered ("sla.clocks", "{\"ticket_id\":\"7\"}", "invalid", "body.ticket_id: "));
    UNIT_ASSERT (s_answered ("sla.due", "{\"minutes\":60}", "invalid", "body: missing required field \"branch\""));
    UNIT_ASSERT (s_answered ("sla.due", "{\"branch\":\"SH01\"}", "invalid",
                             "body: the amount is missing (expected exactly one of \"minutes\" or \"working_days\")"));
    UNIT_ASSERT (s_answered ("sla.due", "{\"branch\":\"SH01\",\"minutes\":60,\"working_days\":1}", "invalid",
                             "body: both \"minutes\" and \"working_days\" given"));
    UNIT_ASSERT (s_answered ("sla.due", "{\"branch\":\"SH01\",\"minutes\":0}", "invalid", "body.minutes: "));
    UNIT_ASSERT (s_answered ("sla.due", "{\"branch\":\"SH01\",\"working_days\":366}", "invalid",
                             "body.working_days: "));
    UNIT_ASSERT (s_answered ("sla.due", "{\"branch\":\"SH01\",\"working_days\":3,\"calendar_time\":true}", "invalid",
                             "body.calendar_time: working days are business time"));
    UNIT_ASSERT (s_answered ("sla.due", "{\"branch\":\"SH01\",\"minutes\":60,\"at\":\"1850-01-01T00:00:00Z\"}",
                             "invalid", "body.at: expected an RFC 3339 time with an offset in the years 1900"));
    UNIT_ASSERT (s_answered ("sla.due", "{\"branch\":\"SH01\",\"minutes\":60,\"at\":\"tomorrow\"}", "invalid",
                             "body.at: "));
    UNIT_ASSERT (s_answered ("sla.report", "{\"from\":\"2026-11-01\"}", "invalid",
                             "body.from: given without \"to\""));
    UNIT_ASSERT (s_answered ("sla.report", "{\"from\":\"2026-12-01\",\"to\":\"2026-11-01\"}", "invalid",
                             "body.from: 2026-12-01 is not before \"to\" 2026-11-01"));
    UNIT_ASSERT (s_answered ("sla.report", "{\"from\":\"2026-11-31\",\"to\":\"2026-12-01\"}", "invalid",
                             "body.from: "));
    UNIT_ASSERT (s_answered ("sla.report", "{\"clocks\":[\"Arrival\"]}", "invalid", "body.clocks[0]: "));
    UNIT_ASSERT (s_answered ("sla.report", "{\"branches\":[]}", "invalid", "body.branches: "));
}

UNIT_TEST (dispatch_reads_without_a_database_answer_internal)
{
    UNIT_ASSERT (s_answered ("sla.board", "{}", "internal", "request: dispatch has no database"));
    UNIT_ASSERT (s_answered ("sla.clocks", "{\"ticket_id\":1}", "internal", "request: dispatch has no database"));
    UNIT_ASSERT (s_answered ("sla.due", "{\"branch\":\"SH01\",\"minutes\":60}", "internal",
                             "request: dispatch has no database"));
    UNIT_ASSERT (s_answered ("sla.report", "{}", "internal", "request: dispatch has no database"));
    UNIT_ASSERT (s_answered ("workorder.list", "{\"ticket_id\":1}", "internal", "request: dispatch has no database"));
    UNIT_ASSERT (s_answered ("workorder.report",
                             "{\"work_order_id\":1,\"parts\":[],\"labour_minutes\":30,\"distance_m\":0,"
                             "\"cause\":\"wear\",\"photos\":[]}",
                             "internal", "request: dispatch has no database"));
    UNIT_ASSERT (s_answered ("workorder.report", "{\"work_order_id\":1,\"parts\":[{\"code\":\"P1\",\"quantity\":0}],"
                             "\"labour_minutes\":30,\"distance_m\":0,\"cause\":\"wear\",\"photos\":[]}",
                             "invalid", "body.parts[0].quantity: "));
    UNIT_ASSERT (s_answered ("sla.audit", "{}", "invalid",
                             "request: unknown request \"sla.audit\" (expected one of sla.board, sla.clocks, "
                             "sla.due, sla.report, workorder.report, workorder.list, workorder.diagnose)"));
}
