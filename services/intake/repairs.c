/*  repairs — see repairs.h. */
#include "repairs.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/log.h"
#include "db/statements.h"
#include "svc/failure.h"

/* The day of the repair in the branch's zone is within the card's period:
 * from the purchase (or install) date to the same day `warranty_months`
 * later, less a day; a start day the later month lacks ends the period on
 * that month's last day (warranty.h's warranty_last_day). No card, no
 * start date: not within warranty. */
#define S_SQL_WITHIN                                                                                     \
    "coalesce(s.day BETWEEN s.start AND CASE WHEN extract(day FROM s.anniv) < extract(day FROM s.start)" \
    " THEN s.anniv::date ELSE s.anniv::date - 1 END, false)"

static const db_statement_t s_statements[] = {
    /* $1 work order, $2 the report's unit serial, $3 fault, $4 done at, $5 ticket */
    { "irp_record",
      "INSERT INTO intake.repairs (work_order_id, ticket_id, branch_id, serial, warranty_card, product_code,"
      "  fault, done_at, within_warranty)"
      " SELECT $1::bigint, t.id, t.branch_id, coalesce($2::text, nullif(t.serial, ''), nullif(w.serial, '')),"
      "  nullif(t.warranty_card, ''), coalesce(t.product_code, w.product_code), $3::text, $4::timestamptz, "
      S_SQL_WITHIN
      " FROM intake.tickets t JOIN ref.branches b ON b.id = t.branch_id"
      " LEFT JOIN ref.warranty_cards w ON w.card_no = t.warranty_card"
      " LEFT JOIN ref.products p ON p.code = w.product_code"
      " CROSS JOIN LATERAL (SELECT ($4::timestamptz AT TIME ZONE b.timezone)::date AS day, x.start,"
      "   x.start + make_interval(months => p.warranty_months) AS anniv"
      "   FROM (SELECT CASE p.warranty_from WHEN 'installation' THEN w.install_date"
      "                ELSE w.purchase_date END AS start) x) s"
      " WHERE t.id = $5::bigint"
      " ON CONFLICT (work_order_id) DO NOTHING"
      " RETURNING ticket_id, serial, warranty_card, product_code" },
    { "irp_unit",
      "SELECT work_order_id, ticket_id, serial, warranty_card, product_code, fault, unit_serial"
      " FROM intake.unit_repairs ($1::text, $2::text, $3::text)" },
    /* the unit's other open tickets the rule may flag ($4: the repaired one) */
    { "irp_open",
      "SELECT t.id, coalesce(nullif(t.serial, ''), w.serial), t.warranty_card,"
      "  coalesce(t.product_code, w.product_code)"
      " FROM intake.tickets t LEFT JOIN ref.warranty_cards w ON w.card_no = t.warranty_card"
      " WHERE t.status <> 'closed' AND t.replacement_fault IS NULL AND t.kind IN ('repair', 'return')"
      "   AND t.id <> $4::bigint"
      "   AND (coalesce(nullif(t.serial, ''), w.serial) = $1 OR (t.warranty_card = $2 AND t.product_code = $3))"
      " ORDER BY t.id FOR UPDATE OF t" },
    { "irp_flag",
      "WITH u AS (UPDATE intake.tickets SET replacement_fault = $2, updated_at = $3::timestamptz"
      "           WHERE id = $1::bigint RETURNING id)"
      " INSERT INTO intake.ticket_history (ticket_id, at, actor, event, detail)"
      " SELECT u.id, $3::timestamptz, $4, 'replacement_flagged', $5::jsonb FROM u" },
};

int irp_prepare (db_t *db)
{
    return db_prepare_statements (db, s_statements, DB_STATEMENTS (s_statements));
}

/*  A text column, NULL for SQL NULL. */
static const char *s_val (const PGresult *res, int row, int col)
{
    return PQgetisnull (res, row, col) ? NULL : PQgetvalue (res, row, col);
}

int irp_verdict (db_t *db, const irr_unit_t *unit, int replace_after, int64_t except_ticket, const char *fault,
                 PGresult **res_p, irr_verdict_t *out)
{
    memset (out, 0, sizeof *out);
    *res_p = NULL;
    bool serial = unit->serial && *unit->serial, card = unit->card && *unit->card;
    if (!serial && !card)
        return 0; /* a unit nobody can tell again */
    const char *p[] = { serial ? unit->serial : NULL, card ? unit->card : NULL, unit->product };
    PGresult *res = db_exec_prepared (db, "irp_unit", 3, p);
    if (!res)
        return -1;
    int n = PQntuples (res);
    irr_repair_t *repairs = calloc ((size_t) (n > 0 ? n : 1), sizeof *repairs);
    if (!repairs) {
        PQclear (res);
        return -1;
    }
    for (int r = 0; r < n; r++)
        repairs[r] = (irr_repair_t) {
            .unit = { s_val (res, r, 2), s_val (res, r, 3), s_val (res, r, 4) },
            .fault = s_val (res, r, 5),
            .within_warranty = true, /* unit_repairs returns those only */
            .ticket_id = strtoll (PQgetvalue (res, r, 1), NULL, 10),
            .work_order_id = strtoll (PQgetvalue (res, r, 0), NULL, 10),
        };
    /* the serial the unit was found by stands in for one the ticket lacked */
    irr_unit_t u = *unit;
    if (!serial && n > 0)
        u.serial = s_val (res, 0, 6);
    irr_apply (&u, repairs, n, replace_after, except_ticket, fault, out);
    free (repairs);
    *res_p = res;
    return 0;
}

cJSON *irp_verdict_json (const irr_verdict_t *v)
{
    cJSON *o = cJSON_CreateObject ();
    cJSON *wos = o ? cJSON_AddArrayToObject (o, "work_orders") : NULL;
    if (!wos || !cJSON_AddStringToObject (o, "fault", v->fault)
        || !cJSON_AddNumberToObject (o, "repairs", v->repairs)) {
        cJSON_Delete (o);
        return NULL;
    }
    for (int i = 0; i < v->n_work_orders; i++)
        cJSON_AddItemToArray (wos, cJSON_CreateNumber ((double) v->work_orders[i]));
    return o;
}

int irp_flag (db_t *db, const char *ticket_id, const char *at, const char *actor, const irr_verdict_t *v)
{
    cJSON *detail = irp_verdict_json (v);
    char *text = detail ? json_print (detail) : NULL;
    cJSON_Delete (detail);
    if (!text)
        return -1;
    const char *p[] = { ticket_id, v->fault, at, actor, text };
    PGresult *res = db_exec_prepared (db, "irp_flag", 5, p);
    free (text);
    if (!res)
        return -1;
    PQclear (res);
    log_kv (LOG_INFO, "replacement_flagged", "ticket_id", ticket_id, "fault", v->fault, NULL);
    return 0;
}

int irp_on_submit (db_t *db, const irr_unit_t *unit, const char *kind, int replace_after, const char *ticket_id,
                   const char *at, const char *actor, cJSON *result)
{
    if (replace_after < 1 || (strcmp (kind, "repair") != 0 && strcmp (kind, "return") != 0))
        return 0; /* (0: a desk made without the configuration applies no rule) */
    PGresult *rows = NULL;
    irr_verdict_t v;
    if (irp_verdict (db, unit, replace_after, 0, NULL, &rows, &v) != 0)
        return -1;
    int rc = 0;
    if (v.fault) {
        cJSON *shown = irp_verdict_json (&v);
        rc = shown && irp_flag (db, ticket_id, at, actor, &v) == 0 ? 0 : -1;
        if (rc == 0)
            cJSON_AddItemToObject (result, "replacement", shown);
        else
            cJSON_Delete (shown);
    }
    PQclear (rows);
    return rc;
}

/*  Flags the unit's other open tickets when the rule applies to it now.
 *  Returns 0 or -1. */
static int s_flag_open (db_t *db, const irp_ctx_t *self, const PGresult *unit_row, const char *at)
{
    irr_unit_t unit = { s_val (unit_row, 0, 1), s_val (unit_row, 0, 2), s_val (unit_row, 0, 3) };
    PGresult *rows = NULL;
    irr_verdict_t v;
    if (irp_verdict (db, &unit, self->replace_after, 0, NULL, &rows, &v) != 0)
        return -1;
    int rc = 0;
    if (v.fault) {
        const char *p[] = { unit.serial, unit.card, unit.product, PQgetvalue (unit_row, 0, 0) };
        PGresult *open = db_exec_prepared (db, "irp_open", 4, p);
        rc = open ? 0 : -1;
        for (int r = 0; open && r < PQntuples (open) && rc == 0; r++) {
            irr_unit_t other = { s_val (open, r, 1), s_val (open, r, 2), s_val (open, r, 3) };
            if (irr_same_unit (&other, &unit))
                rc = irp_flag (db, PQgetvalue (open, r, 0), at, "intake", &v);
        }
        PQclear (open);
    }
    PQclear (rows);
    return rc;
}

bus_result_t irp_on_done (void *ctx, db_t *db, const env_t *msg, char *reason, size_t reason_size)
{
    const irp_ctx_t *self = ctx;
    bus_result_t rc = iev_on_sla (self->events, db, msg, reason, reason_size);
    if (rc != BUS_OK || strcmp (json_str (msg->body, "kind", ""), "repair") != 0)
        return rc;
    const cJSON *report = cJSON_GetObjectItemCaseSensitive (msg->body, "report");
    const char *fault = json_str (report, "cause", NULL), *at = json_str (msg->body, "done_at", NULL);
    if (!fault || !at)
        return BUS_OK; /* the schema requires both: iev_on_sla refused their lack */
    char wo[24], ticket[24];
    snprintf (wo, sizeof wo, "%" PRId64, json_int (msg->body, "work_order_id", 0));
    snprintf (ticket, sizeof ticket, "%" PRId64, json_int (msg->body, "ticket_id", 0));
    const char *p[] = { wo, json_str (report, "unit_serial", NULL), fault, at, ticket };
    PGresult *res = db_exec_prepared (db, "irp_record", 5, p);
    if (!res)
        return svc_db_bus_failure (db, "recording the repair", reason, reason_size);
    /* no row: a redelivery (recorded already) or a ticket intake does not have */
    int flagged = PQntuples (res) == 1 ? s_flag_open (db, self, res, at) : 0;
    PQclear (res);
    if (flagged != 0)
        return svc_db_bus_failure (db, "flagging the unit's tickets for replacement", reason, reason_size);
    return BUS_OK;
}
