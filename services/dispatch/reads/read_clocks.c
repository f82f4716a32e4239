/*  read_clocks — sla.clocks: one ticket's SLA clocks as the dispatcher keeps
 *  them, each with its due instant, the business (or calendar) time left
 *  now — or overdue — and whether it is on track, at risk, breached,
 *  paused or met; then the ticket's warnings and escalations with their
 *  ids (for ticket.event escalation_acknowledged). The branch's time zone
 *  comes along, so a client can show the instants in local time.
 *
 *  Or, asked for a `subject` of no ticket (a provider's deposit), that
 *  subject's clocks, escalations and history (dispatch.subject_clock_history):
 *  head office's, with no branch; instants in UTC.
 *
 *  A ticket of a branch the caller does not see is answered like a ticket
 *  without clocks: not_found; so is a ticketless subject to anybody not
 *  acting for every branch.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/json.h"
#include "model/sla_clock.h"
#include "read_util.h"
#include "reads.h"
#include "svc/failure.h"
#include "time/branch_cal.h"

#define CLOCKS_US INT64_C (1000000)

/* $1 the ticket, or NULL and $3, $4 the ticketless subject; $2 the scope.
 * Planned with the values (db_exec): either way one index condition. */
#define S_WHICH(C)                                                                                   \
    "(($1::bigint IS NOT NULL AND " C "ticket_id = $1::bigint) OR ($1::bigint IS NULL AND " C       \
    "ticket_id IS NULL AND " C "subject_kind = $3::text AND " C "subject_id = $4::bigint)) "          \
    "AND ($2::text[] IS NULL OR " C "branch_id = ANY ($2::text[])) "

static const char s_clocks_sql[] =
    "SELECT clock, policy, target_kind, target_amount, time_kind, state, branch_id, "
    DB_EPOCH_US ("due_at") ", " DB_EPOCH_US ("warn_at") ", remaining_us, level, breached_at IS NOT NULL, "
    "subject_kind, subject_id FROM dispatch.sla_clocks WHERE " S_WHICH ("") "ORDER BY id";

enum { C_CLOCK, C_POLICY, C_KIND, C_AMOUNT, C_TIME, C_STATE, C_BRANCH, C_DUE, C_WARN, C_REMAIN, C_LEVEL,
       C_BREACHED, C_SUBJECT_KIND, C_SUBJECT_ID };

static const char s_escalations_sql[] =
    "SELECT e.id, c.clock, e.kind, e.level, e.recipient_name, " DB_EPOCH_US ("e.at") ", e.acknowledged_by, "
    DB_EPOCH_US ("e.acknowledged_at") " FROM dispatch.escalations e "
    "JOIN dispatch.sla_clocks c ON c.id = e.clock_id WHERE " S_WHICH ("c.") "ORDER BY e.id";

static const char s_history_sql[] =
    "SELECT " DB_EPOCH_US ("h.at") ", h.event, c.clock, h.detail::text FROM dispatch.subject_clock_history h "
    "JOIN dispatch.sla_clocks c ON c.id = h.clock_id WHERE " S_WHICH ("c.") "ORDER BY h.id";

enum { E_ID, E_CLOCK, E_KIND, E_LEVEL, E_TO, E_AT, E_ACK_BY, E_ACK_AT };

/*  One clock's remaining time and status now. has_left is false when it
 *  has none (pending, stopped). Returns 0, or -1 with the reason in err. */
static int s_status (const PGresult *res, int r, const cal_t *cal, int64_t now, int64_t *left, bool *has_left,
                     const char **status, char *err, size_t errsize)
{
    const char *state = PQgetvalue (res, r, C_STATE);
    *has_left = false;
    *status = "";
    if (strcmp (state, CLOCK_S_RUNNING) == 0 && !PQgetisnull (res, r, C_DUE)) {
        int64_t due = strtoll (PQgetvalue (res, r, C_DUE), NULL, 10);
        int64_t warn = strtoll (PQgetvalue (res, r, C_WARN), NULL, 10);
        if (strcmp (PQgetvalue (res, r, C_TIME), "calendar") == 0)
            *left = due - now;
        else if (!cal || cal_business_us (cal, now, due, left, err, errsize) != 0) {
            if (!cal) /* a ticketless clock counts calendar time: the loader sees to it */
                snprintf (err, errsize, "a clock without a branch counts business time");
            return -1;
        }
        *has_left = true;
        *status = now >= due ? "breached" : now >= warn ? "at risk" : "on track";
    }
    else if (strcmp (state, CLOCK_S_PAUSED) == 0 && !PQgetisnull (res, r, C_REMAIN)) {
        *left = strtoll (PQgetvalue (res, r, C_REMAIN), NULL, 10);
        *has_left = true;
        *status = "paused";
    }
    else if (strcmp (state, CLOCK_S_STOPPED) == 0)
        *status = strcmp (PQgetvalue (res, r, C_BREACHED), "t") == 0 ? "breached" : "met";
    return 0;
}

/*  Appends the clocks to list. Returns RPL_OK, or a code with err set. */
static rpl_code_t s_add_clocks (cJSON *list, const PGresult *res, const cal_t *cal, int64_t now, char *err,
                                size_t errsize)
{
    for (int r = 0; r < PQntuples (res); r++) {
        int64_t left = 0;
        bool has_left;
        const char *status;
        if (s_status (res, r, cal, now, &left, &has_left, &status, err, errsize) != 0)
            return RPL_INTERNAL;
        cJSON *o = cJSON_CreateObject ();
        if (!o || !cJSON_AddItemToArray (list, o)) {
            cJSON_Delete (o);
            return rdu_oom (err, errsize);
        }
        char secs[32];
        snprintf (secs, sizeof secs, "%" PRId64, left / CLOCKS_US);
        if (!cJSON_AddStringToObject (o, "clock", PQgetvalue (res, r, C_CLOCK))
            || !cJSON_AddStringToObject (o, "subject_kind", PQgetvalue (res, r, C_SUBJECT_KIND))
            || !rdu_add_int (o, "subject_id", PQgetvalue (res, r, C_SUBJECT_ID), PQgetisnull (res, r, C_SUBJECT_ID))
            || !cJSON_AddStringToObject (o, "policy", PQgetvalue (res, r, C_POLICY))
            || !cJSON_AddStringToObject (o, "target_kind", PQgetvalue (res, r, C_KIND))
            || !rdu_add_int (o, "target_amount", PQgetvalue (res, r, C_AMOUNT), false)
            || !cJSON_AddStringToObject (o, "time_kind", PQgetvalue (res, r, C_TIME))
            || !cJSON_AddStringToObject (o, "state", PQgetvalue (res, r, C_STATE))
            || !rdu_add_time (o, "due_at", PQgetvalue (res, r, C_DUE), PQgetisnull (res, r, C_DUE))
            || !rdu_add_int (o, "remaining_seconds", secs, !has_left)
            || !cJSON_AddStringToObject (o, "status", status)
            || !rdu_add_text (o, "level", PQgetvalue (res, r, C_LEVEL), PQgetisnull (res, r, C_LEVEL)))
            return rdu_oom (err, errsize);
    }
    return RPL_OK;
}

/*  Appends the warnings and escalations to list. Returns false when out of memory. */
static bool s_add_escalations (cJSON *list, const PGresult *res)
{
    for (int r = 0; r < PQntuples (res); r++) {
        cJSON *o = cJSON_CreateObject ();
        if (!o || !cJSON_AddItemToArray (list, o)) {
            cJSON_Delete (o);
            return false;
        }
        if (!rdu_add_int (o, "id", PQgetvalue (res, r, E_ID), false)
            || !cJSON_AddStringToObject (o, "clock", PQgetvalue (res, r, E_CLOCK))
            || !cJSON_AddStringToObject (o, "kind", PQgetvalue (res, r, E_KIND))
            || !cJSON_AddStringToObject (o, "level", PQgetvalue (res, r, E_LEVEL))
            || !cJSON_AddStringToObject (o, "recipient", PQgetvalue (res, r, E_TO))
            || !rdu_add_time (o, "at", PQgetvalue (res, r, E_AT), false)
            || !rdu_add_text (o, "acknowledged_by", PQgetvalue (res, r, E_ACK_BY), PQgetisnull (res, r, E_ACK_BY))
            || !rdu_add_time (o, "acknowledged_at", PQgetvalue (res, r, E_ACK_AT), PQgetisnull (res, r, E_ACK_AT)))
            return false;
    }
    return true;
}

/*  A ticketless subject's history: {at, event, clock, detail} in order.
 *  Returns false when out of memory. */
static bool s_add_history (cJSON *doc, const PGresult *res)
{
    cJSON *list = cJSON_AddArrayToObject (doc, "history");
    for (int r = 0; list && r < PQntuples (res); r++) {
        cJSON *o = cJSON_CreateObject (), *detail = cJSON_Parse (PQgetvalue (res, r, 3));
        if (!o || !detail || !cJSON_AddItemToArray (list, o)) {
            cJSON_Delete (o);
            cJSON_Delete (detail);
            return false;
        }
        if (!rdu_add_time (o, "at", PQgetvalue (res, r, 0), false)
            || !cJSON_AddStringToObject (o, "event", PQgetvalue (res, r, 1))
            || !cJSON_AddStringToObject (o, "clock", PQgetvalue (res, r, 2))
            || !cJSON_AddItemToObject (o, "detail", detail))
            return false;
    }
    return list != NULL;
}

/*  The reply's head: the ticket and its branch, or the ticketless subject. */
static bool s_add_head (cJSON *doc, int64_t ticket, const char *kind, const char *sid, const char *branch,
                        const cal_t *cal)
{
    if (ticket > 0)
        return cJSON_AddNumberToObject (doc, "ticket_id", (double) ticket)
               && cJSON_AddStringToObject (doc, "branch", branch)
               && cJSON_AddStringToObject (doc, "timezone", tz_name (cal_tz (cal)));
    cJSON *subject = cJSON_AddObjectToObject (doc, "subject");
    return subject && cJSON_AddStringToObject (subject, "kind", kind) && rdu_add_int (subject, "id", sid, false)
           && cJSON_AddStringToObject (doc, "timezone", "UTC");
}

rpl_code_t rds_clocks (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                       size_t errsize)
{
    db_t *db = app ? *(db_t *const *) app : NULL; /* reads.h: the connection comes first */
    /* the schema checked them: a ticket_id of 1 and up, or a subject */
    int64_t ticket = json_int (body, "ticket_id", 0);
    const cJSON *subject = cJSON_GetObjectItemCaseSensitive (body, "subject");
    const char *kind = json_str (subject, "kind", "");
    char *scope = NULL;
    rpl_code_t code = rdu_begin (db, &ctx->who, &scope, err, errsize);
    if (code != RPL_OK)
        return code;
    char id[32], sid[32];
    snprintf (id, sizeof id, "%" PRId64, ticket);
    snprintf (sid, sizeof sid, "%" PRId64, json_int (subject, "id", 0));
    const char *params[] = { ticket > 0 ? id : NULL, scope, kind, sid };
    PGresult *res = NULL, *esc = NULL, *hist = NULL;
    cal_t *cal = NULL;
    cJSON *doc = NULL;
    if (!(res = db_exec (db, s_clocks_sql, 4, params))) {
        code = svc_db_request_failure (db, "reading the clocks", err, errsize);
        goto cleanup;
    }
    if (PQntuples (res) == 0) {
        if (ticket > 0)
            snprintf (err, errsize, "body.ticket_id: ticket %s has no SLA clocks", id);
        else
            snprintf (err, errsize, "body.subject: %s %s has no SLA clocks (or they are head office's)", kind, sid);
        code = RPL_NOT_FOUND;
        goto cleanup;
    }
    const char *branch = PQgetvalue (res, 0, C_BRANCH);
    char cerr[512] = "";
    if (ticket > 0 && !(cal = bcal_load (db, branch, cerr, sizeof cerr))) {
        code = rdu_calendar_failure (db, branch, cerr, err, errsize);
        goto cleanup;
    }
    if (!(esc = db_exec (db, s_escalations_sql, 4, params))
        || (ticket <= 0 && !(hist = db_exec (db, s_history_sql, 4, params)))) {
        code = svc_db_request_failure (db, "reading the escalations", err, errsize);
        goto cleanup;
    }
    doc = cJSON_CreateObject ();
    cJSON *clocks = doc ? cJSON_CreateArray () : NULL, *escalations = doc ? cJSON_CreateArray () : NULL;
    bool ok = doc && clocks && escalations && s_add_head (doc, ticket, kind, sid, branch, cal)
              && cJSON_AddItemToObject (doc, "clocks", clocks);
    if (!ok) {
        cJSON_Delete (clocks);
        cJSON_Delete (escalations);
        code = rdu_oom (err, errsize);
        goto cleanup;
    }
    if (!cJSON_AddItemToObject (doc, "escalations", escalations)) {
        cJSON_Delete (escalations);
        code = rdu_oom (err, errsize);
        goto cleanup;
    }
    if ((code = s_add_clocks (clocks, res, cal, clock_now_us (), err, errsize)) != RPL_OK)
        goto cleanup;
    if (!s_add_escalations (escalations, esc) || (hist && !s_add_history (doc, hist))) {
        code = rdu_oom (err, errsize);
        goto cleanup;
    }
    *result = doc;
    doc = NULL;
cleanup:
    cJSON_Delete (doc);
    PQclear (res);
    PQclear (esc);
    PQclear (hist);
    cal_destroy (&cal);
    free (scope);
    return code;
}
