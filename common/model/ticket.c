/*  ticket — see ticket.h. */
#include "model/ticket.h"

#include <assert.h>
#include <string.h>

#include "model/states.h"

const char *const ticket_state_names[] = { TICKET_S_OPEN, TICKET_S_UNASSIGNED, TICKET_S_ASSIGNED,
                                           TICKET_S_RESOLVED, TICKET_S_CLOSED, NULL };

/*  [from][to]: the allowed moves. Reopening starts over at open; dispatch's
 *  messages move an open ticket between unassigned and assigned. */
static const bool s_moves[STATES_MAX][STATES_MAX] = {
    [TICKET_OPEN] = { [TICKET_UNASSIGNED] = true, [TICKET_ASSIGNED] = true, [TICKET_RESOLVED] = true,
                      [TICKET_CLOSED] = true },
    [TICKET_UNASSIGNED] = { [TICKET_ASSIGNED] = true, [TICKET_RESOLVED] = true, [TICKET_CLOSED] = true },
    [TICKET_ASSIGNED] = { [TICKET_UNASSIGNED] = true, [TICKET_RESOLVED] = true, [TICKET_CLOSED] = true },
    [TICKET_RESOLVED] = { [TICKET_OPEN] = true, [TICKET_CLOSED] = true },
    [TICKET_CLOSED] = { [TICKET_OPEN] = true },
};

const states_t ticket_states = { "ticket", ticket_state_names, TICKET_STATE_COUNT, s_moves };

#define P TICKET_EV_PERSON
#define O TICKET_EV_ONCE
#define W TICKET_EV_WORK_ORDER
#define S TICKET_EV_SLA
const ticket_event_t ticket_events[] = {
    /* in the order people meet them; ticket_created, work_order_created and
     * work_order_assigned are recorded by the services themselves */
    { "ticket_created", S },
    { "first_reply", P | O | S },
    { "marked_complex", P | O | S },
    { "plan_sent", P | O | S },
    { "work_order_created", S },
    { "work_order_assigned", S },
    { "work_order_arranged", P | O | W | S },
    { "call_centre_checked", P | O | W | S },
    { "technician_arrived", P | O | W | S },
    { "work_order_completed", P | O | W | S },
    { "ticket_resolved", P | S },
    { "complaint_decided", P | O | S },
    { "callback_done", P | O | S },
    { "ticket_reopened", P | S },
    { "ticket_closed", P | S },
    { "paused", P },
    { "resumed", P },
    { "escalation_acknowledged", P },
    { NULL, 0 },
};
#undef P
#undef O
#undef W
#undef S

#define S_EVENT_COUNT (sizeof ticket_events / sizeof ticket_events[0] - 1)

const ticket_event_t *ticket_event_find (const char *name)
{
    for (size_t i = 0; name && i < S_EVENT_COUNT; i++)
        if (strcmp (ticket_events[i].name, name) == 0)
            return &ticket_events[i];
    return NULL;
}

bool ticket_event_is (const char *name, unsigned flags)
{
    const ticket_event_t *ev = ticket_event_find (name);
    return ev && (ev->flags & flags) == flags;
}

const char *const *ticket_event_names (unsigned flags)
{
    /* one list per combination of the four flags, filled on first use */
    static const char *lists[16][S_EVENT_COUNT + 1];
    static bool filled[16];
    assert (flags < 16);
    if (!filled[flags]) {
        size_t n = 0;
        for (size_t i = 0; i < S_EVENT_COUNT; i++)
            if ((ticket_events[i].flags & flags) == flags)
                lists[flags][n++] = ticket_events[i].name;
        lists[flags][n] = NULL;
        filled[flags] = true;
    }
    return lists[flags];
}
