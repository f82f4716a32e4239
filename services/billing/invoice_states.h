/*  invoice_states — an invoice's one state machine (docs/ledger.md
 *  "Invoices"): open → partly_paid → paid as payments come in; open →
 *  void when it is voided (a credit note balances it). A paid or partly
 *  paid invoice is not voided: its payments would be left without an
 *  invoice; nothing leaves void or paid.
 */
#ifndef KEFU_BILLING_INVOICE_STATES_H
#define KEFU_BILLING_INVOICE_STATES_H

#include <stddef.h>
#include <stdint.h>

#include "model/states.h"
#include "svc/reply.h"

typedef enum { INV_OPEN = 0, INV_PARTLY_PAID, INV_PAID, INV_VOID, INV_STATE_COUNT } inv_state_t;

typedef enum {
    INVE_PAY,  /* a payment of `pay` minor units */
    INVE_VOID, /* voided, balanced by a credit note */
} inv_event_t;

extern const char *const inv_state_names[];
extern const states_t inv_states;

/*  The move of an invoice of `amount` (> 0) with `paid` (0..amount)
 *  received so far, in state from, on event (a payment of `pay`); other
 *  values are refused RPL_INTERNAL. Sets *to and *paid_after, or
 *  refuses with a code (RPL_CONFLICT: the state does not allow it;
 *  RPL_INVALID: the payment is more than the balance or not above zero)
 *  and "body.field: reason" in err. */
rpl_code_t inv_transition (inv_state_t from, inv_event_t event, int64_t amount, int64_t paid, int64_t pay,
                           inv_state_t *to, int64_t *paid_after, char *err, size_t errsize);

#endif
