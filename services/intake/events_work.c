/*  events_work — see events_work.h. */
#include "events_work.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "base/log.h"
#include "request.h"

/*  Applies one event; maps the refusal to the message's fate. */
static bus_result_t s_event (itk_t *tickets, const env_t *msg, const irq_event_t *rq, char *reason,
                             size_t reason_size)
{
    char err[512] = "";
    rpl_code_t code = itk_event_in_tx (tickets, rq, err, sizeof err);
    switch (code) {
    case RPL_OK:
        return BUS_OK;
    case RPL_CONFLICT:
        /* the ticket's state says no: nothing to do for this message */
        log_kv (LOG_INFO, "ticket_event_not_applied", "message_id", msg->id, "type", msg->type, "ticket_event",
                rq->event, "reason", err, NULL);
        return BUS_OK;
    case RPL_NOT_FOUND:
    case RPL_INVALID:
        snprintf (reason, reason_size, "%s", err);
        return BUS_REJECT;
    default:
        snprintf (reason, reason_size, "%s", err);
        return BUS_RETRY;
    }
}

static bus_result_t s_on_work_done (void *ctx, db_t *db, const env_t *msg, char *reason, size_t reason_size)
{
    (void) db;
    const cJSON *b = msg->body;
    char note[160];
    snprintf (note, sizeof note, "work order %" PRId64 " passed its inspection", json_int (b, "work_order_id", 0));
    irq_event_t rq = { .ticket_id = json_int (b, "ticket_id", 0), .event = "ticket_resolved",
                       .actor = json_str (b, "accepted_by", msg->service), .note = note };
    return s_event (ctx, msg, &rq, reason, reason_size);
}

/*  "dissatisfied: late, rude — free text" for the history's note. */
static void s_outcome_note (const cJSON *b, char *note, size_t size)
{
    size_t used = (size_t) snprintf (note, size, "callback %" PRId64 ": %s", json_int (b, "callback_id", 0),
                                     json_str (b, "outcome", "?"));
    const cJSON *reasons = cJSON_GetObjectItemCaseSensitive (b, "reasons");
    const cJSON *r;
    int i = 0;
    cJSON_ArrayForEach (r, reasons)
    {
        if (used >= size || !cJSON_IsString (r))
            break;
        used += (size_t) snprintf (note + used, size - used, "%s%s", i++ ? ", " : " (", r->valuestring);
    }
    if (i && used < size)
        snprintf (note + used, size - used, ")");
}

static bus_result_t s_on_callback (void *ctx, db_t *db, const env_t *msg, char *reason, size_t reason_size)
{
    (void) db;
    const cJSON *b = msg->body;
    char note[600];
    s_outcome_note (b, note, sizeof note);
    irq_event_t rq = { .ticket_id = json_int (b, "ticket_id", 0), .event = "callback_done",
                       .actor = json_str (b, "agent", msg->service), .note = note };
    bus_result_t rc = s_event (ctx, msg, &rq, reason, reason_size);
    if (rc != BUS_OK)
        return rc;
    if (strcmp (json_str (b, "outcome", ""), "dissatisfied") != 0
        || strcmp (json_str (b, "purpose", ""), "after_work") != 0)
        return BUS_OK;
    /* a dissatisfied customer's case is open again: dispatch sends a revisit */
    rq.event = "ticket_reopened";
    return s_event (ctx, msg, &rq, reason, reason_size);
}

int iew_register (bus_t *bus, itk_t *tickets)
{
    if (bus_on (bus, "ticket.work_done", s_on_work_done, tickets) != 0
        || bus_on (bus, "callback.recorded", s_on_callback, tickets) != 0)
        return -1;
    return 0;
}
