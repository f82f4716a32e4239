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
#include "svc/failure.h"
#include "svc/emit.h"
#include "db/statements.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/log.h"
#include "ref/org.h"
#include "sla/sla_engine.h"
#include "redispatch.h"
#include "sweeps.h"
#include "ticket_events.h"

/* ---- statements ------------------------------------------------------- */

/* The branch's local weekday (1 = Monday) and minute of day at $2. */
#define S_SQL_BRANCH_NOW                                                                      \
    "SELECT b.timezone, extract(isodow FROM $2::timestamptz AT TIME ZONE b.timezone)::int, "  \
    "(extract(hour FROM $2::timestamptz AT TIME ZONE b.timezone) * 60 "                      \
    " + extract(minute FROM $2::timestamptz AT TIME ZONE b.timezone))::int "                 \
    "FROM ref.branches b WHERE b.id = $1"

#define S_SQL_BRANCH_LOCK                                                                     \
    "SELECT pg_advisory_xact_lock(hashtext('kefu.dispatch.branch:' || $1::text))"

/* The load is the number of assigned work orders, kept per technician in
 * dispatch.technician_load by a trigger on dispatch.work_orders (0006):
 * one row read per technician instead of a count over the backlog. */
#define S_SQL_CANDIDATES                                                                      \
    "SELECT t.id, t.name, t.grade, to_json(t.skills)::text, t.capacity, t.shift::text, "      \
    "COALESCE(l.load, 0) AS load "                                                            \
    "FROM ref.technicians t LEFT JOIN dispatch.technician_load l ON l.technician_id = t.id "  \
    "WHERE t.branch_id = $1 AND t.active ORDER BY t.id"

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
    "  SELECT $1::bigint, $2, $3, $4, $5, $6, $7::boolean, 'unassigned', $8::timestamptz, "   \
    "   $8::timestamptz FROM l ON CONFLICT (ticket_id) DO NOTHING RETURNING id), "            \
    "h AS (INSERT INTO dispatch.work_order_history (work_order_id, at, event, detail) "      \
    "  SELECT w.id, $8::timestamptz, 'created', $9::jsonb FROM w) "                           \
    "SELECT l.dow, l.minute, (SELECT id FROM w) FROM l"

/* Waiting work orders of a branch older than $3, oldest first. */
#define S_SQL_PENDING                                                                         \
    "SELECT id, ticket_id, kind, product_line, premium, unassigned_reason, passed_over::text " \
    "FROM dispatch.work_orders WHERE branch_id = $1 AND status = 'unassigned' "               \
    "AND id < $3::bigint ORDER BY id LIMIT $2::int FOR UPDATE SKIP LOCKED"

/* The assignment and its "assigned" history row ($4) in one round trip;
 * returns one row when the order was still waiting, none otherwise. */
#define S_SQL_ASSIGN                                                                          \
    "WITH u AS (UPDATE dispatch.work_orders SET status = 'assigned', technician_id = $2, "    \
    " unassigned_reason = NULL, assigned_at = $3::timestamptz, updated_at = $3::timestamptz " \
    " WHERE id = $1::bigint AND status = 'unassigned' RETURNING id), "                        \
    "h AS (INSERT INTO dispatch.work_order_history (work_order_id, at, event, detail) "      \
    " SELECT u.id, $3::timestamptz, 'assigned', $4::jsonb FROM u) "                           \
    "SELECT id FROM u"

#define S_SQL_WAIT                                                                            \
    "UPDATE dispatch.work_orders SET unassigned_reason = $2, updated_at = $3::timestamptz "   \
    "WHERE id = $1::bigint AND status = 'unassigned'"

#define S_SQL_HISTORY                                                                         \
    "INSERT INTO dispatch.work_order_history (work_order_id, at, event, detail) "             \
    "VALUES ($1::bigint, $2::timestamptz, $3, $4::jsonb)"

#define S_SQL_PENDING_BRANCHES                                                                \
    "SELECT branch_id FROM dispatch.work_orders WHERE status = 'unassigned' "                 \
    "GROUP BY branch_id ORDER BY min(id) LIMIT $1::int"

static const db_statement_t s_statements[] = {
    { "dispatch_branch_now", S_SQL_BRANCH_NOW },
    { "dispatch_branch_lock", S_SQL_BRANCH_LOCK },
    { "dispatch_candidates", S_SQL_CANDIDATES },
    { "dispatch_wo_create", S_SQL_CREATE },
    { "dispatch_wo_pending", S_SQL_PENDING },
    { "dispatch_wo_assign", S_SQL_ASSIGN },
    { "dispatch_wo_wait", S_SQL_WAIT },
    { "dispatch_wo_history", S_SQL_HISTORY },
    { "dispatch_pending_branches", S_SQL_PENDING_BRANCHES },
};

/* ---- the staff of one branch at one moment ------------------------------ */

typedef struct {
    PGresult *res;            /* candidate rows; the techs' strings point into it */
    cJSON **skill_trees;      /* one per row, owners of the skill strings */
    int rows;
    const char **skill_ptrs;  /* one block; techs[i].skills points into it */
    assign_tech_t *techs;     /* the usable rows */
    int n;
} s_staff_t;

static void s_staff_free (s_staff_t *staff)
{
    if (staff->skill_trees)
        for (int r = 0; r < staff->rows; r++)
            cJSON_Delete (staff->skill_trees[r]);
    free (staff->skill_trees);
    free (staff->skill_ptrs);
    free (staff->techs);
    if (staff->res)
        PQclear (staff->res);
    memset (staff, 0, sizeof *staff);
}

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
    s_staff_t staff;
    bool valid;
    long serial;
    char branch[72];
    int weekday, minute;
    bool none_waiting;  /* no order of the branch waits (all placed since) */
} s_staff_cache_t;

struct dispatcher_s {
    const cfg_t *cfg;
    db_t *db;
    bus_t *bus;
    assign_rules_t rules;
    s_staff_cache_t cache;
    sle_t *sle;               /* SLA clocks (sla/sla_engine.h) */
    svc_t *svc;               /* NULL without a service (tests) */
    int64_t sla_due_ms, retry_due_ms;  /* next runs of the timer's two jobs (monotonic) */
};

static void s_skip (const char *id, const char *branch, const char *why)
{
    log_kv (LOG_WARN, "technician_skipped", "technician_id", id, "branch", branch, "reason", why, NULL);
}

/*  Reads the active technicians of a branch with their load, and whether
 *  each is on shift at (weekday 0 = Monday, minute). A row with unusable
 *  data (grade, skills, capacity, shift) is left out with a warning: it must
 *  not stop the others from being assigned. Returns 0 or -1 (database or
 *  memory; *staff is then empty). */
static int s_staff_load (db_t *db, const char *branch, int weekday, int minute, s_staff_t *staff)
{
    memset (staff, 0, sizeof *staff);
    const char *params[] = { branch };
    staff->res = db_exec_prepared (db, "dispatch_candidates", 1, params);
    if (!staff->res)
        return -1;
    int rows = PQntuples (staff->res);
    if (rows == 0)
        return 0;
    staff->techs = calloc ((size_t) rows, sizeof *staff->techs);
    staff->skill_trees = calloc ((size_t) rows, sizeof *staff->skill_trees);
    if (!staff->techs || !staff->skill_trees)
        goto nomem;
    staff->rows = rows;
    int total_skills = 0;
    for (int r = 0; r < rows; r++) {
        staff->skill_trees[r] = cJSON_Parse (PQgetvalue (staff->res, r, 3));
        if (cJSON_IsArray (staff->skill_trees[r]))
            total_skills += cJSON_GetArraySize (staff->skill_trees[r]);
    }
    staff->skill_ptrs = calloc ((size_t) total_skills + 1, sizeof *staff->skill_ptrs);
    if (!staff->skill_ptrs)
        goto nomem;

    int used = 0;
    for (int r = 0; r < rows; r++) {
        const char *id = PQgetvalue (staff->res, r, 0);
        const cJSON *tree = staff->skill_trees[r];
        org_grade_t grade;
        hours_week_t shift;
        int capacity = atoi (PQgetvalue (staff->res, r, 4));
        if (org_grade_parse (PQgetvalue (staff->res, r, 2), &grade) != 0) {
            s_skip (id, branch, "grade is not trainee, junior, intermediate or senior");
            continue;
        }
        if (!cJSON_IsArray (tree)) {
            s_skip (id, branch, "skills is not a list");
            continue;
        }
        if (capacity <= 0) {
            s_skip (id, branch, "capacity is not a positive number");
            continue;
        }
        if (hours_week_from_json (PQgetvalue (staff->res, r, 5), &shift) != 0) {
            s_skip (id, branch, "shift is not valid weekly hours");
            continue;
        }
        assign_tech_t *t = &staff->techs[staff->n++];
        t->id = id;
        t->name = PQgetvalue (staff->res, r, 1);
        t->grade = grade;
        t->skills = staff->skill_ptrs + used;
        const cJSON *item;
        cJSON_ArrayForEach (item, tree) {
            if (cJSON_IsString (item) && used < total_skills)
                staff->skill_ptrs[used++] = item->valuestring;
        }
        t->n_skills = (int) (staff->skill_ptrs + used - t->skills);
        t->capacity = capacity;
        t->load = atoi (PQgetvalue (staff->res, r, 6));
        t->on_shift = hours_week_contains (&shift, weekday, minute);
    }
    return 0;
nomem:
    log_kv (LOG_ERROR, "out_of_memory", "where", "dispatch candidates", NULL);
    s_staff_free (staff);
    return -1;
}

/* ---- one branch, one transaction --------------------------------------- */

/*  What the branch pass needs: set by the caller, inside one transaction. */
typedef struct {
    dispatcher_t *self;
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

static int s_number (cJSON *obj, const char *key, const char *decimal)
{
    char *end = NULL;
    long long v = strtoll (decimal, &end, 10);
    if (!end || *end)
        return -1;
    return cJSON_AddNumberToObject (obj, key, (double) v) ? 0 : -1;
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
    const char *params[] = { wo->id, tech->id, pass->now, detail_text };
    PGresult *res = db_exec_prepared (db, "dispatch_wo_assign", 4, params);
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
        || sls_on_event (sle_start (pass->self->sle), db, wo->ticket_id, pass->branch, "work_order_assigned", at_us) < 0)
        goto cleanup;

    if (s_number (body, "work_order_id", wo->id) != 0 || s_number (body, "ticket_id", wo->ticket_id) != 0)
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
    if (s_number (body, "work_order_id", wo->id) != 0 || s_number (body, "ticket_id", wo->ticket_id) != 0)
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

static int s_decide (s_pass_t *pass, db_t *db, s_staff_t *staff, const s_order_t *wo)
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
        s_staff_free (&cache->staff);
        cache->valid = false;
        if (s_staff_load (db, pass->branch, pass->weekday, pass->minute, &cache->staff) != 0)
            return -1;
        cache->valid = strlen (pass->branch) < sizeof cache->branch;
        cache->serial = db_tx_serial (db);
        snprintf (cache->branch, sizeof cache->branch, "%s", pass->branch);
        cache->weekday = pass->weekday;
        cache->minute = pass->minute;
        cache->none_waiting = false;
    }
    s_staff_t *staff = &cache->staff;
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

static bus_result_t s_on_ticket_created (dispatcher_t *self, db_t *db, const env_t *msg, char *reason,
                                        size_t reason_size)
{
    const cJSON *body = msg->body;
    const cJSON *jt = cJSON_GetObjectItemCaseSensitive (body, "ticket_id");
    if (!json_is_integer (jt) || jt->valuedouble < 1) {
        snprintf (reason, reason_size, "body.ticket_id: expected a positive integer");
        return BUS_REJECT;
    }
    char ticket_id[32];
    snprintf (ticket_id, sizeof ticket_id, "%" PRId64, json_int (body, "ticket_id", 0));
    const char *status = json_str (body, "status", NULL);
    const char *branch = json_str (body, "branch", NULL);
    const char *kind = json_str (body, "kind", NULL);
    const char *priority = json_str (body, "priority", NULL);
    if (!status || (strcmp (status, "open") != 0 && strcmp (status, "closed") != 0)) {
        snprintf (reason, reason_size, "body.status: expected open or closed");
        return BUS_REJECT;
    }
    if (!branch || !*branch || strlen (branch) > 32) {
        snprintf (reason, reason_size, "body.branch: expected a branch id of 1 to 32 characters");
        return BUS_REJECT;
    }
    if (!kind || !*kind) {
        snprintf (reason, reason_size, "body.kind: expected a ticket kind");
        return BUS_REJECT;
    }
    if (!priority || !*priority) {
        snprintf (reason, reason_size, "body.priority: expected low, normal, high or urgent");
        return BUS_REJECT;
    }
    const cJSON *product = cJSON_GetObjectItemCaseSensitive (body, "product");
    const char *code = NULL, *line = NULL;
    bool premium = false;
    if (product && !cJSON_IsNull (product)) {
        if (!cJSON_IsObject (product)) {
            snprintf (reason, reason_size, "body.product: expected an object or null");
            return BUS_REJECT;
        }
        code = json_str (product, "code", NULL);
        line = json_str (product, "line", NULL);
        premium = json_bool (product, "premium", false);
    }

    /* the ticket's SLA clocks, in the same transaction (nothing for a closed ticket) */
    bus_result_t clocks = sls_on_ticket_created (sle_start (self->sle), db, msg, reason, reason_size);
    if (clocks != BUS_OK)
        return clocks;

    if (strcmp (status, "closed") == 0) {
        log_kv (LOG_INFO, "ticket_needs_no_visit", "ticket_id", ticket_id, "branch", branch,
                "reason", "closed at intake", NULL);
        return BUS_OK;
    }
    if (!cfg_kind_needs_visit (self->cfg, kind)) {
        log_kv (LOG_INFO, "ticket_needs_no_visit", "ticket_id", ticket_id, "branch", branch,
                "kind", kind, "reason", "kind is not in dispatch.visit_kinds", NULL);
        return BUS_OK;
    }

    s_pass_t pass = { .self = self, .branch = branch };
    clock_format_us (clock_now_us (), pass.now, sizeof pass.now);
    cJSON *detail = cJSON_CreateObject ();
    if (!detail)
        return BUS_RETRY;
    cJSON_AddNumberToObject (detail, "ticket_id", (double) json_int (body, "ticket_id", 0));
    cJSON_AddStringToObject (detail, "kind", kind);
    cJSON_AddStringToObject (detail, "priority", priority);
    if (line)
        cJSON_AddStringToObject (detail, "product_line", line);
    else
        cJSON_AddNullToObject (detail, "product_line");
    cJSON_AddBoolToObject (detail, "premium", premium);
    cJSON_AddStringToObject (detail, "message_id", msg->id);
    char *detail_text = json_print (detail);
    cJSON_Delete (detail);
    if (!detail_text)
        return BUS_RETRY;
    /* One statement: the branch lock first (so that older waiting orders of
     * the branch go first), its local time, the order and its history. */
    const char *ins[] = { ticket_id, branch, kind, priority, code, line,
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
        || sls_on_event (sle_start (self->sle), db, ticket_id, branch, "work_order_created", created_us) < 0)
        return svc_db_bus_failure (db, "SLA clocks of the new work order", reason, reason_size);

    s_order_t wo = { wo_id, ticket_id, kind, line, NULL, premium, NULL };
    if (s_place_branch (&pass, db, wo_id, &wo, true) != 0)
        return svc_db_bus_failure (db, "assignment", reason, reason_size);
    /* the bus kicks its relay itself after it commits what we emitted */
    return BUS_OK;
}

bus_result_t dispatcher_on_ticket_created (void *ctx, db_t *db, const env_t *msg,
                                           char *reason, size_t reason_size)
{
    dispatcher_t *self = ctx;
    assert (self && db && msg && reason && reason_size > 0);
    reason[0] = '\0';
    /* the ticket's clock changes (creation, assignment) go out as one
     * sla.clock at the end; nothing is kept from an earlier invocation */
    sls_begin (sle_start (self->sle));
    bus_result_t rc = s_on_ticket_created (self, db, msg, reason, reason_size);
    if (rc == BUS_OK && sls_flush (sle_start (self->sle), db) != 0)
        rc = svc_db_bus_failure (db, "sla.clock", reason, reason_size);
    sls_begin (sle_start (self->sle));
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

int dispatcher_retry (dispatcher_t *self)
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

/*  The SLA timer; the first call (when the database first connects) reads
 *  the SLA file, and a refused file stops the service. */
static int s_sla_timer (svc_t *svc, void *ctx)
{
    dispatcher_t *self = ctx;
    char err[1024];
    if (sll_ensure (sle_loader (self->sle), err, sizeof err) != 0) {
        if (sll_failed (sle_loader (self->sle))) {
            log_kv (LOG_ERROR, "sla_config_refused", "path", self->cfg->sla_file, "reason", err, NULL);
            fprintf (stderr, "kefu-dispatch: %s\n", err);
            svc_stop (svc);
        }
        return 0;
    }
    sle_tick (self->sle);
    return 0;
}

/*  The service's one timer runs at the shorter of the two periods; each
 *  job runs when its own period has passed (both on the first call). */
static int s_timer (svc_t *svc, void *ctx)
{
    dispatcher_t *self = ctx;
    int64_t now = clock_mono_ms ();
    if (self->sla_due_ms == 0 || now >= self->sla_due_ms) {
        self->sla_due_ms = now + self->cfg->sla_tick_ms;
        s_sla_timer (svc, self);
    }
    if (self->retry_due_ms == 0 || now >= self->retry_due_ms) {
        self->retry_due_ms = now + self->cfg->assign_retry_ms;
        /* lapsed orders first, so that this very pass places them again */
        int64_t at = clock_now_us ();
        bool lapsed_ok = db_ensure (self->db) == 0 && redispatch_due (self->db, self->bus, at) >= 0;
        if (dispatcher_retry (self) >= 0 && lapsed_ok)
            sweep_mark (self->db, bus_instance (self->bus), SWEEP_ASSIGN, at);
    }
    return 0;
}

bool dispatcher_failed (const dispatcher_t *self)
{
    return self && sll_failed (sle_loader (self->sle));
}

int dispatcher_reload (dispatcher_t *self, char *err, size_t errsize)
{
    return self ? sle_reload (self->sle, err, errsize) : -1;
}

static org_grade_t s_grade_or (int value, org_grade_t fallback)
{
    return value >= GRADE_TRAINEE && value <= GRADE_SENIOR ? (org_grade_t) value : fallback;
}

dispatcher_t *dispatcher_new_with (const cfg_t *cfg, db_t *db, bus_t *bus)
{
    if (!cfg || !db || !bus)
        return NULL;
    dispatcher_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->cfg = cfg;
    self->db = db;
    self->bus = bus;
    self->rules.repair = s_grade_or (cfg->min_grade_repair, GRADE_INTERMEDIATE);
    self->rules.premium = s_grade_or (cfg->min_grade_premium, GRADE_INTERMEDIATE);
    self->rules.other = s_grade_or (cfg->min_grade_other, GRADE_TRAINEE);
    if (db_prepare_statements (db, s_statements, DB_STATEMENTS (s_statements)) != 0) {
        log_kv (LOG_ERROR, "dispatch_prepare_failed", "error", db_error (db), NULL);
        goto fail;
    }
    char err[512];
    if (!(self->sle = sle_new (cfg, db, bus, err, sizeof err))) {
        log_kv (LOG_ERROR, "sla_engine_failed", "reason", err, NULL);
        goto fail;
    }
    if (bus_on (bus, "ticket.created", dispatcher_on_ticket_created, self) != 0
        || dte_register (bus, db, self->sle) != 0 || redispatch_prepare (db) != 0)
        goto fail;
    return self;
fail:
    sle_destroy (&self->sle);
    free (self);
    return NULL;
}

dispatcher_t *dispatcher_new (svc_t *svc)
{
    if (!svc)
        return NULL;
    const cfg_t *cfg = svc_cfg (svc);
    dispatcher_t *self = dispatcher_new_with (cfg, svc_db (svc), svc_bus (svc));
    if (!self)
        return NULL;
    self->svc = svc;
    int period = cfg->assign_retry_ms < cfg->sla_tick_ms ? cfg->assign_retry_ms : cfg->sla_tick_ms;
    if (svc_set_timer (svc, period > 0 ? period : 1000, s_timer, self) != 0) {
        dispatcher_destroy (&self);
        return NULL;
    }
    return self;
}

void dispatcher_destroy (dispatcher_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    s_staff_free (&(*self_p)->cache.staff);
    sle_destroy (&(*self_p)->sle);
    free (*self_p);
    *self_p = NULL;
}
