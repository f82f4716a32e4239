/*  money_subjects — billing's and claims' news that moves SLA clocks
 *  (docs/sla.md "Subjects"), in the bus's receiving transaction:
 *
 *    sla.subject   {kind, id, ticket_id, branch, event, due_at?}: the
 *                  event <kind>_<event> of the subject (dispute_opened,
 *                  claim_decided, payment_stage_due, …) at the envelope's
 *                  time; its clocks that start on it fall due at due_at
 *                  when the message sets one (a payment stage's due date),
 *                  as callback.scheduled's do.
 *
 *  A subject of no clock in the SLA file changes nothing. A deposit
 *  (short, topped_up) concerns no ticket and comes without ticket_id: its
 *  clock is head office's, with no ticket and no branch (sla_subjects.h).
 *  A deposit with a ticket_id, or another kind without one, is refused.
 */
#ifndef KEFU_DISPATCH_MONEY_SUBJECTS_H
#define KEFU_DISPATCH_MONEY_SUBJECTS_H

#include "db/db.h"
#include "sla/sla_engine.h"
#include "svc/handler.h"

/*  The handler (svc_msg_fn; ctx is the sle_t), run in the SLA engine's
 *  bracket (dispatch.c). */
bus_result_t dms_on_subject (void *ctx, db_t *db, const svc_ctx_t *who, char *reason, size_t reason_size);

#endif
