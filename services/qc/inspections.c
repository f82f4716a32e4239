/*  inspections — the object, its statements, and the start of every
 *  inspection: the workorder.done handler (see inspections.h). */
#include "inspections_private.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/roles.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/log.h"
#include "db/cursor.h"
#include "db/statements.h"
#include "inspection_states.h"
#include "svc/failure.h"

static const db_statement_t s_statements[] = {
    /* the level that failed on the order a rework reworks (restart: failed) */
    { "qc_prior_failed",
      "SELECT i.plan, l.position FROM qc.inspections i JOIN qc.inspection_levels l ON l.inspection_id = i.id"
      " WHERE i.work_order_id = $1 AND l.status = 'failed'" },
    { "qc_insp_create",
      "INSERT INTO qc.inspections (work_order_id, ticket_id, branch_id, technician_id, kind, product_line,"
      " plan, rework_of, done_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
      " ON CONFLICT (work_order_id) DO NOTHING RETURNING id" },
    { "qc_levels_create",
      "INSERT INTO qc.inspection_levels (inspection_id, position, name, role, branch_id, status, started_at)"
      " SELECT $1, l.ord - 1, l.name, l.role, $2, l.status,"
      "        CASE WHEN l.status = 'pending' THEN $3::timestamptz END"
      "   FROM unnest ($4::text[], $5::text[], $6::text[]) WITH ORDINALITY AS l (name, role, status, ord)" },
    { "qc_insp_lock", "SELECT " QI_INSPECTION_COLUMNS " FROM qc.inspections WHERE work_order_id = $1 FOR UPDATE" },
    { "qc_insp_by_wo", "SELECT " QI_INSPECTION_COLUMNS " FROM qc.inspections WHERE work_order_id = $1" },
    { "qc_insp_by_id", "SELECT " QI_INSPECTION_COLUMNS " FROM qc.inspections WHERE id = $1" },
    { "qc_levels_of",
      "SELECT position, name, role, status, signed_by, request_id, " DB_EPOCH_US ("started_at") ", "
      DB_EPOCH_US ("signed_at") ", items::text, failed_items::text"
      " FROM qc.inspection_levels WHERE inspection_id = $1 ORDER BY position" },
    { "qc_level_sign",
      "UPDATE qc.inspection_levels SET status = $3, signed_by = $4, signed_at = $5, request_id = $6,"
      " items = $7::jsonb, failed_items = $8::jsonb"
      " WHERE inspection_id = $1 AND position = $2 AND status = ANY ($9::text[])" },
    { "qc_level_start",
      "UPDATE qc.inspection_levels SET status = 'pending', started_at = $3"
      " WHERE inspection_id = $1 AND position = $2 AND status = ANY ($4::text[])" },
    { "qc_insp_close",
      "UPDATE qc.inspections SET status = $2, closed_at = $3 WHERE id = $1 AND status = ANY ($4::text[])" },
    { "qc_replay",
      "SELECT i.work_order_id, l.name FROM qc.inspection_levels l JOIN qc.inspections i ON i.id = l.inspection_id"
      " WHERE l.signed_by = $1 AND l.request_id = $2" },
    { "qc_pending",
      "SELECT i.work_order_id, i.ticket_id, i.branch_id, i.plan, l.name, l.role, " DB_EPOCH_US ("l.started_at")
      ", i.id, i.technician_id, i.kind"
      "  FROM qc.inspection_levels l JOIN qc.inspections i ON i.id = l.inspection_id"
      " WHERE l.status = 'pending' AND l.role = ANY ($1::text[])"
      "   AND NOT EXISTS (SELECT 1 FROM qc.inspection_levels s"
      "                    WHERE s.inspection_id = l.inspection_id AND s.signed_by = $2)"
      "   AND ($3::text[] IS NULL OR l.branch_id = ANY ($3::text[])"
      /* a service provider's technician acts for no branch: his own self-checks */
      "        OR (l.role = 'technician' AND i.technician_id = $2))"
      /* after the cursor's level ($5 started_at in us, $6 inspection; one pending level each) */
      "   AND ($5::bigint IS NULL OR (l.started_at, l.inspection_id) > (" CUR_SQL_US ("$5") ", $6::bigint))"
      " ORDER BY l.started_at, l.inspection_id LIMIT $4" },
};

qi_t *qi_new (db_t *db, bus_t *bus, qp_set_t **plans_p)
{
    qi_t *self = calloc (1, sizeof *self);
    if (!self) {
        qp_set_destroy (plans_p);
        return NULL;
    }
    *self = (qi_t) { .db = db, .bus = bus, .plans = *plans_p };
    *plans_p = NULL;
    self->on_done = (svc_handler_t) { "workorder.done", qi_on_done, self, { NULL, NULL, NULL } };
    if (db_prepare_statements (db, s_statements, DB_STATEMENTS (s_statements)) != 0) {
        log_kv (LOG_ERROR, "qc_statements_failed", "reason", db_error (db), NULL);
        qi_destroy (&self);
    }
    else if (svc_handle (bus, &self->on_done) != 0) {
        log_kv (LOG_ERROR, "qc_handler_failed", "type", "workorder.done", NULL);
        qi_destroy (&self);
    }
    return self;
}

void qi_destroy (qi_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qp_set_destroy (&(*self_p)->plans);
    free (*self_p);
    *self_p = NULL;
}

rpl_code_t qi_oom (char *err, size_t errsize)
{
    snprintf (err, errsize, "out of memory");
    return RPL_INTERNAL;
}

/*  The workorder.done body, read once (its schema passed). */
typedef struct {
    char wo[24], ticket[24], rework_of[24];
    const char *branch, *technician, *kind, *line, *done_at;
    bool rework;
} s_done_t;

static void s_done_decode (const cJSON *body, s_done_t *d)
{
    memset (d, 0, sizeof *d);
    snprintf (d->wo, sizeof d->wo, "%" PRId64, json_int (body, "work_order_id", 0));
    snprintf (d->ticket, sizeof d->ticket, "%" PRId64, json_int (body, "ticket_id", 0));
    d->rework = cJSON_GetObjectItemCaseSensitive (body, "rework_of") != NULL;
    if (d->rework)
        snprintf (d->rework_of, sizeof d->rework_of, "%" PRId64, json_int (body, "rework_of", 0));
    d->branch = json_str (body, "branch", NULL);
    d->technician = json_str (body, "technician_id", NULL);
    d->kind = json_str (body, "kind", NULL);
    d->line = json_str (body, "product_line", NULL);
    d->done_at = json_str (body, "done_at", NULL);
}

/*  Where a rework's inspection starts: the level that failed on the
 *  reworked order when the plan restarts there (and that order was
 *  inspected under the same plan), else the first. Returns the position,
 *  or -1 on a database failure. */
static int s_start_level (qi_t *self, db_t *db, const qp_plan_t *plan, const s_done_t *d)
{
    if (!d->rework || plan->restart != QP_RESTART_FAILED)
        return 0;
    const char *p[] = { d->rework_of };
    PGresult *res = db_exec_prepared (db, "qc_prior_failed", 1, p);
    if (!res)
        return -1;
    int start = 0;
    if (PQntuples (res) == 1 && strcmp (PQgetvalue (res, 0, 0), plan->name) == 0)
        start = atoi (PQgetvalue (res, 0, 1));
    PQclear (res);
    (void) self;
    return start >= 0 && start < plan->n_levels ? start : 0;
}

/*  "{a,b,c}" of the plan's level names, roles, or states (all identifiers:
 *  no quoting needed). which: 0 names, 1 roles, else the states for start. */
static void s_levels_array (const qp_plan_t *plan, int which, int start, char *out, size_t size)
{
    size_t used = (size_t) snprintf (out, size, "{");
    for (int i = 0; i < plan->n_levels && used < size; i++) {
        const char *v = which == 0   ? plan->levels[i].name
                        : which == 1 ? role_names[plan->levels[i].role]
                        : lvl_state_names[i < start ? LVL_CARRIED : i == start ? LVL_PENDING : LVL_WAITING];
        used += (size_t) snprintf (out + used, size - used, "%s%s", i ? "," : "", v);
    }
    if (used < size)
        snprintf (out + used, size - used, "}");
}

bus_result_t qi_on_done (void *arg, db_t *db, const svc_ctx_t *ctx, char *reason, size_t reason_size)
{
    qi_t *self = arg;
    s_done_t d;
    s_done_decode (ctx->msg->body, &d);
    const qp_plan_t *plan = qp_choose (self->plans, d.line, d.kind);
    int start = s_start_level (self, db, plan, &d);
    if (start < 0)
        return svc_db_bus_failure (db, "reading the reworked order's inspection", reason, reason_size);
    char now[40];
    clock_format_us (clock_now_us (), now, sizeof now);
    const char *p[] = { d.wo, d.ticket, d.branch, d.technician, d.kind, d.line, plan->name,
                        d.rework ? d.rework_of : NULL, d.done_at, now };
    PGresult *res = db_exec_prepared (db, "qc_insp_create", 10, p);
    if (!res)
        return svc_db_bus_failure (db, "creating the inspection", reason, reason_size);
    if (PQntuples (res) == 0) { /* made already: this work order was reported done before */
        PQclear (res);
        log_kv (LOG_INFO, "inspection_exists", "work_order_id", d.wo, NULL);
        return BUS_OK;
    }
    char id[24];
    snprintf (id, sizeof id, "%s", PQgetvalue (res, 0, 0));
    PQclear (res);
    char names[QP_MAX_LEVELS * (QP_NAME_MAX + 1) + 4], roles[QP_MAX_LEVELS * 33 + 4], states[QP_MAX_LEVELS * 9 + 4];
    s_levels_array (plan, 0, start, names, sizeof names);
    s_levels_array (plan, 1, start, roles, sizeof roles);
    s_levels_array (plan, 2, start, states, sizeof states);
    const char *pl[] = { id, d.branch, now, names, roles, states };
    if (!(res = db_exec_prepared (db, "qc_levels_create", 6, pl)))
        return svc_db_bus_failure (db, "creating the inspection's levels", reason, reason_size);
    PQclear (res);
    log_kv (LOG_INFO, "inspection_started", "work_order_id", d.wo, "ticket_id", d.ticket, "inspection_id", id,
            "plan", plan->name, "level", plan->levels[start].name, NULL);
    return BUS_OK;
}
