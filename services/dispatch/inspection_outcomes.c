/*  inspection_outcomes — see inspection_outcomes.h. */
#include "inspection_outcomes.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/json.h"
#include "base/log.h"
#include "db/statements.h"
#include "model/work_order.h"
#include "svc/emit.h"
#include "svc/failure.h"

/* The move of work order $1 to $2 from the states $3, with its history row
 * ($4 event, $5 detail) at $6. Returns the ticket and branch when it moved;
 * no row when it was not in one of the states (or does not exist: $1's
 * second column tells, see S_SQL_EXISTS). */
#define S_SQL_MOVE                                                                            \
    "WITH w AS (UPDATE dispatch.work_orders SET status = $2, updated_at = $6::timestamptz, "  \
    "  accepted_at = CASE WHEN $2 = '" WO_S_ACCEPTED "' THEN $6::timestamptz ELSE accepted_at END " \
    "  WHERE id = $1::bigint AND status = ANY ($3::text[]) RETURNING id, ticket_id, branch_id), " \
    "h AS (INSERT INTO dispatch.work_order_history (work_order_id, at, event, detail) "      \
    "  SELECT w.id, $6::timestamptz, $4, $5::jsonb FROM w) "                                  \
    "SELECT ticket_id, branch_id FROM w"

#define S_SQL_EXISTS "SELECT status FROM dispatch.work_orders WHERE id = $1::bigint"

/* Work orders of ticket $1 still open: waiting, on site, or done and not
 * yet inspected. */
#define S_SQL_OPEN                                                                            \
    "SELECT count(*) FROM dispatch.work_orders WHERE ticket_id = $1::bigint AND status IN ('" \
    WO_S_UNASSIGNED "', '" WO_S_ASSIGNED "', '" WO_S_COMPLETED "')"

static const db_statement_t s_statements[] = {
    { "dispatch_dio_move", S_SQL_MOVE },
    { "dispatch_dio_exists", S_SQL_EXISTS },
    { "dispatch_dio_open", S_SQL_OPEN },
};

int dio_prepare (db_t *db)
{
    return db_prepare_statements (db, s_statements, DB_STATEMENTS (s_statements));
}

int dio_move (db_t *db, const char *wo, int to, const char *from, const char *event, const char *message_id,
              const char *at, char *ticket, char *branch, char *reason, size_t reason_size)
{
    char detail[160];
    snprintf (detail, sizeof detail, "{\"message_id\":\"%s\"}", message_id);
    const char *p[] = { wo, work_order_state_names[to], from, event, detail, at };
    PGresult *res = db_exec_prepared (db, "dispatch_dio_move", 6, p);
    if (!res)
        return -1;
    if (PQntuples (res) == 1) {
        snprintf (ticket, 24, "%s", PQgetvalue (res, 0, 0));
        snprintf (branch, 72, "%s", PQgetvalue (res, 0, 1));
        PQclear (res);
        return 1;
    }
    PQclear (res);
    const char *p2[] = { wo };
    if (!(res = db_exec_prepared (db, "dispatch_dio_exists", 1, p2)))
        return -1;
    int rc = 0;
    if (PQntuples (res) == 0) {
        snprintf (reason, reason_size, "body.work_order_id: no work order %s", wo);
        rc = -2;
    }
    else
        log_kv (LOG_INFO, "work_order_already_moved", "work_order_id", wo, "status", PQgetvalue (res, 0, 0),
                "wanted", work_order_state_names[to], NULL);
    PQclear (res);
    return rc;
}

/*  Moves the work order to `to` from any state that may move there. */
static int s_move (db_t *db, const char *wo, int to, const char *event, const char *message_id, const char *at,
                   char *ticket, char *branch, char *reason, size_t reason_size)
{
    char from[96];
    states_from_sql (&work_order_states, to, from, sizeof from);
    return dio_move (db, wo, to, from, event, message_id, at, ticket, branch, reason, reason_size);
}

/*  The instant of the message's `key`; BUS_REJECT with a reason when it is
 *  not one. */
static bus_result_t s_instant (const cJSON *b, const char *key, int64_t *us, char *reason, size_t reason_size)
{
    const char *text = json_str (b, key, NULL);
    if (!text || clock_parse_rfc3339 (text, us) != 0) {
        snprintf (reason, reason_size, "body.%s: expected an RFC 3339 date-time", key);
        return BUS_REJECT;
    }
    return BUS_OK;
}

/*  The inspection's events for its SLA clocks (its level signed, when one
 *  is named, then `ending`, if any), and the work order's `wo_event`, if
 *  any. Returns 0 or -1 (database). */
static int s_clock_events (dio_t *self, db_t *db, const char *wo, const char *ticket, const char *branch,
                           const char *level, const char *ending, const char *wo_event, int64_t at)
{
    sss_t *subjects = sle_subjects (self->sle);
    sss_subject_t inspection = { "inspection", wo, ticket, branch, 0 };
    if (level && *level) {
        char event[96];
        snprintf (event, sizeof event, "level_signed.%s", level);
        if (sss_on_event (subjects, db, &inspection, event, at) < 0)
            return -1;
    }
    if (ending && sss_on_event (subjects, db, &inspection, ending, at) < 0)
        return -1;
    sss_subject_t work_order = { "work_order", wo, ticket, branch, 0 };
    if (wo_event && sss_on_event (subjects, db, &work_order, wo_event, at) < 0)
        return -1;
    return 0;
}

static bus_result_t s_outcome (int moved, db_t *db, const char *what, char *reason, size_t reason_size)
{
    if (moved == -2)
        return BUS_REJECT;
    return svc_db_bus_failure (db, what, reason, reason_size);
}

bus_result_t dio_on_failed (void *ctx, db_t *db, const svc_ctx_t *who, char *reason, size_t reason_size)
{
    dio_t *self = ctx;
    const cJSON *b = who->msg->body;
    char wo[24], ticket[24], branch[72], at[40];
    snprintf (wo, sizeof wo, "%" PRId64, json_int (b, "work_order_id", 0));
    clock_format_us (clock_now_us (), at, sizeof at);
    int moved = s_move (db, wo, WO_REWORK, "inspection_failed", who->msg->id, at, ticket, branch, reason,
                        reason_size);
    if (moved < 0)
        return s_outcome (moved, db, "marking the work order for rework", reason, reason_size);
    if (moved == 0)
        return BUS_OK;
    int64_t failed_at;
    if (s_instant (b, "failed_at", &failed_at, reason, reason_size) != BUS_OK)
        return BUS_REJECT;
    if (s_clock_events (self, db, wo, ticket, branch, json_str (b, "level", NULL), "inspection_failed",
                        "work_order_rework", failed_at) != 0)
        return svc_db_bus_failure (db, "moving the inspection's clocks", reason, reason_size);
    const char *blamed = json_str (b, "blamed_technician_id", NULL);
    wo_follow_up_t f = { .ticket_id = ticket, .purpose = "rework", .follows = wo,
                         .exclude = self->dc->rework_same_technician ? NULL : blamed,
                         .message_id = who->msg->id };
    char rework[24];
    if (wo_follow_up (self->wo, db, &f, rework, sizeof rework) != 0)
        return svc_db_bus_failure (db, "sending the rework order", reason, reason_size);
    log_kv (LOG_INFO, "work_order_rework", "work_order_id", wo, "rework_order_id", rework, "ticket_id", ticket,
            "inspection_level", json_str (b, "level", ""), NULL);
    return BUS_OK;
}

bus_result_t dio_on_accepted (void *ctx, db_t *db, const svc_ctx_t *who, char *reason, size_t reason_size)
{
    dio_t *self = ctx;
    const cJSON *b = who->msg->body;
    char wo[24], ticket[24], branch[72], at[40];
    snprintf (wo, sizeof wo, "%" PRId64, json_int (b, "work_order_id", 0));
    clock_format_us (clock_now_us (), at, sizeof at);
    int moved = s_move (db, wo, WO_ACCEPTED, "accepted", who->msg->id, at, ticket, branch, reason, reason_size);
    if (moved < 0)
        return s_outcome (moved, db, "accepting the work order", reason, reason_size);
    if (moved == 0)
        return BUS_OK;
    int64_t accepted_at;
    if (s_instant (b, "accepted_at", &accepted_at, reason, reason_size) != BUS_OK)
        return BUS_REJECT;
    if (s_clock_events (self, db, wo, ticket, branch, json_str (b, "level", NULL), "inspection_passed",
                        "work_order_accepted", accepted_at) != 0)
        return svc_db_bus_failure (db, "moving the inspection's clocks", reason, reason_size);
    const char *p[] = { ticket };
    PGresult *res = db_exec_prepared (db, "dispatch_dio_open", 1, p);
    if (!res)
        return svc_db_bus_failure (db, "counting the ticket's open work orders", reason, reason_size);
    bool last = strcmp (PQgetvalue (res, 0, 0), "0") == 0;
    PQclear (res);
    log_kv (LOG_INFO, "work_order_accepted", "work_order_id", wo, "ticket_id", ticket, "last",
            last ? "true" : "false", NULL);
    if (!last)
        return BUS_OK;
    cJSON *body = cJSON_CreateObject ();
    if (!body || json_add_id (body, "ticket_id", ticket) != 0 || json_add_id (body, "work_order_id", wo) != 0) {
        cJSON_Delete (body);
        snprintf (reason, reason_size, "out of memory");
        return BUS_RETRY;
    }
    cJSON_AddStringToObject (body, "branch", branch);
    cJSON_AddStringToObject (body, "accepted_by", json_str (b, "accepted_by", "qc"));
    cJSON_AddStringToObject (body, "at", at);
    if (svc_emit (self->bus, db, "ticket.work_done", 1, branch, ticket, &body) != 0) {
        cJSON_Delete (body);
        return svc_db_bus_failure (db, "writing ticket.work_done to the outbox", reason, reason_size);
    }
    return BUS_OK;
}

bus_result_t dio_on_level_signed (void *ctx, db_t *db, const svc_ctx_t *who, char *reason, size_t reason_size)
{
    dio_t *self = ctx;
    const cJSON *b = who->msg->body;
    char wo[24], ticket[24];
    snprintf (wo, sizeof wo, "%" PRId64, json_int (b, "work_order_id", 0));
    snprintf (ticket, sizeof ticket, "%" PRId64, json_int (b, "ticket_id", 0));
    int64_t signed_at;
    if (s_instant (b, "signed_at", &signed_at, reason, reason_size) != BUS_OK)
        return BUS_REJECT;
    /* only clocks move: a redelivery finds them stopped already */
    if (s_clock_events (self, db, wo, ticket, json_str (b, "branch", ""), json_str (b, "level", NULL), NULL, NULL,
                        signed_at) != 0)
        return svc_db_bus_failure (db, "moving the inspection's clocks", reason, reason_size);
    return BUS_OK;
}
