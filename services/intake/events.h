/*  events — what intake does with the messages dispatch sends about a
 *  ticket's work order:
 *
 *    workorder.assigned    status -> assigned (unless the ticket is closed or
 *                          an unassignment of later date was already applied);
 *                          history "work_order_assigned" {work_order_id,
 *                          technician {id, name, grade}, load, message_id};
 *                          version 2 also "clock_started" / "clock_stopped"
 *                          for the SLA clock changes it carries ("sla")
 *    workorder.unassigned  status -> unassigned (unless closed or an
 *                          assignment of later date was already applied);
 *                          history "work_order_unassigned" {work_order_id,
 *                          reason, message_id}
 *    sla.clock, sla.warning, sla.escalated
 *                          history "clock_started" / "clock_stopped" /
 *                          "sla_warning" / "sla_escalated" / "sla_informed"
 *                          with the message body; status unchanged
 *    workorder.done, inspection.failed
 *                          history "work_order_done" (the done report) /
 *                          "inspection_failed" (the failure report) with
 *                          the message body; status unchanged
 *
 *  History rows carry the time of the event itself (assigned_at / at), so
 *  messages that arrive out of order still leave the ticket in the state of
 *  the latest event. Each handler runs inside the bus's receiving
 *  transaction (the inbox row and the change commit together); an unknown
 *  ticket is rejected (dead letter with the reason), a database failure is
 *  BUS_RETRY so the sender delivers again. In a batch without savepoints
 *  the writes are kept and made together at its end (events_kept.h).
 */
#ifndef KEFU_INTAKE_EVENTS_H
#define KEFU_INTAKE_EVENTS_H

#include "msg/bus.h"
#include "db/db.h"

typedef struct iev_s iev_t;

/*  Prepares the handlers' statements on db and registers the handlers on
 *  bus (all but workorder.done's: repairs.h), with the end-of-batch write of what they keep (events_kept.h).
 *  Returns the handlers' context, or NULL. */
iev_t *iev_new (bus_t *bus, db_t *db);
/*  Unregisters the end-of-batch write and frees; safe on NULL and twice. */
void iev_destroy (iev_t **self_p);

/*  The handlers themselves (exposed for integration tests). ctx is the
 *  iev_t, or NULL: every write made at once. */
bus_result_t iev_on_assigned (void *ctx, db_t *db, const env_t *msg, char *reason,
                              size_t reason_size);
bus_result_t iev_on_unassigned (void *ctx, db_t *db, const env_t *msg, char *reason,
                                size_t reason_size);
/*  sla.clock, sla.warning and sla.escalated from dispatch's SLA engine,
 *  workorder.done from dispatch (its handler is repairs.h's, which calls
 *  this first) and inspection.failed from qc:
 *  appends clock_started / clock_stopped, sla_warning, sla_escalated or
 *  sla_informed (an escalation of kind "informed") to the ticket's history,
 *  with the message body as detail. The ticket's status does not change. */
bus_result_t iev_on_sla (void *ctx, db_t *db, const env_t *msg, char *reason, size_t reason_size);

#endif
