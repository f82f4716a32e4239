/*  payments — a payment received against an invoice (docs/ledger.md
 *  "Payments"). The receipt's reference (the bank's, WeChat's, the cash
 *  receipt's) identifies it: recording the same reference again records
 *  nothing new and says so. Partial payments are allowed; more than the
 *  balance is not. Each books a LEDGER_PAYMENT (cash ← customer
 *  receivables), key "payment:<reference>", in the same transaction.
 */
#ifndef KEFU_BILLING_PAYMENTS_H
#define KEFU_BILLING_PAYMENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "svc/reply.h"

typedef struct {
    const char *number;    /* the invoice */
    const char *reference; /* the receipt's reference, 1-64 characters */
    int64_t amount;        /* minor units, > 0 */
    const char *currency;  /* must be the invoice's */
    int64_t at_us;         /* when it was received */
    const char *actor;
} pay_request_t;

typedef struct {
    bool duplicate;     /* the reference was recorded before: nothing new */
    int64_t invoice_id;
    int64_t amount;     /* the invoice's */
    int64_t paid;       /* received so far, this one included */
    int state;          /* inv_state_t after it */
    bool now_paid;      /* this payment paid the invoice in full */
} pay_outcome_t;

/*  Records the payment inside the caller's transaction. Returns 0, or -1:
 *  refused with *code set (RPL_INVALID, RPL_NOT_FOUND, RPL_CONFLICT) and
 *  err "body.field: reason", or a database failure (*code left RPL_OK). */
int pay_record (db_t *db, const pay_request_t *r, pay_outcome_t *out, rpl_code_t *code, char *err,
                size_t errsize);

#endif
