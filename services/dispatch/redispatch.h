/*  redispatch — a work order whose technician let its arrange clock lapse
 *  (target key on_breach: redispatch in sla.yaml) is taken from him and
 *  waits for another technician: the order goes back to unassigned (his
 *  load is released), he joins the order's passed_over list (the retry
 *  pass never gives it back to him), the clock waits for the next
 *  assignment, and intake hears workorder.unassigned with the reason.
 *  docs/dispatch.md "Unarranged work orders".
 */
#ifndef KEFU_DISPATCH_REDISPATCH_H
#define KEFU_DISPATCH_REDISPATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "msg/bus.h"
#include "db/db.h"

/*  Most lapsed orders taken back in one transaction. */
#define REDISPATCH_BATCH 100

/*  Registers the statement. Returns 0 or -1. */
int redispatch_prepare (db_t *db);

/*  Takes back the orders whose redispatch clock was due at `now_us`, in one
 *  transaction of its own. Returns how many, or -1 (logged; the next pass
 *  tries again). */
int redispatch_due (db_t *db, bus_t *bus, int64_t now_us);

/*  Whether technician `id` is in a PostgreSQL text[] literal such as
 *  "{T101,T102}" (technician ids need no quoting). */
bool redispatch_passed_over (const char *array_literal, const char *id);

#endif
