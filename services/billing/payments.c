/*  payments — see payments.h. */
#include "payments.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/money.h"
#include "invoice_states.h"
#include "invoices.h"
#include "ledger.h"

/*  A reference recorded before: 1 the same payment (same invoice, amount
 *  and currency), 2 another one, 0 none, -1 failure. */
static int s_recorded_before (db_t *db, const pay_request_t *r, int64_t invoice_id)
{
    char id[24], amount[24];
    snprintf (id, sizeof id, "%" PRId64, invoice_id);
    snprintf (amount, sizeof amount, "%" PRId64, r->amount);
    const char *params[] = { r->reference, id, amount, r->currency };
    PGresult *res = db_exec (db,
                             "SELECT invoice_id = $2::bigint AND amount = $3::bigint AND currency = $4"
                             " FROM billing.payments WHERE reference = $1",
                             4, params);
    if (!res)
        return -1;
    int found = PQntuples (res) == 1 ? (strcmp (PQgetvalue (res, 0, 0), "t") == 0 ? 1 : 2) : 0;
    PQclear (res);
    return found;
}

static const char s_insert[] =
    "WITH p AS (INSERT INTO billing.payments (reference, invoice_id, branch_id, amount, currency, received_at,"
    "  recorded_by) VALUES ($1, $2::bigint, $3, $4::bigint, $5, $6::timestamptz, $7)"
    "  ON CONFLICT (reference) DO NOTHING RETURNING invoice_id)"
    " UPDATE billing.invoices i SET paid = $8::bigint, status = $9 FROM p WHERE i.id = p.invoice_id"
    " RETURNING i.id";

int pay_record (db_t *db, const pay_request_t *r, pay_outcome_t *out, rpl_code_t *code, char *err,
                size_t errsize)
{
    memset (out, 0, sizeof *out);
    if (r->amount <= 0)
        return rpl_refuse (code, err, errsize, RPL_INVALID, "body.amount: %" PRId64 " is not above zero", r->amount);
    if (!money_currency_known (r->currency))
        return rpl_refuse (code, err, errsize, RPL_INVALID,
                           "body.currency: unknown currency \"%s\" (expected an ISO 4217 code)", r->currency);
    inv_row_t row;
    int found = inv_lock (db, r->number, &row);
    if (found <= 0)
        return found < 0 ? -1
                         : rpl_refuse (code, err, errsize, RPL_NOT_FOUND, "body.number: no invoice \"%s\"", r->number);
    out->invoice_id = row.id;
    out->amount = row.amount;
    out->paid = row.paid;
    out->state = row.state;
    int before = s_recorded_before (db, r, row.id);
    if (before < 0)
        return -1;
    if (before == 1) {
        out->duplicate = true;
        return 0;
    }
    if (before == 2)
        return rpl_refuse (code, err, errsize, RPL_CONFLICT,
                           "body.reference: \"%s\" was recorded for another payment", r->reference);
    if (strcmp (r->currency, row.currency) != 0)
        return rpl_refuse (code, err, errsize, RPL_INVALID, "body.currency: %s expected (the invoice's), not %s",
                           row.currency, r->currency);
    inv_state_t to;
    int64_t paid;
    rpl_code_t moved = inv_transition (row.state, INVE_PAY, row.amount, row.paid, r->amount, &to, &paid, err, errsize);
    if (moved != RPL_OK) {
        *code = moved;
        return -1;
    }
    char id[24], amount[24], at[40], paid_text[24];
    snprintf (id, sizeof id, "%" PRId64, row.id);
    snprintf (amount, sizeof amount, "%" PRId64, r->amount);
    snprintf (paid_text, sizeof paid_text, "%" PRId64, paid);
    clock_format_us (r->at_us, at, sizeof at);
    const char *params[] = { r->reference, id,        row.branch, amount, r->currency, at, r->actor,
                             paid_text,    inv_state_names[to] };
    PGresult *res = db_exec (db, s_insert, 9, params);
    if (!res)
        return -1;
    bool inserted = PQntuples (res) == 1;
    PQclear (res);
    if (!inserted) /* recorded meanwhile for an invoice this caller does not see */
        return rpl_refuse (code, err, errsize, RPL_CONFLICT,
                           "body.reference: \"%s\" was recorded for another payment", r->reference);
    char key[96];
    snprintf (key, sizeof key, "payment:%s", r->reference);
    if (inv_post (db, LEDGER_PAYMENT, key, r->number, &row, r->amount, r->at_us, r->actor, err, errsize)
        != LEDGER_POSTED)
        return -1;
    out->paid = paid;
    out->state = to;
    out->now_paid = to == INV_PAID;
    return 0;
}
