/*  events — what intake does with the messages dispatch sends about a
 *  ticket's work order:
 *
 *    workorder.assigned    status -> assigned (unless the ticket is closed or
 *                          an unassignment of later date was already applied);
 *                          history "work_order_assigned" {work_order_id,
 *                          technician {id, name, grade}, load, message_id}
 *    workorder.unassigned  status -> unassigned (unless closed or an
 *                          assignment of later date was already applied);
 *                          history "work_order_unassigned" {work_order_id,
 *                          reason, message_id}
 *    sla.clock, sla.warning, sla.escalated
 *                          history "clock_started" / "clock_stopped" /
 *                          "sla_warning" / "sla_escalated" / "sla_informed"
 *                          with the message body; status unchanged
 *
 *  History rows carry the time of the event itself (assigned_at / at), so
 *  messages that arrive out of order still leave the ticket in the state of
 *  the latest event. Each handler runs inside the bus's receiving
 *  transaction (the inbox row and the change commit together); an unknown
 *  ticket is rejected (dead letter with the reason), a database failure is
 *  BUS_RETRY so the sender delivers again.
 */
#ifndef KEFU_INTAKE_EVENTS_H
#define KEFU_INTAKE_EVENTS_H

#include "bus.h"
#include "db.h"

/*  Prepares the handlers' statements on db and registers the handlers on
 *  bus. Returns 0 or -1. */
int iev_register (bus_t *bus, db_t *db);

/*  The handlers themselves (exposed for integration tests). ctx is unused. */
bus_result_t iev_on_assigned (void *ctx, db_t *db, const env_t *msg, char *reason,
                              size_t reason_size);
bus_result_t iev_on_unassigned (void *ctx, db_t *db, const env_t *msg, char *reason,
                                size_t reason_size);
/*  sla.clock, sla.warning and sla.escalated from dispatch's SLA engine:
 *  appends clock_started / clock_stopped, sla_warning, sla_escalated or
 *  sla_informed (an escalation of kind "informed") to the ticket's history,
 *  with the message body as detail. The ticket's status does not change. */
bus_result_t iev_on_sla (void *ctx, db_t *db, const env_t *msg, char *reason, size_t reason_size);

#endif
