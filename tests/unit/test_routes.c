/*  test_routes — the message-flow table of docs/architecture.md. */
#include "msg/routes.h"
#include "unit.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

static size_t s_count (const char *const *list)
{
    size_t n = 0;
    while (list && list[n])
        n++;
    return n;
}

/*  The destinations of `type`, comma-separated, into out ("" for none). */
static const char *s_joined (const char *type, char *out, size_t size)
{
    const char *const *d = routes_for (type);
    out[0] = '\0';
    for (size_t i = 0; d && d[i]; i++)
        snprintf (out + strlen (out), size - strlen (out), "%s%s", i ? "," : "", d[i]);
    return out;
}

UNIT_TEST (routes_follow_the_architecture_table)
{
    static const struct {
        const char *type, *destinations;
    } table[] = {
        { "ticket.created", "dispatch" },
        { "workorder.assigned", "intake" },
        { "workorder.unassigned", "intake" },
        { "workorder.done", "qc,intake,billing" },                /* billing: the done report priced */
        { "workorder.accepted", "dispatch,callback,billing" },    /* billing: the settlement, a final stage */
        { "inspection.level_signed", "dispatch,billing" },        /* billing: a project's mid-term stage */
        { "ticket.updated", "dispatch,callback" },
        { "callback.recorded", "dispatch,intake" },
        { "callback.scheduled", "dispatch" },
        { "claim.approved", "billing" },
        { "workorder.diagnosed", "billing" },
        { "estimate.pending", "dispatch" },
        { "estimate.approved", "dispatch" },
    };
    char got[128];
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        UNIT_ASSERT_STR_EQ (s_joined (table[i].type, got, sizeof got), table[i].destinations);
}

UNIT_TEST (routes_unknown_types_have_no_consumer)
{
    UNIT_ASSERT (routes_for (NULL) == NULL);
    UNIT_ASSERT (routes_for ("") == NULL);
    UNIT_ASSERT (routes_for ("ticket.deleted") == NULL);
    UNIT_ASSERT (routes_for ("Ticket.Created") == NULL);
    UNIT_ASSERT (routes_for ("ticket.created ") == NULL);
    UNIT_ASSERT (routes_for ("ticket") == NULL);
}

UNIT_TEST (routes_types_lists_every_routed_type_once)
{
    const char *const *types = routes_types ();
    UNIT_ASSERT (types != NULL);
    size_t n = s_count (types);
    UNIT_ASSERT_INT_EQ (n, 19);
    for (size_t i = 0; i < n; i++) {
        UNIT_ASSERT (routes_for (types[i]) != NULL);
        UNIT_ASSERT (s_count (routes_for (types[i])) >= 1);
        for (size_t k = i + 1; k < n; k++)
            UNIT_ASSERT (strcmp (types[i], types[k]) != 0);
    }
    bool created = false, updated = false, assigned = false, unassigned = false, sla = false;
    for (size_t i = 0; i < n; i++) {
        created |= strcmp (types[i], "ticket.created") == 0;
        updated |= strcmp (types[i], "ticket.updated") == 0;
        assigned |= strcmp (types[i], "workorder.assigned") == 0;
        unassigned |= strcmp (types[i], "workorder.unassigned") == 0;
        sla |= strcmp (types[i], "sla.escalated") == 0;
    }
    UNIT_ASSERT (created && updated && assigned && unassigned && sla);
}
