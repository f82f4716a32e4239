/*  sla_engine — the dispatcher's SLA clocks in PostgreSQL
 *  (dispatch.sla_clocks, dispatch.escalations; docs/sla.md "The engine").
 *  The engine makes its parts, wires them to each other and runs the
 *  timer; each part owns one responsibility and is called directly:
 *
 *    sla_loader.h      the SLA file in effect: loaded once the database is
 *                      up, reloaded on SIGHUP
 *    sla_calendars.h   the branches' business calendars, cached
 *    sla_deadline.h    deadline arithmetic: due and warning instants
 *    sla_start.h       starting a ticket's clocks (ticket.created, events),
 *                      and the handler bracket: sls_begin / sls_flush /
 *                      sls_carry
 *    sla_clock_life.h  pause, resume, restart, stop with the ticket
 *    sla_subjects.h    the clocks of a ticket's work orders, inspections
 *                      and callbacks: made on their subject's events
 *    sla_clock_msg.h   sla.clock, and the changes kept for it
 *    sla_fire.h        firing: warnings and escalations recorded and
 *                      announced in one transaction
 *    sla_delivery.h    delivery of the records to people (notify adapter)
 *
 *  A handler reaches the parts it drives through sle_loader, sle_start,
 *  sle_life and sle_subjects; they live as long as the engine.
 */
#ifndef KEFU_DISPATCH_SLA_ENGINE_H
#define KEFU_DISPATCH_SLA_ENGINE_H

#include <stddef.h>

#include "db/db.h"
#include "msg/bus.h"
#include "notify/notify_config.h"
#include "sla_clock_life.h"
#include "sla_loader.h"
#include "sla_start.h"
#include "sla_subjects.h"

typedef struct sle_s sle_t;

/*  Makes the engine: opens the notification adapter the notify section
 *  chooses (file, log or smtp; common/notify/notify_config.h) and
 *  registers the parts' statements on db. Borrows every argument. The SLA
 *  file (dispatch.sla_file) is read later (sll_ensure), once the database
 *  is up. Returns NULL with a reason in err. */
sle_t *sle_new (const char *sla_file, const notify_config_t *notify, db_t *db, bus_t *bus, char *err,
                size_t errsize);
/*  Frees; safe on NULL and twice. */
void sle_destroy (sle_t **self_p);

/*  The parts a handler drives (borrowed; NULL for a NULL engine). */
sll_t *sle_loader (sle_t *self);
sls_t *sle_start (sle_t *self);
slc_t *sle_life (sle_t *self);
sss_t *sle_subjects (sle_t *self);

/*  SIGHUP (from the service loop, between handler invocations): reads the
 *  SLA file again (sll_reload: swapped in only when it loaded completely,
 *  else "sla_reload_refused" and the configuration in effect stays, never
 *  a failure of the service) and makes the cached calendars be read again
 *  at their next use. Only clocks started afterwards use the new policies:
 *  a clock row stores its own target, warning share and repeat interval,
 *  so running and pending clocks keep theirs; ladders are looked up at each
 *  firing, so escalations use the new ladders. Returns 0, or -1 with the
 *  reason in err. */
int sle_reload (sle_t *self, char *err, size_t errsize);

/*  Timer: loads the SLA file if it is not yet, fires what is due (up to 20
 *  batches of SLF_BATCH, each its own transaction, its records delivered as
 *  soon as it commits), then delivers what earlier ticks left undelivered
 *  and marks the sweep (sweeps.h). Returns the number of warnings and
 *  escalations recorded, or -1 on a database failure (the next tick tries
 *  again). */
int sle_tick (sle_t *self);

#endif
