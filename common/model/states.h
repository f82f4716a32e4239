/*  states — the one shape of every tracked thing's state machine (ticket,
 *  work order, SLA clock, and those the later services add): a NULL-
 *  terminated list of state names, the enum's order, and a table of the
 *  moves allowed from each state to each other. model/ticket.h and
 *  model/work_order.h are such tables; this module answers the questions
 *  every one of them is asked, so that none answers them its own way.
 *
 *  Set-based SQL moves many rows at once; it is guarded by the same table:
 *  the statement takes the states a move may start from as a parameter
 *  (states_from_sql) and updates only rows in one of them.
 */
#ifndef KEFU_STATES_H
#define KEFU_STATES_H

#include <stdbool.h>
#include <stddef.h>

#define STATES_MAX 16

typedef struct {
    const char *thing;                   /* "ticket", for messages */
    const char *const *names;            /* NULL-terminated, in the enum's order */
    int count;
    const bool (*moves)[STATES_MAX];     /* moves[from][to] */
} states_t;

/*  The state called `name`: 0 with *out set, or -1 when it is none. */
int states_parse (const states_t *table, const char *name, int *out);

/*  True when a thing in state `from` may move to `to` (staying in a state
 *  is no move). */
bool states_can_move (const states_t *table, int from, int to);

/*  The states a move to `to` may start from, as a PostgreSQL text[]
 *  literal ("{unassigned,assigned}") in buf. Returns buf. */
const char *states_from_sql (const states_t *table, int to, char *buf, size_t size);

#endif
