/*  estimate — see estimate.h: making an estimate from a diagnosis. */
#include "estimate.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/json.h"
#include "base/log.h"
#include "estimate_calc.h"
#include "estimate_states.h"
#include "svc/emit.h"
#include "svc/failure.h"

/* The diagnosis of work order $1 with the facts of its unit, and its
 * estimate if there is one. Days are counted from 1970-01-01 in the
 * branch's zone; the install date billing recorded counts before the card's. */
static const char s_facts[] =
    "SELECT d.ticket_id, d.branch_id, d.fault_code, d.labour_minutes, d.distance_m,"
    " t.warranty_card, coalesce (c.product_code, t.product_code),"
    " c.card_no IS NOT NULL, coalesce (p.warranty_months, 0), coalesce (p.warranty_from, 'purchase'),"
    " c.purchase_date - DATE '1970-01-01',"
    " coalesce ((SELECT i.install_date FROM billing.installs i WHERE i.card_no = c.card_no"
    "   ORDER BY i.recorded_at DESC LIMIT 1), c.install_date) - DATE '1970-01-01',"
    " coalesce (c.install_unauthorised, false),"
    " (d.diagnosed_at AT TIME ZONE b.timezone)::date - DATE '1970-01-01',"
    " e.id, e.status, 'misuse' = ANY (e.confirmed), 'force_majeure' = ANY (e.confirmed),"
    " 'unauthorised_maintenance' = ANY (d.findings),"
    " EXISTS (SELECT 1 FROM unnest (d.findings) f WHERE f IN ('misuse', 'force_majeure')"
    "   AND f <> ALL (coalesce (e.confirmed, '{}') || coalesce (e.dismissed, '{}'))),"
    " d.findings::text, d.parts::text"
    " FROM dispatch.diagnoses d JOIN intake.tickets t ON t.id = d.ticket_id"
    " JOIN ref.branches b ON b.id = d.branch_id"
    " LEFT JOIN ref.warranty_cards c ON c.card_no = t.warranty_card"
    " LEFT JOIN ref.products p ON p.code = coalesce (c.product_code, t.product_code)"
    " LEFT JOIN billing.estimates e ON e.work_order_id = d.work_order_id"
    " WHERE d.work_order_id = $1::bigint";

/* The parts $1 ([{code, quantity}]) in order, with their cost. */
static const char s_parts[] =
    "SELECT x.e->>'code', p.name, p.cost, p.currency, (x.e->>'quantity')::bigint"
    " FROM jsonb_array_elements ($1::jsonb) WITH ORDINALITY AS x (e, n)"
    " LEFT JOIN ref.parts p ON p.code = x.e->>'code' ORDER BY x.n";

static const char s_insert[] =
    "INSERT INTO billing.estimates (work_order_id, ticket_id, branch_id, status, currency, fault_code, card_no,"
    " product_code, findings, coverage, reason, labour_minutes, distance_m, total, warranty_total, created_at,"
    " updated_at) VALUES ($1::bigint, $2::bigint, $3, $4, $5, $6, $7, $8, $9::text[], $10, $11, $12::int,"
    " $13::int, $14::bigint, $15::bigint, $16::timestamptz, $16::timestamptz) RETURNING id";

/* The estimate made again ($1 id) when it moves from the states $8. */
static const char s_update[] =
    "UPDATE billing.estimates SET status = $2, coverage = $3, reason = $4, total = $5::bigint,"
    " warranty_total = $6::bigint, updated_at = $7::timestamptz"
    " WHERE id = $1::bigint AND status = ANY ($8::text[]) RETURNING id";

/* A line of an estimate or a settlement (billing.<thing>_lines). */
#define S_SQL_LINE(thing)                                                                                    \
    "INSERT INTO billing." thing "_lines (" thing "_id, position, kind, code, description, quantity,"          \
    " unit_amount, amount, coverage, reason) VALUES ($1::bigint, $2::int, $3, $4, $5, $6::bigint, $7::bigint,"  \
    " $8::bigint, $9, $10)"

#define S_COL(res, c) (PQgetisnull ((res), 0, (c)) ? NULL : PQgetvalue ((res), 0, (c)))

static int32_t s_day (PGresult *res, int c)
{
    return PQgetisnull (res, 0, c) ? WARRANTY_NO_DATE : (int32_t) strtol (PQgetvalue (res, 0, c), NULL, 10);
}

static bool s_true (PGresult *res, int c)
{
    return !PQgetisnull (res, 0, c) && strcmp (PQgetvalue (res, 0, c), "t") == 0;
}

int est_read_parts (db_t *db, const char *json, const prices_t *p, est_part_t *parts, PGresult **res_out,
                    char *reason, size_t reason_size)
{
    const char *params[] = { json };
    PGresult *res = db_exec (db, s_parts, 1, params);
    if (!(*res_out = res))
        return -1;
    int n = PQntuples (res);
    if (n > EST_MAX_PARTS) {
        err_set (reason, reason_size, "parts: at most %d lines", EST_MAX_PARTS);
        return -2;
    }
    for (int i = 0; i < n; i++) {
        if (PQgetisnull (res, i, 1)) {
            err_set (reason, reason_size, "parts[%d]: unknown part \"%s\"", i, PQgetvalue (res, i, 0));
            return -2;
        }
        if (strcmp (PQgetvalue (res, i, 3), p->currency) != 0) {
            err_set (reason, reason_size, "parts[%d]: part \"%s\" costs %s, the branch charges in %s", i,
                     PQgetvalue (res, i, 0), PQgetvalue (res, i, 3), p->currency);
            return -2;
        }
        parts[i] = (est_part_t) { PQgetvalue (res, i, 0), PQgetvalue (res, i, 1),
                                  strtoll (PQgetvalue (res, i, 2), NULL, 10), strtoll (PQgetvalue (res, i, 4), NULL, 10) };
    }
    return n;
}

int est_store_lines (db_t *db, bool settlement, const char *id, const est_result_t *r)
{
    const char *params[] = { id };
    PGresult *res = NULL;
    /* an estimate made again replaces its lines; a settlement is made once */
    if (!settlement && !(res = db_exec (db, "DELETE FROM billing.estimate_lines WHERE estimate_id = $1::bigint", 1,
                                        params)))
        return -1;
    PQclear (res);
    for (int i = 0; i < r->n; i++) {
        const est_line_t *l = &r->lines[i];
        char pos[16], qty[24], unit[24], amount[24];
        snprintf (pos, sizeof pos, "%d", i + 1);
        snprintf (qty, sizeof qty, "%" PRId64, l->quantity);
        snprintf (unit, sizeof unit, "%" PRId64, l->unit_amount);
        snprintf (amount, sizeof amount, "%" PRId64, l->amount);
        const char *p[] = { id,     pos,    estimate_line_kind_name (l->kind), l->code, l->description, qty, unit,
                            amount, l->warranty ? "warranty" : "chargeable", warranty_reason_name (l->reason) };
        if (!(res = db_exec (db, settlement ? S_SQL_LINE ("settlement") : S_SQL_LINE ("estimate"), 10, p)))
            return -1;
        PQclear (res);
    }
    return 0;
}

/*  Writes the estimate (new, or made again) and its lines. 1, -1 or -2. */
static int s_store (db_t *db, PGresult *f, const char *wo, const est_result_t *r, const prices_t *p, int state,
                    int64_t at_us, char *reason, size_t reason_size)
{
    char minutes[24], metres[24], total[24], wtotal[24], at[40], from[96], id[24];
    snprintf (total, sizeof total, "%" PRId64, r->total);
    snprintf (wtotal, sizeof wtotal, "%" PRId64, r->warranty_total);
    snprintf (minutes, sizeof minutes, "%s", PQgetvalue (f, 0, 3));
    snprintf (metres, sizeof metres, "%s", PQgetvalue (f, 0, 4));
    states_from_sql (&estimate_states, state, from, sizeof from);
    const char *params[] = { S_COL (f, 14) ? S_COL (f, 14) : wo, PQgetvalue (f, 0, 0), PQgetvalue (f, 0, 1),
                             estimate_state_names[state], p->currency, PQgetvalue (f, 0, 2), S_COL (f, 5),
                             S_COL (f, 6), PQgetvalue (f, 0, 20), r->warranty ? "warranty" : "chargeable",
                             warranty_reason_name (r->reason), minutes, metres, total, wtotal,
                             clock_format_us (at_us, at, sizeof at) };
    const char *again[] = { S_COL (f, 14), params[3], params[9], params[10], total, wtotal, params[15], from };
    PGresult *res = S_COL (f, 14) ? db_exec (db, s_update, 8, again) : db_exec (db, s_insert, 16, params);
    if (!res)
        return -1;
    if (PQntuples (res) != 1) {
        PQclear (res);
        err_set (reason, reason_size, "the estimate of work order %s is %s: it is not made again", wo,
                 PQgetvalue (f, 0, 15));
        return -2;
    }
    snprintf (id, sizeof id, "%s", PQgetvalue (res, 0, 0));
    PQclear (res);
    return est_store_lines (db, false, id, r) == 0 ? 1 : -1;
}

int est_build (est_app_t *app, db_t *db, const char *wo, bool remake, int64_t at_us, char *status, char *reason,
               size_t reason_size)
{
    const char *params[] = { wo };
    PGresult *f = db_exec (db, s_facts, 1, params), *parts_res = NULL;
    if (!f)
        return -1;
    int rc = 0;
    if (PQntuples (f) != 1) {
        err_set (reason, reason_size, "work_order_id: work order %s has no diagnosis", wo);
        rc = -2;
        goto done;
    }
    if (!remake && S_COL (f, 14)) {
        snprintf (status, 24, "%s", PQgetvalue (f, 0, 15));
        goto done;
    }
    const prices_t *p = prices_for (app->prices, PQgetvalue (f, 0, 1));
    est_part_t parts[EST_MAX_PARTS];
    int n = est_read_parts (db, PQgetvalue (f, 0, 21), p, parts, &parts_res, reason, reason_size);
    if (n < 0) {
        rc = n;
        goto done;
    }
    bool card = s_true (f, 7);
    warranty_facts_t facts = {
        .has_card = card,
        .months = atoi (PQgetvalue (f, 0, 8)),
        .basis = strcmp (PQgetvalue (f, 0, 9), "installation") == 0 ? WARRANTY_FROM_INSTALLATION
                                                                    : WARRANTY_FROM_PURCHASE,
        .purchase_day = s_day (f, 10),
        .install_day = s_day (f, 11),
        .installed_by_unauthorised = s_true (f, 12),
        .misuse_confirmed = s_true (f, 16),
        .force_majeure_confirmed = s_true (f, 17),
        .unauthorised_maintenance = s_true (f, 18),
        .service_day = s_day (f, 13),
    };
    est_result_t r;
    if (estimate_calc (p, &facts, parts, n, strtoll (PQgetvalue (f, 0, 3), NULL, 10),
                       strtoll (PQgetvalue (f, 0, 4), NULL, 10), &r, reason, reason_size)
        != 0) {
        rc = -2;
        goto done;
    }
    int state = s_true (f, 19) ? EST_AWAITING_FINDING : r.warranty ? EST_FREE : EST_AWAITING_APPROVAL;
    rc = s_store (db, f, wo, &r, p, state, at_us, reason, reason_size);
    snprintf (status, 24, "%s", estimate_state_names[state]);
done:
    PQclear (parts_res);
    PQclear (f);
    return rc;
}

int est_emit (est_app_t *app, db_t *db, const char *type, const char *wo, const char *status)
{
    const char *params[] = { wo };
    PGresult *res = db_exec (db,
                             "SELECT id, ticket_id, branch_id, status, total, currency FROM billing.estimates"
                             " WHERE work_order_id = $1::bigint",
                             1, params);
    if (!res)
        return -1;
    cJSON *body = PQntuples (res) == 1 ? cJSON_CreateObject () : NULL;
    int rc = -1;
    if (body && json_add_id (body, "work_order_id", wo) == 0 && json_add_id (body, "ticket_id", PQgetvalue (res, 0, 1)) == 0
        && json_add_id (body, "estimate_id", PQgetvalue (res, 0, 0)) == 0
        && cJSON_AddStringToObject (body, "branch", PQgetvalue (res, 0, 2))
        && cJSON_AddStringToObject (body, "status", status ? status : PQgetvalue (res, 0, 3))
        && cJSON_AddNumberToObject (body, "total", (double) strtoll (PQgetvalue (res, 0, 4), NULL, 10))
        && cJSON_AddStringToObject (body, "currency", PQgetvalue (res, 0, 5)))
        rc = svc_emit (app->ledger->bus, db, type, 1, PQgetvalue (res, 0, 2), PQgetvalue (res, 0, 1), &body);
    cJSON_Delete (body);
    PQclear (res);
    return rc;
}

bus_result_t est_on_diagnosed (void *ctx, db_t *db, const env_t *msg, char *reason, size_t reason_size)
{
    est_app_t *app = ctx;
    char wo[24], status[24] = "";
    snprintf (wo, sizeof wo, "%" PRId64, json_int (msg->body, "work_order_id", 0));
    int made = est_build (app, db, wo, false, msg->ts_us, status, reason, reason_size);
    if (made == -2)
        return BUS_REJECT;
    if (made < 0)
        return svc_db_bus_failure (db, "making the estimate", reason, reason_size);
    if (made == 0)
        return BUS_OK; /* a redelivery */
    if (strcmp (status, EST_S_FREE) != 0 && est_emit (app, db, "estimate.pending", wo, NULL) != 0)
        return svc_db_bus_failure (db, "writing estimate.pending to the outbox", reason, reason_size);
    log_kv (LOG_INFO, "estimate_made", "work_order_id", wo, "status", status, NULL);
    return BUS_OK;
}
