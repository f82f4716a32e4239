/*  workorders — the database side of dispatch: turns "ticket.created" into a
 *  work order (dispatch.work_orders + work_order_history), assigns it with
 *  the rule in assign.h, and tells intake with "workorder.assigned" or
 *  "workorder.unassigned" through the outbox (bus_emit) in the same
 *  transaction. The dispatcher's "assign" timer (dispatch.c) retries the
 *  work orders that wait.
 *
 *  Concurrency: every decision for a branch is taken under the transaction
 *  advisory lock hashtext('kefu.dispatch.branch:' || branch), so several
 *  dispatch instances never give two jobs the same free slot, and the loads
 *  they read are the committed ones. A transaction that takes several
 *  branch locks takes them at once in ascending key order: a batch of
 *  messages locks the branches of all its ticket.created before its first
 *  handler (bus_on_batch_begin), so two instances never wait for each other
 *  in a cycle. Waiting work orders are taken oldest first with FOR UPDATE
 *  SKIP LOCKED.
 *
 *  SLA clocks (sla_engine.h) start in the same transaction as the work
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
#include "db/db.h"
#include "msg/envelope.h"
#include "msg/ticket_created.h"
#include "dispatch_config.h"
#include "sla/sla_engine.h"

typedef struct workorders_s workorders_t;

/*  Most waiting work orders of one branch looked at in one pass (oldest
 *  first); the next pass continues with what is left. */
#define DISPATCH_PENDING_BATCH 500
/*  Most branches with waiting work orders handled in one timer pass. */
#define DISPATCH_BRANCH_BATCH 200

/*  Work orders on db and bus under the dispatch section's rules (grades),
 *  their clocks through sle. Registers its statements on db; registers no
 *  handler (the dispatcher's wiring does, dispatch.h). dc, db, bus and sle
 *  are borrowed. Returns NULL on failure (logged). */
workorders_t *wo_new (const dispatch_config_t *dc, db_t *db, bus_t *bus, sle_t *sle);

/*  Frees; safe on NULL and twice. */
void wo_destroy (workorders_t **self_p);

/*  A ticket.created (decoded, msg/ticket_created.h; message_id names it in
 *  the work order's history), inside the bus's receiving transaction: the ticket's
 *  SLA clocks, then its work order, assigned or waiting. BUS_OK also when
 *  the ticket needs no visit (closed at intake, or a kind not in
 *  dispatch.visit_kinds); BUS_RETRY when the database failed transiently;
 *  BUS_REJECT with a reason for an unknown branch or a body that is not a
 *  usable ticket. Runs inside the SLA engine's bracket (sls_begin and
 *  sls_flush around it, common/svc/handler.h). */
bus_result_t wo_on_ticket_created (workorders_t *self, db_t *db, const ticket_created_t *t,
                                   const char *message_id, char *reason, size_t reason_size);

/*  A follow-up work order of a ticket that had one (docs/dispatch.md
 *  "Several work orders"): the same job as the work order it follows. */
typedef struct {
    const char *ticket_id;
    const char *purpose;           /* "rework" or "revisit" */
    const char *follows;           /* rework: the work order whose inspection failed */
    const char *reopen_history_id; /* revisit: the ticket's ticket_reopened history row */
    const char *exclude;           /* a technician it must not go to, or NULL */
    const char *message_id;        /* the message that asked for it, for its history */
} wo_follow_up_t;

/*  Inside the caller's transaction (within the SLA engine's bracket):
 *  creates the follow-up and assigns it by the rules of the first visit
 *  (or leaves it waiting with the reason), emitting as wo_on_ticket_created
 *  does. Copies the job of f->follows, else of the ticket's latest work
 *  order. Sets wo_id to the new order's id, or "" when nothing was created
 *  (the ticket never had a work order, or this follow-up exists already:
 *  a redelivered message). Returns 0, or -1 (database: roll back). */
int wo_follow_up (workorders_t *self, db_t *db, const wo_follow_up_t *f, char *wo_id, size_t wo_id_size);

/*  bus_on_batch_begin function (ctx: the workorders_t): before any handler
 *  of a batch runs, the locks of every branch its ticket.created messages
 *  will create work orders in, in one order. Returns 0 or -1. */
int wo_lock_batch_branches (void *ctx, db_t *db, const env_t *const *msgs, int n);

/*  One retry pass over waiting work orders: for each branch with some
 *  (oldest first), one transaction that tries them again in order. Emits
 *  and kicks the bus when anything changed. Returns the number of work
 *  orders assigned in this pass, or -1 when the database failed. */
int wo_retry (workorders_t *self);

#endif
