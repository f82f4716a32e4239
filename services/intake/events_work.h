/*  events_work — what intake does when another service says the work on a
 *  ticket has come to an end, as events on the ticket recorded for the
 *  person the message names (docs/intake.md "Events from the services"):
 *
 *    ticket.work_done    (dispatch: the ticket's last open work order passed
 *                        its inspection) ticket_resolved, unless the ticket
 *                        is resolved or closed already;
 *    callback.recorded   (callback: a callback ended) callback_done when the
 *                        ticket is resolved; a dissatisfied outcome of a
 *                        callback after finished work then reopens it
 *                        (ticket_reopened), and dispatch sends a revisit.
 *
 *  Each goes through the ticket's one event path (itk_event_in_tx): the
 *  history row and ticket.updated to the dispatcher, in the bus's
 *  receiving transaction. An event the ticket's state refuses (already
 *  resolved, closed) is logged and the message is spent; an unknown
 *  ticket is refused (dead letter with the reason).
 */
#ifndef KEFU_INTAKE_EVENTS_WORK_H
#define KEFU_INTAKE_EVENTS_WORK_H

#include "msg/bus.h"
#include "tickets.h"

/*  Registers the handlers on bus; ctx is the ticket desk (borrowed).
 *  Returns 0 or -1. */
int iew_register (bus_t *bus, itk_t *tickets);

#endif
