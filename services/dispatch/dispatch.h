/*  dispatch — the dispatcher's wiring: what kefu-dispatch runs, and when.
 *
 *    ticket.created  → the SLA engine starts the ticket's clocks, then
 *                      workorders.c makes its work order and assigns it;
 *    ticket.updated  → ticket_events.c (clocks, the work order's progress,
 *                      acknowledgements);
 *    a batch         → its branch locks first, in one order (workorders.h);
 *    timer "sla"     → every dispatch.sla_tick_ms: the SLA engine fires
 *                      and delivers what is due (the first run reads
 *                      dispatch.sla_file; a refused file stops the service);
 *    timer "assign"  → every dispatch.assign_retry_ms: lapsed orders are
 *                      re-dispatched (redispatch.h), waiting ones tried again;
 *    SIGHUP          → dispatch.sla_file read again;
 *    a request       → on services.dispatch.api, the SLA reads
 *                      (reads/reads.h: sla.board, sla.clocks, sla.due, sla.report).
 *  Both message handlers run in the SLA engine's bracket
 *  (common/svc/handler.h): a ticket's clock changes leave as one sla.clock
 *  at the end of the handler. Each timer leaves its sweep mark (sweeps.h).
 */
#ifndef KEFU_DISPATCH_H
#define KEFU_DISPATCH_H

#include <stdbool.h>

#include "svc/service.h"

typedef struct dispatch_s dispatch_t;

/*  Wires the dispatcher into svc: handlers, statements, timers, and the
 *  request endpoint at services.dispatch.api (a port already taken fails
 *  start-up: each instance on one host needs its own). Borrows
 *  svc. Returns NULL on failure (logged). */
dispatch_t *dispatch_new (svc_t *svc);

/*  True when the dispatcher refused its SLA file and stopped the service:
 *  the process must exit with an error. */
bool dispatch_failed (const dispatch_t *self);

/*  SIGHUP: dispatch.sla_file again (swapped in only when it loads
 *  completely, else the one in effect stays). Returns 0, or -1 with the
 *  reason in err (already logged). */
int dispatch_reload (dispatch_t *self, char *err, size_t errsize);

/*  Frees; safe on NULL and twice. */
void dispatch_destroy (dispatch_t **self_p);

#endif
