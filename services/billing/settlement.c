/*  settlement — see settlement.h: made from the done report, offered when
 *  the work is accepted. */
#include "settlement.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/json.h"
#include "base/log.h"
#include "base/money.h"
#include "ledger.h"
#include "pricing.h"
#include "settlement_states.h"
#include "svc/failure.h"

/* The estimate of work order $1 and the ticket's customer. */
static const char s_estimate[] =
    "SELECT e.status, e.coverage, e.reason, e.total, e.branch_id, e.ticket_id, t.customer_id"
    " FROM billing.estimates e JOIN intake.tickets t ON t.id = e.ticket_id WHERE e.work_order_id = $1::bigint";

static const char s_insert[] =
    "INSERT INTO billing.settlements (work_order_id, ticket_id, branch_id, customer_id, status, hold_reason,"
    " currency, coverage, reason, approved_total, total, warranty_total, created_at, updated_at)"
    " VALUES ($1::bigint, $2::bigint, $3, $4, $5, $6, $7, $8, $9, $10::bigint, $11::bigint, $12::bigint,"
    " $13::timestamptz, $13::timestamptz) ON CONFLICT (work_order_id) DO NOTHING RETURNING id";

/* estimate.pending's status for a settlement held for a new approval */
#define STL_REAPPROVAL "awaiting_reapproval"

static warranty_reason_t s_reason (const char *name)
{
    for (int i = 0; i < WARRANTY_REASON_COUNT; i++)
        if (strcmp (warranty_reason_name ((warranty_reason_t) i), name) == 0)
            return (warranty_reason_t) i;
    return WARRANTY_NO_CARD;
}

/*  The report priced: every line chargeable, then given the estimate's
 *  decision. 0, -1 (database) or -2 with the reason. The lines' texts point
 *  into *parts_res, which the caller clears. */
static int s_price (db_t *db, const cJSON *report, const prices_t *p, PGresult *e, est_result_t *r,
                    PGresult **parts_res, char *reason, size_t reason_size)
{
    char *parts_json = json_print (cJSON_GetObjectItemCaseSensitive (report, "parts"));
    est_part_t parts[EST_MAX_PARTS];
    int n = parts_json ? est_read_parts (db, parts_json, p, parts, parts_res, reason, reason_size) : -1;
    free (parts_json);
    warranty_facts_t none = { .has_card = false };
    if (n >= 0 && estimate_calc (p, &none, parts, n, json_int (report, "labour_minutes", 0),
                                 json_int (report, "distance_m", 0), r, reason, reason_size)
                      != 0)
        n = -2;
    if (n < 0)
        return n;
    r->warranty = strcmp (PQgetvalue (e, 0, 1), "warranty") == 0;
    r->reason = s_reason (PQgetvalue (e, 0, 2));
    for (int i = 0; i < r->n; i++) {
        r->lines[i].warranty = r->warranty;
        r->lines[i].reason = r->reason;
    }
    if (r->warranty) {
        r->warranty_total = r->total;
        r->total = 0;
    }
    return 0;
}

/*  Why the settlement waits for a new approval ("" when it does not). */
static void s_hold (const prices_t *p, PGresult *e, const est_result_t *r, char *hold, size_t size)
{
    const char *status = PQgetvalue (e, 0, 0);
    int64_t approved = strtoll (PQgetvalue (e, 0, 3), NULL, 10);
    char a[MONEY_TEXT_SIZE], b[MONEY_TEXT_SIZE];
    hold[0] = '\0';
    if (strcmp (status, "approved") != 0 && strcmp (status, "free") != 0)
        snprintf (hold, size, "the estimate was %s when the work was done: the customer approves the work first",
                  status);
    else if (!r->warranty && pricing_needs_new_approval (p, approved, r->total))
        snprintf (hold, size, "the work costs %s %s, more than the approved %s by more than %" PRId64 " bp",
                  money_format (r->total, p->currency, a, sizeof a), p->currency,
                  money_format (approved, p->currency, b, sizeof b), p->overrun_bp);
}

bus_result_t stl_on_done (void *ctx, db_t *db, const env_t *msg, char *reason, size_t reason_size)
{
    est_app_t *app = ctx;
    char wo[24];
    snprintf (wo, sizeof wo, "%" PRId64, json_int (msg->body, "work_order_id", 0));
    const char *params[] = { wo };
    PGresult *e = db_exec (db, s_estimate, 1, params), *res = NULL, *parts_res = NULL;
    if (!e)
        return svc_db_bus_failure (db, "reading the estimate", reason, reason_size);
    bus_result_t rc = BUS_OK;
    if (PQntuples (e) != 1) {
        log_kv (LOG_INFO, "settlement_not_made", "work_order_id", wo, "reason", "no estimate (never diagnosed)", NULL);
        goto done;
    }
    const prices_t *p = prices_for (app->prices, PQgetvalue (e, 0, 4));
    est_result_t r;
    int priced = s_price (db, cJSON_GetObjectItemCaseSensitive (msg->body, "report"), p, e, &r, &parts_res, reason,
                          reason_size);
    if (priced != 0) {
        rc = priced == -2 ? BUS_REJECT : svc_db_bus_failure (db, "reading the parts", reason, reason_size);
        goto done;
    }
    char hold[300], total[24], wtotal[24], at[40];
    s_hold (p, e, &r, hold, sizeof hold);
    snprintf (total, sizeof total, "%" PRId64, r.total);
    snprintf (wtotal, sizeof wtotal, "%" PRId64, r.warranty_total);
    const char *p2[] = { wo, PQgetvalue (e, 0, 5), PQgetvalue (e, 0, 4), PQgetvalue (e, 0, 6),
                         hold[0] ? STL_S_AWAITING_APPROVAL : STL_S_PRICED, hold[0] ? hold : NULL, p->currency,
                         r.warranty ? "warranty" : "chargeable", warranty_reason_name (r.reason), PQgetvalue (e, 0, 3),
                         total, wtotal, clock_format_us (msg->ts_us, at, sizeof at) };
    if (!(res = db_exec (db, s_insert, 13, p2))) {
        rc = svc_db_bus_failure (db, "storing the settlement", reason, reason_size);
        goto done;
    }
    /* an overrun of an approved estimate waits on the customer again:
     * dispatch pauses the ticket's clocks until estimate.approved */
    bool overrun = hold[0] && strcmp (PQgetvalue (e, 0, 0), "approved") == 0;
    if (PQntuples (res) == 1 && est_store_lines (db, true, PQgetvalue (res, 0, 0), &r) != 0)
        rc = svc_db_bus_failure (db, "storing the settlement's lines", reason, reason_size);
    else if (PQntuples (res) == 1 && overrun && est_emit (app, db, "estimate.pending", wo, STL_REAPPROVAL) != 0)
        rc = svc_db_bus_failure (db, "writing estimate.pending to the outbox", reason, reason_size);
    else if (PQntuples (res) == 1)
        log_kv (LOG_INFO, "settlement_priced", "work_order_id", wo, "total", total, "hold", hold, NULL);
done:
    PQclear (parts_res);
    PQclear (res);
    PQclear (e);
    return rc;
}

/* The work accepted: the settlement offered, once ($1 work order, $2
 * accepted at, $3 the technician who did it). Free work is the branch's own
 * warranty cost only when its own technician did it: a dealer's or
 * provider's technician's work (work_org) is paid through that
 * organisation's claim, booked when head office approves it
 * (docs/billing.md "Who bears the warranty cost"). */
static const char s_accepted[] =
    "UPDATE billing.settlements s SET work_accepted_at = $2::timestamptz, updated_at = $2::timestamptz,"
    " status = CASE WHEN s.status = '" STL_S_PRICED "' THEN '" STL_S_OPEN "' ELSE s.status END, work_org = d.org,"
    " warranty_booked_at = CASE WHEN s.warranty_total > 0 AND d.org IS NULL THEN $2::timestamptz END"
    " FROM (SELECT (SELECT organisation_id FROM ref.technicians WHERE id = $3) AS org) d"
    " WHERE s.work_order_id = $1::bigint AND s.work_accepted_at IS NULL"
    " RETURNING s.id, s.warranty_total, s.currency, s.branch_id, s.customer_id, s.warranty_booked_at IS NOT NULL";

/* An installation's accepted day is its install date ($3 ticket). */
static const char s_install[] =
    "INSERT INTO billing.installs (ticket_id, branch_id, card_no, serial, product_code, work_order_id,"
    " install_date, recorded_at) SELECT t.id, t.branch_id, t.warranty_card, t.serial, t.product_code, $1::bigint,"
    " ($2::timestamptz AT TIME ZONE b.timezone)::date, $2::timestamptz FROM intake.tickets t"
    " JOIN ref.branches b ON b.id = t.branch_id WHERE t.id = $3::bigint AND t.kind = 'installation'"
    " ON CONFLICT (ticket_id) DO NOTHING";

static int s_book_warranty (db_t *db, const char *wo, PGresult *s, int64_t at_us, char *reason, size_t reason_size)
{
    int64_t amount = strtoll (PQgetvalue (s, 0, 1), NULL, 10);
    if (amount <= 0 || strcmp (PQgetvalue (s, 0, 5), "t") != 0)
        return 0;
    char key[48], ref[48];
    snprintf (key, sizeof key, "warranty:%s", wo);
    snprintf (ref, sizeof ref, "settlement:%s", PQgetvalue (s, 0, 0));
    ledger_entry_t entry = { .key = key,
                             .kind = LEDGER_WARRANTY,
                             .debit = LEDGER_WARRANTY_COST,
                             .credit = LEDGER_CASH,
                             .amount = amount,
                             .currency = PQgetvalue (s, 0, 2),
                             .branch_id = PQgetvalue (s, 0, 3),
                             .party = PQgetisnull (s, 0, 4) ? NULL : PQgetvalue (s, 0, 4),
                             .ref = ref,
                             .at_us = at_us,
                             .actor = "system" };
    ledger_result_t posted = ledger_post (db, &entry, reason, reason_size);
    return posted == LEDGER_POSTED || posted == LEDGER_ALREADY ? 0 : posted == LEDGER_REFUSED ? -2 : -1;
}

bus_result_t stl_on_accepted (void *ctx, db_t *db, const env_t *msg, char *reason, size_t reason_size)
{
    (void) ctx;
    char wo[24], ticket[24], at[40];
    int64_t at_us = 0;
    if (clock_parse_rfc3339 (json_str (msg->body, "accepted_at", ""), &at_us) != 0) {
        err_set (reason, reason_size, "body.accepted_at: not an RFC 3339 time");
        return BUS_REJECT;
    }
    snprintf (wo, sizeof wo, "%" PRId64, json_int (msg->body, "work_order_id", 0));
    snprintf (ticket, sizeof ticket, "%" PRId64, json_int (msg->body, "ticket_id", 0));
    const char *params[] = { wo, clock_format_us (at_us, at, sizeof at), ticket };
    PGresult *res = db_exec (db, s_install, 3, params);
    if (!res)
        return svc_db_bus_failure (db, "recording the install date", reason, reason_size);
    PQclear (res);
    const char *accepted[] = { wo, at, json_str (msg->body, "technician_id", "") };
    if (!(res = db_exec (db, s_accepted, 3, accepted)))
        return svc_db_bus_failure (db, "offering the settlement", reason, reason_size);
    int booked = PQntuples (res) == 1 ? s_book_warranty (db, wo, res, at_us, reason, reason_size) : 0;
    PQclear (res);
    if (booked == -2)
        return BUS_REJECT;
    return booked == 0 ? BUS_OK : svc_db_bus_failure (db, "booking the warranty cost", reason, reason_size);
}

int stl_reapprove (db_t *db, const char *wo, const char *name, const char *at)
{
    const char *params[] = { wo, name, at };
    PGresult *res = db_exec (db,
                             "UPDATE billing.settlements SET reapproved_name = $2, reapproved_at = $3::timestamptz,"
                             " updated_at = $3::timestamptz, status = CASE WHEN work_accepted_at IS NULL"
                             " THEN '" STL_S_PRICED "' ELSE '" STL_S_OPEN "' END"
                             " WHERE work_order_id = $1::bigint AND status = '" STL_S_AWAITING_APPROVAL "'",
                             3, params);
    if (!res)
        return -1;
    int rc = strcmp (PQcmdTuples (res), "1") == 0 ? 1 : 0;
    PQclear (res);
    return rc;
}
