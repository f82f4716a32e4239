/*  tickets_events — ticket.event: what people do to a ticket after intake
 *  (a reply, a pause, the technician's arrival, the resolution, a reopening,
 *  an escalation acknowledged; docs/intake.md "Ticket events").
 *
 *  One transaction per event: the ticket is locked, the event checked
 *  against the ticket's state and history, the state moved, the history row
 *  written and the ticket.updated message put in the outbox for the
 *  dispatcher, which moves the SLA clocks and the work order on it.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc/emit.h"
#include "db/statements.h"
#include "base/clock.h"
#include "msg/envelope.h"
#include "base/json.h"
#include "base/log.h"
#include "model/ticket.h"
#include "tickets_private.h"

static const db_statement_t s_statements[] = {
    /* The replayed reply's status is the ticket's status now: what the
     * first reply said, unless a later event has moved it since. */
    /* Through the index by the owner's function (0014): keys only, and the
     * join with the ticket confines them to the caller's branches. */
    {"intake_evq_replay", "SELECT h.ticket_id, h.id, h.event, " DB_EPOCH_US (
                              "h.at") ", t.status FROM intake.history_by_request ($1) h"
                                      " JOIN intake.tickets t ON t.id = h.ticket_id"},
    {"intake_evq_ticket",
     "SELECT status, kind, branch_id, paused_reason FROM intake.tickets WHERE id = $1 FOR UPDATE"},
    /* Whether the ticket's history holds event $2 since its last reopening. */
    {"intake_evq_seen",
     "SELECT EXISTS (SELECT 1 FROM intake.ticket_history WHERE ticket_id = $1 AND event = $2"
     " AND id > COALESCE ((SELECT max(id) FROM intake.ticket_history WHERE ticket_id = $1"
     " AND event = 'ticket_reopened'), 0))"},
    /* $2 the caller: whether they are among those who may acknowledge it */
    {"intake_evq_escalation", "SELECT ticket_id, kind, acknowledged_by, " DB_EPOCH_US (
                                  "acknowledged_at") ", level, $2 = ANY (COALESCE (may_acknowledge, '{}')),"
                                  " array_to_string (may_acknowledge, ', ')"
                                  " FROM dispatch.escalations WHERE id = $1"},
    /* $2 status (NULL: unchanged), $3 'set' | 'clear' | NULL for the pause,
     * $4 reason, $5 now, $6 resolution text (NULL: unchanged), $7 the
     * states the move may start from (states_from_sql): a ticket in
     * any other state is not updated */
    {"intake_evq_update",
     "UPDATE intake.tickets SET status = COALESCE ($2, status),"
     " paused_reason = CASE $3 WHEN 'set' THEN $4 WHEN 'clear' THEN NULL ELSE paused_reason END,"
     " paused_at = CASE $3 WHEN 'set' THEN $5::timestamptz WHEN 'clear' THEN NULL ELSE paused_at END,"
     " closed_at = CASE WHEN $2 = '" TICKET_S_CLOSED "' THEN $5::timestamptz WHEN $2 IS NULL THEN closed_at"
     "  ELSE NULL END,"
     " resolution = COALESCE ($6, resolution), updated_at = $5::timestamptz WHERE id = $1"
     " AND ($2::text IS NULL OR status = ANY ($7::text[]))"},
    {"intake_evq_history", "INSERT INTO intake.ticket_history (ticket_id, at, actor, event, detail)"
                           " VALUES ($1, $2, $3, $4, $5::jsonb) RETURNING id"},
};

int itk_events_prepare (db_t *db)
{
    return db_prepare_statements (db, s_statements, DB_STATEMENTS (s_statements));
}

/*  ---- the transaction ------------------------------------------------------ */

typedef struct {
    itk_t *self;
    const svc_who_t *who;
    const irq_event_t *rq;
    char id[32], now[40];
    rpl_code_t code;
    char *err;
    size_t errsize;
    cJSON *result;
    bool emitted;
} s_tx_t;

/*  A refusal: the code and the reason (svc/reply.h). */
#define S_FAIL(x, why, ...) rpl_refuse (&(x)->code, (x)->err, (x)->errsize, (why), __VA_ARGS__)

static int s_fail_db (s_tx_t *t, const char *what)
{
    t->code = svc_db_request_failure (t->self->db, what, t->err, t->errsize);
    return -1;
}

static cJSON *s_result (int64_t ticket_id, const char *history_id, const char *event, const char *at,
                        const char *status, bool replayed)
{
    cJSON *r = cJSON_CreateObject ();
    if (!r)
        return NULL;
    cJSON_AddNumberToObject (r, "ticket_id", (double) ticket_id);
    cJSON_AddNumberToObject (r, "history_id", (double) strtoll (history_id, NULL, 10));
    cJSON_AddStringToObject (r, "event", event);
    cJSON_AddStringToObject (r, "at", at);
    cJSON_AddStringToObject (r, "status", status);
    cJSON_AddBoolToObject (r, "replayed", replayed);
    return r;
}

/*  A resent request (same request_id): answered from its history row.
 *  Returns 1 when replayed, 0 when new, -1 on failure. */
static int s_replay (s_tx_t *t)
{
    const irq_event_t *rq = t->rq;
    if (!rq->request_id)
        return 0;
    const char *p[] = {rq->request_id};
    PGresult *res = db_exec_prepared (t->self->db, "intake_evq_replay", 1, p);
    if (!res)
        return s_fail_db (t, "looking up the request_id");
    int rc = 0;
    if (PQntuples (res) == 1) {
        if (strcmp (PQgetvalue (res, 0, 0), t->id) != 0 || strcmp (PQgetvalue (res, 0, 2), rq->event) != 0)
            rc = S_FAIL (t, RPL_INVALID, "body.request_id: already used for event %s of ticket %s",
                         PQgetvalue (res, 0, 2), PQgetvalue (res, 0, 0));
        else {
            char at[40];
            clock_format_us (strtoll (PQgetvalue (res, 0, 3), NULL, 10), at, sizeof at);
            t->result = s_result (rq->ticket_id, PQgetvalue (res, 0, 1), rq->event, at,
                                  PQgetvalue (res, 0, 4), true);
            rc = t->result ? 1 : S_FAIL (t, RPL_INTERNAL, "out of memory");
        }
    }
    PQclear (res);
    return rc;
}

/*  Whether the ticket's history holds `event` since its last reopening:
 *  1, 0, or -1 on failure. */
static int s_seen (s_tx_t *t, const char *event)
{
    const char *p[] = {t->id, event};
    PGresult *res = db_exec_prepared (t->self->db, "intake_evq_seen", 2, p);
    if (!res)
        return s_fail_db (t, "reading the ticket history");
    int seen = strcmp (PQgetvalue (res, 0, 0), "t") == 0;
    PQclear (res);
    return seen;
}

/*  The escalation acknowledged must be this ticket's, one the caller may
 *  acknowledge (the ladder level's person or someone above them on the same
 *  ladder: its may_acknowledge), and not acknowledged yet. */
static int s_check_escalation (s_tx_t *t)
{
    char id[32];
    snprintf (id, sizeof id, "%" PRId64, t->rq->escalation_id);
    /* the caller, never the body's actor: nobody acknowledges for someone else */
    const char *caller = t->who->principal ? t->who->principal : "";
    const char *p[] = {id, caller};
    PGresult *res = db_exec_prepared (t->self->db, "intake_evq_escalation", 2, p);
    if (!res)
        return s_fail_db (t, "reading the escalation");
    int rc = 0;
    if (PQntuples (res) != 1 || strcmp (PQgetvalue (res, 0, 0), t->id) != 0)
        rc = S_FAIL (t, RPL_NOT_FOUND, "body.escalation_id: ticket %s has no escalation %s", t->id, id);
    else if (strcmp (PQgetvalue (res, 0, 1), "informed") == 0)
        rc = S_FAIL (t, RPL_CONFLICT,
                     "body.escalation_id: escalation %s only informed a skipped level; "
                     "acknowledge the escalation itself",
                     id);
    else if (PQgetisnull (res, 0, 6))
        rc = S_FAIL (t, RPL_FORBIDDEN,
                     "body.escalation_id: escalation %s was recorded before ladders named staff ids; "
                     "nobody is on record who may acknowledge it",
                     id);
    else if (strcmp (PQgetvalue (res, 0, 5), "t") != 0)
        rc = S_FAIL (t, RPL_FORBIDDEN,
                     "body.escalation_id: escalation %s went to the %s; only %s (that level's person or "
                     "someone above them on the ladder) may acknowledge it, not %s",
                     id, PQgetvalue (res, 0, 4), PQgetvalue (res, 0, 6), *caller ? caller : "nobody");
    else if (!PQgetisnull (res, 0, 2)) {
        char at[40];
        clock_format_us (strtoll (PQgetvalue (res, 0, 3), NULL, 10), at, sizeof at);
        rc = S_FAIL (t, RPL_CONFLICT, "body.escalation_id: escalation %s was acknowledged by %s at %s", id,
                     PQgetvalue (res, 0, 2), at);
    }
    PQclear (res);
    return rc;
}

/*  The one place a person's event changes a ticket's state: the move must
 *  be one the ticket's table allows (model/ticket.h); sets *new_status.
 *  Returns 0 or -1 (refused as a conflict). */
static int s_move (s_tx_t *t, ticket_state_t from, ticket_state_t to, const char **new_status)
{
    if (!states_can_move (&ticket_states, (int) from, (int) to))
        return S_FAIL (t, RPL_CONFLICT, "ticket %s is %s: it cannot become %s", t->id,
                       ticket_state_names[from], ticket_state_names[to]);
    *new_status = ticket_state_names[to];
    return 0;
}

/*  Checks the event against the ticket's state; sets the new status, the
 *  pause change and the resolution text. Returns 0 or -1 (refused). */
static int s_check (s_tx_t *t, const char *status, const char *kind, bool paused, const char **new_status,
                    const char **pause)
{
    const char *ev = t->rq->event;
    *new_status = NULL;
    *pause = NULL;
    int state;
    if (states_parse (&ticket_states, status, &state) != 0)
        return S_FAIL (t, RPL_INTERNAL, "ticket %s has an unknown status \"%s\"", t->id, status);
    ticket_state_t now = (ticket_state_t) state;
    bool closed = now == TICKET_CLOSED, resolved = now == TICKET_RESOLVED;
    if (strcmp (ev, "ticket_reopened") == 0) {
        if (!closed && !resolved)
            return S_FAIL (t, RPL_CONFLICT, "ticket %s is %s: only a resolved or closed ticket is reopened",
                           t->id, status);
        *pause = "clear";
        return s_move (t, now, TICKET_OPEN, new_status);
    }
    if (closed)
        return S_FAIL (t, RPL_CONFLICT, "ticket %s is closed: reopen it first (event ticket_reopened)",
                       t->id);
    if (ticket_event_is (ev, TICKET_EV_ONCE)) {
        int seen = s_seen (t, ev);
        if (seen != 0)
            return seen < 0 ? -1 : S_FAIL (t, RPL_CONFLICT, "ticket %s: %s is already recorded", t->id, ev);
    }
    if (ticket_event_is (ev, TICKET_EV_WORK_ORDER)) {
        int seen = s_seen (t, "work_order_assigned");
        if (seen <= 0)
            return seen < 0 ? -1
                            : S_FAIL (t, RPL_CONFLICT, "ticket %s has no work order assigned to a technician",
                                      t->id);
    }
    if (strcmp (ev, "complaint_decided") == 0 && strcmp (kind, "complaint") != 0)
        return S_FAIL (t, RPL_CONFLICT, "ticket %s is a %s, not a complaint", t->id, kind);
    if (strcmp (ev, "plan_sent") == 0) {
        int seen = s_seen (t, "marked_complex");
        if (seen <= 0)
            return seen < 0 ? -1
                            : S_FAIL (t, RPL_CONFLICT,
                                      "ticket %s is not marked complex (event marked_complex)", t->id);
    }
    if (strcmp (ev, "callback_done") == 0 && !resolved)
        return S_FAIL (t, RPL_CONFLICT, "ticket %s is %s: the callback follows the resolution", t->id,
                       status);
    if (strcmp (ev, "ticket_resolved") == 0) {
        if (resolved)
            return S_FAIL (t, RPL_CONFLICT, "ticket %s is already resolved", t->id);
        *pause = paused ? "clear" : NULL;
        if (s_move (t, now, TICKET_RESOLVED, new_status) != 0)
            return -1;
    }
    if (strcmp (ev, "ticket_closed") == 0) {
        *pause = paused ? "clear" : NULL;
        if (s_move (t, now, TICKET_CLOSED, new_status) != 0)
            return -1;
    }
    if (strcmp (ev, "paused") == 0) {
        if (paused)
            return S_FAIL (t, RPL_CONFLICT, "ticket %s is already paused", t->id);
        if (resolved)
            return S_FAIL (t, RPL_CONFLICT, "ticket %s is resolved: nothing left to wait for", t->id);
        *pause = "set";
    }
    if (strcmp (ev, "resumed") == 0) {
        if (!paused)
            return S_FAIL (t, RPL_CONFLICT, "ticket %s is not paused", t->id);
        *pause = "clear";
    }
    if (strcmp (ev, "escalation_acknowledged") == 0)
        return s_check_escalation (t);
    return 0;
}

static int s_emit (s_tx_t *t, const char *branch, const char *history_id)
{
    const irq_event_t *rq = t->rq;
    if (!t->self->bus)
        return S_FAIL (t, RPL_INTERNAL, "intake has no message bus");
    cJSON *body = cJSON_CreateObject ();
    if (!body)
        return S_FAIL (t, RPL_INTERNAL, "out of memory");
    cJSON_AddNumberToObject (body, "ticket_id", (double) rq->ticket_id);
    cJSON_AddStringToObject (body, "branch", branch);
    cJSON_AddStringToObject (body, "event", rq->event);
    cJSON_AddStringToObject (body, "actor", rq->actor);
    cJSON_AddStringToObject (body, "at", t->now);
    if (rq->reason)
        cJSON_AddStringToObject (body, "reason", rq->reason);
    if (rq->escalation_id)
        cJSON_AddNumberToObject (body, "escalation_id", (double) rq->escalation_id);
    cJSON_AddNumberToObject (body, "history_id", (double) strtoll (history_id, NULL, 10));
    if (svc_emit (t->self->bus, t->self->db, "ticket.updated", 1, branch, t->id, &body) != 0)
        return s_fail_db (t, "writing ticket.updated to the outbox");
    t->emitted = true;
    return 0;
}

static int s_apply (db_t *db, void *arg)
{
    s_tx_t *t = arg;
    const irq_event_t *rq = t->rq;
    (void) db;
    /* db_tx may run this again after a serialization failure: start clean */
    cJSON_Delete (t->result);
    t->result = NULL;
    t->emitted = false;
    int replay = s_replay (t);
    if (replay != 0)
        return replay > 0 ? 0 : -1;
    const char *p1[] = {t->id};
    PGresult *tk = db_exec_prepared (t->self->db, "intake_evq_ticket", 1, p1);
    if (!tk)
        return s_fail_db (t, "reading the ticket");
    int rc = -1;
    PGresult *h = NULL, *u = NULL;
    char *detail_text = NULL;
    /* outside the caller's branches: as if it did not exist */
    if (PQntuples (tk) != 1 || !svc_who_sees_branch (t->who, PQgetvalue (tk, 0, 2))) {
        S_FAIL (t, RPL_NOT_FOUND, "body.ticket_id: no ticket %s", t->id);
        goto cleanup;
    }
    const char *status = PQgetvalue (tk, 0, 0), *kind = PQgetvalue (tk, 0, 1);
    const char *branch = PQgetvalue (tk, 0, 2);
    const char *new_status, *pause;
    if (s_check (t, status, kind, !PQgetisnull (tk, 0, 3), &new_status, &pause) != 0)
        goto cleanup;
    const char *resolution = strcmp (rq->event, "ticket_resolved") == 0 && rq->note ? rq->note : NULL;
    if (new_status || pause || resolution) {
        int to = TICKET_OPEN;
        char from[96] = "{}";
        if (new_status) {
            if (states_parse (&ticket_states, new_status, &to) != 0) {
                S_FAIL (t, RPL_INTERNAL, "unknown status %s", new_status);
                goto cleanup;
            }
            states_from_sql (&ticket_states, to, from, sizeof from);
        }
        const char *p2[] = {t->id, new_status, pause, rq->reason, t->now, resolution, from};
        if (!(u = db_exec_prepared (t->self->db, "intake_evq_update", 7, p2))) {
            s_fail_db (t, "updating the ticket");
            goto cleanup;
        }
        if (strcmp (PQcmdTuples (u), "1") != 0) {
            S_FAIL (t, RPL_CONFLICT, "ticket %s changed state meanwhile; try again", t->id);
            goto cleanup;
        }
    }
    cJSON *detail = cJSON_CreateObject ();
    if (detail) {
        if (rq->note)
            cJSON_AddStringToObject (detail, "note", rq->note);
        if (rq->reason)
            cJSON_AddStringToObject (detail, "reason", rq->reason);
        if (rq->escalation_id)
            cJSON_AddNumberToObject (detail, "escalation_id", (double) rq->escalation_id);
        if (rq->request_id)
            cJSON_AddStringToObject (detail, "request_id", rq->request_id);
        if (new_status)
            cJSON_AddStringToObject (detail, "status", new_status);
        detail_text = json_print (detail);
        cJSON_Delete (detail);
    }
    if (!detail_text) {
        S_FAIL (t, RPL_INTERNAL, "out of memory");
        goto cleanup;
    }
    const char *p3[] = {t->id, t->now, rq->actor, rq->event, detail_text};
    if (!(h = db_exec_prepared (t->self->db, "intake_evq_history", 5, p3))) {
        s_fail_db (t, "writing the ticket history");
        goto cleanup;
    }
    if (s_emit (t, branch, PQgetvalue (h, 0, 0)) != 0)
        goto cleanup;
    t->result = s_result (rq->ticket_id, PQgetvalue (h, 0, 0), rq->event, t->now,
                          new_status ? new_status : status, false);
    rc = t->result ? 0 : S_FAIL (t, RPL_INTERNAL, "out of memory");
cleanup:
    PQclear (tk);
    PQclear (u);
    PQclear (h);
    free (detail_text);
    return rc;
}

rpl_code_t itk_event_in_tx (itk_t *self, const irq_event_t *rq, char *err, size_t errsize)
{
    svc_who_t system = svc_who_system ("intake");
    s_tx_t t = {.self = self, .who = &system, .rq = rq, .code = RPL_OK, .err = err, .errsize = errsize};
    snprintf (t.id, sizeof t.id, "%" PRId64, rq->ticket_id);
    clock_format_us (clock_now_us (), t.now, sizeof t.now);
    int rc = s_apply (self->db, &t);
    cJSON_Delete (t.result);
    if (rc == 0)
        log_kv (LOG_INFO, "ticket_event", "ticket_id", t.id, "ticket_event", rq->event, "replayed",
                t.emitted ? "false" : "true", NULL);
    return rc == 0 ? RPL_OK : t.code;
}

rpl_code_t itk_event (itk_t *self, const svc_who_t *who, const irq_event_t *rq, cJSON **result,
                      char *err, size_t errsize)
{
    *result = NULL;
    s_tx_t t = {.self = self, .who = who, .rq = rq, .code = RPL_OK, .err = err, .errsize = errsize};
    snprintf (t.id, sizeof t.id, "%" PRId64, rq->ticket_id);
    clock_format_us (clock_now_us (), t.now, sizeof t.now);
    rpl_code_t code = svc_request_tx (self->db, s_apply, &t, &t.code, "recording the event", err, errsize);
    if (code != RPL_OK) {
        cJSON_Delete (t.result);
        return code;
    }
    if (t.emitted)
        bus_kick (self->bus); /* may end the process under fault injection */
    log_kv (LOG_INFO, "ticket_event", "ticket_id", t.id, "ticket_event", rq->event, "replayed",
            t.emitted ? "false" : "true", NULL);
    *result = t.result;
    return RPL_OK;
}
