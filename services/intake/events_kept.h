/*  events_kept — the history writes of intake's event handlers (events.c),
 *  kept in memory and sent together: every kept write of a batch of
 *  messages in ONE round trip (db_exec_pipeline), instead of one round trip
 *  per message. Each write is its statements, in the order kept:
 *
 *    a work-order event   intake_ev_ticket (locks the ticket), then
 *                         intake_ev_apply (status and history rows; a
 *                         statement of its own, so it sees what was
 *                         committed while the lock was awaited)
 *    an SLA event         intake_ev_sla (one history row)
 *
 *  A batch's messages are applied in one transaction (common/msg/bus.h,
 *  bus_on_batch_end): the handlers keep, the batch's end writes. Kept
 *  writes belong to one run of one transaction: a run that starts over
 *  (db_tx_serial changed) drops what an earlier run kept.
 */
#ifndef KEFU_INTAKE_EVENTS_KEPT_H
#define KEFU_INTAKE_EVENTS_KEPT_H

#include <stddef.h>

#include "msg/bus.h"
#include "db/db.h"

#define IEK_APPLY_PARAMS 10 /* intake_ev_apply */
#define IEK_SLA_PARAMS 5 /* intake_ev_sla */

typedef struct iek_s iek_t;

iek_t *iek_new (void);
/*  Frees, kept writes included; safe on NULL and twice. */
void iek_destroy (iek_t **self_p);

/*  Keeps a work-order event: intake_ev_apply's parameters (the first is the
 *  ticket id; copied), the history rows it must write, and what to log.
 *  Returns 0 or -1 (out of memory). */
int iek_keep_event (iek_t *self, db_t *db, const char *const *params, int rows, const char *message_id,
                    const char *history_event, const char *status);
/*  Keeps an SLA event: intake_ev_sla's parameters (copied). 0 or -1. */
int iek_keep_sla (iek_t *self, db_t *db, const char *const *params, const char *message_id,
                  const char *history_event);

/*  Writes everything kept, in the order kept, and forgets it. Returns
 *  BUS_OK, or the verdict for the first write that failed with its reason:
 *  BUS_REJECT "body.ticket_id: no ticket N" for a ticket that does not
 *  exist (nothing written for it), BUS_RETRY or BUS_REJECT for a database
 *  failure (as its classification says). After a failure the transaction
 *  is to be rolled back (or to its savepoint). self and db must not be
 *  NULL (assert). */
bus_result_t iek_write (iek_t *self, db_t *db, char *reason, size_t reason_size);

/*  The bus_batch_fn: iek_write, 0 when it wrote everything, else -1. */
int iek_write_batch (void *ctx, db_t *db);

#endif
