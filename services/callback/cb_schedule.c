/*  cb_schedule — see cb_schedule.h. */
#include "cb_schedule.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/json.h"
#include "base/log.h"
#include "cb_slot.h"
#include "cb_state.h"
#include "db/statements.h"
#include "msg/ticket_updated.h"
#include "svc/emit.h"
#include "svc/failure.h"
#include "time/branch_cal.h"

#define HOUR_US (INT64_C (3600) * 1000000)

static const db_statement_t s_statements[] = {
    /* $1 ticket: what decides its due time, and its completion round */
    { "cbs_ticket",
      "SELECT t.customer_id, t.kind, coalesce (p.line, ''), t.branch_id,"
      " (SELECT count(*) FROM intake.ticket_history h"
      "   WHERE h.ticket_id = t.id AND h.event = 'ticket_reopened')"
      " FROM intake.tickets t LEFT JOIN ref.products p ON p.code = t.product_code"
      " WHERE t.id = $1::bigint" },
    /* $1 ticket: the technician of its latest work order */
    { "cbs_technician",
      "SELECT technician_id FROM dispatch.work_orders"
      " WHERE ticket_id = $1::bigint AND technician_id IS NOT NULL ORDER BY id DESC LIMIT 1" },
    { "cbs_rest", "SELECT windows FROM callback.rest_hours WHERE customer_id = $1" },
    /* $1 ticket, $2 branch, $3 customer, $4 cause, $5 round, $6 technician,
     * $7 completed, $8 due, $9 next call: nothing when this completion has one */
    { "cbs_insert",
      "INSERT INTO callback.callbacks (ticket_id, branch_id, customer_id, purpose, cause, round,"
      "  technician_id, agent_id, completed_at, due_at, next_call_at)"
      " SELECT $1::bigint, $2, $3, 'after_work', $4, $5::int, $6, " CB_AGENT_BY_LOAD ","
      "  $7::timestamptz, $8::timestamptz, $9::timestamptz"
      " ON CONFLICT DO NOTHING RETURNING id, agent_id" },
    /* $1 ticket, $2 the states a cancel starts from */
    { "cbs_cancel",
      "UPDATE callback.callbacks SET status = '" CB_S_CANCELLED "', next_call_at = NULL,"
      "  closed_reason = 'the ticket was reopened before the call'"
      " WHERE ticket_id = $1::bigint AND purpose = 'after_work' AND status = ANY ($2::text[])"
      " RETURNING id" },
};

int cb_announce (const cb_app_t *app, db_t *db, const char *callback_id, const char *ticket, const char *branch,
                 const char *purpose, const char *scheduled_at, const char *due_at)
{
    cJSON *body = cJSON_CreateObject ();
    if (!body || json_add_id (body, "callback_id", callback_id) != 0 || json_add_id (body, "ticket_id", ticket) != 0
        || !cJSON_AddStringToObject (body, "branch", branch) || !cJSON_AddStringToObject (body, "purpose", purpose)
        || !cJSON_AddStringToObject (body, "scheduled_at", scheduled_at)
        || !cJSON_AddStringToObject (body, "due_at", due_at)) {
        cJSON_Delete (body);
        return -1;
    }
    return svc_emit (app->bus, db, "callback.scheduled", 1, branch, ticket, &body);
}

int cb_schedule_prepare (db_t *db)
{
    return db_prepare_statements (db, s_statements, DB_STATEMENTS (s_statements));
}

int cb_rest_for (const cb_app_t *app, db_t *db, const char *customer, const char *branch, cbr_set_t *out,
                 bool *own)
{
    const char *p[] = { customer };
    PGresult *res = db_exec_prepared (db, "cbs_rest", 1, p);
    if (!res)
        return -1;
    char err[200];
    *own = PQntuples (res) == 1 && cbr_parse (PQgetvalue (res, 0, 0), out, err, sizeof err) == 0;
    PQclear (res);
    if (!*own)
        callback_branch_rest (app->cfg, branch, out);
    return 0;
}

int cb_place_for (const cb_app_t *app, db_t *db, const char *customer, const char *branch, int64_t from_us,
                  int64_t *at_us, char *err, size_t errsize)
{
    cbr_set_t rest;
    bool own;
    if (cb_rest_for (app, db, customer, branch, &rest, &own) != 0) {
        snprintf (err, errsize, "reading the rest hours: %s", db_error (db));
        return -1;
    }
    cal_t *cal = bcal_load (db, branch, err, errsize);
    if (!cal)
        return -1;
    int rc = cbs_place (cal, &rest, from_us, at_us, err, errsize);
    cal_destroy (&cal);
    return rc;
}

/*  How long after completion the callback is due, by what the ticket was. */
static int s_due_hours (const cb_app_t *app, const char *kind, const char *line)
{
    if (strcmp (kind, "installation") == 0)
        return app->cfg->installation_hours;
    if (strcmp (kind, "repair") == 0 && callback_line_listed (app->cfg->maintenance_lines, line))
        return app->cfg->maintenance_hours;
    return app->cfg->after_work_hours;
}

/*  A trigger of an after-work callback for ticket `ticket` completed at at_us. */
static bus_result_t s_schedule (cb_app_t *app, db_t *db, const char *ticket, int64_t at_us, const char *cause,
                                const char *technician, char *reason, size_t reason_size)
{
    const char *p1[] = { ticket };
    PGresult *res = db_exec_prepared (db, "cbs_ticket", 1, p1);
    if (!res)
        return svc_db_bus_failure (db, "reading the ticket", reason, reason_size);
    if (PQntuples (res) != 1) {
        PQclear (res);
        snprintf (reason, reason_size, "ticket %s: not found", ticket);
        return BUS_REJECT;
    }
    char customer[65], kind[33], line[65], branch[65], round[24];
    snprintf (customer, sizeof customer, "%s", PQgetvalue (res, 0, 0));
    snprintf (kind, sizeof kind, "%s", PQgetvalue (res, 0, 1));
    snprintf (line, sizeof line, "%s", PQgetvalue (res, 0, 2));
    snprintf (branch, sizeof branch, "%s", PQgetvalue (res, 0, 3));
    snprintf (round, sizeof round, "%s", PQgetvalue (res, 0, 4));
    PQclear (res);

    char tech[65] = "";
    if (technician)
        snprintf (tech, sizeof tech, "%s", technician);
    else {
        if (!(res = db_exec_prepared (db, "cbs_technician", 1, p1)))
            return svc_db_bus_failure (db, "reading the ticket's technician", reason, reason_size);
        if (PQntuples (res) == 1)
            snprintf (tech, sizeof tech, "%s", PQgetvalue (res, 0, 0));
        PQclear (res);
    }

    int64_t due = at_us + s_due_hours (app, kind, line) * HOUR_US, call;
    char why[256];
    if (cb_place_for (app, db, customer, branch, at_us, &call, why, sizeof why) != 0) {
        if (!db_connected (db) || db_tx_failed (db))
            return svc_db_bus_failure (db, "placing the callback", reason, reason_size);
        snprintf (reason, reason_size, "ticket %s: no time to call in branch %s: %s", ticket, branch, why);
        return BUS_REJECT;
    }
    char at_text[40], due_text[40], call_text[40];
    clock_format_us (at_us, at_text, sizeof at_text);
    clock_format_us (due, due_text, sizeof due_text);
    clock_format_us (call, call_text, sizeof call_text);
    const char *p[] = { ticket, branch, customer, cause, round, *tech ? tech : NULL, at_text, due_text, call_text };
    if (!(res = db_exec_prepared (db, "cbs_insert", 9, p)))
        return svc_db_bus_failure (db, "scheduling the callback", reason, reason_size);
    if (PQntuples (res) == 1) {
        log_kv (LOG_INFO, "callback_scheduled", "callback_id", PQgetvalue (res, 0, 0), "ticket_id", ticket,
                "branch", branch, "cause", cause, "agent", PQgetisnull (res, 0, 1) ? "none" : PQgetvalue (res, 0, 1),
                "due_at", due_text, "next_call_at", call_text, NULL);
        if (cb_announce (app, db, PQgetvalue (res, 0, 0), ticket, branch, "after_work", at_text, due_text) != 0) {
            PQclear (res);
            return svc_db_bus_failure (db, "writing callback.scheduled to the outbox", reason, reason_size);
        }
    }
    else
        log_kv (LOG_INFO, "callback_already_scheduled", "ticket_id", ticket, "cause", cause, "round", round,
                NULL);
    PQclear (res);
    return BUS_OK;
}

static bus_result_t s_cancel (db_t *db, const char *ticket, char *reason, size_t reason_size)
{
    char from[96];
    states_from_sql (&cb_states, CB_CANCELLED, from, sizeof from);
    const char *p[] = { ticket, from };
    PGresult *res = db_exec_prepared (db, "cbs_cancel", 2, p);
    if (!res)
        return svc_db_bus_failure (db, "cancelling the callback", reason, reason_size);
    if (PQntuples (res) > 0)
        log_kv (LOG_INFO, "callback_cancelled", "callback_id", PQgetvalue (res, 0, 0), "ticket_id", ticket,
                "reason", "the ticket was reopened", NULL);
    PQclear (res);
    return BUS_OK;
}

bus_result_t cb_on_ticket_updated (void *arg, db_t *db, const svc_ctx_t *ctx, char *reason, size_t reason_size)
{
    ticket_updated_t u;
    if (ticket_updated_decode (ctx->msg, &u, reason, reason_size) != 0)
        return BUS_REJECT;
    if (strcmp (u.event, "ticket_resolved") == 0)
        return s_schedule (arg, db, u.ticket_id_text, u.at_us, "ticket_resolved", NULL, reason, reason_size);
    if (strcmp (u.event, "ticket_reopened") == 0)
        return s_cancel (db, u.ticket_id_text, reason, reason_size);
    return BUS_OK; /* the other events are the dispatcher's */
}

bus_result_t cb_on_workorder_accepted (void *arg, db_t *db, const svc_ctx_t *ctx, char *reason,
                                       size_t reason_size)
{
    const cJSON *body = ctx->msg->body;
    int64_t ticket = json_int (body, "ticket_id", 0), at_us;
    const char *at = json_str (body, "accepted_at", NULL);
    const char *technician = json_str (body, "technician_id", NULL);
    if (ticket <= 0 || !at || clock_parse_rfc3339 (at, &at_us) != 0) {
        snprintf (reason, reason_size, "body.accepted_at: expected an RFC 3339 time and a ticket_id");
        return BUS_REJECT;
    }
    char ticket_text[24];
    snprintf (ticket_text, sizeof ticket_text, "%" PRId64, ticket);
    return s_schedule (arg, db, ticket_text, at_us, "workorder_accepted", technician, reason, reason_size);
}
