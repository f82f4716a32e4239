/*  invoice_read — see invoice_read.h. */
#include "invoice_read.h"

#include <inttypes.h>
#include <stdio.h>

#include "ledger_rows.h"

#define S_COLUMNS                                                                                          \
    "SELECT i.number, i.branch_id AS branch, i.customer_id, c.name AS customer_name, i.settlement_id,"    \
    "  i.work_order_id, i.ticket_id, i.description, i.amount, i.currency, i.paid,"                        \
    "  CASE WHEN i.status = 'void' THEN 0 ELSE i.amount - i.paid END AS balance, i.status,"               \
    "  " DB_EPOCH_US ("i.issued_at") " AS issued_at, i.issued_by, cn.number AS credit_note, s.stage,"       \
    "  i.id AS id"                                                                                         \
    " FROM billing.invoices i LEFT JOIN ref.customers c ON c.id = i.customer_id"                          \
    " LEFT JOIN billing.credit_notes cn ON cn.invoice_id = i.id"                                          \
    " LEFT JOIN billing.payment_stages s ON s.invoice_id = i.id"

int inv_read (db_t *db, const char *number, cJSON **out)
{
    *out = NULL;
    const char *params[] = { number };
    PGresult *res = db_exec (db, S_COLUMNS " WHERE i.number = $1", 1, params);
    if (!res)
        return -1;
    if (PQntuples (res) != 1) {
        PQclear (res);
        return 0;
    }
    cJSON *doc = ledger_row_json (res, 0);
    PQclear (res);
    cJSON *id = doc ? cJSON_DetachItemFromObjectCaseSensitive (doc, "id") : NULL;
    char id_text[24];
    snprintf (id_text, sizeof id_text, "%" PRId64, id ? (int64_t) id->valuedouble : 0);
    cJSON_Delete (id);
    const char *p[] = { id_text };
    res = doc ? db_exec (db,
                         "SELECT reference, amount, currency, " DB_EPOCH_US ("received_at") " AS received_at,"
                         " recorded_by FROM billing.payments WHERE invoice_id = $1::bigint ORDER BY id",
                         1, p)
              : NULL;
    bool ok = res && ledger_rows_add (doc, "payments", res);
    PQclear (res);
    if (!ok) {
        cJSON_Delete (doc);
        return -1;
    }
    *out = doc;
    return 1;
}

int inv_list (db_t *db, const inv_filter_t *f, cJSON **out)
{
    char ticket[24];
    snprintf (ticket, sizeof ticket, "%" PRId64, f->ticket_id);
    const char *params[] = { f->branch, f->status, f->customer_id, ticket, cur_page_fetch (f->page),
                             cur_page_key (f->page), cur_page_id (f->page) };
    PGresult *res = db_exec (db,
                             S_COLUMNS " WHERE ($1::text IS NULL OR i.branch_id = $1)"
                                       "   AND ($2::text IS NULL OR i.status = $2"
                                       "        OR ($2 = 'unpaid' AND i.status IN ('open', 'partly_paid')))"
                                       "   AND ($3::text IS NULL OR i.customer_id = $3)"
                                       "   AND ($4::bigint = 0 OR i.ticket_id = $4::bigint)"
                                       /* after the cursor's invoice ($6 issued_at in us, $7 id) */
                                       "   AND ($6::bigint IS NULL OR (i.issued_at, i.id) < (" CUR_SQL_US ("$6")
                                       ", $7::bigint))"
                                       " ORDER BY i.issued_at DESC, i.id DESC LIMIT $5::int",
                             7, params);
    if (!res)
        return -1;
    cJSON *doc = cJSON_CreateObject ();
    cJSON *list = doc ? ledger_rows_add (doc, "invoices", res) : NULL;
    int fetched = PQntuples (res);
    if (list && fetched > cur_page_rows (f->page, fetched)) /* the extra row: a next page follows */
        cJSON_DeleteItemFromArray (list, fetched - 1);
    if (list && cur_page_next_row (f->page, doc, res, 13, 17) != 0)
        list = NULL;
    PQclear (res);
    cJSON *item;
    cJSON_ArrayForEach (item, list)
        cJSON_DeleteItemFromObjectCaseSensitive (item, "id");
    if (!list) {
        cJSON_Delete (doc);
        return -1;
    }
    *out = doc;
    return 0;
}
