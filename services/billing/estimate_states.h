/*  estimate_states — an estimate's states and the moves between them, one
 *  table (model/states.h) for every statement that moves one. The SQL
 *  CHECK on billing.estimates.status says the same; a unit test holds them
 *  together.
 *
 *  States:  awaiting_finding (a misuse or force-majeure finding waits for a
 *           service advisor) → awaiting_approval (a line is chargeable) or
 *           free (every line is warranty); awaiting_approval → approved (the
 *           customer approved it: name and time recorded). A new diagnosis
 *           is no move: an estimate is made once per work order.
 */
#ifndef KEFU_BILLING_ESTIMATE_STATES_H
#define KEFU_BILLING_ESTIMATE_STATES_H

#include "model/states.h"

#define EST_S_AWAITING_FINDING "awaiting_finding"
#define EST_S_AWAITING_APPROVAL "awaiting_approval"
#define EST_S_APPROVED "approved"
#define EST_S_FREE "free"

typedef enum {
    EST_AWAITING_FINDING = 0,
    EST_AWAITING_APPROVAL,
    EST_APPROVED,
    EST_FREE,
    EST_STATE_COUNT
} estimate_state_t;

extern const char *const estimate_state_names[];
extern const states_t estimate_states;

#endif
