/*  tickets — the REST operations of tickets, customers and screen pops
 *  (route.h; docs/gateway.md "Tickets", "Customers and screen pops").
 *  intake answers them all.
 *
 *  A ticket's history is read with the ticket (GET /api/v1/tickets/{ticket_id},
 *  its `history`); POST …/events records one more event. Writes that make
 *  something take an Idempotency-Key, so a client's retry never makes it
 *  twice.
 */
#include "../route.h"

#include <stddef.h>

const gw_route_t gw_routes_tickets[] = {
    { GW_GET, "/api/v1/tickets", "intake", "ticket.list", GW_QUERY | GW_PAGED, NULL },
    { GW_POST, "/api/v1/tickets", "intake", "ticket.submit", GW_BODY | GW_IDEMPOTENT | GW_CREATED, NULL },
    { GW_GET, "/api/v1/tickets/{ticket_id}", "intake", "ticket.get", 0, NULL },
    { GW_POST, "/api/v1/tickets/{ticket_id}/events", "intake", "ticket.event",
      GW_BODY | GW_IDEMPOTENT | GW_CREATED, NULL },
    /* the look-up by phone or name, and the phone system's screen pops:
       a number only ever goes in a POST body, never in a URL; the
       console opens the pop by its id */
    { GW_POST, "/api/v1/customers/search", "intake", "customer.find", GW_BODY, NULL },
    { GW_POST, "/api/v1/screen-pops", "intake", "screenpop.open", GW_BODY | GW_CREATED, NULL },
    { GW_GET, "/api/v1/screen-pops/{id}", "intake", "screenpop.get", 0, NULL },
    { 0, NULL, NULL, NULL, 0, NULL },
};
