/*  callback_events — the callback service's news that moves SLA clocks
 *  (docs/sla.md "Subjects"), in the bus's receiving transaction:
 *
 *    callback.scheduled   starts the callback's clocks (event
 *                         callback_scheduled), due at the callback's own
 *                         deadline (the message's due_at);
 *    callback.recorded    stops them (callback_recorded, or
 *                         callback_unreachable for an unreachable outcome:
 *                         either ends the callback).
 *
 *  A callback of no clock in the SLA file changes nothing.
 */
#ifndef KEFU_DISPATCH_CALLBACK_EVENTS_H
#define KEFU_DISPATCH_CALLBACK_EVENTS_H

#include "db/db.h"
#include "sla/sla_engine.h"
#include "svc/handler.h"

/*  The handlers (svc_msg_fn; ctx is the sle_t), run in the SLA engine's
 *  bracket (dispatch.c). */
bus_result_t dce_on_scheduled (void *ctx, db_t *db, const svc_ctx_t *who, char *reason, size_t reason_size);
bus_result_t dce_on_recorded (void *ctx, db_t *db, const svc_ctx_t *who, char *reason, size_t reason_size);

#endif
