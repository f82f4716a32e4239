/*  invoice_states — see invoice_states.h. */
#include "invoice_states.h"

#include <inttypes.h>
#include <stdbool.h>

#include "base/err.h"
#include "base/money.h"

const char *const inv_state_names[] = { "open", "partly_paid", "paid", "void", NULL };

/*  [from][to] */
static const bool s_moves[STATES_MAX][STATES_MAX] = {
    [INV_OPEN] = { [INV_PARTLY_PAID] = true, [INV_PAID] = true, [INV_VOID] = true },
    [INV_PARTLY_PAID] = { [INV_PARTLY_PAID] = true, [INV_PAID] = true },
};

const states_t inv_states = { "invoice", inv_state_names, INV_STATE_COUNT, s_moves };

rpl_code_t inv_transition (inv_state_t from, inv_event_t event, int64_t amount, int64_t paid, int64_t pay,
                           inv_state_t *to, int64_t *paid_after, char *err, size_t errsize)
{
    /* what the database holds (0028's checks); anything else is a defect */
    if ((int) from < 0 || from >= INV_STATE_COUNT || amount <= 0 || paid < 0 || paid > amount) {
        err_set (err, errsize, "invoice: state or amounts out of range");
        return RPL_INTERNAL;
    }
    inv_state_t next = from;
    int64_t after = paid;
    if (event == INVE_VOID) {
        next = INV_VOID;
        if (from == INV_PARTLY_PAID) {
            err_set (err, errsize, "body.number: the invoice has payments (%" PRId64 " received); it cannot be voided",
                     paid);
            return RPL_CONFLICT;
        }
    }
    else {
        if (pay <= 0) {
            err_set (err, errsize, "body.amount: %" PRId64 " is not above zero", pay);
            return RPL_INVALID;
        }
        if (from == INV_OPEN || from == INV_PARTLY_PAID) {
            int64_t balance = amount - paid;
            if (pay > balance || !money_add (paid, pay, &after)) {
                err_set (err, errsize, "body.amount: %" PRId64 " is more than the balance of %" PRId64, pay, balance);
                return RPL_INVALID;
            }
            next = after == amount ? INV_PAID : INV_PARTLY_PAID;
        }
    }
    if (!states_can_move (&inv_states, from, next)) {
        err_set (err, errsize, "body.number: the invoice is %s", inv_state_names[from]);
        return RPL_CONFLICT;
    }
    *to = next;
    *paid_after = after;
    return RPL_OK;
}
