/*  settlement_requests — settlement.get, accept, dispute and decide (see
 *  settlement.h; docs/billing.md "Settlement"). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/json.h"
#include "db/statements.h"
#include "invoices.h"
#include "job_tx.h"
#include "ledger_rows.h"
#include "msg/routes.h"
#include "settlement.h"
#include "settlement_states.h"
#include "svc/emit.h"
#include "svc/failure.h"

static const char s_read[] =
    "SELECT s.id AS settlement_id, s.work_order_id, s.ticket_id, s.branch_id AS branch, s.customer_id,"
    " c.name AS customer_name, s.status, s.hold_reason, s.currency, s.coverage, s.reason, s.approved_total,"
    " s.total, s.warranty_total, s.work_org, s.reapproved_name, " DB_EPOCH_US ("s.reapproved_at") " AS reapproved_at, "
    DB_EPOCH_US ("s.work_accepted_at") " AS work_accepted_at, s.accepted_name, s.accepted_by, "
    DB_EPOCH_US ("s.accepted_at") " AS accepted_at, s.invoice_number, "
    DB_EPOCH_US ("s.created_at") " AS created_at"
    " FROM billing.settlements s LEFT JOIN ref.customers c ON c.id = s.customer_id"
    " WHERE s.work_order_id = $1::bigint";

static const char s_lines[] =
    "SELECT l.position, l.kind, l.code, l.description, l.quantity, l.unit_amount, l.amount, l.coverage, l.reason,"
    " l.dispute_reason, l.original_amount, l.decision, l.decision_note"
    " FROM billing.settlement_lines l JOIN billing.settlements s ON s.id = l.settlement_id"
    " WHERE s.work_order_id = $1::bigint ORDER BY l.position";

static const char s_disputes[] =
    "SELECT d.id AS dispute_id, d.status, d.opened_by, " DB_EPOCH_US ("d.opened_at") " AS opened_at, d.decided_by, "
    DB_EPOCH_US ("d.decided_at") " AS decided_at FROM billing.disputes d JOIN billing.settlements s"
    " ON s.id = d.settlement_id WHERE s.work_order_id = $1::bigint ORDER BY d.id";

/*  The settlement of work order wo with its lines and disputes, or NULL. */
static cJSON *s_settlement (db_t *db, const char *wo)
{
    const char *p[] = { wo };
    PGresult *res = db_exec (db, s_read, 1, p), *lines = NULL, *disputes = NULL;
    cJSON *out = NULL;
    if (res && PQntuples (res) == 1 && (lines = db_exec (db, s_lines, 1, p)) && (disputes = db_exec (db, s_disputes, 1, p))
        && (out = ledger_row_json (res, 0))
        && (!ledger_rows_add (out, "lines", lines) || !ledger_rows_add (out, "disputes", disputes))) {
        cJSON_Delete (out);
        out = NULL;
    }
    PQclear (disputes);
    PQclear (lines);
    PQclear (res);
    return out;
}

static int s_answer (job_tx_t *t, db_t *db)
{
    t->result = s_settlement (db, t->wo);
    return t->result ? 0 : -1;
}

/*  A move the state table does not allow: conflict, naming both states. */
static int s_cannot (job_tx_t *t, int state, const char *what)
{
    return JOB_FAIL (t, RPL_CONFLICT, "the settlement of work order %s is %s: %s", t->wo,
                     settlement_state_names[state], what);
}

/* ---- settlement.get ------------------------------------------------------ */

rpl_code_t stl_rq_get (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                       size_t errsize)
{
    return job_read (app, ctx, body, s_settlement, "settlement", result, err, errsize);
}

/* ---- settlement.accept --------------------------------------------------- */

static int s_accept (job_tx_t *t, db_t *db, int state)
{
    if (!states_can_move (&settlement_states, state, STL_ACCEPTED))
        return s_cannot (t, state, "only an open settlement (the work accepted, no dispute waiting) is accepted");
    const char *p[] = { t->wo };
    PGresult *res = db_exec (db,
                             "SELECT id, branch_id, customer_id, total, currency, ticket_id FROM billing.settlements"
                             " WHERE work_order_id = $1::bigint",
                             1, p);
    if (!res)
        return -1;
    char number[INV_NUMBER_SIZE] = "", description[64], at[40];
    int64_t total = strtoll (PQgetvalue (res, 0, 3), NULL, 10);
    snprintf (description, sizeof description, "work order %s", t->wo);
    inv_request_t r = { .branch_id = PQgetvalue (res, 0, 1),
                        .customer_id = PQgetvalue (res, 0, 2),
                        .settlement_id = strtoll (PQgetvalue (res, 0, 0), NULL, 10),
                        .work_order_id = strtoll (t->wo, NULL, 10),
                        .ticket_id = strtoll (PQgetvalue (res, 0, 5), NULL, 10),
                        .description = description,
                        .amount = total,
                        .currency = PQgetvalue (res, 0, 4),
                        .at_us = t->at_us,
                        .actor = ledger_actor (t->ctx) };
    /* a settlement that costs the customer nothing is accepted without an invoice */
    inv_result_t issued = total > 0 ? inv_issue (db, &r, number, NULL, t->err, t->errsize) : INV_ISSUED;
    PQclear (res);
    if (issued == INV_REFUSED)
        return JOB_FAIL (t, RPL_CONFLICT, "the invoice is refused: %s", t->err);
    if (issued == INV_DB_FAILED)
        return -1;
    const char *p2[] = { t->wo, json_str (t->body, "customer_name", ""), ledger_actor (t->ctx),
                         clock_format_us (t->at_us, at, sizeof at), number[0] ? number : NULL };
    if (!(res = db_exec (db,
                         "UPDATE billing.settlements SET status = '" STL_S_ACCEPTED "', accepted_name = $2,"
                         " accepted_by = $3, accepted_at = $4::timestamptz, updated_at = $4::timestamptz,"
                         " invoice_number = $5 WHERE work_order_id = $1::bigint",
                         5, p2)))
        return -1;
    PQclear (res);
    return s_answer (t, db);
}

rpl_code_t stl_rq_accept (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                          size_t errsize)
{
    return job_run (app, ctx, body, "settlements", &settlement_states, s_accept, "accepting the settlement", result,
                    err, errsize);
}

/* ---- settlement.dispute and settlement.decide ---------------------------- */

/*  sla.subject for the dispute: its decision clock runs in dispatch. */
static int s_subject (job_tx_t *t, db_t *db, const char *dispute, const char *event)
{
    const char *p[] = { t->wo };
    PGresult *res = db_exec (db, "SELECT ticket_id, branch_id FROM billing.settlements WHERE work_order_id = $1::bigint",
                             1, p);
    if (!res)
        return -1;
    cJSON *body = cJSON_CreateObject ();
    int rc = -1;
    if (body && cJSON_AddStringToObject (body, "kind", "dispute") && json_add_id (body, "id", dispute) == 0
        && json_add_id (body, "ticket_id", PQgetvalue (res, 0, 0)) == 0
        && cJSON_AddStringToObject (body, "branch", PQgetvalue (res, 0, 1))
        && cJSON_AddStringToObject (body, "event", event))
        rc = svc_emit (t->app->ledger->bus, db, "sla.subject", 1, PQgetvalue (res, 0, 1), PQgetvalue (res, 0, 0),
                       &body);
    cJSON_Delete (body);
    PQclear (res);
    return rc;
}

/*  Lines $2 (positions) of the settlement of work order $1, with whether
 *  each is chargeable and above zero, and its dispute. */
static const char s_named[] =
    "SELECT p.pos, l.position IS NOT NULL, l.coverage = 'chargeable' AND l.amount > 0, l.dispute_id, l.amount"
    " FROM unnest ($2::int[]) WITH ORDINALITY AS p (pos, n) LEFT JOIN billing.settlement_lines l"
    " ON l.position = p.pos AND l.settlement_id = (SELECT id FROM billing.settlements WHERE work_order_id = $1::bigint)"
    " ORDER BY p.n";

/*  The positions the body's `key` items name, each once, as "{1,3}". 0 or -1 (refused). */
static int s_positions (job_tx_t *t, const char *key, char *out, size_t size)
{
    const cJSON *items = cJSON_GetObjectItemCaseSensitive (t->body, key), *it;
    size_t n = (size_t) snprintf (out, size, "{");
    int i = 0;
    cJSON_ArrayForEach (it, items)
    {
        int64_t pos = json_int (it, "position", 0);
        for (int j = 0; j < i; j++)
            if (json_int (cJSON_GetArrayItem (items, j), "position", 0) == pos)
                return JOB_FAIL (t, RPL_INVALID, "body.%s[%d].position: line %" PRId64 " is named twice", key, i, pos);
        n += (size_t) snprintf (out + n, n < size ? size - n : 0, "%s%" PRId64, i++ ? "," : "", pos);
    }
    snprintf (out + n, n < size ? size - n : 0, "}");
    return n + 2 < size ? 0 : JOB_FAIL (t, RPL_INVALID, "body.%s: too many lines", key);
}

static int s_dispute (job_tx_t *t, db_t *db, int state)
{
    if (!states_can_move (&settlement_states, state, STL_DISPUTED))
        return s_cannot (t, state, "only an open settlement is disputed");
    char positions[2048], at[40];
    if (s_positions (t, "lines", positions, sizeof positions) != 0)
        return -1;
    const char *p[] = { t->wo, positions };
    PGresult *res = db_exec (db, s_named, 2, p);
    if (!res)
        return -1;
    int bad = -1;
    for (int i = 0; i < PQntuples (res) && bad < 0; i++)
        if (strcmp (PQgetvalue (res, i, 2), "t") != 0)
            bad = i;
    if (bad >= 0) {
        bool exists = strcmp (PQgetvalue (res, bad, 1), "t") == 0;
        JOB_FAIL (t, RPL_INVALID, "body.lines[%d].position: line %s %s", bad, PQgetvalue (res, bad, 0),
                  exists ? "costs the customer nothing: there is nothing to dispute" : "is not a line of the settlement");
        PQclear (res);
        return -1;
    }
    PQclear (res);
    const char *p2[] = { t->wo, ledger_actor (t->ctx), clock_format_us (t->at_us, at, sizeof at) };
    if (!(res = db_exec (db,
                         "WITH s AS (UPDATE billing.settlements SET status = '" STL_S_DISPUTED "',"
                         " updated_at = $3::timestamptz WHERE work_order_id = $1::bigint RETURNING id, branch_id)"
                         " INSERT INTO billing.disputes (settlement_id, branch_id, status, opened_by, opened_at)"
                         " SELECT id, branch_id, 'open', $2, $3::timestamptz FROM s RETURNING id, settlement_id",
                         3, p2)))
        return -1;
    char dispute[24], settlement[24];
    snprintf (dispute, sizeof dispute, "%s", PQgetvalue (res, 0, 0));
    snprintf (settlement, sizeof settlement, "%s", PQgetvalue (res, 0, 1));
    PQclear (res);
    const cJSON *it;
    cJSON_ArrayForEach (it, cJSON_GetObjectItemCaseSensitive (t->body, "lines"))
    {
        char pos[24];
        snprintf (pos, sizeof pos, "%" PRId64, json_int (it, "position", 0));
        const char *p3[] = { settlement, pos, dispute, json_str (it, "reason", "") };
        if (!(res = db_exec (db,
                             "UPDATE billing.settlement_lines SET dispute_id = $3::bigint, dispute_reason = $4,"
                             " original_amount = amount, decision = NULL, decision_note = NULL"
                             " WHERE settlement_id = $1::bigint AND position = $2::int",
                             4, p3)))
            return -1;
        PQclear (res);
    }
    if (s_subject (t, db, dispute, "opened") != 0)
        return -1;
    return s_answer (t, db);
}

rpl_code_t stl_rq_dispute (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                           size_t errsize)
{
    return job_run (app, ctx, body, "settlements", &settlement_states, s_dispute, "disputing the settlement", result,
                    err, errsize);
}

/*  One decision checked against its line (res row i of s_named): 0 or -1. */
static int s_check_decision (job_tx_t *t, const cJSON *d, int i, PGresult *res, const char *dispute)
{
    const char *decision = json_str (d, "decision", "");
    const cJSON *amount = cJSON_GetObjectItemCaseSensitive (d, "amount");
    if (PQgetisnull (res, i, 3) || strcmp (PQgetvalue (res, i, 3), dispute) != 0)
        return JOB_FAIL (t, RPL_INVALID, "body.decisions[%d].position: line %s is not disputed", i,
                         PQgetvalue (res, i, 0));
    int64_t line = strtoll (PQgetvalue (res, i, 4), NULL, 10), value = json_int (d, "amount", 0);
    if (strcmp (decision, "rejected") == 0 && amount)
        return JOB_FAIL (t, RPL_INVALID, "body.decisions[%d].amount: a rejected line keeps its amount; give none", i);
    if (value < 0)
        return JOB_FAIL (t, RPL_INVALID, "body.decisions[%d].amount: %" PRId64 " is negative (expected 0 to %" PRId64
                         ", in minor units)", i, value, line - 1);
    if (strcmp (decision, "upheld") == 0 && value >= line)
        return JOB_FAIL (t, RPL_INVALID, "body.decisions[%d].amount: %" PRId64 " does not reduce the line's %" PRId64
                         " (an upheld line is reduced, or removed with 0)", i, value, line);
    return 0;
}

/*  The open dispute's id into out (24), and how many lines it disputes. -1 database. */
static int s_open_dispute (db_t *db, const char *wo, char *out)
{
    const char *p[] = { wo };
    PGresult *res = db_exec (db,
                             "SELECT d.id, (SELECT count(*) FROM billing.settlement_lines l WHERE l.dispute_id = d.id)"
                             " FROM billing.disputes d JOIN billing.settlements s ON s.id = d.settlement_id"
                             " WHERE s.work_order_id = $1::bigint AND d.status = 'open' FOR UPDATE OF d",
                             1, p);
    if (!res || PQntuples (res) != 1) {
        PQclear (res);
        return -1;
    }
    snprintf (out, 24, "%s", PQgetvalue (res, 0, 0));
    int n = atoi (PQgetvalue (res, 0, 1));
    PQclear (res);
    return n;
}

static int s_decide_lines (job_tx_t *t, db_t *db, const char *dispute)
{
    const cJSON *d;
    cJSON_ArrayForEach (d, cJSON_GetObjectItemCaseSensitive (t->body, "decisions"))
    {
        char pos[24], amount[24];
        snprintf (pos, sizeof pos, "%" PRId64, json_int (d, "position", 0));
        snprintf (amount, sizeof amount, "%" PRId64, json_int (d, "amount", 0));
        const char *p[] = { dispute, pos, json_str (d, "decision", ""), amount, json_str (d, "note", NULL) };
        PGresult *res = db_exec (db,
                                 "UPDATE billing.settlement_lines SET decision = $3::text, decision_note = $5::text,"
                                 " amount = CASE WHEN $3::text = 'upheld' THEN $4::bigint ELSE amount END"
                                 " WHERE dispute_id = $1::bigint AND position = $2::int",
                                 5, p);
        if (!res)
            return -1;
        PQclear (res);
    }
    return 0;
}

static int s_decide (job_tx_t *t, db_t *db, int state)
{
    if (state != STL_DISPUTED || !states_can_move (&settlement_states, state, STL_OPEN))
        return s_cannot (t, state, "only a disputed settlement is decided, once");
    char dispute[24], positions[2048], at[40];
    int disputed = s_open_dispute (db, t->wo, dispute);
    if (disputed < 0 || s_positions (t, "decisions", positions, sizeof positions) != 0)
        return -1;
    const cJSON *decisions = cJSON_GetObjectItemCaseSensitive (t->body, "decisions");
    const char *p[] = { t->wo, positions };
    PGresult *res = db_exec (db, s_named, 2, p);
    if (!res)
        return -1;
    int rc = 0;
    for (int i = 0; i < PQntuples (res) && rc == 0; i++)
        rc = s_check_decision (t, cJSON_GetArrayItem (decisions, i), i, res, dispute);
    PQclear (res);
    if (rc != 0)
        return -1;
    if (cJSON_GetArraySize (decisions) != disputed)
        return JOB_FAIL (t, RPL_INVALID, "body.decisions: %d lines are disputed; decide each of them once", disputed);
    const char *p2[] = { dispute, ledger_actor (t->ctx), clock_format_us (t->at_us, at, sizeof at) };
    if (s_decide_lines (t, db, dispute) != 0
        || !(res = db_exec (db,
                            "WITH d AS (UPDATE billing.disputes SET status = 'decided', decided_by = $2,"
                            " decided_at = $3::timestamptz WHERE id = $1::bigint RETURNING settlement_id)"
                            " UPDATE billing.settlements s SET status = '" STL_S_OPEN "', updated_at = $3::timestamptz,"
                            " total = (SELECT coalesce (sum (l.amount), 0) FROM billing.settlement_lines l"
                            "  WHERE l.settlement_id = s.id AND l.coverage = 'chargeable')"
                            " FROM d WHERE s.id = d.settlement_id",
                            3, p2)))
        return -1;
    PQclear (res);
    if (s_subject (t, db, dispute, "decided") != 0)
        return -1;
    return s_answer (t, db);
}

rpl_code_t stl_rq_decide (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                          size_t errsize)
{
    return job_run (app, ctx, body, "settlements", &settlement_states, s_decide, "deciding the dispute", result, err,
                    errsize);
}
