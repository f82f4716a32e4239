/*  cb_periodic — the timer that creates periodic callbacks (docs/callback.md
 *  "Periodic callbacks"): important customers (a customer class), long-term
 *  customers (an old customer file), warranty customers (an open warranty
 *  card) every so many months, and projects (an installation ticket of a
 *  project product line) monthly in their first year and quarterly after.
 *
 *  A period is a run of months counted in the branch's zone: for the
 *  customer kinds aligned on the calendar (every 6 months: January and
 *  July), for a project from the month the ticket was opened. It is named
 *  by its first month ("2026-07"). Each pass (callback.tick_ms, the
 *  injectable clock's "now") finds what has no callback for the current
 *  period yet and creates it, placed and assigned like an after-work
 *  callback: the first call inside the branch's calendar outside the
 *  customer's rest hours, the branch's agent with the fewest open
 *  callbacks, due periodic.due_days later. The unique keys of 0024 and
 *  INSERT ... ON CONFLICT DO NOTHING make passes of other instances, or
 *  after a restart, create nothing twice.
 *
 *  A periodic callback is recorded on the customer's latest ticket (the
 *  project's own for a project), where intake writes callback_done; a
 *  customer without any ticket has nothing to be called about yet.
 */
#ifndef KEFU_CB_PERIODIC_H
#define KEFU_CB_PERIODIC_H

#include "cb_app.h"

/*  Prepares the statements on app->db. Returns 0 or -1. */
int cb_periodic_prepare (db_t *db);

/*  One pass (svc_timer_fn, ctx the cb_app_t). Returns 0, or -1 when the
 *  database failed (the next pass tries again). */
int cb_periodic_tick (svc_t *svc, void *ctx);

#endif
