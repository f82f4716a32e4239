/*  cb_periodic — see cb_periodic.h. */
#include "cb_periodic.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "cb_schedule.h"
#include "db/statements.h"

#define DAY_US (INT64_C (86400) * 1000000)
/*  Callbacks one pass creates at most: the rest follow in the next passes. */
#define S_BATCH "200"

/*  A local month as a number (year * 12 + month - 1) in the branch's zone. */
#define S_MONTH(ts) "(extract (year FROM (" ts ") AT TIME ZONE b.timezone) * 12" \
                    " + extract (month FROM (" ts ") AT TIME ZONE b.timezone) - 1)::int"

/*  $1 now, $2 important classes, $3 important_months, $4 long_term_after_months,
 *  $5 long_term_months, $6 warranty_months, $7 project lines, $8 project_first_year_months,
 *  $9 project_after_months, $10 project_follow_months: the periodic callbacks due now
 *  that do not exist yet (customer, ticket, branch, cause, period). */
static const char s_due_sql[] =
    "WITH customers AS ("
    "  SELECT c.id, c.class, c.created_at, l.id AS ticket_id, l.branch_id"
    "  FROM ref.customers c"
    "  CROSS JOIN LATERAL (SELECT t.id, t.branch_id FROM intake.tickets t WHERE t.customer_id = c.id"
    "    ORDER BY t.id DESC LIMIT 1) l),"
    " kinds AS ("
    "  SELECT id AS customer_id, ticket_id, branch_id, 'important'::text AS cause, $3::int AS every,"
    "   NULL::timestamptz AS since FROM customers WHERE class = ANY ($2::text[])"
    "  UNION ALL SELECT id, ticket_id, branch_id, 'long_term', $5::int, NULL FROM customers"
    "   WHERE created_at <= $1::timestamptz - make_interval (months => $4::int)"
    "  UNION ALL SELECT id, ticket_id, branch_id, 'warranty', $6::int, NULL FROM customers k"
    "   WHERE EXISTS (SELECT 1 FROM ref.warranty_cards w JOIN ref.products p ON p.code = w.product_code"
    "     WHERE w.customer_id = k.id AND w.purchase_date IS NOT NULL"
    "       AND w.purchase_date + make_interval (months => p.warranty_months) > $1::timestamptz)"
    "  UNION ALL SELECT t.customer_id, t.id, t.branch_id, 'project', 0, t.created_at"
    "   FROM intake.tickets t JOIN ref.products p ON p.code = t.product_code"
    "   WHERE t.kind = 'installation' AND p.line = ANY ($7::text[])"
    "     AND t.created_at > $1::timestamptz - make_interval (months => $10::int)),"
    " months AS ("
    "  SELECT k.*, " S_MONTH ("$1::timestamptz") " AS m,"
    "   CASE WHEN k.since IS NOT NULL THEN " S_MONTH ("k.since") " END AS s"
    "  FROM kinds k JOIN ref.branches b ON b.id = k.branch_id),"
    " buckets AS ("
    "  SELECT customer_id, ticket_id, branch_id, cause, s,"
    "   CASE WHEN s IS NULL THEN m - m % every"
    "    WHEN m - s < 1 OR m - s >= $10::int THEN NULL"
    "    WHEN m - s < 12 THEN m - (m - s) % $8::int"
    "    ELSE m - (m - s - 12) % $9::int END AS bucket"
    "  FROM months),"
    " periods AS ("
    "  SELECT customer_id, ticket_id, branch_id, cause,"
    "   lpad ((bucket / 12)::text, 4, '0') || '-' || lpad ((bucket % 12 + 1)::text, 2, '0') AS period"
    "  FROM buckets WHERE bucket IS NOT NULL AND (s IS NULL OR bucket > s))"
    " SELECT customer_id, ticket_id, branch_id, cause, period FROM periods x"
    " WHERE NOT EXISTS (SELECT 1 FROM callback.callbacks c"
    "   WHERE c.purpose = 'periodic' AND c.cause = x.cause AND c.period = x.period"
    "     AND CASE WHEN x.cause = 'project' THEN c.ticket_id = x.ticket_id ELSE c.customer_id = x.customer_id END)"
    " ORDER BY branch_id, customer_id, cause LIMIT " S_BATCH;

static const db_statement_t s_statements[] = {
    { "cbq_due", s_due_sql },
    /* $1 ticket, $2 branch, $3 customer, $4 cause, $5 period, $6 created, $7 due, $8 next call */
    { "cbq_insert",
      "INSERT INTO callback.callbacks (ticket_id, branch_id, customer_id, purpose, cause, period,"
      "  agent_id, completed_at, due_at, next_call_at)"
      " SELECT $1::bigint, $2, $3, 'periodic', $4, $5, " CB_AGENT_BY_LOAD ","
      "  $6::timestamptz, $7::timestamptz, $8::timestamptz"
      " ON CONFLICT DO NOTHING RETURNING id, agent_id" },
};

int cb_periodic_prepare (db_t *db)
{
    return db_prepare_statements (db, s_statements, DB_STATEMENTS (s_statements));
}

/*  "{a,b}" of a configuration list (identifiers: no quoting needed). */
static void s_array (const conf_list_t *list, char *out, size_t size)
{
    size_t used = (size_t) snprintf (out, size, "{");
    for (int i = 0; i < list->n && used < size; i++)
        used += (size_t) snprintf (out + used, size - used, "%s%s", i ? "," : "", list->items[i]);
    if (used < size)
        snprintf (out + used, size - used, "}");
}

/*  "{renovation,kitchen}" of a comma-separated list of product lines. */
static void s_lines_array (const char *text, char *out, size_t size)
{
    size_t used = (size_t) snprintf (out, size, "{");
    for (const char *p = text ? text : ""; *p && used < size;) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t len = strcspn (p, ", ");
        if (len)
            used += (size_t) snprintf (out + used, size - used, "%s%.*s", used > 1 ? "," : "", (int) len, p);
        p += len;
    }
    if (used < size)
        snprintf (out + used, size - used, "}");
}

/*  One periodic callback's row and its callback.scheduled, in one
 *  transaction. */
typedef struct {
    cb_app_t *app;
    const char *const *p; /* cbq_insert's parameters: ticket, branch, customer, cause, period, now, due, call */
    bool created;
} s_insert_t;

static int s_insert_tx (db_t *db, void *arg)
{
    s_insert_t *ins = arg;
    const char *const *p = ins->p;
    ins->created = false;
    PGresult *res = db_exec_prepared (db, "cbq_insert", 8, p);
    if (!res)
        return -1;
    int rc = 0;
    if (PQntuples (res) == 1) {
        log_kv (LOG_INFO, "callback_scheduled", "callback_id", PQgetvalue (res, 0, 0), "ticket_id", p[0],
                "branch", p[1], "purpose", "periodic", "cause", p[3], "period", p[4], "agent",
                PQgetisnull (res, 0, 1) ? "none" : PQgetvalue (res, 0, 1), "due_at", p[6], "next_call_at", p[7],
                NULL);
        rc = cb_announce (ins->app, db, PQgetvalue (res, 0, 0), p[0], p[1], "periodic", p[5], p[6]);
        ins->created = rc == 0;
    }
    PQclear (res);
    return rc;
}

/*  Creates one periodic callback found due. Returns 0 (created, or another
 *  instance was first, or no time to call: logged), or -1 (database). */
static int s_create (cb_app_t *app, const PGresult *due, int row, int64_t now)
{
    const char *customer = PQgetvalue (due, row, 0), *ticket = PQgetvalue (due, row, 1);
    const char *branch = PQgetvalue (due, row, 2), *cause = PQgetvalue (due, row, 3);
    const char *period = PQgetvalue (due, row, 4);
    int64_t call;
    char why[256];
    if (cb_place_for (app, app->db, customer, branch, now, &call, why, sizeof why) != 0) {
        if (!db_connected (app->db))
            return -1;
        log_kv (LOG_WARN, "periodic_callback_not_placed", "ticket_id", ticket, "branch", branch, "cause", cause,
                "period", period, "reason", why, NULL);
        return 0;
    }
    char now_text[40], due_text[40], call_text[40];
    clock_format_us (now, now_text, sizeof now_text);
    clock_format_us (now + (int64_t) app->cfg->periodic_due_days * DAY_US, due_text, sizeof due_text);
    clock_format_us (call, call_text, sizeof call_text);
    const char *p[] = { ticket, branch, customer, cause, period, now_text, due_text, call_text };
    s_insert_t ins = { app, p, 0 };
    bool fn_failed = false;
    if (db_tx (app->db, s_insert_tx, &ins, &fn_failed) != DB_OK)
        return -1;
    if (ins.created)
        bus_kick (app->bus);
    return 0;
}

int cb_periodic_tick (svc_t *svc, void *ctx)
{
    (void) svc;
    cb_app_t *app = ctx;
    const callback_config_t *cfg = app->cfg;
    if (db_ensure (app->db) != 0)
        return -1;
    int64_t now = clock_now_us ();
    char now_text[40], classes[256], lines[600], n[5][16], first[16], after[16];
    clock_format_us (now, now_text, sizeof now_text);
    s_array (&cfg->important_classes, classes, sizeof classes);
    s_lines_array (cfg->project_lines, lines, sizeof lines);
    snprintf (n[0], sizeof n[0], "%d", cfg->important_months);
    snprintf (n[1], sizeof n[1], "%d", cfg->long_term_after_months);
    snprintf (n[2], sizeof n[2], "%d", cfg->long_term_months);
    snprintf (n[3], sizeof n[3], "%d", cfg->warranty_months);
    snprintf (n[4], sizeof n[4], "%d", cfg->project_follow_months);
    snprintf (first, sizeof first, "%d", cfg->project_first_year_months);
    snprintf (after, sizeof after, "%d", cfg->project_after_months);
    const char *p[] = { now_text, classes, n[0], n[1], n[2], n[3], lines, first, after, n[4] };
    PGresult *due = db_exec_prepared (app->db, "cbq_due", 10, p);
    if (!due) {
        log_kv (LOG_WARN, "periodic_pass_failed", "reason", db_error (app->db), NULL);
        return -1;
    }
    int rc = 0;
    for (int i = 0; rc == 0 && i < PQntuples (due); i++)
        rc = s_create (app, due, i, now);
    PQclear (due);
    if (rc != 0)
        log_kv (LOG_WARN, "periodic_pass_failed", "reason", db_error (app->db), NULL);
    return rc;
}
