/*  sla_clock — an SLA clock's states and the moves between them, one table
 *  (model/states.h) for every statement of the SLA engine that moves
 *  clocks, one at a time or many in one statement: each UPDATE takes the
 *  states its move may start from as a parameter (states_from_sql). The SQL
 *  CHECK on dispatch.sla_clocks.state says the same; a unit test holds
 *  them together.
 *
 *  States:  pending → running ⇄ paused; running or paused → stopped;
 *           running → pending (re-dispatch: it waits for the next
 *           assignment); any started clock → running again (restart on
 *           reopening, which begins it anew).
 */
#ifndef KEFU_SLA_CLOCK_H
#define KEFU_SLA_CLOCK_H

#include "model/states.h"

/*  The states' names as the database stores them, for SQL text. */
#define CLOCK_S_PENDING "pending"
#define CLOCK_S_RUNNING "running"
#define CLOCK_S_PAUSED "paused"
#define CLOCK_S_STOPPED "stopped"

typedef enum {
    CLOCK_PENDING = 0, /* waits for the event it starts on */
    CLOCK_RUNNING,     /* counting towards due_at; warns, breaches, escalates */
    CLOCK_PAUSED,      /* the ticket waits on the customer: remaining time kept */
    CLOCK_STOPPED,     /* its stop event came: met or breached for good */
    CLOCK_STATE_COUNT
} sla_clock_state_t;

/*  The names in the enum's order, NULL-terminated. */
extern const char *const sla_clock_state_names[];

/*  The table of states and moves. */
extern const states_t sla_clock_states;

#endif
