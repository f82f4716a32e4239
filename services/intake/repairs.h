/*  repairs — the three-repairs rule at intake (docs/intake.md "The
 *  three-repairs rule"; the rule itself is repairs_rule.h):
 *
 *    workorder.done   (a repair's done report) records the repair in
 *                     intake.repairs — the unit (the report's unit serial,
 *                     else the ticket's, else its warranty card's; the
 *                     card and product), the fault code (the report's
 *                     cause) and whether the day was within the card's
 *                     warranty period — then flags every other open
 *                     repair or return ticket of the unit when the rule
 *                     now applies; besides the history row events.h
 *                     writes, in the same receiving transaction;
 *    ticket.submit    a new repair or return ticket of a unit the rule
 *                     applies to is flagged at once (tickets.c);
 *    ticket.get       shows the flag with its repairs (tickets_read.c).
 *
 *  Flagging sets intake.tickets.replacement_fault and writes the history
 *  row replacement_flagged {fault, repairs, work_orders} with it.
 */
#ifndef KEFU_INTAKE_REPAIRS_H
#define KEFU_INTAKE_REPAIRS_H

#include <cjson/cJSON.h>
#include <libpq-fe.h>

#include "db/db.h"
#include "events.h"
#include "msg/bus.h"
#include "repairs_rule.h"

/*  The workorder.done handler's context. */
typedef struct {
    iev_t *events;     /* its history row (iev_on_sla), borrowed */
    int replace_after; /* intake.replace_after */
} irp_ctx_t;

/*  Prepares the statements on db. Returns 0 or -1. */
int irp_prepare (db_t *db);

/*  workorder.done: the history row (events.h), then the repair and the
 *  flags it causes. */
bus_result_t irp_on_done (void *ctx, db_t *db, const env_t *msg, char *reason, size_t reason_size);

/*  The rule for `unit` (repairs_rule.h's irr_apply, its repairs read from
 *  the database in every branch). *res_p holds the rows the verdict's
 *  strings point into: the caller PQclears it (NULL when nothing was
 *  read). Returns 0, or -1 (database). */
int irp_verdict (db_t *db, const irr_unit_t *unit, int replace_after, int64_t except_ticket, const char *fault,
                 PGresult **res_p, irr_verdict_t *out);

/*  Flags the ticket for the verdict (column and history row) at `at`
 *  (RFC 3339) in the caller's transaction. Returns 0 or -1. */
int irp_flag (db_t *db, const char *ticket_id, const char *at, const char *actor, const irr_verdict_t *v);

/*  ticket.submit's part, in its transaction: a new ticket (ticket_id) of
 *  `kind` about `unit` is flagged at `at` by `actor` when the rule applies
 *  to the unit (repair and return tickets only), and the verdict is added
 *  to `result` as "replacement". Returns 0, or -1 (database, memory). */
int irp_on_submit (db_t *db, const irr_unit_t *unit, const char *kind, int replace_after, const char *ticket_id,
                   const char *at, const char *actor, cJSON *result);

/*  {fault, repairs, work_orders: [...]}, or NULL (out of memory). */
cJSON *irp_verdict_json (const irr_verdict_t *v);

#endif
