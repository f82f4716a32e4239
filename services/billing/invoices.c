/*  invoices — see invoices.h. */
#include "invoices.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/money.h"
#include "invoice_states.h"
#include "ledger.h"

static bool s_valid (const inv_request_t *r, char *err, size_t errsize)
{
    if (!r->branch_id || !r->customer_id || !r->actor) {
        err_set (err, errsize, "%s: missing", !r->branch_id ? "branch" : !r->customer_id ? "customer_id" : "actor");
        return false;
    }
    if (r->amount <= 0) {
        err_set (err, errsize, "amount: %" PRId64 " is not above zero", r->amount);
        return false;
    }
    if (!money_currency_known (r->currency)) {
        err_set (err, errsize, "currency: unknown currency \"%s\" (expected an ISO 4217 code)",
                 r->currency ? r->currency : "");
        return false;
    }
    if (!r->source && r->settlement_id <= 0) {
        err_set (err, errsize, "source: neither a source nor a settlement id");
        return false;
    }
    return true;
}

/*  The invoice of a source issued before: 1 (number and id set), 0 none, -1 failure. */
static int s_issued_before (db_t *db, const char *source, char *number_out, int64_t *id_out)
{
    const char *params[] = { source };
    PGresult *res = db_exec (db, "SELECT number, id FROM billing.invoices WHERE source = $1", 1, params);
    if (!res)
        return -1;
    int found = PQntuples (res) == 1;
    if (found) {
        snprintf (number_out, INV_NUMBER_SIZE, "%s", PQgetvalue (res, 0, 0));
        if (id_out)
            *id_out = strtoll (PQgetvalue (res, 0, 1), NULL, 10);
    }
    PQclear (res);
    return found;
}

static const char s_insert[] =
    "INSERT INTO billing.invoices (number, branch_id, year, seq, source, customer_id, settlement_id,"
    " work_order_id, ticket_id, description, amount, currency, issued_at, issued_by)"
    " SELECT $1, $2, $3::int, $4::int, $5, c.id, $7::bigint, $8::bigint, $9::bigint, $10, $11::bigint, $12,"
    "  $13::timestamptz, $14 FROM ref.customers c WHERE c.id = $6 RETURNING id";

/*  An id as a parameter: NULL (SQL NULL) for 0, "none". */
static const char *s_id_or_null (int64_t id, char *buf, size_t size)
{
    if (id <= 0)
        return NULL;
    snprintf (buf, size, "%" PRId64, id);
    return buf;
}

inv_result_t inv_issue (db_t *db, const inv_request_t *r, char *number_out, int64_t *id_out, char *err,
                        size_t errsize)
{
    if (!r || !s_valid (r, err, errsize))
        return INV_REFUSED;
    char source[200];
    if (r->source)
        snprintf (source, sizeof source, "%s", r->source);
    else
        snprintf (source, sizeof source, "settlement:%" PRId64, r->settlement_id);
    int year = 0, seq = 0;
    if (inv_branch_year (db, r->branch_id, r->at_us, &year, err, errsize) != 0)
        return db_tx_failed (db) ? INV_DB_FAILED : INV_REFUSED;
    /* the lock first: a concurrent issuer of the same source has committed by then */
    if (inv_counter_lock (db, r->branch_id, "INV", year) != 0) {
        err_set (err, errsize, "%s", db_error (db));
        return INV_DB_FAILED;
    }
    int before = s_issued_before (db, source, number_out, id_out);
    if (before != 0) {
        err_set (err, errsize, "%s", before < 0 ? db_error (db) : "");
        return before < 0 ? INV_DB_FAILED : INV_ALREADY;
    }
    if (inv_counter_take (db, r->branch_id, "INV", year, &seq, number_out, err, errsize) != 0)
        return INV_DB_FAILED;
    char y[16], s[16], amount[24], settlement[24], wo[24], ticket[24], at[40];
    snprintf (y, sizeof y, "%d", year);
    snprintf (s, sizeof s, "%d", seq);
    snprintf (amount, sizeof amount, "%" PRId64, r->amount);
    clock_format_us (r->at_us, at, sizeof at);
    const char *params[] = { number_out,
                             r->branch_id,
                             y,
                             s,
                             source,
                             r->customer_id,
                             s_id_or_null (r->settlement_id, settlement, sizeof settlement),
                             s_id_or_null (r->work_order_id, wo, sizeof wo),
                             s_id_or_null (r->ticket_id, ticket, sizeof ticket),
                             r->description,
                             amount,
                             r->currency,
                             at,
                             r->actor };
    PGresult *res = db_exec (db, s_insert, 14, params);
    if (!res) {
        err_set (err, errsize, "%s", db_error (db));
        return INV_DB_FAILED;
    }
    bool inserted = PQntuples (res) == 1;
    int64_t id = inserted ? strtoll (PQgetvalue (res, 0, 0), NULL, 10) : 0;
    PQclear (res);
    if (!inserted) {
        /* nothing written but the counter: the caller rolls back, which gives the number back */
        err_set (err, errsize, "customer_id: no customer \"%s\"", r->customer_id);
        return INV_REFUSED;
    }
    inv_row_t row = { .id = id };
    snprintf (row.branch, sizeof row.branch, "%s", r->branch_id);
    snprintf (row.currency, sizeof row.currency, "%s", r->currency);
    snprintf (row.customer, sizeof row.customer, "%s", r->customer_id);
    char key[96];
    snprintf (key, sizeof key, "invoice:%s", number_out);
    ledger_result_t posted = inv_post (db, LEDGER_CHARGE, key, number_out, &row, r->amount, r->at_us, r->actor, err,
                                       errsize);
    if (posted != LEDGER_POSTED)
        return posted == LEDGER_REFUSED ? INV_REFUSED : INV_DB_FAILED;
    if (id_out)
        *id_out = id;
    return INV_ISSUED;
}

int inv_lock (db_t *db, const char *number, inv_row_t *row)
{
    const char *params[] = { number };
    PGresult *res = db_exec (db,
                             "SELECT id, amount, paid, status, branch_id, currency, customer_id"
                             " FROM billing.invoices WHERE number = $1 FOR UPDATE",
                             1, params);
    if (!res)
        return -1;
    int found = PQntuples (res) == 1;
    if (found) {
        row->id = strtoll (PQgetvalue (res, 0, 0), NULL, 10);
        row->amount = strtoll (PQgetvalue (res, 0, 1), NULL, 10);
        row->paid = strtoll (PQgetvalue (res, 0, 2), NULL, 10);
        row->state = INV_OPEN;
        states_parse (&inv_states, PQgetvalue (res, 0, 3), &row->state);
        snprintf (row->branch, sizeof row->branch, "%s", PQgetvalue (res, 0, 4));
        snprintf (row->currency, sizeof row->currency, "%s", PQgetvalue (res, 0, 5));
        snprintf (row->customer, sizeof row->customer, "%s", PQgetvalue (res, 0, 6));
    }
    PQclear (res);
    return found;
}

static const char s_credit_note[] =
    "WITH cn AS (INSERT INTO billing.credit_notes (number, invoice_id, branch_id, year, seq, amount, currency,"
    "  reason, issued_at, issued_by) VALUES ($1, $2::bigint, $3, $4::int, $5::int, $6::bigint, $7, $8,"
    "  $9::timestamptz, $10) RETURNING invoice_id)"
    " UPDATE billing.invoices SET status = 'void' FROM cn WHERE id = cn.invoice_id";

int inv_void (db_t *db, const char *number, const char *reason, int64_t at_us, const char *actor, char *cn_out,
              rpl_code_t *code, char *err, size_t errsize)
{
    inv_row_t row;
    int found = inv_lock (db, number, &row);
    if (found <= 0)
        return found < 0 ? -1 : rpl_refuse (code, err, errsize, RPL_NOT_FOUND, "body.number: no invoice \"%s\"", number);
    inv_state_t to;
    int64_t paid;
    rpl_code_t moved = inv_transition (row.state, INVE_VOID, row.amount, row.paid, 0, &to, &paid, err, errsize);
    if (moved != RPL_OK) {
        *code = moved;
        return -1;
    }
    int year = 0, seq = 0;
    if (inv_branch_year (db, row.branch, at_us, &year, err, errsize) != 0
        || inv_counter_lock (db, row.branch, "CN", year) != 0
        || inv_counter_take (db, row.branch, "CN", year, &seq, cn_out, err, errsize) != 0)
        return -1;
    char id[24], y[16], s[16], amount[24], at[40];
    snprintf (id, sizeof id, "%" PRId64, row.id);
    snprintf (y, sizeof y, "%d", year);
    snprintf (s, sizeof s, "%d", seq);
    snprintf (amount, sizeof amount, "%" PRId64, row.amount);
    clock_format_us (at_us, at, sizeof at);
    const char *params[] = { cn_out, id, row.branch, y, s, amount, row.currency, reason, at, actor };
    PGresult *res = db_exec (db, s_credit_note, 10, params);
    if (!res)
        return -1;
    PQclear (res);
    char key[96];
    snprintf (key, sizeof key, "credit_note:%s", cn_out);
    ledger_result_t posted = inv_post (db, LEDGER_CREDIT_NOTE, key, number, &row, row.amount, at_us, actor, err,
                                       errsize);
    if (posted == LEDGER_REFUSED)
        *code = RPL_INTERNAL; /* a defect: the entry is made here */
    return posted == LEDGER_POSTED ? 0 : -1;
}

ledger_result_t inv_post (db_t *db, ledger_kind_t kind, const char *key, const char *number, const inv_row_t *row,
                          int64_t amount, int64_t at_us, const char *actor, char *err, size_t errsize)
{
    char ref[96];
    snprintf (ref, sizeof ref, "invoice:%s", number);
    ledger_entry_t e = { .key = key,
                         .kind = kind,
                         .debit = kind == LEDGER_CHARGE ? LEDGER_CUSTOMER_RECEIVABLES
                                  : kind == LEDGER_CREDIT_NOTE ? LEDGER_SERVICE_REVENUE
                                                               : LEDGER_CASH,
                         .credit = kind == LEDGER_CHARGE ? LEDGER_SERVICE_REVENUE : LEDGER_CUSTOMER_RECEIVABLES,
                         .amount = amount,
                         .currency = row->currency,
                         .branch_id = row->branch,
                         .party = row->customer,
                         .ref = ref,
                         .at_us = at_us,
                         .actor = actor };
    return ledger_post (db, &e, err, errsize);
}
