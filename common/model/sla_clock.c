/*  sla_clock — see sla_clock.h. */
#include "model/sla_clock.h"

#include <stddef.h>

const char *const sla_clock_state_names[] = { CLOCK_S_PENDING, CLOCK_S_RUNNING, CLOCK_S_PAUSED,
                                              CLOCK_S_STOPPED, NULL };

/*  [from][to]. running → running is a restart: the clock begins anew. */
static const bool s_moves[STATES_MAX][STATES_MAX] = {
    [CLOCK_PENDING] = { [CLOCK_RUNNING] = true },
    [CLOCK_RUNNING] = { [CLOCK_PENDING] = true, [CLOCK_RUNNING] = true, [CLOCK_PAUSED] = true,
                        [CLOCK_STOPPED] = true },
    [CLOCK_PAUSED] = { [CLOCK_RUNNING] = true, [CLOCK_STOPPED] = true },
    [CLOCK_STOPPED] = { [CLOCK_RUNNING] = true },
};

const states_t sla_clock_states = { "SLA clock", sla_clock_state_names, CLOCK_STATE_COUNT, s_moves };
