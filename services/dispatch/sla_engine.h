/*  sla_engine — the dispatcher's SLA clocks in PostgreSQL
 *  (dispatch.sla_clocks, dispatch.escalations; docs/sla.md "The engine").
 *
 *  Start: on "ticket.created" (in the bus's receiving transaction) the
 *  ticket's policy is chosen with sla_match (tier, kind, priority from the
 *  message, the customer's class from ref.customers) and each of its
 *  targets becomes a clock row: running at once when it starts on
 *  ticket_created, else pending until its event (sle_on_event). Due and
 *  warning instants are computed on the branch's business calendar
 *  (common/branch_cal.h) for business time, around the clock for calendar
 *  time. A ticket closed at intake starts nothing.
 *
 *  Firing: sle_tick claims running clocks whose warning, due or next
 *  escalation instant has passed (clock_now_us) with FOR UPDATE SKIP
 *  LOCKED, and in that same transaction records each warning / escalation
 *  / skip-level / informed row, moves the clock's state columns past it
 *  and emits sla.warning / sla.escalated. So two dispatchers never fire the
 *  same thing twice, and a restarted one fires at once what fell due while
 *  none ran. After commit the recorded rows are delivered through the
 *  notification adapter (common/notify.h) and marked notified_at: at least
 *  once (a crash between delivery and that mark delivers again).
 *
 *  Every clock start and stop is emitted as sla.clock (intake records it in
 *  the ticket's history).
 */
#ifndef KEFU_DISPATCH_SLA_ENGINE_H
#define KEFU_DISPATCH_SLA_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "msg/bus.h"
#include "time/calendar.h"
#include "conf/config.h"
#include "db/db.h"
#include "msg/envelope.h"

typedef struct sle_s sle_t;

/*  Most clocks claimed in one firing transaction; a tick runs several. */
#define SLE_BATCH 500
/*  Most escalation records delivered per delivery transaction. */
#define SLE_NOTIFY_BATCH 100

/*  Makes the engine: registers its statements on db, opens the
 *  notification adapter (notify.adapter: file, log or smtp; common/notify.h). Borrows cfg, db
 *  and bus. The SLA file is read later (sle_ensure_config), once the
 *  database is up. Returns NULL with a reason in err. */
sle_t *sle_new (const cfg_t *cfg, db_t *db, bus_t *bus, char *err, size_t errsize);
/*  Frees; safe on NULL and twice. */
void sle_destroy (sle_t **self_p);

/*  Loads cfg->sla_file against ref.tiers and ref.branches unless it is
 *  loaded already. Returns 0, or -1 with "file:line: key: reason" (or the
 *  database error) in err; a bad file keeps failing (sle_config_failed). */
int sle_ensure_config (sle_t *self, char *err, size_t errsize);
/*  True once the SLA file was refused: the dispatcher must not run. */
bool sle_config_failed (const sle_t *self);

/*  SIGHUP (from the service loop, between handler invocations): reads
 *  cfg->sla_file again into a NEW configuration and swaps it in only when
 *  it loaded completely; logs "sla_reloaded" with its counts and makes the
 *  cached calendars be read again at their next use. A file that is
 *  refused, or a database that cannot be read, logs "sla_reload_refused"
 *  with "file:line: key: reason" and keeps the configuration in effect
 *  (never a failure of the service). Only clocks started afterwards use
 *  the new policies: a clock row stores its own target, warning share and
 *  repeat interval, so running and pending clocks keep theirs; ladders
 *  are looked up at each firing, so escalations use the new ladders.
 *  Returns 0, or -1 with the reason in err. */
int sle_reload (sle_t *self, char *err, size_t errsize);

/*  Inside the "ticket.created" transaction: starts the ticket's clocks
 *  (above). Their rows are computed here and inserted by sle_flush (or by
 *  the next sle_on_event of another ticket), so that an sle_on_event of
 *  this ticket in between (its work order assigned in the same
 *  transaction) starts its pending clocks in the same multi-row INSERT.
 *  Returns BUS_OK (also when the ticket is closed, or no policy fits:
 *  logged), BUS_RETRY on a database or configuration failure, BUS_REJECT
 *  with a reason for a body that is not a usable ticket. */
bus_result_t sle_on_ticket_created (sle_t *self, db_t *db, const env_t *msg, char *reason,
                                    size_t reason_size);

/*  Inside the caller's transaction: the ticket's event (a ticket_event_names (TICKET_EV_SLA)
 *  entry, e.g. "work_order_assigned") happened at at_us in branch `branch`:
 *  stops its running or paused clocks that stop on it and starts its
 *  pending clocks that start on it, kept for sle_flush's sla.clock. Returns
 *  the number of clocks changed, or -1 (database: roll back). */
int sle_on_event (sle_t *self, db_t *db, const char *ticket_id, const char *branch,
                  const char *event, int64_t at_us);

/*  The clock changes of sle_on_ticket_created and sle_on_event are not
 *  emitted at once: they are kept for the ticket (one ticket at a time;
 *  another ticket's changes send the kept ones first) and sent by
 *  sle_flush as one sla.clock per kind of change ("stopped", "started"),
 *  each clock with its own started_at / stopped_at. A handler calls
 *  sle_begin when it starts (drops what a rolled-back or rerun invocation
 *  kept: nothing survives an invocation) and sle_flush inside its
 *  transaction before it returns success. */
void sle_begin (sle_t *self);
/*  Emits what is kept (in the caller's transaction) and forgets it.
 *  Returns 0, or -1 (database: roll back). */
int sle_flush (sle_t *self, db_t *db);
/*  Instead of sle_flush's sla.clock: moves what is kept for the ticket into
 *  `body`, the body of the ticket's own message of this transaction
 *  (workorder.assigned), as "sla": [{event, at, clocks}] — sla.clock bodies
 *  without ticket_id, "stopped" first — so the receiver gets one message
 *  instead of two or three. The ticket's new clocks (sle_on_ticket_created)
 *  are inserted first, so that their ids travel. Adds nothing when what is
 *  kept belongs to another ticket (sle_flush sends it). Returns the number
 *  of entries added, or -1 (database or memory: roll back). */
int sle_carry (sle_t *self, db_t *db, const char *ticket_id, const char *branch, cJSON *body);

/*  Timer: fires what is due (in batches of SLE_BATCH, each its own
 *  transaction, its records delivered as soon as it commits), then
 *  delivers what earlier ticks left undelivered. Returns the
 *  number of warnings and escalations recorded, or -1 on a database
 *  failure (the next tick tries again). */
int sle_tick (sle_t *self);

/*  ---- for the clock life (sla_clock_life.c) -------------------------------
 *  A clock row's target as stored (target_kind, target_amount, time_kind). */
typedef struct {
    const char *unit, *amount, *time;
} sle_target_t;

/*  The branch's business calendar (cached; borrowed). NULL with err. */
const cal_t *sle_calendar (sle_t *self, db_t *db, const char *branch, char *err, size_t errsize);
/*  Due and warning instants of `target` started at `start`. */
int sle_target_deadlines (const cal_t *cal, const sle_target_t *target, int warn_percent, int64_t start,
                          int64_t *due, int64_t *warn, char *err, size_t errsize);
/*  Adds one clock that started (or stopped) at `at` to the sla.clock
 *  started (or stopped) that sle_flush sends. */
int sle_clock_note (sle_t *self, db_t *db, const char *branch, const char *ticket_id, const char *clock_id,
                    const char *clock, const char *policy, const sle_target_t *target, bool stopped,
                    int64_t at, int64_t due);
/*  Appends one clock's entry (clock_id, clock, policy, target, due_at,
 *  started_at = at) to an sla.clock list. */
int sle_clock_entry (cJSON *clocks, const char *clock_id, const char *clock, const char *policy,
                     const sle_target_t *target, int64_t at, int64_t due);
/*  Emits sla.clock `event` with the list now (takes *clocks_p; nothing
 *  for an empty list). */
int sle_emit_clocks (sle_t *self, db_t *db, const char *branch, const char *ticket_id, const char *event,
                     int64_t at, cJSON **clocks_p);

#endif
