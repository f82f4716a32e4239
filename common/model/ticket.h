/*  ticket — a ticket's states, the moves between them that are allowed,
 *  and the events recorded on it: one table each, read by every program
 *  that names them (intake performs the moves, dispatch's SLA engine starts
 *  and stops clocks on the events, kefuctl offers them). The JSON Schemas
 *  (schemas/requests/ticket.event.v1.json, schemas/messages/ticket.updated.v1.json)
 *  and the SQL CHECK on intake.tickets.status say the same; unit tests hold
 *  them to these tables.
 *
 *  States:  open → unassigned ⇄ assigned → resolved → closed, with
 *           resolved or closed → open (reopened), and any open state →
 *           resolved or closed.
 */
#ifndef KEFU_TICKET_H
#define KEFU_TICKET_H

#include <stdbool.h>
#include <stddef.h>

#include "model/states.h"

/*  The states' names, as the database stores them: SQL text that names a
 *  state uses these ("status <> '" TICKET_S_CLOSED "'"). */
#define TICKET_S_OPEN "open"
#define TICKET_S_UNASSIGNED "unassigned"
#define TICKET_S_ASSIGNED "assigned"
#define TICKET_S_RESOLVED "resolved"
#define TICKET_S_CLOSED "closed"

typedef enum {
    TICKET_OPEN = 0,    /* taken in; no work order, or none needed */
    TICKET_UNASSIGNED,  /* its work order waits for a technician */
    TICKET_ASSIGNED,    /* its work order has a technician */
    TICKET_RESOLVED,    /* the problem is solved; the callback follows */
    TICKET_CLOSED,      /* done; only reopening moves it again */
    TICKET_STATE_COUNT
} ticket_state_t;

/*  "open", "unassigned", "assigned", "resolved", "closed", NULL. */
extern const char *const ticket_state_names[];

/*  The table of states and moves (model/states.h: states_parse,
 *  states_can_move, states_from_sql for SQL guards). */
extern const states_t ticket_states;

/*  What an event is. */
enum {
    TICKET_EV_PERSON = 1 << 0,     /* recorded by people (ticket.event, kefuctl event) */
    TICKET_EV_ONCE = 1 << 1,       /* at most once until the ticket is reopened */
    TICKET_EV_WORK_ORDER = 1 << 2, /* needs a work order assigned to a technician */
    TICKET_EV_SLA = 1 << 3,        /* SLA clocks may start or stop on it (sla.yaml) */
};

typedef struct {
    const char *name;
    unsigned flags;
} ticket_event_t;

/*  Every event, NULL-terminated by a row with name NULL. */
extern const ticket_event_t ticket_events[];

/*  The row of the event called `name`, or NULL. */
const ticket_event_t *ticket_event_find (const char *name);

/*  True when `name` is an event with every one of `flags`. */
bool ticket_event_is (const char *name, unsigned flags);

/*  The names of the events that have every one of `flags`, in table order,
 *  NULL-terminated (static storage, the same on every call). */
const char *const *ticket_event_names (unsigned flags);

#endif
