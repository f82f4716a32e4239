/*  sla_clock_life — a running clock's life after it started: paused while
 *  the ticket waits on the customer or for parts, resumed with the time it
 *  had left, restarted when the ticket is reopened, stopped when the ticket
 *  is closed (docs/sla.md "Clock life").
 *
 *  Each runs inside the caller's transaction and returns 0, or -1 when the
 *  database or the branch's calendar failed (the caller rolls back and
 *  retries). Pause, resume and restart first send what the handler kept
 *  (sls_flush), then emit one sla.clock (paused, resumed, restarted) at
 *  once; stopping keeps its changes with the handler's other stops
 *  (sls_keep), so that a closed ticket's clocks travel in one "stopped".
 */
#ifndef KEFU_DISPATCH_SLA_CLOCK_LIFE_H
#define KEFU_DISPATCH_SLA_CLOCK_LIFE_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "sla_calendars.h"
#include "sla_clock_msg.h"
#include "sla_start.h"

typedef struct slc_s slc_t;

/*  Registers the statements on db. start, cals and kept are borrowed and
 *  must outlive the clock life. NULL with a reason in err. */
slc_t *slc_new (db_t *db, sls_t *start, scal_t *cals, scm_t *kept, char *err, size_t errsize);
/*  Frees; safe on NULL and twice. */
void slc_destroy (slc_t **self_p);

/*  What holds a ticket's clocks paused (dispatch.sla_clocks.paused_by): a
 *  person's pause, or a work order's estimate waiting for the customer's
 *  approval (SLC_HOLD_APPROVAL followed by the work order's id). */
#define SLC_HOLD_WAITING "waiting"
#define SLC_HOLD_APPROVAL "approval:"

/*  Every running clock of the ticket pauses at `at` under `hold`, keeping
 *  what it had left; a clock paused already is held by `hold` too. */
int slc_pause (slc_t *self, db_t *db, const char *ticket_id, const char *branch, const char *hold, int64_t at);
/*  Releases `hold`: every paused clock that nothing else holds runs again
 *  from `at` with the time it had left. A hold never taken changes nothing. */
int slc_resume (slc_t *self, db_t *db, const char *ticket_id, const char *branch, const char *hold, int64_t at);
/*  The clocks the ticket's policy restarts on reopening (reopen_restarts)
 *  start over from `at` with their full target, warnings and escalations
 *  cleared. */
int slc_restart (slc_t *self, db_t *db, const char *ticket_id, const char *branch, int64_t at);
/*  Every running or paused clock stops at `at` (the ticket closed). */
int slc_stop_all (slc_t *self, db_t *db, const char *ticket_id, const char *branch, int64_t at);

#endif
