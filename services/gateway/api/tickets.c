/*  tickets — the REST operations of this area (route.h). */
#include "../route.h"

#include <stddef.h>

const gw_route_t gw_routes_tickets[] = {
    { GW_GET, "/api/v1/tickets", "intake", "ticket.list", GW_QUERY | GW_PAGED, NULL },
    { GW_POST, "/api/v1/tickets", "intake", "ticket.submit", GW_BODY | GW_IDEMPOTENT | GW_CREATED, NULL },
    { GW_GET, "/api/v1/tickets/{ticket_id}", "intake", "ticket.get", 0, NULL },
    { 0, NULL, NULL, NULL, 0, NULL },
};
