/*  events — intake's handlers for dispatch's work-order messages (see
 *  events.h). They run inside the bus's receiving transaction.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/ticket.h"
#include "db/statements.h"
#include "base/clock.h"
#include "events.h"
#include "events_kept.h"
#include "base/json.h"
#include "base/log.h"

struct iev_s {
    bus_t *bus;
    iek_t *kept;   /* writes kept for the end of a batch (bus_batching) */
    iek_t *now;    /* a write made at once */
};

static const db_statement_t s_statements[] = {
    { "intake_ev_ticket",
      "SELECT t.status FROM intake.tickets t WHERE t.id = $1 FOR UPDATE" },
    /* After the ticket is locked (a statement of its own, so it sees what a
     * concurrent event committed; sent with intake_ev_ticket in one round
     * trip): whether the status moves (the ticket's status is $5 already,
     * or one of $4, the states a move to $5 may start from;
     * and the opposite event $2 is not recorded later than $3), the move,
     * and the history rows, "status_changed" in the first. No row, and
     * nothing written, when the ticket does not exist. */
    { "intake_ev_apply",
      "WITH m AS (SELECT (t.status = ANY ($4::text[]) OR t.status = $5) AND NOT EXISTS (SELECT 1"
      "             FROM intake.ticket_history h"
      "             WHERE h.ticket_id = $1 AND h.event = $2 AND h.at > $3) AS move"
      "           FROM intake.tickets t WHERE t.id = $1),"
      " u AS (UPDATE intake.tickets SET status = $5, updated_at = $6"
      "       WHERE id = $1 AND (SELECT move FROM m) RETURNING id),"
      " h AS (INSERT INTO intake.ticket_history (ticket_id, at, actor, event, detail)"
      "       SELECT $1, r.at, $7, r.event, r.detail FROM"
      "        (SELECT 0::bigint AS n, $3::timestamptz AS at, $8::text AS event,"
      "                $9::jsonb || jsonb_build_object('status_changed', m.move) AS detail FROM m"
      /* then the SLA history rows the message carries ($10: [{event, at, detail}]) */
      "         UNION ALL SELECT x.n, (x.e->>'at')::timestamptz, x.e->>'event', x.e->'detail'"
      "         FROM jsonb_array_elements($10::jsonb) WITH ORDINALITY AS x(e, n)"
      "         WHERE EXISTS (SELECT 1 FROM m)) r"
      "       ORDER BY r.n RETURNING id)"
      " SELECT m.move, (SELECT count(*) FROM h) FROM m" },
    /* An SLA event: a history row only, when the ticket exists. */
    { "intake_ev_sla",
      "INSERT INTO intake.ticket_history (ticket_id, at, actor, event, detail)"
      " SELECT t.id, $2, $3, $4, $5::jsonb FROM intake.tickets t WHERE t.id = $1 RETURNING id" },
};

iev_t *iev_new (bus_t *bus, db_t *db)
{
    if (!bus || !db)
        return NULL;
    iev_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->bus = bus;
    if (!(self->kept = iek_new ()) || !(self->now = iek_new ()))
        goto fail;
    if (db_prepare_statements (db, s_statements, DB_STATEMENTS (s_statements)) != 0)
        goto fail;
    if (bus_on (bus, "workorder.assigned", iev_on_assigned, self) != 0
        || bus_on (bus, "workorder.unassigned", iev_on_unassigned, self) != 0
        || bus_on (bus, "sla.clock", iev_on_sla, self) != 0
        || bus_on (bus, "sla.warning", iev_on_sla, self) != 0
        || bus_on (bus, "sla.escalated", iev_on_sla, self) != 0
        || bus_on (bus, "inspection.failed", iev_on_sla, self) != 0)
        goto fail;
    /* what the handlers of a batch keep is written at its end, together */
    bus_on_batch_end (bus, iek_write_batch, self->kept);
    return self;
fail:
    iev_destroy (&self);
    return NULL;
}

void iev_destroy (iev_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    iev_t *self = *self_p;
    bus_on_batch_end (self->bus, NULL, NULL);
    iek_destroy (&self->kept);
    iek_destroy (&self->now);
    free (self);
    *self_p = NULL;
}

/*  A write kept by events_kept: for the end of the batch when the bus
 *  applies one without savepoints (bus_batching), else at once. */
static bus_result_t s_written (iev_t *self, db_t *db, iek_t *one, int kept, char *reason, size_t size)
{
    bus_result_t rc = BUS_OK;
    if (kept != 0) {
        snprintf (reason, size, "out of memory");
        rc = BUS_RETRY;
    } else if (!self || one != self->kept)
        rc = iek_write (one, db, reason, size);
    /* (kept for the batch: written by iek_write_batch at its end) */
    if (!self)
        iek_destroy (&one);
    return rc;
}

/*  Where a handler's write goes (s_written). */
static iek_t *s_target (iev_t *self)
{
    if (!self)
        return iek_new ();
    return bus_batching (self->bus) ? self->kept : self->now;
}

/*  One work-order event to apply to a ticket. */
typedef struct {
    const env_t *msg;
    char ticket_id[32];
    const char *event;        /* history event */
    ticket_state_t to;        /* the state it moves the ticket to */
    const char *status;       /* its name */
    const char *opposite;     /* history event that, if later, wins */
    const char *at;           /* event time, RFC 3339 */
    cJSON *detail;            /* owned */
    cJSON *sla;               /* SLA history rows carried along (owned), or NULL */
} s_event_t;

/*  Reads the fields common to both messages. Returns 0 or -1 with reason. */
static int s_read_common (const env_t *msg, s_event_t *ev, const char *at_key, char *reason,
                          size_t size)
{
    const cJSON *body = msg->body;
    const cJSON *tid = cJSON_GetObjectItemCaseSensitive (body, "ticket_id");
    const cJSON *wid = cJSON_GetObjectItemCaseSensitive (body, "work_order_id");
    if (!json_is_integer (tid) || tid->valuedouble < 1 || !json_is_integer (wid)
        || wid->valuedouble < 1) {
        snprintf (reason, size, "body.ticket_id, body.work_order_id: expected integers >= 1");
        return -1;
    }
    snprintf (ev->ticket_id, sizeof ev->ticket_id, "%" PRId64, (int64_t) tid->valuedouble);
    ev->at = json_str (body, at_key, NULL);
    int64_t us;
    if (!ev->at || clock_parse_rfc3339 (ev->at, &us) != 0) {
        snprintf (reason, size, "body.%s: expected an RFC 3339 date-time", at_key);
        return -1;
    }
    ev->detail = cJSON_CreateObject ();
    if (!ev->detail) {
        snprintf (reason, size, "out of memory");
        return -1;
    }
    cJSON_AddNumberToObject (ev->detail, "work_order_id", wid->valuedouble);
    cJSON_AddStringToObject (ev->detail, "message_id", msg->id);
    return 0;
}

/*  Applies one event: the ticket must exist; its status moves unless it is
 *  closed or the opposite event of later date is already recorded; the
 *  history row is written in every case. */
static bus_result_t s_apply (iev_t *self, db_t *db, s_event_t *ev, char *reason, size_t size)
{
    char *detail_text = NULL, *sla_text = NULL;
    bus_result_t rc = BUS_OK;
    char now[40];
    clock_format_us (clock_now_us (), now, sizeof now);

    if (!(detail_text = json_print (ev->detail))
        || !(sla_text = ev->sla ? json_print (ev->sla) : strdup ("[]"))) {
        snprintf (reason, size, "out of memory");
        rc = BUS_RETRY;
        goto cleanup;
    }
    /* The ticket locked, then the event applied (events_kept.h). A
     * resolved or closed ticket keeps its status (the ticket's table has
     * no such move); the row is history. */
    const char *actor = ev->msg->service[0] ? ev->msg->service : "dispatch";
    char from[96];
    states_from_sql (&ticket_states, (int) ev->to, from, sizeof from);
    const char *p[IEK_APPLY_PARAMS] = { ev->ticket_id, ev->opposite, ev->at, from,
                                        ev->status, now, actor, ev->event, detail_text, sla_text };
    int rows = 1 + (ev->sla ? cJSON_GetArraySize (ev->sla) : 0);
    iek_t *one = s_target (self);
    rc = s_written (self, db, one,
                    iek_keep_event (one, db, p, rows, ev->msg->id, ev->event, ev->status), reason,
                    size);
cleanup:
    free (detail_text);
    free (sla_text);
    return rc;
}

/*  The SLA history rows a workorder.assigned of version 2 carries in "sla"
 *  (sla.clock bodies without ticket_id): [{event: clock_started or
 *  clock_stopped, at, detail: the entry with message_id}] — what iev_on_sla
 *  records for an sla.clock. *rows stays NULL when there are none (the
 *  caller frees it in every case). BUS_REJECT with the reason for an entry
 *  that is not usable, BUS_RETRY when out of memory. */
static bus_result_t s_read_sla (const env_t *msg, cJSON **rows, char *reason, size_t size)
{
    *rows = NULL;
    const cJSON *sla = cJSON_GetObjectItemCaseSensitive (msg->body, "sla");
    if (!sla)
        return BUS_OK;
    if (!cJSON_IsArray (sla)) {
        snprintf (reason, size, "body.sla: expected a list");
        return BUS_REJECT;
    }
    if (!(*rows = cJSON_CreateArray ()))
        goto nomem;
    int i = 0;
    const cJSON *entry;
    cJSON_ArrayForEach (entry, sla) {
        const char *event = json_str (entry, "event", "");
        const char *at = json_str (entry, "at", NULL);
        const cJSON *clocks = cJSON_GetObjectItemCaseSensitive (entry, "clocks");
        const char *history = strcmp (event, "started") == 0   ? "clock_started"
                              : strcmp (event, "stopped") == 0 ? "clock_stopped"
                                                               : NULL;
        int64_t us;
        if (!history) {
            snprintf (reason, size, "body.sla[%d].event: expected started or stopped", i);
            return BUS_REJECT;
        }
        if (!at || clock_parse_rfc3339 (at, &us) != 0) {
            snprintf (reason, size, "body.sla[%d].at: expected an RFC 3339 date-time", i);
            return BUS_REJECT;
        }
        if (!cJSON_IsArray (clocks) || cJSON_GetArraySize (clocks) == 0) {
            snprintf (reason, size, "body.sla[%d].clocks: expected a non-empty list", i);
            return BUS_REJECT;
        }
        cJSON *row = cJSON_CreateObject ();
        cJSON *detail = cJSON_Duplicate (entry, true);
        if (!row || !detail || !cJSON_AddItemToArray (*rows, row)) {
            cJSON_Delete (row);
            cJSON_Delete (detail);
            goto nomem;
        }
        cJSON_AddItemToObject (row, "detail", detail);
        if (!cJSON_AddStringToObject (detail, "message_id", msg->id)
            || !cJSON_AddStringToObject (row, "event", history)
            || !cJSON_AddStringToObject (row, "at", at))
            goto nomem;
        i++;
    }
    return BUS_OK;
nomem:
    snprintf (reason, size, "out of memory");
    return BUS_RETRY;
}

bus_result_t iev_on_assigned (void *ctx, db_t *db, const env_t *msg, char *reason,
                              size_t reason_size)
{
    (void) ctx;
    s_event_t ev = { .msg = msg, .event = "work_order_assigned", .to = TICKET_ASSIGNED,
                     .status = ticket_state_names[TICKET_ASSIGNED],
                     .opposite = "work_order_unassigned" };
    if (!msg || !msg->body || s_read_common (msg, &ev, "assigned_at", reason, reason_size) != 0) {
        cJSON_Delete (ev.detail);
        return BUS_REJECT;
    }
    const cJSON *tech = cJSON_GetObjectItemCaseSensitive (msg->body, "technician");
    const char *id = json_str (tech, "id", NULL);
    const char *name = json_str (tech, "name", NULL);
    const char *grade = json_str (tech, "grade", NULL);
    if (!id || !name || !grade) {
        snprintf (reason, reason_size, "body.technician: expected {id, name, grade} strings");
        cJSON_Delete (ev.detail);
        return BUS_REJECT;
    }
    cJSON *t = cJSON_AddObjectToObject (ev.detail, "technician");
    if (t) {
        cJSON_AddStringToObject (t, "id", id);
        cJSON_AddStringToObject (t, "name", name);
        cJSON_AddStringToObject (t, "grade", grade);
    }
    cJSON_AddStringToObject (ev.detail, "assigned_at", ev.at);
    const cJSON *load = cJSON_GetObjectItemCaseSensitive (msg->body, "load");
    if (json_is_integer (load))
        cJSON_AddNumberToObject (ev.detail, "load", load->valuedouble);
    /* the ticket's clock changes of the same transaction (version 2) */
    bus_result_t rc = s_read_sla (msg, &ev.sla, reason, reason_size);
    if (rc == BUS_OK)
        rc = s_apply (ctx, db, &ev, reason, reason_size);
    cJSON_Delete (ev.detail);
    cJSON_Delete (ev.sla);
    return rc;
}

bus_result_t iev_on_unassigned (void *ctx, db_t *db, const env_t *msg, char *reason,
                                size_t reason_size)
{
    (void) ctx;
    s_event_t ev = { .msg = msg, .event = "work_order_unassigned", .to = TICKET_UNASSIGNED,
                     .status = ticket_state_names[TICKET_UNASSIGNED],
                     .opposite = "work_order_assigned" };
    if (!msg || !msg->body || s_read_common (msg, &ev, "at", reason, reason_size) != 0) {
        cJSON_Delete (ev.detail);
        return BUS_REJECT;
    }
    const char *why = json_str (msg->body, "reason", NULL);
    if (!why || !*why) {
        snprintf (reason, reason_size, "body.reason: expected a non-empty string");
        cJSON_Delete (ev.detail);
        return BUS_REJECT;
    }
    cJSON_AddStringToObject (ev.detail, "reason", why);
    bus_result_t rc = s_apply (ctx, db, &ev, reason, reason_size);
    cJSON_Delete (ev.detail);
    return rc;
}

/*  The history event an SLA message (or a work order's inspection
 *  message) records, or NULL; *at_key: the body's key of its instant. */
static const char *s_sla_event (const env_t *msg, const char **at_key)
{
    *at_key = "at";
    if (strcmp (msg->type, "workorder.done") == 0) {
        *at_key = "done_at";
        return "work_order_done";
    }
    if (strcmp (msg->type, "inspection.failed") == 0) {
        *at_key = "failed_at";
        return "inspection_failed";
    }
    if (strcmp (msg->type, "sla.warning") == 0)
        return "sla_warning";
    if (strcmp (msg->type, "sla.escalated") == 0) {
        const char *kind = json_str (msg->body, "kind", "");
        return strcmp (kind, "informed") == 0 ? "sla_informed" : "sla_escalated";
    }
    if (strcmp (msg->type, "sla.clock") == 0) {
        const char *event = json_str (msg->body, "event", "");
        if (strcmp (event, "started") == 0)
            return "clock_started";
        if (strcmp (event, "stopped") == 0)
            return "clock_stopped";
        if (strcmp (event, "paused") == 0)
            return "clock_paused";
        if (strcmp (event, "resumed") == 0)
            return "clock_resumed";
        if (strcmp (event, "restarted") == 0)
            return "clock_restarted";
    }
    return NULL;
}

bus_result_t iev_on_sla (void *ctx, db_t *db, const env_t *msg, char *reason, size_t reason_size)
{
    (void) ctx;
    if (!msg || !msg->body) {
        snprintf (reason, reason_size, "body: expected an object");
        return BUS_REJECT;
    }
    const char *at_key;
    const char *event = s_sla_event (msg, &at_key);
    if (!event) {
        snprintf (reason, reason_size, "type %s: not an SLA event intake records", msg->type);
        return BUS_REJECT;
    }
    const cJSON *tid = cJSON_GetObjectItemCaseSensitive (msg->body, "ticket_id");
    if (!json_is_integer (tid) || tid->valuedouble < 1) {
        snprintf (reason, reason_size, "body.ticket_id: expected an integer >= 1");
        return BUS_REJECT;
    }
    const char *at = json_str (msg->body, at_key, NULL);
    int64_t us;
    if (!at || clock_parse_rfc3339 (at, &us) != 0) {
        snprintf (reason, reason_size, "body.%s: expected an RFC 3339 date-time", at_key);
        return BUS_REJECT;
    }
    char ticket_id[32];
    snprintf (ticket_id, sizeof ticket_id, "%" PRId64, (int64_t) tid->valuedouble);
    /* the history keeps the whole message body and its id */
    cJSON *detail = cJSON_Duplicate (msg->body, true);
    if (!detail || !cJSON_AddStringToObject (detail, "message_id", msg->id)) {
        cJSON_Delete (detail);
        snprintf (reason, reason_size, "out of memory");
        return BUS_RETRY;
    }
    cJSON_DeleteItemFromObjectCaseSensitive (detail, "ticket_id");
    char *text = json_print (detail);
    cJSON_Delete (detail);
    if (!text) {
        snprintf (reason, reason_size, "out of memory");
        return BUS_RETRY;
    }
    const char *actor = msg->service[0] ? msg->service : "dispatch";
    const char *params[IEK_SLA_PARAMS] = { ticket_id, at, actor, event, text };
    iek_t *one = s_target (ctx);
    bus_result_t rc = s_written (ctx, db, one, iek_keep_sla (one, db, params, msg->id, event), reason,
                                 reason_size);
    free (text);
    return rc;
}
