/*  ticket_events — the dispatcher's handler of ticket.updated (see
 *  ticket_events.h; docs/dispatch.md "Ticket events").
 */
#include "ticket_events.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/work_order.h"
#include "svc/failure.h"
#include "db/statements.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/log.h"
#include "sla/sla_clock_life.h"
#include "sla/sla_start.h"
#include "sla/sla_subjects.h"
#include "msg/ticket_updated.h"
#include "model/ticket.h"

static const db_statement_t s_statements[] = {
    /* $1 ticket, $2 event, $3 at, $4 detail, $5 the states a work order's
     * move to completed starts from (its table): the work order's progress;
     * a completed order leaves the technician's load (0006's trigger) */
    {"dte_work_order",
     "WITH w AS (UPDATE dispatch.work_orders SET"
     "  arranged_at = CASE WHEN $2 = 'work_order_arranged' THEN COALESCE (arranged_at, $3::timestamptz)"
     "   ELSE arranged_at END,"
     "  arrived_at = CASE WHEN $2 = 'technician_arrived' THEN COALESCE (arrived_at, $3::timestamptz)"
     "   ELSE arrived_at END,"
     "  completed_at = CASE WHEN $2 = 'work_order_completed' THEN COALESCE (completed_at, $3::timestamptz)"
     "   ELSE completed_at END,"
     "  status = CASE WHEN $2 = 'work_order_completed' AND status = ANY ($5::text[])"
     "   THEN '" WO_S_COMPLETED "'"
     "   ELSE status END,"
     "  updated_at = $3::timestamptz"
     /* the ticket's latest work order: the visit now under way */
     "  WHERE id = (SELECT max(id) FROM dispatch.work_orders WHERE ticket_id = $1::bigint) RETURNING id)"
     " INSERT INTO dispatch.work_order_history (work_order_id, at, event, detail)"
     " SELECT id, $3::timestamptz, $2, $4::jsonb FROM w RETURNING work_order_id"},
    /* $1 escalation, $2 ticket, $3 by, $4 at: the first acknowledgement stays */
    {"dte_acknowledge",
     "UPDATE dispatch.escalations SET acknowledged_by = $3, acknowledged_at = $4::timestamptz"
     " WHERE id = $1::bigint AND ticket_id = $2::bigint AND acknowledged_at IS NULL RETURNING id"},
};

int dte_prepare (db_t *db)
{
    assert (db);
    if (db_prepare_statements (db, s_statements, DB_STATEMENTS (s_statements)) != 0)
        return -1;
    return 0;
}

/*  Runs one statement whose rows are not wanted. Returns the row count or -1. */
static int s_exec (db_t *db, const char *name, int n, const char *const *params)
{
    PGresult *res = db_exec_prepared (db, name, n, params);
    if (!res)
        return -1;
    int rows = PQntuples (res);
    PQclear (res);
    return rows;
}

static bool s_is (const char *event, const char *name)
{
    return strcmp (event, name) == 0;
}

/*  The clocks' part of the event. Returns 0 or -1 (database). */
static int s_clocks (sle_t *sle, db_t *db, const char *ticket, const char *branch, const char *event,
                     const char *why, int64_t at)
{
    (void) why; /* the reason is in the ticket's own history entry */
    if (s_is (event, "paused"))
        return slc_pause (sle_life (sle), db, ticket, branch, SLC_HOLD_WAITING, at);
    if (s_is (event, "resumed"))
        return slc_resume (sle_life (sle), db, ticket, branch, SLC_HOLD_WAITING, at);
    if (s_is (event, "escalation_acknowledged"))
        return 0;
    if (s_is (event, "ticket_reopened") && slc_restart (sle_life (sle), db, ticket, branch, at) != 0)
        return -1;
    /* the clocks configured to stop or start on this event */
    if (sls_on_event (sle_start (sle), db, ticket, branch, event, at) < 0)
        return -1;
    /* a closed ticket has nothing left to promise */
    if (s_is (event, "ticket_closed"))
        return slc_stop_all (sle_life (sle), db, ticket, branch, at);
    return 0;
}

/*  A reopened ticket's revisit (the history row of its reopening names it
 *  once). Returns 0 or -1 (database). */
static int s_revisit (dte_t *self, db_t *db, const ticket_updated_t *u, const cJSON *body, const char *message_id)
{
    int64_t history = json_int (body, "history_id", 0);
    if (history <= 0)
        return 0;
    char history_text[24], wo_id[24];
    snprintf (history_text, sizeof history_text, "%" PRId64, history);
    wo_follow_up_t f = { .ticket_id = u->ticket_id_text, .purpose = "revisit", .reopen_history_id = history_text,
                         .message_id = message_id };
    return wo_follow_up (self->wo, db, &f, wo_id, sizeof wo_id);
}

static bus_result_t s_handle (dte_t *self, db_t *db, const ticket_updated_t *u, const cJSON *body,
                              const char *message_id, char *reason, size_t reason_size)
{
    sle_t *sle = self->sle;
    const char *ticket = u->ticket_id_text, *branch = u->branch, *event = u->event, *actor = u->actor;
    const char *at_text = u->at;

    if (ticket_event_is (event, TICKET_EV_WORK_ORDER)) {
        cJSON *detail = cJSON_CreateObject ();
        char *detail_text = NULL;
        if (detail) {
            cJSON_AddStringToObject (detail, "actor", actor);
            cJSON_AddStringToObject (detail, "message_id", message_id);
            detail_text = json_print (detail);
            cJSON_Delete (detail);
        }
        if (!detail_text) {
            snprintf (reason, reason_size, "out of memory");
            return BUS_RETRY;
        }
        char from[96];
        states_from_sql (&work_order_states, WO_COMPLETED, from, sizeof from);
        const char *p[] = {ticket, event, at_text, detail_text, from};
        PGresult *res = db_exec_prepared (db, "dte_work_order", 5, p);
        free (detail_text);
        if (!res)
            return svc_db_bus_failure (db, "recording the work order's progress", reason, reason_size);
        char wo[24] = "";
        if (PQntuples (res) == 1)
            snprintf (wo, sizeof wo, "%s", PQgetvalue (res, 0, 0));
        PQclear (res);
        if (!*wo)
            log_kv (LOG_WARN, "work_order_missing", "ticket_id", ticket, "ticket_event", event, "reason",
                    "the ticket has no work order here; only its clocks move", NULL);
        /* the visit under way is the work order's too: its own clocks move on
         * its arrangement and arrival (docs/sla.md "Subjects") */
        sss_subject_t work_order = { "work_order", wo, ticket, branch, 0 };
        if (*wo && (s_is (event, "work_order_arranged") || s_is (event, "technician_arrived"))
            && sss_on_event (sle_subjects (self->sle), db, &work_order, event, u->at_us) < 0)
            return svc_db_bus_failure (db, "moving the work order's clocks", reason, reason_size);
    }
    if (s_is (event, "escalation_acknowledged")) {
        const char *id = u->escalation_id_text;
        const char *p[] = {id, ticket, actor, at_text};
        int rows = s_exec (db, "dte_acknowledge", 4, p);
        if (rows < 0)
            return svc_db_bus_failure (db, "recording the acknowledgement", reason, reason_size);
        log_kv (LOG_INFO, rows ? "escalation_acknowledged" : "escalation_already_acknowledged",
                "escalation_id", id, "ticket_id", ticket, NULL);
    }
    if (s_clocks (sle, db, ticket, branch, event, u->reason, u->at_us) != 0)
        return svc_db_bus_failure (db, "moving the SLA clocks", reason, reason_size);
    if (s_is (event, "ticket_reopened") && s_revisit (self, db, u, body, message_id) != 0)
        return svc_db_bus_failure (db, "sending the revisit", reason, reason_size);
    return BUS_OK;
}

bus_result_t dte_on_event (void *ctx, db_t *db, const svc_ctx_t *who, char *reason, size_t reason_size)
{
    dte_t *self = ctx;
    assert (self && db && who && who->msg && who->msg->body && reason && reason_size > 0);
    ticket_updated_t u;
    if (ticket_updated_decode (who->msg, &u, reason, reason_size) != 0)
        return BUS_REJECT;
    return s_handle (self, db, &u, who->msg->body, who->msg->id, reason, reason_size);
}
