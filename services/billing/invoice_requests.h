/*  invoice_requests — the requests on invoices and payments (docs/ledger.md
 *  "Requests"): invoice.issue (a manual invoice), invoice.get,
 *  invoice.list, invoice.void, payment.record. Each is a row of billing.c's
 *  request table; app is the ledger_app_t.
 */
#ifndef KEFU_BILLING_INVOICE_REQUESTS_H
#define KEFU_BILLING_INVOICE_REQUESTS_H

#include "ledger_app.h"

LEDGER_REQUEST (inv_rq_issue);
LEDGER_REQUEST (inv_rq_get);
LEDGER_REQUEST (inv_rq_list);
LEDGER_REQUEST (inv_rq_void);
LEDGER_REQUEST (inv_rq_pay);

#endif
