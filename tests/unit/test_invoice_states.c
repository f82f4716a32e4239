/*  invoice_states: the one transition function of an invoice
 *  (services/billing/invoice_states.c): partial and full payments, a
 *  payment above the balance or not above zero, voiding only an invoice
 *  with no payment, nothing out of paid or void. */
#include <stdint.h>

#include "../../services/billing/invoice_states.h"
#include "unit.h"

UNIT_TEST (invoice_payments_move_open_to_partly_paid_to_paid)
{
    inv_state_t to = INV_VOID;
    int64_t paid = -1;
    char err[256] = "";
    UNIT_ASSERT_INT_EQ (inv_transition (INV_OPEN, INVE_PAY, 1000, 0, 400, &to, &paid, err, sizeof err), RPL_OK);
    UNIT_ASSERT (to == INV_PARTLY_PAID && paid == 400);
    UNIT_ASSERT_INT_EQ (inv_transition (to, INVE_PAY, 1000, 400, 300, &to, &paid, err, sizeof err), RPL_OK);
    UNIT_ASSERT (to == INV_PARTLY_PAID && paid == 700);
    UNIT_ASSERT_INT_EQ (inv_transition (to, INVE_PAY, 1000, 700, 300, &to, &paid, err, sizeof err), RPL_OK);
    UNIT_ASSERT (to == INV_PAID && paid == 1000);
    UNIT_ASSERT_INT_EQ (inv_transition (INV_OPEN, INVE_PAY, 1000, 0, 1000, &to, &paid, err, sizeof err), RPL_OK);
    UNIT_ASSERT (to == INV_PAID);
}

UNIT_TEST (invoice_refuses_overpayment_zero_and_moves_out_of_paid_or_void)
{
    inv_state_t to = INV_OPEN;
    int64_t paid = 0;
    char err[256] = "";
    UNIT_ASSERT_INT_EQ (inv_transition (INV_PARTLY_PAID, INVE_PAY, 1000, 700, 301, &to, &paid, err, sizeof err),
                        RPL_INVALID);
    UNIT_ASSERT_STR_EQ (err, "body.amount: 301 is more than the balance of 300");
    UNIT_ASSERT_INT_EQ (inv_transition (INV_OPEN, INVE_PAY, 1000, 0, 0, &to, &paid, err, sizeof err), RPL_INVALID);
    UNIT_ASSERT_STR_EQ (err, "body.amount: 0 is not above zero");
    UNIT_ASSERT_INT_EQ (inv_transition (INV_OPEN, INVE_PAY, INT64_MAX, 0, INT64_MAX, &to, &paid, err, sizeof err),
                        RPL_OK);
    UNIT_ASSERT_INT_EQ (inv_transition (INV_PAID, INVE_PAY, 1000, 1000, 1, &to, &paid, err, sizeof err), RPL_CONFLICT);
    UNIT_ASSERT_STR_EQ (err, "body.number: the invoice is paid");
    UNIT_ASSERT_INT_EQ (inv_transition (INV_VOID, INVE_PAY, 1000, 0, 1, &to, &paid, err, sizeof err), RPL_CONFLICT);
    UNIT_ASSERT_STR_EQ (err, "body.number: the invoice is void");
}

UNIT_TEST (invoice_voids_only_without_payments)
{
    inv_state_t to = INV_OPEN;
    int64_t paid = 0;
    char err[256] = "";
    UNIT_ASSERT_INT_EQ (inv_transition (INV_OPEN, INVE_VOID, 1000, 0, 0, &to, &paid, err, sizeof err), RPL_OK);
    UNIT_ASSERT (to == INV_VOID);
    UNIT_ASSERT_INT_EQ (inv_transition (INV_PARTLY_PAID, INVE_VOID, 1000, 5, 0, &to, &paid, err, sizeof err),
                        RPL_CONFLICT);
    UNIT_ASSERT_STR_EQ (err, "body.number: the invoice has payments (5 received); it cannot be voided");
    UNIT_ASSERT_INT_EQ (inv_transition (INV_PAID, INVE_VOID, 1000, 1000, 0, &to, &paid, err, sizeof err), RPL_CONFLICT);
    UNIT_ASSERT_INT_EQ (inv_transition (INV_VOID, INVE_VOID, 1000, 0, 0, &to, &paid, err, sizeof err), RPL_CONFLICT);
    UNIT_ASSERT_STR_EQ (err, "body.number: the invoice is void");
}
