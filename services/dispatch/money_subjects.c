/*  money_subjects — see money_subjects.h. */
#include "money_subjects.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/json.h"
#include "base/log.h"
#include "model/sla_subject.h"
#include "sla/sla_subjects.h"
#include "svc/failure.h"

bus_result_t dms_on_subject (void *ctx, db_t *db, const svc_ctx_t *who, char *reason, size_t reason_size)
{
    const cJSON *b = who->msg->body;
    const char *kind = json_str (b, "kind", ""), *short_event = json_str (b, "event", "");
    char id[24], ticket[24], event[48];
    snprintf (id, sizeof id, "%" PRId64, json_int (b, "id", 0));
    snprintf (ticket, sizeof ticket, "%" PRId64, json_int (b, "ticket_id", 0));
    snprintf (event, sizeof event, "%s_%s", kind, short_event);
    bool ticketless = sla_subject_ticketless (kind);
    if (!sla_subject_event_valid (kind, event) || (json_int (b, "ticket_id", 0) < 1) != ticketless) {
        snprintf (reason, reason_size, "body: %s is not an event of a %s %s a ticket_id (docs/sla.md \"Subjects\")",
                  event, kind, ticketless ? "without" : "with");
        return BUS_REJECT;
    }
    int64_t due = 0;
    const char *due_text = json_str (b, "due_at", NULL);
    if (due_text && clock_parse_rfc3339 (due_text, &due) != 0) {
        snprintf (reason, reason_size, "body.due_at: expected an RFC 3339 date-time");
        return BUS_REJECT;
    }
    sss_subject_t subject = { kind, id, ticketless ? NULL : ticket, json_str (b, "branch", ""), due };
    if (sss_on_event (sle_subjects (ctx), db, &subject, event, who->msg->ts_us) < 0)
        return svc_db_bus_failure (db, "moving the subject's clocks", reason, reason_size);
    return BUS_OK;
}
