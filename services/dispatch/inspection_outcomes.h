/*  inspection_outcomes — what dispatch does when qc has inspected a work
 *  order (docs/dispatch.md "Several work orders"), in the bus's receiving
 *  transaction:
 *
 *    inspection.failed   the work order (completed) becomes rework, and a
 *                        rework order for the same job is sent by the rules
 *                        of the first visit, but not to the technician the
 *                        inspection blamed unless dispatch.rework_same_technician;
 *                        the ticket's clocks keep running;
 *    workorder.accepted  the work order (completed) becomes accepted; when no
 *                        other work order of the ticket is still open
 *                        (unassigned, assigned, or completed and waiting for
 *                        its inspection), ticket.work_done tells intake to
 *                        resolve the ticket.
 *
 *    inspection.level_signed  a level passed and the next one starts.
 *
 *  Each is also an event of the inspection (known by its work order's id)
 *  and of the work order for the SLA clocks of those subjects
 *  (sla/sla_subjects.h; docs/sla.md "Subjects"): level_signed.<level>
 *  for the level named, then inspection_failed and work_order_rework, or
 *  inspection_passed and work_order_accepted, at the message's instant.
 *
 *  A work order already moved (a redelivery) changes nothing; an unknown
 *  one is refused (dead letter with the reason).
 */
#ifndef KEFU_DISPATCH_INSPECTION_OUTCOMES_H
#define KEFU_DISPATCH_INSPECTION_OUTCOMES_H

#include "db/db.h"
#include "dispatch_config.h"
#include "sla/sla_engine.h"
#include "svc/handler.h"
#include "workorders.h"

typedef struct {
    const dispatch_config_t *dc;
    workorders_t *wo;
    bus_t *bus;
    sle_t *sle;
} dio_t;

/*  Registers the handlers' statements on db. Returns 0 or -1. */
int dio_prepare (db_t *db);

/*  Moves work order `wo` to state `to` from one of the states `from` (an
 *  SQL array literal, model/states.h) with its history row (event, the
 *  message's id) at `at`. Returns 1 (moved: ticket (24) and branch (72)
 *  set), 0 (in none of those states: nothing to do), -1 (database) or -2
 *  (unknown work order; reason set). */
int dio_move (db_t *db, const char *wo, int to, const char *from, const char *event, const char *message_id,
              const char *at, char *ticket, char *branch, char *reason, size_t reason_size);

/*  The handlers (svc_msg_fn; ctx is a dio_t), run in the SLA engine's
 *  bracket (dispatch.c). */
bus_result_t dio_on_failed (void *ctx, db_t *db, const svc_ctx_t *who, char *reason, size_t reason_size);
bus_result_t dio_on_accepted (void *ctx, db_t *db, const svc_ctx_t *who, char *reason, size_t reason_size);
bus_result_t dio_on_level_signed (void *ctx, db_t *db, const svc_ctx_t *who, char *reason, size_t reason_size);

#endif
