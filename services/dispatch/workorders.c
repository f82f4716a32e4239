/*  workorders — dispatch's work orders in PostgreSQL: creation from
 *  "ticket.created", assignment under the branch lock, waiting with a
 *  reason, and the retry pass (contract in workorders.h, rules in assign.h,
 *  overview in docs/dispatch.md).
 */
#include "workorders.h"

#include <assert.h>
#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assign.h"
#include "staff.h"
#include "model/ticket.h"
#include "model/work_order.h"
#include "svc/failure.h"
#include "svc/emit.h"
#include "db/statements.h"
#include "dispatch_config.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/log.h"
#include "ref/org.h"
#include "sla/sla_engine.h"
#include "sla/sla_start.h"
#include "sla/sla_subjects.h"
#include "redispatch.h"

/* ---- statements ------------------------------------------------------- */

/* The branch's local weekday (1 = Monday) and minute of day at $2. */
#define S_SQL_BRANCH_NOW                                                                      \
    "SELECT b.timezone, extract(isodow FROM $2::timestamptz AT TIME ZONE b.timezone)::int, "  \
    "(extract(hour FROM $2::timestamptz AT TIME ZONE b.timezone) * 60 "                      \
    " + extract(minute FROM $2::timestamptz AT TIME ZONE b.timezone))::int "                 \
    "FROM ref.branches b WHERE b.id = $1"

#define S_SQL_BRANCH_LOCK                                                                     \
    "SELECT pg_advisory_xact_lock(hashtext('kefu.dispatch.branch:' || $1::text))"

/* The branch locks of a batch of messages ($1: a JSON array of branch ids),
 * all taken in one statement and in one order, the order of the lock keys:
 * every instance then waits for the branches of another in the same order,
 * and two batches that share branches never each hold one the other wants. */
#define S_SQL_BRANCH_LOCKS                                                                    \
    "SELECT count(pg_advisory_xact_lock(x.k)) FROM (SELECT DISTINCT "                         \
    "hashtext('kefu.dispatch.branch:' || b) AS k "                                            \
    "FROM jsonb_array_elements_text($1::jsonb) b ORDER BY 1) x"

/* The load is the number of assigned work orders, kept per technician in
 * dispatch.technician_load by a trigger on dispatch.work_orders (0006):
 * one row read per technician instead of a count over the backlog. */
/* A new work order, in one round trip: the branch's local weekday and
 * minute at $8 (as S_SQL_BRANCH_NOW) with the branch lock taken first, the
 * order, and its "created" history row ($9). No row: unknown branch; a row
 * with a NULL id: the ticket has a work order already. */
#define S_SQL_CREATE                                                                          \
    "WITH l AS (SELECT extract(isodow FROM $8::timestamptz AT TIME ZONE b.timezone)::int "    \
    "   AS dow, (extract(hour FROM $8::timestamptz AT TIME ZONE b.timezone) * 60 "            \
    "   + extract(minute FROM $8::timestamptz AT TIME ZONE b.timezone))::int AS minute, "     \
    "   pg_advisory_xact_lock(hashtext('kefu.dispatch.branch:' || b.id)) AS locked "          \
    "  FROM ref.branches b WHERE b.id = $2), "                                                \
    "w AS (INSERT INTO dispatch.work_orders (ticket_id, branch_id, kind, priority, "          \
    "   product_code, product_line, premium, status, created_at, updated_at) "                \
    "  SELECT $1::bigint, $2, $3, $4, $5, $6, $7::boolean, '" WO_S_UNASSIGNED "', $8::timestamptz, " \
    "   $8::timestamptz FROM l ON CONFLICT (ticket_id) WHERE purpose = 'visit' DO NOTHING "     \
"   RETURNING id), "                                                                          \
    "h AS (INSERT INTO dispatch.work_order_history (work_order_id, at, event, detail) "      \
    "  SELECT w.id, $8::timestamptz, 'created', $9::jsonb FROM w) "                           \
    "SELECT l.dow, l.minute, (SELECT id FROM w) FROM l"

/* Waiting work orders of a branch older than $3, oldest first. */
#define S_SQL_PENDING                                                                         \
    "SELECT id, ticket_id, kind, product_line, premium, unassigned_reason, passed_over::text " \
    "FROM dispatch.work_orders WHERE branch_id = $1 AND status = '" WO_S_UNASSIGNED "' "     \
    "AND id < $3::bigint ORDER BY id LIMIT $2::int FOR UPDATE SKIP LOCKED"

/* The assignment and its "assigned" history row ($4) in one round trip,
 * for an order in one of the states $5 (the work order's table: the states
 * a move to assigned starts from); returns one row when the order was
 * still there, none otherwise. */
#define S_SQL_ASSIGN                                                                          \
    "WITH u AS (UPDATE dispatch.work_orders SET status = '" WO_S_ASSIGNED "', technician_id = $2, " \
    " unassigned_reason = NULL, assigned_at = $3::timestamptz, updated_at = $3::timestamptz " \
    " WHERE id = $1::bigint AND status = ANY ($5::text[]) RETURNING id), "                    \
    "h AS (INSERT INTO dispatch.work_order_history (work_order_id, at, event, detail) "      \
    " SELECT u.id, $3::timestamptz, 'assigned', $4::jsonb FROM u) "                           \
    "SELECT id FROM u"

#define S_SQL_WAIT                                                                            \
    "UPDATE dispatch.work_orders SET unassigned_reason = $2, updated_at = $3::timestamptz "   \
    "WHERE id = $1::bigint AND status = '" WO_S_UNASSIGNED "'"

#define S_SQL_HISTORY                                                                         \
    "INSERT INTO dispatch.work_order_history (work_order_id, at, event, detail) "             \
    "VALUES ($1::bigint, $2::timestamptz, $3, $4::jsonb)"

/* A follow-up work order of ticket $1 (docs/dispatch.md "Several work
 * orders"): a copy of the job of work order $4 (rework), or of the ticket's
 * latest (revisit), with purpose $3, the ticket_reopened history row $5,
 * the technicians it must not go to $6, at $2, history detail $7; the
 * branch lock and local time first, as S_SQL_CREATE. No row: the ticket
 * has no work order to follow (or, for a revisit, one is still open); a
 * NULL id: this follow-up exists already. */
#define S_SQL_FOLLOW_UP                                                                       \
    "WITH src AS (SELECT ticket_id, branch_id, kind, priority, product_code, product_line, premium " \
    "  FROM dispatch.work_orders WHERE ticket_id = $1::bigint "                               \
    "  AND ($4::bigint IS NULL OR id = $4::bigint) "                                         \
    "  AND ($3 <> 'revisit' OR NOT EXISTS (SELECT 1 FROM dispatch.work_orders o "              \
    "   WHERE o.ticket_id = $1::bigint AND o.status IN ('" WO_S_UNASSIGNED "', '" WO_S_ASSIGNED "'))) " \
    "  ORDER BY id DESC LIMIT 1), "                                                           \
    "l AS (SELECT extract(isodow FROM $2::timestamptz AT TIME ZONE b.timezone)::int AS dow, " \
    "   (extract(hour FROM $2::timestamptz AT TIME ZONE b.timezone) * 60 "                    \
    "   + extract(minute FROM $2::timestamptz AT TIME ZONE b.timezone))::int AS minute, "     \
    "   pg_advisory_xact_lock(hashtext('kefu.dispatch.branch:' || b.id)) AS locked "          \
    "  FROM src JOIN ref.branches b ON b.id = src.branch_id), "                               \
    "w AS (INSERT INTO dispatch.work_orders (ticket_id, branch_id, kind, priority, "          \
    "   product_code, product_line, premium, status, created_at, updated_at, purpose, "       \
    "   follows, reopen_history_id, passed_over) "                                            \
    "  SELECT src.ticket_id, src.branch_id, src.kind, src.priority, src.product_code, "       \
    "   src.product_line, src.premium, '" WO_S_UNASSIGNED "', $2::timestamptz, $2::timestamptz, " \
    "   $3, $4::bigint, $5::bigint, $6::text[] FROM src, l ON CONFLICT DO NOTHING "           \
    "  RETURNING id, branch_id, kind, product_line, premium, passed_over::text), "            \
    "h AS (INSERT INTO dispatch.work_order_history (work_order_id, at, event, detail) "      \
    "  SELECT w.id, $2::timestamptz, 'created', $7::jsonb FROM w) "                           \
    "SELECT l.dow, l.minute, w.id, w.branch_id, w.kind, w.product_line, w.premium, "          \
    " w.passed_over FROM l LEFT JOIN w ON true"

#define S_SQL_PENDING_BRANCHES                                                                \
    "SELECT branch_id FROM dispatch.work_orders WHERE status = '" WO_S_UNASSIGNED "' "         \
    "GROUP BY branch_id ORDER BY min(id) LIMIT $1::int"

static const db_statement_t s_statements[] = {
    { "dispatch_branch_now", S_SQL_BRANCH_NOW },
    { "dispatch_branch_lock", S_SQL_BRANCH_LOCK },
    { "dispatch_branch_locks", S_SQL_BRANCH_LOCKS },
    { "dispatch_wo_create", S_SQL_CREATE },
    { "dispatch_wo_pending", S_SQL_PENDING },
    { "dispatch_wo_assign", S_SQL_ASSIGN },
    { "dispatch_wo_wait", S_SQL_WAIT },
    { "dispatch_wo_history", S_SQL_HISTORY },
    { "dispatch_pending_branches", S_SQL_PENDING_BRANCHES },
    { "dispatch_wo_follow_up", S_SQL_FOLLOW_UP },
};

/* ---- the staff of one branch at one moment ------------------------------ */

/*  The staff read last, kept for the rest of the same transaction: a
 *  group-committed batch of ticket.created (bus.h) places many orders of a
 *  branch under one branch lock, and nothing else changes the loads while
 *  that lock is held; placements count the loads up in memory. Valid while
 *  db_tx_serial() is unchanged (a new transaction, or a rollback to a
 *  savepoint, drops it) and for the same branch and minute. For the same
 *  reason, once the waiting orders were read and every one of them placed,
 *  none waits until an order of this transaction is left waiting: the
 *  next order need not look for older ones. */
typedef struct {
    staff_t staff;
    bool valid;
    long serial;
    char branch[72];
    int weekday, minute;
    bool none_waiting;  /* no order of the branch waits (all placed since) */
} s_staff_cache_t;

struct workorders_s {
    const dispatch_config_t *dc;
    db_t *db;
    bus_t *bus;
    assign_rules_t rules;
    s_staff_cache_t cache;
    sle_t *sle;               /* SLA clocks (sla_engine.h), borrowed */
};

/* ---- one branch, one transaction --------------------------------------- */

/*  What the branch pass needs: set by the caller, inside one transaction. */
typedef struct {
    workorders_t *self;
    const char *branch;
    char now[40];
    int weekday, minute;      /* branch-local, weekday 0 = Monday */
    bool branch_known;
    int assigned;             /* work orders assigned in this transaction */
    int emitted;              /* messages written to the outbox */
} s_pass_t;

/*  One work order as read back for a decision; strings borrowed. */
typedef struct {
    const char *id, *ticket_id, *kind, *line, *stored_reason;
    bool premium;
    const char *passed_over; /* text[] literal of who let it lapse, or NULL */
} s_order_t;

/*  The work order's own clocks (docs/sla.md "Subjects") on its event.
 *  Returns >= 0, or -1 (database). */
static int s_order_event (workorders_t *self, db_t *db, const char *wo_id, const char *ticket, const char *branch,
                          const char *event, int64_t at_us)
{
    sss_subject_t work_order = { "work_order", wo_id, ticket, branch, 0 };
    return sss_on_event (sle_subjects (self->sle), db, &work_order, event, at_us);
}

static int s_history (db_t *db, const char *wo_id, const char *at, const char *event, cJSON *detail)
{
    char *text = json_print (detail);
    if (!text)
        return -1;
    const char *params[] = { wo_id, at, event, text };
    PGresult *res = db_exec_prepared (db, "dispatch_wo_history", 4, params);
    free (text);
    if (!res)
        return -1;
    PQclear (res);
    return 0;
}

static int s_emit (s_pass_t *pass, db_t *db, const char *type, int version, const char *ticket_id,
                   cJSON **body_p)
{
    if (svc_emit (pass->self->bus, db, type, version, pass->branch, ticket_id, body_p) != 0)
        return -1;
    pass->emitted++;
    return 0;
}

/*  Assigns the technician to the order: update and history (one
 *  statement), then the message. */
static int s_do_assign (s_pass_t *pass, db_t *db, const s_order_t *wo, assign_tech_t *tech)
{
    int rc = -1;
    char *detail_text = NULL;
    cJSON *detail = cJSON_CreateObject ();
    cJSON *body = cJSON_CreateObject ();
    cJSON *who = body ? cJSON_AddObjectToObject (body, "technician") : NULL;
    if (!detail || !who)
        goto cleanup;
    /* the load once this order is counted (tech->load moves on success) */
    cJSON_AddStringToObject (detail, "technician_id", tech->id);
    cJSON_AddStringToObject (detail, "technician_name", tech->name);
    cJSON_AddStringToObject (detail, "grade", org_grade_names[tech->grade]);
    cJSON_AddNumberToObject (detail, "load", tech->load + 1);
    if (!(detail_text = json_print (detail)))
        goto cleanup;
    char from[96];
    states_from_sql (&work_order_states, WO_ASSIGNED, from, sizeof from);
    const char *params[] = { wo->id, tech->id, pass->now, detail_text, from };
    PGresult *res = db_exec_prepared (db, "dispatch_wo_assign", 5, params);
    if (!res)
        goto cleanup;
    bool updated = PQntuples (res) == 1;
    PQclear (res);
    if (!updated) {
        rc = 0; /* no longer waiting: nothing to do */
        goto cleanup;
    }
    tech->load++;
    /* clocks that start or stop when the work order is assigned (arrange) */
    int64_t at_us = 0;
    if (clock_parse_rfc3339 (pass->now, &at_us) != 0
        || sls_on_event (sle_start (pass->self->sle), db, wo->ticket_id, pass->branch, "work_order_assigned", at_us) < 0
        || s_order_event (pass->self, db, wo->id, wo->ticket_id, pass->branch, "work_order_assigned", at_us) < 0)
        goto cleanup;

    if (json_add_id (body, "work_order_id", wo->id) != 0 || json_add_id (body, "ticket_id", wo->ticket_id) != 0)
        goto cleanup;
    cJSON_AddStringToObject (who, "id", tech->id);
    cJSON_AddStringToObject (who, "name", tech->name);
    cJSON_AddStringToObject (who, "grade", org_grade_names[tech->grade]);
    cJSON_AddStringToObject (body, "assigned_at", pass->now);
    cJSON_AddNumberToObject (body, "load", tech->load);
    /* the ticket's clock changes ride along: intake gets one message, not two */
    if (sls_carry (sle_start (pass->self->sle), db, wo->ticket_id, pass->branch, body) < 0)
        goto cleanup;
    if (s_emit (pass, db, "workorder.assigned", 2, wo->ticket_id, &body) != 0)
        goto cleanup;
    pass->assigned++;
    log_kv (LOG_INFO, "work_order_assigned", "work_order_id", wo->id, "ticket_id", wo->ticket_id,
            "branch", pass->branch, "technician_id", tech->id, NULL);
    rc = 0;
cleanup:
    free (detail_text);
    cJSON_Delete (detail);
    cJSON_Delete (body);
    return rc;
}

/*  Records why the order waits, unless that reason is already stored. */
static int s_do_wait (s_pass_t *pass, db_t *db, const s_order_t *wo, const assign_result_t *why)
{
    if (wo->stored_reason && strcmp (wo->stored_reason, why->reason) == 0)
        return 0;
    const char *params[] = { wo->id, why->reason, pass->now };
    PGresult *res = db_exec_prepared (db, "dispatch_wo_wait", 3, params);
    if (!res)
        return -1;
    bool updated = strcmp (PQcmdTuples (res), "1") == 0;
    PQclear (res);
    if (!updated)
        return 0;

    int rc = -1;
    cJSON *detail = cJSON_CreateObject ();
    cJSON *body = cJSON_CreateObject ();
    if (!detail || !body)
        goto cleanup;
    cJSON_AddStringToObject (detail, "reason", why->reason);
    cJSON_AddStringToObject (detail, "cause", assign_outcome_name (why->outcome));
    if (s_history (db, wo->id, pass->now, "unassigned", detail) != 0)
        goto cleanup;
    if (json_add_id (body, "work_order_id", wo->id) != 0 || json_add_id (body, "ticket_id", wo->ticket_id) != 0)
        goto cleanup;
    cJSON_AddStringToObject (body, "reason", why->reason);
    cJSON_AddStringToObject (body, "at", pass->now);
    if (s_emit (pass, db, "workorder.unassigned", 1, wo->ticket_id, &body) != 0)
        goto cleanup;
    log_kv (LOG_INFO, "work_order_waits", "work_order_id", wo->id, "ticket_id", wo->ticket_id,
            "branch", pass->branch, "reason", why->reason, NULL);
    rc = 0;
cleanup:
    cJSON_Delete (detail);
    cJSON_Delete (body);
    return rc;
}

static int s_decide (s_pass_t *pass, db_t *db, staff_t *staff, const s_order_t *wo)
{
    assign_job_t job = { pass->branch, wo->kind, wo->line, wo->premium };
    assign_result_t result;
    if (!wo->passed_over || strcmp (wo->passed_over, "{}") == 0) {
        if (assign_choose (&job, &pass->self->rules, staff->techs, staff->n, &result) == 0)
            return s_do_assign (pass, db, wo, &staff->techs[result.index]);
        return s_do_wait (pass, db, wo, &result);
    }
    /* an order taken back from a technician (redispatch.h) is never given
     * back to him: choose among the others */
    assign_tech_t *others = malloc ((size_t) (staff->n > 0 ? staff->n : 1) * sizeof *others);
    int *at = malloc ((size_t) (staff->n > 0 ? staff->n : 1) * sizeof *at);
    if (!others || !at) {
        free (others);
        free (at);
        return -1;
    }
    int n = 0;
    for (int i = 0; i < staff->n; i++)
        if (!redispatch_passed_over (wo->passed_over, staff->techs[i].id)) {
            others[n] = staff->techs[i];
            at[n++] = i;
        }
    int rc;
    if (assign_choose (&job, &pass->self->rules, others, n, &result) == 0)
        rc = s_do_assign (pass, db, wo, &staff->techs[at[result.index]]);
    else {
        size_t len = strlen (result.reason);
        snprintf (result.reason + len, sizeof result.reason - len, " (passed over: %s)", wo->passed_over);
        rc = s_do_wait (pass, db, wo, &result);
    }
    free (others);
    free (at);
    return rc;
}

/*  Looks up the branch's local time at pass->now. Sets branch_known.
 *  Returns 0 or -1 (database). */
static int s_branch_now (s_pass_t *pass, db_t *db)
{
    const char *params[] = { pass->branch, pass->now };
    PGresult *res = db_exec_prepared (db, "dispatch_branch_now", 2, params);
    if (!res)
        return -1;
    pass->branch_known = PQntuples (res) == 1;
    if (pass->branch_known) {
        pass->weekday = atoi (PQgetvalue (res, 0, 1)) - 1;
        pass->minute = atoi (PQgetvalue (res, 0, 2));
    }
    PQclear (res);
    return 0;
}

static int s_lock_branch (db_t *db, const char *branch)
{
    const char *params[] = { branch };
    PGresult *res = db_exec_prepared (db, "dispatch_branch_lock", 1, params);
    if (!res)
        return -1;
    PQclear (res);
    return 0;
}

/*  Under the branch lock (taken here unless `locked`): tries the waiting
 *  orders of the branch older than `before` (oldest first), then `extra` (a
 *  new order) if not NULL. The staff is read once; loads are counted up in
 *  memory as orders are placed. */
static int s_place_branch (s_pass_t *pass, db_t *db, const char *before, const s_order_t *extra,
                           bool locked)
{
    if (!locked && s_lock_branch (db, pass->branch) != 0)
        return -1;
    s_staff_cache_t *cache = &pass->self->cache;
    bool hit = cache->valid && cache->serial == db_tx_serial (db)
               && strcmp (cache->branch, pass->branch) == 0 && cache->weekday == pass->weekday
               && cache->minute == pass->minute;
    if (!hit) {
        staff_free (&cache->staff);
        cache->valid = false;
        if (staff_load (db, pass->branch, pass->weekday, pass->minute, dispatch_provider_rank (pass->self->dc),
                        &cache->staff) != 0)
            return -1;
        cache->valid = strlen (pass->branch) < sizeof cache->branch;
        cache->serial = db_tx_serial (db);
        snprintf (cache->branch, sizeof cache->branch, "%s", pass->branch);
        cache->weekday = pass->weekday;
        cache->minute = pass->minute;
        cache->none_waiting = false;
    }
    staff_t *staff = &cache->staff;
    int rc = -1, decisions = 0, assigned_before = pass->assigned;
    PGresult *pending = NULL;
    if (!cache->none_waiting) {
        char limit[16];
        snprintf (limit, sizeof limit, "%d", DISPATCH_PENDING_BATCH);
        const char *params[] = { pass->branch, limit, before };
        pending = db_exec_prepared (db, "dispatch_wo_pending", 3, params);
        if (!pending)
            goto cleanup;
        /* a full page may leave more behind it */
        decisions = PQntuples (pending) >= DISPATCH_PENDING_BATCH ? -1 : 0;
        for (int r = 0; r < PQntuples (pending); r++) {
            s_order_t wo = {
                .id = PQgetvalue (pending, r, 0),
                .ticket_id = PQgetvalue (pending, r, 1),
                .kind = PQgetvalue (pending, r, 2),
                .line = PQgetisnull (pending, r, 3) ? NULL : PQgetvalue (pending, r, 3),
                .premium = strcmp (PQgetvalue (pending, r, 4), "t") == 0,
                .stored_reason = PQgetisnull (pending, r, 5) ? NULL : PQgetvalue (pending, r, 5),
                .passed_over = PQgetvalue (pending, r, 6),
            };
            if (s_decide (pass, db, staff, &wo) != 0)
                goto cleanup;
            if (decisions >= 0)
                decisions++;
        }
    }
    if (extra) {
        if (s_decide (pass, db, staff, extra) != 0)
            goto cleanup;
        if (decisions >= 0)
            decisions++;
    }
    /* only when this pass looked at the waiting orders or none waited */
    cache->none_waiting = decisions >= 0 && pass->assigned - assigned_before == decisions;
    rc = 0;
cleanup:
    if (pending)
        PQclear (pending);
    if (rc != 0)
        cache->valid = false; /* loads may have been counted for undone work */
    return rc;
}

/* ---- ticket.created ------------------------------------------------------ */

bus_result_t wo_on_ticket_created (workorders_t *self, db_t *db, const ticket_created_t *t,
                                   const char *message_id, char *reason, size_t reason_size)
{
    const char *ticket_id = t->ticket_id_text, *branch = t->branch, *kind = t->kind;
    const char *code = t->product_code, *line = t->product_line;
    bool premium = t->premium;

    /* the ticket's SLA clocks, in the same transaction (nothing for a closed ticket) */
    bus_result_t clocks = sls_on_ticket_created (sle_start (self->sle), db, t, reason, reason_size);
    if (clocks != BUS_OK)
        return clocks;

    if (t->closed) {
        log_kv (LOG_INFO, "ticket_needs_no_visit", "ticket_id", ticket_id, "branch", branch,
                "reason", "closed at intake", NULL);
        return BUS_OK;
    }
    if (!dispatch_kind_needs_visit (self->dc, kind)) {
        log_kv (LOG_INFO, "ticket_needs_no_visit", "ticket_id", ticket_id, "branch", branch,
                "kind", kind, "reason", "kind is not in dispatch.visit_kinds", NULL);
        return BUS_OK;
    }

    s_pass_t pass = { .self = self, .branch = branch };
    clock_format_us (clock_now_us (), pass.now, sizeof pass.now);
    cJSON *detail = cJSON_CreateObject ();
    if (!detail)
        return BUS_RETRY;
    cJSON_AddNumberToObject (detail, "ticket_id", (double) t->ticket_id);
    cJSON_AddStringToObject (detail, "kind", kind);
    cJSON_AddStringToObject (detail, "priority", t->priority);
    if (line)
        cJSON_AddStringToObject (detail, "product_line", line);
    else
        cJSON_AddNullToObject (detail, "product_line");
    cJSON_AddBoolToObject (detail, "premium", premium);
    cJSON_AddStringToObject (detail, "message_id", message_id);
    char *detail_text = json_print (detail);
    cJSON_Delete (detail);
    if (!detail_text)
        return BUS_RETRY;
    /* One statement: the branch lock first (so that older waiting orders of
     * the branch go first), its local time, the order and its history. */
    const char *ins[] = { ticket_id, branch, kind, t->priority, code, line,
                          premium ? "true" : "false", pass.now, detail_text };
    PGresult *res = db_exec_prepared (db, "dispatch_wo_create", 9, ins);
    free (detail_text);
    if (!res)
        return svc_db_bus_failure (db, "work order insert", reason, reason_size);
    if (PQntuples (res) != 1) {
        PQclear (res);
        snprintf (reason, reason_size, "body.branch: unknown branch \"%s\"", branch);
        return BUS_REJECT;
    }
    pass.branch_known = true;
    pass.weekday = atoi (PQgetvalue (res, 0, 0)) - 1;
    pass.minute = atoi (PQgetvalue (res, 0, 1));
    if (PQgetisnull (res, 0, 2)) {
        PQclear (res);
        log_kv (LOG_INFO, "work_order_exists", "ticket_id", ticket_id, "branch", branch,
                "reason", "a work order for this ticket already exists", NULL);
        return BUS_OK;
    }
    char wo_id[32];
    snprintf (wo_id, sizeof wo_id, "%s", PQgetvalue (res, 0, 2));
    PQclear (res);
    log_kv (LOG_INFO, "work_order_created", "work_order_id", wo_id, "ticket_id", ticket_id,
            "branch", branch, "kind", kind, NULL);
    /* the clocks that start on it (call_centre_check) */
    int64_t created_us = 0;
    if (clock_parse_rfc3339 (pass.now, &created_us) != 0
        || sls_on_event (sle_start (self->sle), db, ticket_id, branch, "work_order_created", created_us) < 0
        || s_order_event (self, db, wo_id, ticket_id, branch, "work_order_created", created_us) < 0)
        return svc_db_bus_failure (db, "SLA clocks of the new work order", reason, reason_size);

    s_order_t wo = { wo_id, ticket_id, kind, line, NULL, premium, NULL };
    if (s_place_branch (&pass, db, wo_id, &wo, true) != 0)
        return svc_db_bus_failure (db, "assignment", reason, reason_size);
    /* the bus kicks its relay itself after it commits what we emitted */
    return BUS_OK;
}

/* ---- follow-up work orders ---------------------------------------------- */

int wo_follow_up (workorders_t *self, db_t *db, const wo_follow_up_t *f, char *wo_id, size_t wo_id_size)
{
    assert (self && db && f && f->ticket_id && f->purpose && wo_id && wo_id_size > 0);
    wo_id[0] = '\0';
    s_pass_t pass = { .self = self };
    clock_format_us (clock_now_us (), pass.now, sizeof pass.now);
    char passed_over[96] = "{}";
    if (f->exclude && *f->exclude)
        snprintf (passed_over, sizeof passed_over, "{%s}", f->exclude);
    cJSON *detail = cJSON_CreateObject ();
    if (!detail)
        return -1;
    cJSON_AddStringToObject (detail, "purpose", f->purpose);
    if (f->follows)
        cJSON_AddStringToObject (detail, "follows", f->follows);
    if (f->exclude)
        cJSON_AddStringToObject (detail, "not_to", f->exclude);
    if (f->message_id)
        cJSON_AddStringToObject (detail, "message_id", f->message_id);
    char *detail_text = json_print (detail);
    cJSON_Delete (detail);
    if (!detail_text)
        return -1;
    const char *params[] = { f->ticket_id, pass.now, f->purpose, f->follows, f->reopen_history_id,
                             passed_over, detail_text };
    PGresult *res = db_exec_prepared (db, "dispatch_wo_follow_up", 7, params);
    free (detail_text);
    if (!res)
        return -1;
    if (PQntuples (res) != 1 || PQgetisnull (res, 0, 2)) {
        log_kv (LOG_INFO, PQntuples (res) ? "work_order_follow_up_exists" : "work_order_nothing_to_follow",
                "ticket_id", f->ticket_id, "purpose", f->purpose, NULL);
        PQclear (res);
        return 0;
    }
    char branch[72], kind[32], line[72];
    snprintf (wo_id, wo_id_size, "%s", PQgetvalue (res, 0, 2));
    snprintf (branch, sizeof branch, "%s", PQgetvalue (res, 0, 3));
    snprintf (kind, sizeof kind, "%s", PQgetvalue (res, 0, 4));
    snprintf (line, sizeof line, "%s", PQgetvalue (res, 0, 5));
    bool has_line = !PQgetisnull (res, 0, 5), premium = strcmp (PQgetvalue (res, 0, 6), "t") == 0;
    char over[96];
    snprintf (over, sizeof over, "%s", PQgetvalue (res, 0, 7));
    pass.branch = branch;
    pass.branch_known = true;
    pass.weekday = atoi (PQgetvalue (res, 0, 0)) - 1;
    pass.minute = atoi (PQgetvalue (res, 0, 1));
    PQclear (res);
    log_kv (LOG_INFO, "work_order_created", "work_order_id", wo_id, "ticket_id", f->ticket_id, "branch", branch,
            "kind", kind, "purpose", f->purpose, NULL);
    int64_t at_us = 0;
    if (clock_parse_rfc3339 (pass.now, &at_us) != 0
        || sls_on_event (sle_start (self->sle), db, f->ticket_id, branch, "work_order_created", at_us) < 0
        || s_order_event (self, db, wo_id, f->ticket_id, branch, "work_order_created", at_us) < 0)
        return -1;
    s_order_t wo = { wo_id, f->ticket_id, kind, has_line ? line : NULL, NULL, premium, over };
    return s_place_branch (&pass, db, wo_id, &wo, true);
}

/* ---- a batch's branch locks ---------------------------------------------- */

/*  The branch a ticket.created will take the lock of, or NULL (it will be
 *  refused, or needs no work order). Borrowed from msg. */
static const char *s_locked_branch (const workorders_t *self, const env_t *msg)
{
    ticket_created_t t;
    char err[160];
    if (strcmp (msg->type, "ticket.created") != 0 || ticket_created_decode (msg, &t, err, sizeof err) != 0
        || t.closed || !dispatch_kind_needs_visit (self->dc, t.kind))
        return NULL;
    return t.branch;
}

/*  bus_on_batch_begin: before any handler of the batch runs, the locks of
 *  every branch its ticket.created messages will create work orders in,
 *  in the one order of S_SQL_BRANCH_LOCKS. Without it each handler takes
 *  its branch's lock in arrival order, and two dispatchers given SH02,SH01
 *  and SH01,SH02 wait for each other until PostgreSQL ends one (40P01).
 *  A batch of ticket.created only, all of one branch, needs no lock up
 *  front (one branch lock cannot be taken out of order): it goes on as one
 *  message does, without the extra round trip. Any other message before a
 *  ticket.created may lock rows (a work order's technician load) that an
 *  assignment under another dispatcher's branch lock waits for, so with
 *  one the locks are taken first even for one branch. Returns 0 or -1. */
int wo_lock_batch_branches (void *ctx, db_t *db, const env_t *const *msgs, int n)
{
    workorders_t *self = ctx;
    const char *first = NULL;
    bool several = false, others = false;
    int rc = -1;
    char *text = NULL;
    cJSON *list = cJSON_CreateArray (); /* each message decoded once, here */
    if (!list)
        goto cleanup;
    for (int i = 0; i < n; i++) {
        const char *branch = s_locked_branch (self, msgs[i]);
        if (!branch) {
            others = others || strcmp (msgs[i]->type, "ticket.created") != 0;
            continue;
        }
        if (!cJSON_AddItemToArray (list, cJSON_CreateString (branch)))
            goto cleanup;
        if (!first)
            first = branch;
        else if (strcmp (first, branch) != 0)
            several = true;
    }
    rc = 0;
    if (!first || (!several && !others))
        goto cleanup;
    rc = -1;
    if (!(text = json_print (list)))
        goto cleanup;
    const char *params[] = { text };
    PGresult *res = db_exec_prepared (db, "dispatch_branch_locks", 1, params);
    if (!res) {
        log_kv (LOG_WARN, "dispatch_db_error", "where", "branch locks of a batch", "error",
                db_error (db), "sqlstate", db_sqlstate (db), NULL);
        goto cleanup;
    }
    PQclear (res);
    rc = 0;
cleanup:
    free (text);
    cJSON_Delete (list);
    return rc;
}

/* ---- the retry pass ------------------------------------------------------ */

static int s_retry_body (s_pass_t *pass, db_t *db)
{
    if (s_branch_now (pass, db) != 0)
        return -1;
    if (!pass->branch_known) {
        log_kv (LOG_WARN, "work_orders_orphaned", "branch", pass->branch,
                "reason", "waiting work orders name a branch that is no longer in ref.branches", NULL);
        return 0;
    }
    return s_place_branch (pass, db, "9223372036854775807", NULL, false);
}

static int s_retry_tx (db_t *db, void *arg)
{
    s_pass_t *pass = arg;
    pass->assigned = 0;
    pass->emitted = 0;
    sls_begin (sle_start (pass->self->sle)); /* db_tx may run this again: start clean */
    int rc = s_retry_body (pass, db);
    if (rc == 0)
        rc = sls_flush (sle_start (pass->self->sle), db);
    sls_begin (sle_start (pass->self->sle));
    return rc;
}

int wo_retry (workorders_t *self)
{
    if (!self)
        return -1;
    if (db_ensure (self->db) != 0)
        return -1;
    char limit[16];
    snprintf (limit, sizeof limit, "%d", DISPATCH_BRANCH_BATCH);
    const char *params[] = { limit };
    PGresult *branches = db_exec_prepared (self->db, "dispatch_pending_branches", 1, params);
    if (!branches) {
        log_kv (LOG_WARN, "dispatch_db_error", "where", "retry scan", "error", db_error (self->db), NULL);
        return -1;
    }
    int assigned = 0, rc = 0;
    for (int r = 0; r < PQntuples (branches); r++) {
        s_pass_t pass = { .self = self, .branch = PQgetvalue (branches, r, 0) };
        clock_format_us (clock_now_us (), pass.now, sizeof pass.now);
        bool fn_failed = false;
        db_status_t st = db_tx (self->db, s_retry_tx, &pass, &fn_failed);
        if (st != DB_OK) {
            log_kv (LOG_WARN, "dispatch_retry_failed", "branch", pass.branch, "error",
                    db_error (self->db), NULL);
            rc = -1;
            if (st == DB_TRANSIENT)
                break;
            continue;
        }
        assigned += pass.assigned;
        if (pass.emitted)
            bus_kick (self->bus); /* after each commit that emitted */
    }
    PQclear (branches);
    return rc == 0 ? assigned : -1;
}

/* ---- construction -------------------------------------------------------- */

static org_grade_t s_grade_or (int value, org_grade_t fallback)
{
    return value >= GRADE_TRAINEE && value <= GRADE_SENIOR ? (org_grade_t) value : fallback;
}

workorders_t *wo_new (const dispatch_config_t *dc, db_t *db, bus_t *bus, sle_t *sle)
{
    assert (dc && db && bus && sle);
    workorders_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->dc = dc;
    self->db = db;
    self->bus = bus;
    self->sle = sle;
    self->rules.repair = s_grade_or (dc->min_grade_repair, GRADE_INTERMEDIATE);
    self->rules.premium = s_grade_or (dc->min_grade_premium, GRADE_INTERMEDIATE);
    self->rules.other = s_grade_or (dc->min_grade_other, GRADE_TRAINEE);
    if (db_prepare_statements (db, s_statements, DB_STATEMENTS (s_statements)) != 0
        || staff_prepare (db) != 0) {
        log_kv (LOG_ERROR, "dispatch_prepare_failed", "error", db_error (db), NULL);
        free (self);
        return NULL;
    }
    return self;
}

void wo_destroy (workorders_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    staff_free (&(*self_p)->cache.staff);
    free (*self_p);
    *self_p = NULL;
}
