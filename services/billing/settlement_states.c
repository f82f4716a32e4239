/*  settlement_states — see settlement_states.h. */
#include "settlement_states.h"

#include <stddef.h>

const char *const settlement_state_names[] = {STL_S_PRICED, STL_S_AWAITING_APPROVAL, STL_S_OPEN, STL_S_DISPUTED,
                                              STL_S_ACCEPTED, NULL};

/*  [from][to]. */
static const bool s_moves[STATES_MAX][STATES_MAX] = {
    [STL_PRICED] = {[STL_OPEN] = true},
    [STL_AWAITING_APPROVAL] = {[STL_PRICED] = true, [STL_OPEN] = true},
    [STL_OPEN] = {[STL_DISPUTED] = true, [STL_ACCEPTED] = true},
    [STL_DISPUTED] = {[STL_OPEN] = true},
};

const states_t settlement_states = {"settlement", settlement_state_names, STL_STATE_COUNT, s_moves};

const char *const dispute_state_names[] = {"open", "decided", NULL};

static const bool s_dispute_moves[STATES_MAX][STATES_MAX] = {
    [DSP_OPEN] = {[DSP_DECIDED] = true},
};

const states_t dispute_states = {"dispute", dispute_state_names, DSP_STATE_COUNT, s_dispute_moves};
