/*  workorders — the database side of dispatch: turns "ticket.created" into a
 *  work order (dispatch.work_orders + work_order_history), assigns it with
 *  the rule in assign.h, and tells intake with "workorder.assigned" or
 *  "workorder.unassigned" through the outbox (bus_emit) in the same
 *  transaction. A timer retries the work orders that wait.
 *
 *  Concurrency: every decision for a branch is taken under the transaction
 *  advisory lock hashtext('kefu.dispatch.branch:' || branch), so several
 *  dispatch instances never give two jobs the same free slot, and the loads
 *  they read are the committed ones. Waiting work orders are taken oldest
 *  first with FOR UPDATE SKIP LOCKED.
 *
 *  SLA clocks (sla/sla_engine.h) start in the same transaction as the work
 *  order, and those that start or stop on work_order_assigned change in
 *  the assignment's transaction.
 *
 *  Time: "now" (shifts, assigned_at, history) comes from clock_now_us(),
 *  so tests move it with KEFU_CLOCK_FILE.
 */
#ifndef KEFU_DISPATCH_WORKORDERS_H
#define KEFU_DISPATCH_WORKORDERS_H

#include <stdbool.h>
#include <stddef.h>

#include "msg/bus.h"
#include "conf/config.h"
#include "db/db.h"
#include "msg/envelope.h"
#include "svc/service.h"

typedef struct dispatcher_s dispatcher_t;

/*  Most waiting work orders of one branch looked at in one pass (oldest
 *  first); the next pass continues with what is left. */
#define DISPATCH_PENDING_BATCH 500
/*  Most branches with waiting work orders handled in one timer pass. */
#define DISPATCH_BRANCH_BATCH 200

/*  Makes the dispatcher of a service: registers the "ticket.created"
 *  handler on svc's bus, its statements (and the SLA engine's,
 *  sla/sla_engine.h) on svc's database and one timer that runs the retry pass
 *  every cfg->assign_retry_ms and the SLA tick every cfg->sla_tick_ms. The
 *  first SLA tick reads dispatch.sla_file; a refused file stops the service
 *  (dispatcher_failed). Borrows svc. Returns NULL on failure. */
dispatcher_t *dispatcher_new (svc_t *svc);

/*  The same without a service (integration tests): borrows cfg, db and bus,
 *  registers the handler on bus and the statements on db, sets no timer. */
dispatcher_t *dispatcher_new_with (const cfg_t *cfg, db_t *db, bus_t *bus);

/*  True when the dispatcher refused its SLA file (dispatch.sla_file) and
 *  stopped the service: the process must exit with an error. */
bool dispatcher_failed (const dispatcher_t *self);

/*  SIGHUP: reads dispatch.sla_file again (sle_reload: swapped in only when
 *  it loads completely, else the one in effect stays). Returns 0, or -1
 *  with the reason in err (already logged). */
int dispatcher_reload (dispatcher_t *self, char *err, size_t errsize);

/*  Frees; safe on NULL and twice. */
void dispatcher_destroy (dispatcher_t **self_p);

/*  The "ticket.created" handler (bus_handler_fn; ctx is the dispatcher).
 *  Runs inside the bus's receiving transaction. BUS_OK when the work order
 *  was written (assigned or waiting) or when the ticket needs no visit
 *  (closed at intake, or a kind not in dispatch.visit_kinds); BUS_RETRY when
 *  the database failed transiently; BUS_REJECT with a reason for an unknown
 *  branch or a body that is not a usable ticket. No argument may be NULL
 *  (assert: bus.h "A handler runs"). */
bus_result_t dispatcher_on_ticket_created (void *ctx, db_t *db, const env_t *msg,
                                           char *reason, size_t reason_size);

/*  One retry pass over waiting work orders: for each branch with some
 *  (oldest first), one transaction that tries them again in order. Emits
 *  and kicks the bus when anything changed. Returns the number of work
 *  orders assigned in this pass, or -1 when the database failed. */
int dispatcher_retry (dispatcher_t *self);

#endif
