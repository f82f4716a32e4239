/*  invoice_read — an invoice as its requests answer it (docs/ledger.md
 *  "invoice.get"): number, branch, customer (id and name, never the
 *  address), what it invoices, amount, paid, balance, status, its credit
 *  note, its project stage, and (for one invoice) every payment. The
 *  balance is the amount less what was paid, 0 once void.
 */
#ifndef KEFU_BILLING_INVOICE_READ_H
#define KEFU_BILLING_INVOICE_READ_H

#include "db/cursor.h"
#include <cjson/cJSON.h>
#include <stdint.h>

#include "db/db.h"

/*  Invoice `number` with its payments into *out. Returns 1, 0 when there is
 *  none the transaction sees, -1 on a database failure or out of memory. */
int inv_read (db_t *db, const char *number, cJSON **out);

typedef struct {
    const char *branch;      /* NULL: every branch the caller sees */
    const char *status;      /* NULL: any; "unpaid": open or partly paid */
    const char *customer_id; /* NULL: any */
    int64_t ticket_id;       /* 0: any */
    int64_t limit;
    const cur_page_t *page;  /* the page: after its cursor, if any; limit is the page's */
} inv_filter_t;

/*  The invoices that match, newest first, into *out ({"invoices": […]},
 *  with next_cursor when more follow).
 *  Returns 0, or -1 on a database failure or out of memory. */
int inv_list (db_t *db, const inv_filter_t *filter, cJSON **out);

#endif
