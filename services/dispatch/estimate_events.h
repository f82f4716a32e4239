/*  estimate_events — what dispatch does when billing has estimated a work
 *  order (docs/billing.md "The flow"), in the bus's receiving transaction:
 *
 *    estimate.pending   the work order (assigned) waits for the customer's
 *                       approval: awaiting_approval, out of its technician's
 *                       load;
 *    estimate.approved  the customer approved, or the estimate turned out
 *                       free: the work order (awaiting_approval) is assigned
 *                       again to the same technician.
 *
 *  While the customer's approval waits, the ticket's own running clocks
 *  pause from the message's time under the hold "approval:<work order id>":
 *  estimate.pending with status awaiting_approval, whether it moves the
 *  work order or finds it in awaiting_approval already (a service advisor
 *  confirmed a finding that makes the work chargeable), and with status
 *  awaiting_reapproval (a settlement overran the approved estimate: the
 *  work order, completed or accepted, stays as it is). estimate.approved
 *  releases the hold whatever the work order's state, and the clocks
 *  nothing else holds (a person's pause) run again with the time they had
 *  left (sla_clock_life.h, docs/sla.md "Clock life"). A finding waiting on
 *  a service advisor pauses nothing. Holding held clocks again and
 *  releasing a hold never taken change nothing (redeliveries).
 *
 *  A work order in another state (a redelivery, a cancelled order) stays as
 *  it is; an unknown one is refused (dead letter with the reason).
 */
#ifndef KEFU_DISPATCH_ESTIMATE_EVENTS_H
#define KEFU_DISPATCH_ESTIMATE_EVENTS_H

#include "svc/handler.h"

/*  svc_msg_fn; ctx is the sle_t, run in the SLA engine's bracket (dispatch.c). */
bus_result_t dee_on_pending (void *ctx, db_t *db, const svc_ctx_t *who, char *reason, size_t reason_size);
bus_result_t dee_on_approved (void *ctx, db_t *db, const svc_ctx_t *who, char *reason, size_t reason_size);

#endif
