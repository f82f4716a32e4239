/*  ticket — see ticket.h. */
#include "model/ticket.h"

#include <assert.h>
#include <string.h>

const char *const ticket_state_names[] = { "open", "unassigned", "assigned", "resolved", "closed", NULL };

/*  [from][to]: the allowed moves. Reopening starts over at open; dispatch's
 *  messages move an open ticket between unassigned and assigned. */
static const bool s_moves[TICKET_STATE_COUNT][TICKET_STATE_COUNT] = {
    [TICKET_OPEN] = { [TICKET_UNASSIGNED] = true, [TICKET_ASSIGNED] = true, [TICKET_RESOLVED] = true,
                      [TICKET_CLOSED] = true },
    [TICKET_UNASSIGNED] = { [TICKET_ASSIGNED] = true, [TICKET_RESOLVED] = true, [TICKET_CLOSED] = true },
    [TICKET_ASSIGNED] = { [TICKET_UNASSIGNED] = true, [TICKET_RESOLVED] = true, [TICKET_CLOSED] = true },
    [TICKET_RESOLVED] = { [TICKET_OPEN] = true, [TICKET_CLOSED] = true },
    [TICKET_CLOSED] = { [TICKET_OPEN] = true },
};

int ticket_state_parse (const char *name, ticket_state_t *out)
{
    assert (out);
    for (int s = 0; name && s < TICKET_STATE_COUNT; s++)
        if (strcmp (name, ticket_state_names[s]) == 0) {
            *out = (ticket_state_t) s;
            return 0;
        }
    return -1;
}

bool ticket_can_move (ticket_state_t from, ticket_state_t to)
{
    assert (from >= 0 && from < TICKET_STATE_COUNT && to >= 0 && to < TICKET_STATE_COUNT);
    return s_moves[from][to];
}

const char *ticket_moves_to_sql (ticket_state_t to)
{
    assert (to >= 0 && to < TICKET_STATE_COUNT);
    static char sql[TICKET_STATE_COUNT][96];
    if (!sql[to][0]) {
        size_t n = 0;
        sql[to][n++] = '{';
        for (int from = 0; from < TICKET_STATE_COUNT; from++) {
            if (!s_moves[from][to])
                continue;
            size_t len = strlen (ticket_state_names[from]);
            if (n > 1)
                sql[to][n++] = ',';
            memcpy (sql[to] + n, ticket_state_names[from], len);
            n += len;
        }
        sql[to][n++] = '}';
        sql[to][n] = '\0';
    }
    return sql[to];
}

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
