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
 *  A work order in another state (a redelivery, a cancelled order) stays as
 *  it is; an unknown one is refused (dead letter with the reason).
 */
#ifndef KEFU_DISPATCH_ESTIMATE_EVENTS_H
#define KEFU_DISPATCH_ESTIMATE_EVENTS_H

#include "svc/handler.h"

/*  svc_msg_fn; ctx unused. */
bus_result_t dee_on_pending (void *ctx, db_t *db, const svc_ctx_t *who, char *reason, size_t reason_size);
bus_result_t dee_on_approved (void *ctx, db_t *db, const svc_ctx_t *who, char *reason, size_t reason_size);

#endif
