/*  routes — who consumes which message type.
 *
 *  The one table of the message flow (docs/architecture.md, "Messages").
 *  bus_emit() writes one outbox row per destination listed here; a type not
 *  in the table has no consumer and emitting it is an error.
 */
#include "routes.h"

#include <stddef.h>
#include <string.h>

typedef struct {
    const char *type;
    const char *const *destinations; /* NULL-terminated */
} s_route_t;

static const char *const s_to_dispatch[] = { "dispatch", NULL };
static const char *const s_to_intake[] = { "intake", NULL };
static const char *const s_to_dispatch_callback[] = { "dispatch", "callback", NULL };
static const char *const s_to_dispatch_intake[] = { "dispatch", "intake", NULL };
static const char *const s_to_billing[] = { "billing", NULL };
static const char *const s_to_dispatch_billing[] = { "dispatch", "billing", NULL };
static const char *const s_to_dispatch_callback_billing[] = { "dispatch", "callback", "billing", NULL };
static const char *const s_to_qc_intake_billing[] = { "qc", "intake", "billing", NULL };

static const s_route_t s_routes[] = {
    { "ticket.created", s_to_dispatch },
    { "ticket.updated", s_to_dispatch_callback },
    { "workorder.assigned", s_to_intake },
    { "workorder.unassigned", s_to_intake },
    { "sla.clock", s_to_intake },
    { "sla.warning", s_to_intake },
    { "sla.escalated", s_to_intake },
    { "workorder.done", s_to_qc_intake_billing },
    { "inspection.failed", s_to_dispatch_intake },
    { "workorder.accepted", s_to_dispatch_callback_billing },
    { "inspection.level_signed", s_to_dispatch_billing },
    { "ticket.work_done", s_to_intake },
    { "callback.scheduled", s_to_dispatch },
    { "callback.recorded", s_to_dispatch_intake },
    { "sla.subject", s_to_dispatch },
    { "claim.approved", s_to_billing },
    { "workorder.diagnosed", s_to_billing },
    { "estimate.pending", s_to_dispatch },
    { "estimate.approved", s_to_dispatch },
};

#define S_ROUTE_COUNT (sizeof s_routes / sizeof s_routes[0])

static const char *const s_types[S_ROUTE_COUNT + 1] = {
    "ticket.created",
    "ticket.updated",
    "workorder.assigned",
    "workorder.unassigned",
    "sla.clock",
    "sla.warning",
    "sla.escalated",
    "workorder.done",
    "inspection.failed",
    "workorder.accepted",
    "inspection.level_signed",
    "ticket.work_done",
    "callback.scheduled",
    "callback.recorded",
    "sla.subject",
    "claim.approved",
    "workorder.diagnosed",
    "estimate.pending",
    "estimate.approved",
    NULL,
};

const char *const *routes_for (const char *type)
{
    if (!type)
        return NULL;
    for (size_t i = 0; i < S_ROUTE_COUNT; i++)
        if (strcmp (s_routes[i].type, type) == 0)
            return s_routes[i].destinations;
    return NULL;
}

const char *const *routes_types (void)
{
    return s_types;
}
