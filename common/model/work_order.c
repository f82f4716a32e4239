/*  work_order — see work_order.h. */
#include "model/work_order.h"

#include "model/states.h"

const char *const work_order_state_names[] = {WO_S_UNASSIGNED,        WO_S_ASSIGNED, WO_S_COMPLETED,
                                              WO_S_ACCEPTED,          WO_S_REWORK,   WO_S_CANCELLED,
                                              WO_S_AWAITING_APPROVAL, NULL};

/*  [from][to]. Re-dispatch takes an order back from its technician. */
static const bool s_moves[STATES_MAX][STATES_MAX] = {
    [WO_UNASSIGNED] = {[WO_ASSIGNED] = true, [WO_CANCELLED] = true},
    [WO_ASSIGNED] =
        {[WO_UNASSIGNED] = true, [WO_COMPLETED] = true, [WO_CANCELLED] = true, [WO_AWAITING_APPROVAL] = true},
    [WO_AWAITING_APPROVAL] = {[WO_ASSIGNED] = true, [WO_CANCELLED] = true},
    [WO_COMPLETED] = {[WO_ACCEPTED] = true, [WO_REWORK] = true},
};

const states_t work_order_states = {"work order", work_order_state_names, WO_STATE_COUNT, s_moves};
