/*  ticket_events — the dispatcher's side of a person's event on a ticket
 *  (message ticket.updated from intake): the SLA clocks stop, start, pause,
 *  resume or restart on it (sla_engine.h, sla_clock_life.h), the work order
 *  records its arrangement, the technician's arrival and its completion
 *  (which releases the technician's load), and an escalation records who
 *  acknowledged it, and a reopened ticket gets a revisit. All in the bus's
 *  receiving transaction.
 */
#ifndef KEFU_DISPATCH_TICKET_EVENTS_H
#define KEFU_DISPATCH_TICKET_EVENTS_H

#include "msg/bus.h"
#include "db/db.h"
#include "svc/handler.h"
#include "sla/sla_engine.h"
#include "workorders.h"

/*  What the handler drives; both borrowed from the dispatcher. */
typedef struct {
    sle_t *sle;
    workorders_t *wo; /* a reopened ticket's revisit (wo_follow_up) */
} dte_t;

/*  Registers the handler's statements (and the clock life's,
 *  sla_clock_life.h) on db. Returns 0 or -1. */
int dte_prepare (db_t *db);

/*  The ticket.updated handler (svc_msg_fn; ctx is a dte_t). A reopened
 *  ticket that had work orders, none of them open, gets a revisit: a work
 *  order for the same job, assigned by the rules of the first visit. It runs in
 *  the SLA engine's bracket (sls_begin / sls_flush, dispatch.c), which
 *  sends the ticket's clock changes as one sla.clock. No argument may be
 *  NULL, nor the message's body (assert: bus.h "A handler runs"). */
bus_result_t dte_on_event (void *ctx, db_t *db, const svc_ctx_t *who, char *reason, size_t reason_size);

#endif
