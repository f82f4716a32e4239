/*  test_routes — the message-flow table of docs/architecture.md. */
#include "msg/routes.h"
#include "unit.h"

#include <stddef.h>

static size_t s_count (const char *const *list)
{
    size_t n = 0;
    while (list && list[n])
        n++;
    return n;
}

UNIT_TEST (routes_follow_the_architecture_table)
{
    const char *const *d = routes_for ("ticket.created");
    UNIT_ASSERT (d != NULL);
    UNIT_ASSERT_INT_EQ (s_count (d), 1);
    UNIT_ASSERT_STR_EQ (d[0], "dispatch");
    d = routes_for ("workorder.assigned");
    UNIT_ASSERT_INT_EQ (s_count (d), 1);
    UNIT_ASSERT_STR_EQ (d[0], "intake");
    d = routes_for ("workorder.unassigned");
    UNIT_ASSERT_INT_EQ (s_count (d), 1);
    UNIT_ASSERT_STR_EQ (d[0], "intake");
    d = routes_for ("workorder.done");
    UNIT_ASSERT_INT_EQ (s_count (d), 3);
    UNIT_ASSERT_STR_EQ (d[0], "qc");
    UNIT_ASSERT_STR_EQ (d[2], "billing"); /* the done report priced */
    d = routes_for ("workorder.accepted");
    UNIT_ASSERT_INT_EQ (s_count (d), 3);
    UNIT_ASSERT_STR_EQ (d[1], "callback");
    UNIT_ASSERT_STR_EQ (d[2], "billing"); /* a project's final payment stage, the settlement */
    d = routes_for ("inspection.level_signed");
    UNIT_ASSERT_INT_EQ (s_count (d), 2);
    UNIT_ASSERT_STR_EQ (d[0], "dispatch");
    UNIT_ASSERT_STR_EQ (d[1], "billing"); /* a project's mid-term payment stage */
    d = routes_for ("ticket.updated");
    UNIT_ASSERT_INT_EQ (s_count (d), 2);
    UNIT_ASSERT_STR_EQ (d[0], "dispatch");
    UNIT_ASSERT_STR_EQ (d[1], "callback");
    d = routes_for ("callback.recorded");
    UNIT_ASSERT_INT_EQ (s_count (d), 2);
    UNIT_ASSERT_STR_EQ (d[0], "dispatch");
    UNIT_ASSERT_STR_EQ (d[1], "intake");
    d = routes_for ("callback.scheduled");
    UNIT_ASSERT_INT_EQ (s_count (d), 1);
    UNIT_ASSERT_STR_EQ (d[0], "dispatch");
    d = routes_for ("claim.approved");
    UNIT_ASSERT_INT_EQ (s_count (d), 1);
    UNIT_ASSERT_STR_EQ (d[0], "billing");
    d = routes_for ("workorder.diagnosed");
    UNIT_ASSERT_INT_EQ (s_count (d), 1);
    UNIT_ASSERT_STR_EQ (d[0], "billing");
    d = routes_for ("estimate.pending");
    UNIT_ASSERT_INT_EQ (s_count (d), 1);
    UNIT_ASSERT_STR_EQ (d[0], "dispatch");
    d = routes_for ("estimate.approved");
    UNIT_ASSERT_INT_EQ (s_count (d), 1);
    UNIT_ASSERT_STR_EQ (d[0], "dispatch");
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
