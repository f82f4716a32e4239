/*  settlement_states — a settlement's and a dispute's states and the moves
 *  between them, one table each (model/states.h) for every statement that
 *  moves one. The SQL CHECKs of billing.settlements and billing.disputes
 *  (0036) say the same; a unit test holds them together.
 *
 *  Settlement:  priced (the done report priced within the approved
 *               estimate's share) or awaiting_approval (it overran: a new
 *               approval clears it) → open when the work is accepted (it is
 *               offered to the customer; awaiting_approval → priced, or →
 *               open when the work was accepted meanwhile) → accepted (name,
 *               time, invoice), or disputed → open when decided.
 *  Dispute:     open → decided (per line: upheld or rejected).
 */
#ifndef KEFU_BILLING_SETTLEMENT_STATES_H
#define KEFU_BILLING_SETTLEMENT_STATES_H

#include "model/states.h"

#define STL_S_PRICED "priced"
#define STL_S_AWAITING_APPROVAL "awaiting_approval"
#define STL_S_OPEN "open"
#define STL_S_DISPUTED "disputed"
#define STL_S_ACCEPTED "accepted"

typedef enum {
    STL_PRICED = 0,
    STL_AWAITING_APPROVAL,
    STL_OPEN,
    STL_DISPUTED,
    STL_ACCEPTED,
    STL_STATE_COUNT
} settlement_state_t;

extern const char *const settlement_state_names[];
extern const states_t settlement_states;

typedef enum { DSP_OPEN = 0, DSP_DECIDED, DSP_STATE_COUNT } dispute_state_t;

extern const char *const dispute_state_names[];
extern const states_t dispute_states;

#endif
