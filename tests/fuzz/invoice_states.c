/*  fuzz target "invoice_states": an invoice's one transition function
 *  (services/billing/invoice_states.c) with any state, event and amounts,
 *  including those the database never holds (negative, past the amount,
 *  at the int64 edges).
 *
 *  Beyond "no crash" (UBSan: no signed overflow): a move it allows keeps
 *  0 <= paid <= amount, adds exactly the payment, ends paid exactly when
 *  the balance reaches zero, and is a move of the state table; a refusal
 *  names a field of the request.
 */
#include "fuzz.h"
#include "../../services/billing/invoice_states.h"

static void fuzz_setup (void)
{
}

static int64_t s_int64 (const uint8_t *data)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | data[i];
    return (int64_t) v;
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (size < 26)
        return 0;
    inv_state_t from = (inv_state_t) (data[0] % INV_STATE_COUNT);
    inv_event_t event = data[1] % 2 ? INVE_VOID : INVE_PAY;
    int64_t amount = s_int64 (data + 2), paid = s_int64 (data + 10), pay = s_int64 (data + 18);
    inv_state_t to = INV_STATE_COUNT;
    int64_t after = -1;
    char err[256] = "";
    rpl_code_t code = inv_transition (from, event, amount, paid, pay, &to, &after, err, sizeof err);
    if (code != RPL_OK) {
        FUZZ_CHECK (strncmp (err, "body.", 5) == 0 || strncmp (err, "invoice:", 8) == 0, "refusal: %s", err);
        return 0;
    }
    FUZZ_CHECK (states_can_move (&inv_states, from, to), "%d -> %d", (int) from, (int) to);
    if (event == INVE_VOID) {
        FUZZ_CHECK (to == INV_VOID && after == paid, "void to %d", (int) to);
        return 0;
    }
    FUZZ_CHECK (pay > 0 && after - pay == paid, "paid %lld + %lld = %lld", (long long) paid, (long long) pay,
                (long long) after);
    FUZZ_CHECK (after >= 0 && after <= amount, "paid %lld of %lld", (long long) after, (long long) amount);
    FUZZ_CHECK ((to == INV_PAID) == (after == amount), "state %d with %lld of %lld", (int) to, (long long) after,
                (long long) amount);
    return 0;
}
