/*  inspection_states — see inspection_states.h. */
#include "inspection_states.h"

#include <stdio.h>

const char *const insp_state_names[] = { "open", "passed", "failed", NULL };
const char *const lvl_state_names[] = { "waiting", "pending", "passed", "failed", "carried", NULL };

static const bool s_insp_moves[STATES_MAX][STATES_MAX] = {
    [INSP_OPEN] = { [INSP_PASSED] = true, [INSP_FAILED] = true },
};
static const bool s_lvl_moves[STATES_MAX][STATES_MAX] = {
    [LVL_WAITING] = { [LVL_PENDING] = true },
    [LVL_PENDING] = { [LVL_PASSED] = true, [LVL_FAILED] = true },
};

const states_t insp_states = { "inspection", insp_state_names, INSP_STATE_COUNT, s_insp_moves };
const states_t lvl_states = { "inspection level", lvl_state_names, LVL_STATE_COUNT, s_lvl_moves };

int insp_move (const states_t *table, int from, int to, char *err, size_t errsize)
{
    if (states_can_move (table, from, to))
        return 0;
    snprintf (err, errsize, "cannot move an %s from %s to %s", table->thing,
              from >= 0 && from < table->count ? table->names[from] : "?",
              to >= 0 && to < table->count ? table->names[to] : "?");
    return -1;
}
