/*  callback_events — see callback_events.h. */
#include "callback_events.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/json.h"
#include "sla/sla_subjects.h"
#include "svc/failure.h"

/*  The callback the message is about, and the instant under `key`.
 *  Returns 0, or -1 with the reason. */
static int s_read (const cJSON *b, const char *key, char *id, char *ticket, int64_t *at, char *reason,
                   size_t reason_size)
{
    snprintf (id, 24, "%" PRId64, json_int (b, "callback_id", 0));
    snprintf (ticket, 24, "%" PRId64, json_int (b, "ticket_id", 0));
    const char *text = json_str (b, key, NULL);
    if (!text || clock_parse_rfc3339 (text, at) != 0) {
        snprintf (reason, reason_size, "body.%s: expected an RFC 3339 date-time", key);
        return -1;
    }
    return 0;
}

bus_result_t dce_on_scheduled (void *ctx, db_t *db, const svc_ctx_t *who, char *reason, size_t reason_size)
{
    const cJSON *b = who->msg->body;
    char id[24], ticket[24];
    int64_t at, due;
    if (s_read (b, "scheduled_at", id, ticket, &at, reason, reason_size) != 0
        || s_read (b, "due_at", id, ticket, &due, reason, reason_size) != 0)
        return BUS_REJECT;
    sss_subject_t callback = { "callback", id, ticket, json_str (b, "branch", ""), due };
    if (sss_on_event (sle_subjects (ctx), db, &callback, "callback_scheduled", at) < 0)
        return svc_db_bus_failure (db, "starting the callback's clocks", reason, reason_size);
    return BUS_OK;
}

bus_result_t dce_on_recorded (void *ctx, db_t *db, const svc_ctx_t *who, char *reason, size_t reason_size)
{
    const cJSON *b = who->msg->body;
    char id[24], ticket[24];
    int64_t at;
    if (s_read (b, "at", id, ticket, &at, reason, reason_size) != 0)
        return BUS_REJECT;
    bool unreachable = strcmp (json_str (b, "outcome", ""), "unreachable") == 0;
    sss_subject_t callback = { "callback", id, ticket, json_str (b, "branch", ""), 0 };
    if (sss_on_event (sle_subjects (ctx), db, &callback, unreachable ? "callback_unreachable" : "callback_recorded",
                      at) < 0)
        return svc_db_bus_failure (db, "stopping the callback's clocks", reason, reason_size);
    return BUS_OK;
}
