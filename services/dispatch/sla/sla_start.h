/*  sla_start — starting a ticket's SLA clocks (dispatch.sla_clocks), and
 *  the bracket around a handler that starts, stops or keeps clock changes.
 *
 *  On "ticket.created" (in the bus's receiving transaction) the ticket's
 *  policy is chosen with sla_match (tier, kind, priority from the message,
 *  the customer's class from ref.customers) and each of its targets becomes
 *  a clock row: running at once when it starts on ticket_created, else
 *  pending until its event (sls_on_event). Due and warning instants come
 *  from sla_deadline.h on the branch's calendar. A ticket closed at intake
 *  starts nothing. The same round trip that starts a ticket's pending
 *  clocks on an event stops its clocks that stop on it.
 *
 *  A new ticket's rows are computed at once and inserted by sls_flush (or
 *  sls_carry, or the next sls_on_event of another ticket), so that an event
 *  of the same ticket in between (its work order assigned in the same
 *  transaction) starts its pending clocks in memory and they go in with one
 *  multi-row INSERT. Their changes are kept (sla_clock_msg.h) until the
 *  handler flushes: a handler calls sls_begin when it starts (drops what a
 *  rolled-back or rerun invocation left: nothing survives an invocation)
 *  and sls_flush inside its transaction before it returns success.
 */
#ifndef KEFU_DISPATCH_SLA_START_H
#define KEFU_DISPATCH_SLA_START_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "db/db.h"
#include "msg/bus.h"
#include "msg/envelope.h"
#include "sla_calendars.h"
#include "sla_clock_msg.h"
#include "sla_loader.h"
#include "msg/ticket_created.h"

typedef struct sls_s sls_t;

/*  Registers the statements on db. loader, cals and kept are borrowed and
 *  must outlive the starter. NULL with a reason in err. */
sls_t *sls_new (db_t *db, sll_t *loader, scal_t *cals, scm_t *kept, char *err, size_t errsize);
/*  Frees; safe on NULL and twice. */
void sls_destroy (sls_t **self_p);

/*  Inside the "ticket.created" transaction: computes the ticket's clocks
 *  (above); sls_flush inserts them. Returns BUS_OK (also when the ticket is
 *  closed, or no policy fits: logged "sla_no_policy"), BUS_RETRY on a
 *  database or configuration failure, BUS_REJECT with a reason for a
 *  branch without a calendar. t was decoded once (msg/ticket_created.h). */
bus_result_t sls_on_ticket_created (sls_t *self, db_t *db, const ticket_created_t *t, char *reason,
                                    size_t reason_size);

/*  Inside the caller's transaction: the ticket's event (a ticket event of
 *  model/ticket.h, e.g. "work_order_assigned") happened at at_us in branch `branch`:
 *  stops its running or paused clocks that stop on it and starts its
 *  pending clocks that start on it; the changes are kept for sls_flush.
 *  Returns the number of clocks changed, or -1 (database: roll back). */
int sls_on_event (sls_t *self, db_t *db, const char *ticket_id, const char *branch, const char *event,
                  int64_t at_us);

/*  Drops a new ticket's clocks not inserted yet and the kept changes. */
void sls_begin (sls_t *self);
/*  Inserts a new ticket's clocks, then emits what is kept (scm_send) in the
 *  caller's transaction, and forgets everything. Returns 0, or -1
 *  (database: roll back). */
int sls_flush (sls_t *self, db_t *db);
/*  Inserts a new ticket's clocks not inserted yet (and nothing else), so
 *  that the database holds them: a subject's clock reads its ticket's
 *  policy there (sla_subjects.h). Returns 0, or -1 (database: roll back). */
int sls_settle (sls_t *self, db_t *db);
/*  Instead of sls_flush's sla.clock: inserts the ticket's new clocks (so
 *  that their ids travel) and moves what is kept for the ticket into `body`
 *  (scm_carry). Returns the number of entries added, or -1 (database or
 *  memory: roll back). */
int sls_carry (sls_t *self, db_t *db, const char *ticket_id, const char *branch, cJSON *body);
/*  Keeps the ticket's clock changes (scm_keep); what is kept or waiting to
 *  be inserted for another ticket is flushed first. Takes *clocks_p.
 *  Returns 0, or -1 (database: roll back). */
int sls_keep (sls_t *self, db_t *db, const char *branch, const char *ticket_id, bool stopped, int64_t at,
              cJSON **clocks_p);

#endif
