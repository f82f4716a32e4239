/*  ticket_events — the dispatcher's side of a person's event on a ticket
 *  (message ticket.updated from intake): the SLA clocks stop, start, pause,
 *  resume or restart on it (sla_engine.h, sla_clock_life.h), the work order
 *  records its arrangement, the technician's arrival and its completion
 *  (which releases the technician's load), and an escalation records who
 *  acknowledged it. All in the bus's receiving transaction.
 */
#ifndef KEFU_DISPATCH_TICKET_EVENTS_H
#define KEFU_DISPATCH_TICKET_EVENTS_H

#include "msg/bus.h"
#include "db/db.h"
#include "svc/handler.h"
#include "sla/sla_engine.h"

/*  Registers the handler's statements (and the clock life's,
 *  sla_clock_life.h) on db. Returns 0 or -1. */
int dte_prepare (db_t *db);

/*  The ticket.updated handler (svc_msg_fn; ctx is the sle_t). It runs in
 *  the SLA engine's bracket (sls_begin / sls_flush, dispatch.c), which
 *  sends the ticket's clock changes as one sla.clock. No argument may be
 *  NULL, nor the message's body (assert: bus.h "A handler runs"). */
bus_result_t dte_on_event (void *ctx, db_t *db, const svc_ctx_t *who, char *reason, size_t reason_size);

#endif
