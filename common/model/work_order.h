/*  work_order — a work order's states and the moves between them, one
 *  table (model/states.h) for every statement that moves one: dispatch's
 *  assignment and re-dispatch, and the completion a person records. The
 *  SQL CHECK on dispatch.work_orders.status says the same; a unit test
 *  holds them together.
 *
 *  States:  unassigned ⇄ assigned → completed (the done report) →
 *           accepted (its inspection passed) or rework (its inspection
 *           failed: a rework order follows); unassigned or assigned →
 *           cancelled; assigned ⇄ awaiting_approval (billing's estimate
 *           waits for the customer's approval, docs/billing.md), which may
 *           also be cancelled. A ticket may have several: a first visit, reworks,
 *           revisits after reopening (docs/dispatch.md "Several work orders").
 */
#ifndef KEFU_WORK_ORDER_H
#define KEFU_WORK_ORDER_H

#include <stdbool.h>

#include "model/states.h"

/*  The states' names as the database stores them, for SQL text. */
#define WO_S_UNASSIGNED "unassigned"
#define WO_S_ASSIGNED "assigned"
#define WO_S_COMPLETED "completed"
#define WO_S_ACCEPTED "accepted"
#define WO_S_REWORK "rework"
#define WO_S_CANCELLED "cancelled"
#define WO_S_AWAITING_APPROVAL "awaiting_approval"

typedef enum {
    WO_UNASSIGNED = 0, /* waits for a technician (unassigned_reason says why) */
    WO_ASSIGNED, /* a technician has it: it counts in their load */
    WO_COMPLETED, /* the technician reported it done: inspection follows */
    WO_ACCEPTED, /* its inspection passed */
    WO_REWORK, /* its inspection failed: a rework order was sent */
    WO_CANCELLED, /* no longer wanted */
    WO_AWAITING_APPROVAL, /* its estimate waits for the customer: not in the technician's load */
    WO_STATE_COUNT
} work_order_state_t;

/*  The names in the enum's order, NULL-terminated. */
extern const char *const work_order_state_names[];

/*  The table of states and moves (model/states.h: states_parse,
 *  states_can_move, states_from_sql for SQL guards). */
extern const states_t work_order_states;

#endif
