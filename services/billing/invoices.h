/*  invoices — an invoice issued for an accepted settlement, a project's
 *  stage, or by finance by hand; its void, balanced by a credit note
 *  (docs/ledger.md "Invoices"). Each books its ledger entry in the
 *  caller's transaction: the invoice a LEDGER_CHARGE (customer
 *  receivables ← service revenue), the credit note a LEDGER_CREDIT_NOTE
 *  (the other way).
 *
 *  Jobs calls inv_issue inside the transaction that accepts a
 *  settlement; the number is the branch's next of the year, gap-free
 *  (invoice_number.h).
 */
#ifndef KEFU_BILLING_INVOICES_H
#define KEFU_BILLING_INVOICES_H

#include <stdint.h>

#include "db/db.h"
#include "invoice_number.h"
#include "ledger.h"
#include "svc/reply.h"

typedef struct {
    const char *branch_id;   /* whose books and number series */
    const char *customer_id; /* ref.customers */
    const char *source;      /* what it invoices, unique: "settlement:<id>"; NULL: made from settlement_id */
    int64_t settlement_id;   /* 0: none */
    int64_t work_order_id;   /* 0: none */
    int64_t ticket_id;       /* 0: none */
    const char *description; /* what is invoiced; NULL: none */
    int64_t amount;          /* the lines' total, minor units, > 0 */
    const char *currency;    /* ISO 4217 */
    int64_t at_us;           /* the time of issue (its year numbers it) */
    const char *actor;       /* the principal, or "system" */
} inv_request_t;

typedef enum {
    INV_ISSUED = 0, /* a new invoice */
    INV_ALREADY,    /* the source was invoiced before: its number and id */
    INV_REFUSED,    /* invalid (err: "field: reason") */
    INV_DB_FAILED,  /* the database refused: db_error(db) */
} inv_result_t;

/*  Issues the invoice inside the caller's open transaction: its number in
 *  number_out (INV_NUMBER_SIZE), its id in *id_out (may be NULL). The
 *  transaction must act for the branch (or every branch: a message
 *  handler) and sees the customer through ref.customers. On INV_REFUSED or
 *  INV_DB_FAILED the caller rolls back (a number may have been taken). */
inv_result_t inv_issue (db_t *db, const inv_request_t *req, char *number_out, int64_t *id_out, char *err,
                        size_t errsize);

/*  Voids invoice `number` with reason inside the caller's transaction:
 *  a credit note numbered in its own series (number into cn_out,
 *  INV_NUMBER_SIZE), the invoice's status void. Returns 0, or -1: refused
 *  with *code set (RPL_NOT_FOUND; RPL_CONFLICT: paid, partly paid or void
 *  already) and err "body.field: reason", or a database failure with *code
 *  left RPL_OK (svc_request_tx's convention). */
int inv_void (db_t *db, const char *number, const char *reason, int64_t at_us, const char *actor, char *cn_out,
              rpl_code_t *code, char *err, size_t errsize);

/*  Locks invoice `number` (FOR UPDATE) and reads what a payment or a void
 *  needs. Returns 1 found, 0 not found (or not visible), -1 db failure. */
typedef struct {
    int64_t id, amount, paid;
    int state; /* inv_state_t */
    char branch[40], currency[8], customer[72];
} inv_row_t;
int inv_lock (db_t *db, const char *number, inv_row_t *row);

/*  Posts the ledger entry of a movement of invoice `number` (row: its
 *  branch, customer and currency): LEDGER_CHARGE (receivables ← revenue),
 *  LEDGER_CREDIT_NOTE (revenue ← receivables) or LEDGER_PAYMENT (cash ←
 *  receivables), under key, its ref "invoice:<number>". */
ledger_result_t inv_post (db_t *db, ledger_kind_t kind, const char *key, const char *number, const inv_row_t *row,
                          int64_t amount, int64_t at_us, const char *actor, char *err, size_t errsize);

#endif
