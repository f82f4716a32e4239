/*  ticket_events — the dispatcher's side of a person's event on a ticket
 *  (message ticket.updated from intake): the SLA clocks stop, start, pause,
 *  resume or restart on it (sla/sla_start.h, sla/sla_clock_life.h), the work order
 *  records its arrangement, the technician's arrival and its completion
 *  (which releases the technician's load), and an escalation records who
 *  acknowledged it. All in the bus's receiving transaction.
 */
#ifndef KEFU_DISPATCH_TICKET_EVENTS_H
#define KEFU_DISPATCH_TICKET_EVENTS_H

#include "msg/bus.h"
#include "db/db.h"
#include "sla/sla_engine.h"

/*  Registers the handler and its statements. sle is borrowed and must
 *  outlive the bus. Returns 0 or -1. */
int dte_register (bus_t *bus, db_t *db, sle_t *sle);

/*  The handler (exposed for tests). ctx is the sle_t. No argument may be
 *  NULL, nor msg->body (assert: bus.h "A handler runs"). */
bus_result_t dte_on_event (void *ctx, db_t *db, const env_t *msg, char *reason, size_t reason_size);

#endif
