/*  redispatch — taking back work orders that were not arranged in time
 *  (see redispatch.h).
 */
#include "redispatch.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/work_order.h"
#include "base/json.h"
#include "svc/emit.h"
#include "base/clock.h"
#include "msg/envelope.h"
#include "base/log.h"
#include "model/sla_clock.h"

/* $1 now, $2 batch, $3 the states a work order's move to unassigned
 * starts from (its table), $4 those a clock's move to pending starts from. The lapsed clocks wait (pending) for the next
 * assignment; their orders go back to unassigned with the technician in
 * passed_over; one history row each. */
#define S_SQL_REDISPATCH                                                                                     \
    "WITH c AS (SELECT id FROM dispatch.sla_clocks WHERE state = '" CLOCK_S_RUNNING "' "                         \
    "  AND on_breach = 'redispatch' AND due_at <= $1::timestamptz "                                          \
    "  ORDER BY due_at LIMIT $2::int FOR UPDATE SKIP LOCKED), "                                              \
    "r AS (UPDATE dispatch.sla_clocks s SET state = '" CLOCK_S_PENDING "', started_at = NULL, "                  \
    "  due_at = NULL, warn_at = NULL, warned_at = NULL, level = NULL, "                                      \
    "  next_escalation_at = NULL, restarts = s.restarts + 1 FROM c WHERE s.id = c.id "                       \
    "  AND s.state = ANY ($4::text[]) "                                                                      \
    "  RETURNING s.ticket_id, s.clock), "                                                                    \
    "w AS (UPDATE dispatch.work_orders o SET status = '" WO_S_UNASSIGNED "', technician_id = NULL, "            \
    "  passed_over = o.passed_over || o.technician_id, updated_at = $1::timestamptz, "                       \
    "  unassigned_reason = format('%s (%s) did not arrange it within the %s target: "                        \
    "   re-dispatched to another technician', t.name, t.id, r.clock) "                                       \
    "  FROM r, ref.technicians t WHERE o.ticket_id = r.ticket_id AND o.status = ANY ($3::text[]) "            \
    "  AND t.id = o.technician_id "                                                                          \
    "  RETURNING o.id, o.ticket_id, o.branch_id, o.unassigned_reason, "                                      \
    "  o.passed_over[array_length(o.passed_over, 1)] AS technician_id), "                                    \
    "h AS (INSERT INTO dispatch.work_order_history (work_order_id, at, event, detail) "                      \
    "  SELECT w.id, $1::timestamptz, 'redispatched', jsonb_build_object('technician', "                      \
    "  w.technician_id, 'reason', w.unassigned_reason) FROM w) "                                             \
    "SELECT id, ticket_id, branch_id, unassigned_reason, technician_id FROM w"

int redispatch_prepare (db_t *db)
{
    return db_prepare (db, "dispatch_redispatch", S_SQL_REDISPATCH);
}

bool redispatch_passed_over (const char *literal, const char *id)
{
    if (!literal || !id || !*id)
        return false;
    size_t n = strlen (id);
    for (const char *p = literal; (p = strstr (p, id)) != NULL; p += n) {
        char before = p == literal ? '{' : p[-1], after = p[n];
        if ((before == '{' || before == ',') && (after == '}' || after == ','))
            return true;
    }
    return false;
}

typedef struct {
    bus_t *bus;
    char now[40];
    int moved;
} s_run_t;

static int s_tx (db_t *db, void *arg)
{
    s_run_t *run = arg;
    run->moved = 0;
    char batch[16];
    snprintf (batch, sizeof batch, "%d", REDISPATCH_BATCH);
    char from[96];
    states_from_sql (&work_order_states, WO_UNASSIGNED, from, sizeof from);
    char clock_from[96];
    states_from_sql (&sla_clock_states, CLOCK_PENDING, clock_from, sizeof clock_from);
    const char *params[] = {run->now, batch, from, clock_from};
    PGresult *res = db_exec_prepared (db, "dispatch_redispatch", 4, params);
    if (!res)
        return -1;
    int rc = 0;
    for (int r = 0; r < PQntuples (res) && rc == 0; r++) {
        const char *wo = PQgetvalue (res, r, 0), *ticket = PQgetvalue (res, r, 1);
        const char *branch = PQgetvalue (res, r, 2), *reason = PQgetvalue (res, r, 3);
        cJSON *body = cJSON_CreateObject ();
        rc = body && json_add_id (body, "work_order_id", wo) == 0 && json_add_id (body, "ticket_id", ticket) == 0
                     && cJSON_AddStringToObject (body, "reason", reason)
                     && cJSON_AddStringToObject (body, "at", run->now)
                 ? 0
                 : -1;
        if (rc != 0 || svc_emit (run->bus, db, "workorder.unassigned", 1, branch, ticket, &body) != 0) {
            cJSON_Delete (body);
            rc = -1;
            break;
        }
        log_kv (LOG_INFO, "work_order_redispatched", "work_order_id", wo, "ticket_id", ticket,
                "technician_id", PQgetvalue (res, r, 4), "reason", reason, NULL);
        run->moved++;
    }
    PQclear (res);
    return rc;
}

int redispatch_due (db_t *db, bus_t *bus, int64_t now_us)
{
    s_run_t run = {.bus = bus};
    clock_format_us (now_us, run.now, sizeof run.now);
    bool fn_failed = false;
    if (db_tx (db, s_tx, &run, &fn_failed) != DB_OK) {
        log_kv (LOG_WARN, "redispatch_failed", "reason", db_error (db), NULL);
        return -1;
    }
    if (run.moved > 0)
        bus_kick (bus);
    return run.moved;
}
