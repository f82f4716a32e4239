/*  sla_clock_life — pause, resume, restart and stop a ticket's running SLA
 *  clocks (docs/sla.md "Clock life"). Each runs inside the caller's
 *  transaction, emits one sla.clock (paused, resumed, restarted; stopped
 *  through sle_flush) and returns 0, or -1 when the database or the
 *  branch's calendar failed (the caller rolls back and retries).
 */
#ifndef KEFU_DISPATCH_SLA_CLOCK_LIFE_H
#define KEFU_DISPATCH_SLA_CLOCK_LIFE_H

#include <stdint.h>

#include "db/db.h"
#include "sla_engine.h"

/*  Registers the statements on db. Returns 0 or -1. */
int slc_prepare (db_t *db);

/*  Every running clock of the ticket pauses at `at`, keeping what it had left. */
int sle_pause (sle_t *self, db_t *db, const char *ticket_id, const char *branch, const char *reason,
               int64_t at);
/*  Every paused clock runs again from `at` with the time it had left. */
int sle_resume (sle_t *self, db_t *db, const char *ticket_id, const char *branch, int64_t at);
/*  The clocks the ticket's policy restarts on reopening (reopen_restarts)
 *  start over from `at` with their full target, warnings and escalations
 *  cleared. */
int sle_restart (sle_t *self, db_t *db, const char *ticket_id, const char *branch, int64_t at);
/*  Every running or paused clock stops at `at` (the ticket closed). */
int sle_stop_all (sle_t *self, db_t *db, const char *ticket_id, const char *branch, int64_t at);

#endif
