/*  scores — the object, its statements, and what every scores request
 *  shares: the branch's month and points (see scores.h). */
#include "scores_private.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/json.h"
#include "base/log.h"
#include "db/statements.h"
#include "scores_calc.h"
#include "svc/failure.h"

/*  The agent of a ticket is who took it in: its "created" history row's
 *  actor, when that is a staff member holding the agent role. */
#define QS_AGENT_TICKETS                                                                                 \
    "SELECT t.id, t.branch_id, h.actor AS agent_id FROM intake.tickets t"                                \
    "  JOIN intake.ticket_history h ON h.ticket_id = t.id AND h.event = 'created'"                      \
    "  JOIN auth.staff_directory s ON s.id = h.actor AND 'agent' = ANY (s.roles)"                       \
    " WHERE t.branch_id = $1 AND t.created_at >= $2::timestamptz AND t.created_at < $3::timestamptz"

static const db_statement_t s_statements[] = {
    { "qs_branch_zone", "SELECT timezone FROM ref.branches WHERE id = $1" },
    /* one sampling of a branch's month at a time: the shares stay exact */
    { "qs_sample_lock", "SELECT pg_advisory_xact_lock (hashtext ('qc.score_sample:' || $1 || ':' || $2))" },
    /* each agent's share, rounded up, minus what was sampled before; which
     * tickets is a hash of ticket and month: fixed, and not the first ones */
    { "qs_sample",
      "WITH t AS (" QS_AGENT_TICKETS "),"
      " per AS (SELECT agent_id, ceil (count(*) * $4::numeric / 100)::int AS want FROM t GROUP BY agent_id),"
      " have AS (SELECT agent_id, count(*) AS k FROM qc.score_samples WHERE branch_id = $1 AND month = $5"
      "          GROUP BY agent_id),"
      " cand AS (SELECT t.*, row_number () OVER (PARTITION BY t.agent_id ORDER BY md5 (t.id::text || $5), t.id) AS rn"
      "            FROM t WHERE NOT EXISTS (SELECT 1 FROM qc.score_samples s WHERE s.ticket_id = t.id))"
      " INSERT INTO qc.score_samples (ticket_id, branch_id, agent_id, month, sampled_by, sampled_at)"
      " SELECT c.id, c.branch_id, c.agent_id, $5, $6, $7 FROM cand c JOIN per p USING (agent_id)"
      "   LEFT JOIN have h USING (agent_id) WHERE c.rn <= p.want - coalesce (h.k, 0)"
      " ON CONFLICT (ticket_id) DO NOTHING" },
    { "qs_samples_of",
      "SELECT s.ticket_id, s.agent_id, f.total, f.scored_by FROM qc.score_samples s"
      "  LEFT JOIN qc.score_forms f ON f.ticket_id = s.ticket_id"
      " WHERE s.branch_id = $1 AND s.month = $2 ORDER BY s.agent_id, s.ticket_id" },
    { "qs_agent_tickets", "SELECT agent_id, count(*) FROM (" QS_AGENT_TICKETS ") t GROUP BY agent_id" },
    { "qs_sample_get", "SELECT ticket_id, branch_id, agent_id, month FROM qc.score_samples WHERE ticket_id = $1" },
    { "qs_form_insert",
      "INSERT INTO qc.score_forms (ticket_id, branch_id, agent_id, month, items, total, note, scored_by, scored_at)"
      " VALUES ($1, $2, $3, $4, $5::jsonb, $6::numeric / 100, $7, $8, $9) ON CONFLICT (ticket_id) DO NOTHING" },
    { "qs_form_get", "SELECT scored_by, scored_at, (total * 100)::bigint FROM qc.score_forms WHERE ticket_id = $1" },
    { "qs_staff", "SELECT roles::text, active FROM auth.staff_directory WHERE id = $1" },
    { "qs_provider", "SELECT kind FROM ref.organisations WHERE id = $1" },
    { "qs_notice_insert",
      "INSERT INTO qc.assessment_notices (branch_id, subject, subject_kind, month, code, points, reason,"
      " occurred_at, recorded_by, recorded_at, request_id)"
      " VALUES ($1, $2, $3, $4, $5, $6::numeric / 100, $7, $8, $9, $10, $11)"
      " ON CONFLICT (recorded_by, request_id) WHERE request_id IS NOT NULL DO NOTHING RETURNING id" },
    { "qs_notice_replay",
      "SELECT id FROM qc.assessment_notices WHERE recorded_by = $1 AND request_id = $2" },
    { "qs_assess",
      "INSERT INTO qc.regional_assessments (branch_id, subject, subject_kind, month, points, note, assessed_by,"
      " assessed_at) VALUES ($1, $2, $3, $4, $5::numeric / 100, $6, $7, $8)"
      " ON CONFLICT (branch_id, subject, month) DO UPDATE SET subject_kind = EXCLUDED.subject_kind,"
      " points = EXCLUDED.points, note = EXCLUDED.note, assessed_by = EXCLUDED.assessed_by,"
      " assessed_at = EXCLUDED.assessed_at" },
    /* the report's measures: $1 branch, $2 and $3 the month's instants, $4 the month */
    { "qs_r_forms",
      "SELECT agent_id, count(*), (sum (total) * 100)::bigint FROM qc.score_forms"
      " WHERE branch_id = $1 AND month = $4 AND $2::timestamptz IS NOT NULL AND $3::timestamptz IS NOT NULL"
      " GROUP BY agent_id" },
    { "qs_r_samples",
      "SELECT agent_id, count(*) FROM qc.score_samples WHERE branch_id = $1 AND month = $4"
      " AND $2::timestamptz IS NOT NULL AND $3::timestamptz IS NOT NULL GROUP BY agent_id" },
    /* complaints naming someone: how many, how many decided (the clock
     * stopped or breached), and how many of those in time */
    { "qs_r_complaints",
      "SELECT t.complained_staff_id, count(*),"
      "       count(c.id) FILTER (WHERE c.state = 'stopped' OR c.breached_at IS NOT NULL),"
      "       count(c.id) FILTER (WHERE c.state = 'stopped' AND c.breached_at IS NULL AND c.stopped_at <= c.due_at)"
      "  FROM intake.tickets t LEFT JOIN dispatch.sla_clocks c ON c.ticket_id = t.id AND c.clock = 'complaint_decision'"
      " WHERE t.branch_id = $1 AND t.kind = 'complaint' AND t.complained_staff_id IS NOT NULL"
      "   AND t.created_at >= $2::timestamptz AND t.created_at < $3::timestamptz AND $4::text IS NOT NULL"
      " GROUP BY 1" },
    /* inspections closed in the month: how many, how many passed first time */
    { "qs_r_first_pass",
      "SELECT technician_id, count(*), count(*) FILTER (WHERE status = 'passed') FROM qc.inspections"
      " WHERE branch_id = $1 AND closed_at >= $2::timestamptz AND closed_at < $3::timestamptz AND $4::text IS NOT NULL"
      " GROUP BY 1" },
    /* arrival clocks stopped in the month, for the technician who arrived first */
    { "qs_r_arrival",
      "SELECT w.technician_id, count(*),"
      "       count(*) FILTER (WHERE c.breached_at IS NULL AND c.stopped_at <= c.due_at)"
      "  FROM dispatch.sla_clocks c"
      "  JOIN LATERAL (SELECT technician_id FROM dispatch.work_orders w WHERE w.ticket_id = c.ticket_id"
      "                   AND w.arrived_at IS NOT NULL AND w.technician_id IS NOT NULL"
      "                 ORDER BY w.arrived_at, w.id LIMIT 1) w ON true"
      " WHERE c.branch_id = $1 AND c.clock = 'arrival' AND c.state = 'stopped'"
      "   AND c.stopped_at >= $2::timestamptz AND c.stopped_at < $3::timestamptz AND $4::text IS NOT NULL"
      " GROUP BY 1" },
    { "qs_r_callbacks",
      "SELECT technician_id, count(*), count(*) FILTER (WHERE outcome = 'satisfied') FROM qc.callback_outcomes"
      " WHERE branch_id = $1 AND technician_id IS NOT NULL"
      "   AND recorded_at >= $2::timestamptz AND recorded_at < $3::timestamptz AND $4::text IS NOT NULL"
      " GROUP BY 1" },
    { "qs_r_notices",
      "SELECT subject, subject_kind, code, (points * 100)::bigint, reason, recorded_by,"
      "       to_char (occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), id"
      "  FROM qc.assessment_notices WHERE branch_id = $1 AND month = $4"
      "   AND $2::timestamptz IS NOT NULL AND $3::timestamptz IS NOT NULL ORDER BY id" },
    { "qs_r_assessments",
      "SELECT subject, subject_kind, (points * 100)::bigint, assessed_by FROM qc.regional_assessments"
      " WHERE branch_id = $1 AND month = $4 AND $2::timestamptz IS NOT NULL AND $3::timestamptz IS NOT NULL" },
    { "qs_r_agents", "SELECT agent_id, count(*), $4::text FROM (" QS_AGENT_TICKETS ") t GROUP BY agent_id" },
    /* who the subjects are: names and roles; a provider technician's
     * organisation (migration 0021's qc.technician_organisations) */
    { "qs_r_people",
      "SELECT s.id, s.name, s.roles::text, t.organisation"
      "  FROM auth.staff_directory s LEFT JOIN qc.technician_organisations ($1::text[]) t ON t.id = s.id"
      " WHERE s.id = ANY ($1::text[])" },
    { "qs_r_orgs", "SELECT id, name FROM ref.organisations WHERE id = ANY ($1::text[]) AND kind = 'provider'" },
};

qs_t *qs_new (db_t *db, sr_rules_t **rules_p)
{
    qs_t *self = calloc (1, sizeof *self);
    if (!self) {
        sr_destroy (rules_p);
        return NULL;
    }
    *self = (qs_t) { .db = db, .rules = *rules_p };
    *rules_p = NULL;
    if (db_prepare_statements (db, s_statements, DB_STATEMENTS (s_statements)) != 0) {
        log_kv (LOG_ERROR, "qc_statements_failed", "reason", db_error (db), NULL);
        qs_destroy (&self);
    }
    return self;
}

void qs_destroy (qs_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    sr_destroy (&(*self_p)->rules);
    free (*self_p);
    *self_p = NULL;
}

rpl_code_t qs_oom (char *err, size_t errsize)
{
    snprintf (err, errsize, "out of memory");
    return RPL_INTERNAL;
}

int qs_points_cp (const cJSON *v, int max, int64_t *cp)
{
    if (!cJSON_IsNumber (v) || !isfinite (v->valuedouble) || fabs (v->valuedouble) > max)
        return -1;
    double hundredths = v->valuedouble * 100;
    double r = round (hundredths);
    if (fabs (hundredths - r) > 1e-6)
        return -1; /* more than two decimals */
    *cp = (int64_t) r;
    return 0;
}

bool qs_add_cp (cJSON *o, const char *key, int64_t cp)
{
    return cJSON_AddNumberToObject (o, key, (double) cp / 100) != NULL;
}

rpl_code_t qs_branch_month (qs_t *self, const svc_who_t *who, const cJSON *body, int64_t at_us, qs_month_t *m,
                            char *err, size_t errsize)
{
    memset (m, 0, sizeof *m);
    m->branch = json_str (body, "branch", "");
    if (!svc_who_sees_branch (who, m->branch)) {
        snprintf (err, errsize, "body.branch: no branch \"%s\" among the caller's branches", m->branch);
        return RPL_NOT_FOUND;
    }
    if (db_ensure (self->db) != 0)
        return svc_db_request_failure (self->db, "connecting", err, errsize);
    const char *p[] = { m->branch };
    PGresult *res = db_exec_prepared (self->db, "qs_branch_zone", 1, p);
    if (!res)
        return svc_db_request_failure (self->db, "reading the branch", err, errsize);
    char zone[256] = "";
    if (PQntuples (res) == 1)
        snprintf (zone, sizeof zone, "%s", PQgetvalue (res, 0, 0));
    PQclear (res);
    if (!zone[0]) {
        snprintf (err, errsize, "body.branch: no branch \"%s\"", m->branch);
        return RPL_NOT_FOUND;
    }
    char why[300];
    tz_t *tz = tz_load (zone, why, sizeof why);
    if (!tz) {
        snprintf (err, errsize, "the time zone of branch %s cannot be read: %s", m->branch, why);
        return RPL_INTERNAL;
    }
    const char *month = json_str (body, "month", NULL);
    if (month)
        snprintf (m->month, sizeof m->month, "%s", month);
    else
        sc_month_of (tz, at_us, m->month, sizeof m->month);
    int64_t from, to;
    int rc = sc_month_bounds (tz, m->month, &from, &to);
    tz_destroy (&tz);
    if (rc != 0) {
        snprintf (err, errsize, "body.month: \"%s\" is not a month (expected YYYY-MM, e.g. 2027-01)", month);
        return RPL_INVALID;
    }
    clock_format_us (from, m->from, sizeof m->from);
    clock_format_us (to, m->to, sizeof m->to);
    return RPL_OK;
}
