/*  estimate_states — see estimate_states.h. */
#include "estimate_states.h"

#include <stddef.h>

const char *const estimate_state_names[] = {EST_S_AWAITING_FINDING, EST_S_AWAITING_APPROVAL, EST_S_APPROVED,
                                            EST_S_FREE, NULL};

/*  [from][to]. */
static const bool s_moves[STATES_MAX][STATES_MAX] = {
    [EST_AWAITING_FINDING] = {[EST_AWAITING_APPROVAL] = true, [EST_FREE] = true},
    [EST_AWAITING_APPROVAL] = {[EST_APPROVED] = true},
};

const states_t estimate_states = {"estimate", estimate_state_names, EST_STATE_COUNT, s_moves};
