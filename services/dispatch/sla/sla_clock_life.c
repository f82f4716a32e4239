/*  sla_clock_life — a running clock's life after it started: paused while
 *  the ticket waits on the customer or for parts, resumed with the time it
 *  had left, restarted when the ticket is reopened, stopped when the ticket
 *  is closed (docs/sla.md "Clock life").
 *
 *  Pausing keeps the clock's instants (due, warning, next escalation) and
 *  the moment it paused; resuming moves every instant still ahead of that
 *  moment forward by the time the pause took out of the target's own time
 *  (business or calendar). So the remaining business time survives any
 *  number of pauses exactly, working-days targets included. Contract in
 *  sla_clock_life.h.
 */
#include "sla_clock_life.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/statements.h"
#include "base/clock.h"
#include "base/log.h"
#include "sla_deadline.h"
#include "model/sla_clock.h"

#define S_COLS                                                                                               \
    "id, clock, policy, target_kind, target_amount::text, time_kind, warn_percent, " DB_EPOCH_US (           \
        "due_at") ", " DB_EPOCH_US ("warn_at") ", " DB_EPOCH_US ("next_escalation_at") ", "                  \
                                                                                       "warned_at IS NOT "   \
                                                                                       "NULL, breached_at "  \
                                                                                       "IS NOT "             \
                                                                                       "NULL,"               \
                                                                                       " " DB_EPOCH_US (     \
                                                                                           "paused_at")

static const db_statement_t s_statements[] = {
    /* $1 ticket, $2 state: the ticket's own clocks (a subject's clocks live
     * by their subject's events: sla_subjects.h) */
    {"slc_clocks", "SELECT " S_COLS " FROM dispatch.sla_clocks WHERE ticket_id = $1::bigint"
                   " AND subject_kind = 'ticket'"
                   " AND state = $2 ORDER BY id FOR UPDATE"},
    /* $1 id, $2 paused_at, $3 remaining_us, $5 the hold */
    {"slc_pause", "UPDATE dispatch.sla_clocks SET state = '" CLOCK_S_PAUSED "', paused_at = $2::timestamptz,"
                  " remaining_us = $3::bigint, paused_by = ARRAY[$5::text]"
                  " WHERE id = $1::bigint AND state = ANY ($4::text[])"},
    /* $1 ticket, $2 hold: a clock paused already keeps its pause under one
     * more hold (a person's pause and an estimate's approval overlap) */
    {"slc_hold", "UPDATE dispatch.sla_clocks SET paused_by = array_append (paused_by, $2)"
                 " WHERE ticket_id = $1::bigint AND subject_kind = 'ticket' AND state = '" CLOCK_S_PAUSED "'"
                 " AND NOT ($2 = ANY (paused_by))"},
    /* $1 ticket, $2 hold: released; the clocks it held last are resumed */
    {"slc_release", "UPDATE dispatch.sla_clocks SET paused_by = array_remove (paused_by, $2)"
                    " WHERE ticket_id = $1::bigint AND subject_kind = 'ticket' AND state = '" CLOCK_S_PAUSED "'"
                    " AND $2 = ANY (paused_by)"},
    /* $1 ticket: the paused clocks nothing holds any more */
    {"slc_released", "SELECT " S_COLS " FROM dispatch.sla_clocks WHERE ticket_id = $1::bigint"
                     " AND subject_kind = 'ticket' AND state = '" CLOCK_S_PAUSED "'"
                     " AND cardinality (paused_by) = 0 ORDER BY id FOR UPDATE"},
    /* $1 id, $2 due, $3 warn, $4 next escalation */
    {"slc_resume", "UPDATE dispatch.sla_clocks SET state = '" CLOCK_S_RUNNING "', due_at = $2::timestamptz,"
                   " warn_at = $3::timestamptz, next_escalation_at = $4::timestamptz,"
                   " paused_at = NULL, remaining_us = NULL, paused_by = '{}'"
                   " WHERE id = $1::bigint AND state = ANY ($5::text[])"},
    /* $1 ticket: the clocks the policy restarts on reopening, whatever their state */
    {"slc_restartable", "SELECT " S_COLS " FROM dispatch.sla_clocks WHERE ticket_id = $1::bigint"
                        " AND subject_kind = 'ticket' AND restart_on_reopen AND state <> '" CLOCK_S_PENDING "' ORDER BY id FOR UPDATE"},
    /* $1 id, $2 start, $3 due, $4 warn */
    {"slc_restart", "UPDATE dispatch.sla_clocks SET state = '" CLOCK_S_RUNNING "', started_at = $2::timestamptz,"
                    " due_at = $3::timestamptz, warn_at = $4::timestamptz, warned_at = NULL,"
                    " breached_at = NULL, stopped_at = NULL, level = NULL, next_escalation_at = NULL,"
                    " paused_at = NULL, remaining_us = NULL, restarts = restarts + 1"
                    " WHERE id = $1::bigint AND state = ANY ($5::text[])"},
    /* $1 ticket, $2 at: every clock still counting stops with the ticket,
     * its subjects' too */
    {"slc_stop_all", "UPDATE dispatch.sla_clocks SET state = '" CLOCK_S_STOPPED "', stopped_at = $2::timestamptz,"
                     " next_escalation_at = NULL, paused_at = NULL,"
                     " due_at = CASE WHEN state = '" CLOCK_S_PAUSED "' AND breached_at IS NULL THEN $2::timestamptz"
                     "  + remaining_us * interval '1 microsecond' ELSE due_at END"
                     " WHERE ticket_id = $1::bigint AND state = ANY ($3::text[])"
                     " RETURNING id, clock, policy, target_kind, target_amount::text, time_kind,"
                     " " DB_EPOCH_US ("due_at") ", subject_kind, subject_id"},
};

struct slc_s {
    sls_t *start;
    scal_t *cals;
    scm_t *kept;
    const char *hold; /* the pause in progress: what holds the clocks it pauses */
};

slc_t *slc_new (db_t *db, sls_t *start, scal_t *cals, scm_t *kept, char *err, size_t errsize)
{
    slc_t *self = calloc (1, sizeof *self);
    if (!self) {
        snprintf (err, errsize, "out of memory");
        return NULL;
    }
    self->start = start;
    self->cals = cals;
    self->kept = kept;
    if (db_prepare_statements (db, s_statements, DB_STATEMENTS (s_statements)) != 0) {
        snprintf (err, errsize, "preparing: %s", db_error (db));
        slc_destroy (&self);
    }
    return self;
}

void slc_destroy (slc_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free (*self_p);
    *self_p = NULL;
}

/*  One clock row of S_COLS. */
typedef struct {
    const char *id, *clock, *policy;
    const char *unit, *amount; /* the target as stored, for a reason */
    sdl_target_t target;
    bool target_ok;            /* false: a row the constraints make impossible */
    int warn_percent;
    int64_t due, warn, next, paused_at;
    bool has_next, warned, breached;
} s_row_t;

static int64_t s_i64 (const PGresult *res, int r, int c)
{
    return strtoll (PQgetvalue (res, r, c), NULL, 10);
}

static void s_read (const PGresult *res, int r, s_row_t *row)
{
    row->id = PQgetvalue (res, r, 0);
    row->clock = PQgetvalue (res, r, 1);
    row->policy = PQgetvalue (res, r, 2);
    row->unit = PQgetvalue (res, r, 3);
    row->amount = PQgetvalue (res, r, 4);
    row->target_ok = sdl_target_parse (row->unit, row->amount, PQgetvalue (res, r, 5), &row->target) == 0;
    row->warn_percent = atoi (PQgetvalue (res, r, 6));
    row->due = s_i64 (res, r, 7);
    row->warn = s_i64 (res, r, 8);
    row->has_next = !PQgetisnull (res, r, 9);
    row->next = row->has_next ? s_i64 (res, r, 9) : 0;
    row->warned = strcmp (PQgetvalue (res, r, 10), "t") == 0;
    row->breached = strcmp (PQgetvalue (res, r, 11), "t") == 0;
    row->paused_at = PQgetisnull (res, r, 12) ? 0 : s_i64 (res, r, 12);
}

static void s_text (int64_t us, char *buf, size_t size)
{
    clock_format_us (us, buf, size);
}

/*  Appends the row's entry (started_at = at) to an sla.clock list; nothing
 *  for a row whose target cannot be read. */
static int s_entry (cJSON *clocks, const s_row_t *row, int64_t at, int64_t due)
{
    if (!row->target_ok)
        return 0;
    return scm_entry (clocks, row->id, row->clock, row->policy, &row->target, false, at, due);
}

/*  The last entry of clocks as a paused clock: remaining_s instead of a
 *  start (the message's `at` is when it paused). */
static void s_add_remaining (cJSON *clocks, int64_t remaining_us)
{
    cJSON *last = cJSON_GetArrayItem (clocks, cJSON_GetArraySize (clocks) - 1);
    if (!last)
        return;
    cJSON_DeleteItemFromObjectCaseSensitive (last, "started_at");
    cJSON_AddNumberToObject (last, "remaining_s", (double) (remaining_us / 1000000));
}

/*  Runs the clocks of the ticket in `state` through fn, collecting their
 *  sla.clock entries; emits them as sla.clock `event`. */
typedef int (*s_row_fn) (slc_t *self, db_t *db, const cal_t *cal, s_row_t *row, int64_t at, cJSON *clocks);

static int s_each (slc_t *self, db_t *db, const char *ticket_id, const char *branch, const char *statement,
                   const char *state, s_row_fn fn, const char *event, int64_t at)
{
    /* what this handler changed before goes out first, in order */
    if (sls_flush (self->start, db) != 0)
        return -1;
    const char *p[] = {ticket_id, state};
    PGresult *res = db_exec_prepared (db, statement, state ? 2 : 1, p);
    if (!res)
        return -1;
    int rc = 0, n = PQntuples (res);
    cJSON *clocks = n > 0 ? cJSON_CreateArray () : NULL;
    char err[256] = "";
    const cal_t *cal = n > 0 ? scal_get (self->cals, db, branch, err, sizeof err) : NULL;
    if (n > 0 && (!clocks || !cal)) {
        log_kv (LOG_WARN, "sla_clock_life_failed", "ticket_id", ticket_id, "ticket_event", event, "reason",
                clocks ? err : "out of memory", NULL);
        rc = -1;
    }
    for (int r = 0; r < n && rc == 0; r++) {
        s_row_t row;
        s_read (res, r, &row);
        rc = fn (self, db, cal, &row, at, clocks);
    }
    PQclear (res);
    if (rc == 0)
        rc = scm_emit (self->kept, db, branch, ticket_id, event, at, &clocks);
    cJSON_Delete (clocks);
    return rc;
}

/* ---- pause --------------------------------------------------------------- */

static int s_pause_row (slc_t *self, db_t *db, const cal_t *cal, s_row_t *row, int64_t at, cJSON *clocks)
{
    /* what is left: to the due instant, or once breached to the next escalation */
    int64_t until = row->breached ? (row->has_next ? row->next : at) : row->due, left;
    char err[256];
    if (sdl_between (cal, row->target.time, at, until, &left, err, sizeof err) != 0) {
        log_kv (LOG_WARN, "sla_clock_not_paused", "clock_id", row->id, "reason", err, NULL);
        return -1;
    }
    char at_text[40], left_text[24];
    s_text (at, at_text, sizeof at_text);
    snprintf (left_text, sizeof left_text, "%" PRId64, left);
    char from[96];
    states_from_sql (&sla_clock_states, CLOCK_PAUSED, from, sizeof from);
    const char *p[] = {row->id, at_text, left_text, from, self->hold};
    PGresult *res = db_exec_prepared (db, "slc_pause", 5, p);
    if (!res)
        return -1;
    PQclear (res);
    if (s_entry (clocks, row, at, row->due) != 0)
        return -1;
    s_add_remaining (clocks, left);
    return 0;
}

/*  Runs one statement of (ticket, hold) whose rows are not wanted. */
static int s_holds (db_t *db, const char *statement, const char *ticket_id, const char *hold)
{
    const char *p[] = {ticket_id, hold};
    PGresult *res = db_exec_prepared (db, statement, 2, p);
    PQclear (res);
    return res ? 0 : -1;
}

int slc_pause (slc_t *self, db_t *db, const char *ticket_id, const char *branch, const char *hold, int64_t at)
{
    if (!hold || !*hold || s_holds (db, "slc_hold", ticket_id, hold) != 0)
        return -1;
    self->hold = hold;
    int rc = s_each (self, db, ticket_id, branch, "slc_clocks", CLOCK_S_RUNNING, s_pause_row, "paused", at);
    self->hold = NULL;
    return rc;
}

/* ---- resume ---------------------------------------------------------------- */

/*  An instant still ahead when the clock paused moves by the pause. */
static int s_shift (const cal_t *cal, sla_time_t time, int64_t paused_at, int64_t now, int64_t *instant,
                    char *err, size_t errsize)
{
    if (*instant <= paused_at)
        return 0;
    int64_t left;
    if (sdl_between (cal, time, paused_at, *instant, &left, err, errsize) != 0)
        return -1;
    return sdl_add (cal, time, now, left, instant, err, errsize);
}

static int s_resume_row (slc_t *self, db_t *db, const cal_t *cal, s_row_t *row, int64_t at, cJSON *clocks)
{
    (void) self;
    char err[256];
    int64_t paused_at = row->paused_at ? row->paused_at : at;
    if (s_shift (cal, row->target.time, paused_at, at, &row->due, err, sizeof err) != 0
        || s_shift (cal, row->target.time, paused_at, at, &row->warn, err, sizeof err) != 0
        || (row->has_next && s_shift (cal, row->target.time, paused_at, at, &row->next, err, sizeof err) != 0)) {
        log_kv (LOG_WARN, "sla_clock_not_resumed", "clock_id", row->id, "reason", err, NULL);
        return -1;
    }
    char due[40], warn[40], next[40];
    s_text (row->due, due, sizeof due);
    s_text (row->warn, warn, sizeof warn);
    s_text (row->next, next, sizeof next);
    char from[96];
    states_from_sql (&sla_clock_states, CLOCK_RUNNING, from, sizeof from);
    const char *p[] = {row->id, due, warn, row->has_next ? next : NULL, from};
    PGresult *res = db_exec_prepared (db, "slc_resume", 5, p);
    if (!res)
        return -1;
    PQclear (res);
    return s_entry (clocks, row, at, row->due);
}

int slc_resume (slc_t *self, db_t *db, const char *ticket_id, const char *branch, const char *hold, int64_t at)
{
    if (!hold || !*hold || s_holds (db, "slc_release", ticket_id, hold) != 0)
        return -1;
    return s_each (self, db, ticket_id, branch, "slc_released", NULL, s_resume_row, "resumed", at);
}

/* ---- restart on reopening ------------------------------------------------- */

static int s_restart_row (slc_t *self, db_t *db, const cal_t *cal, s_row_t *row, int64_t at, cJSON *clocks)
{
    (void) self;
    char err[256];
    int64_t due, warn;
    if (!row->target_ok)
        snprintf (err, sizeof err, "clock row with a bad target (%s %s)", row->amount, row->unit);
    if (!row->target_ok
        || sdl_deadlines (cal, &row->target, row->warn_percent, at, &due, &warn, err, sizeof err) != 0) {
        log_kv (LOG_WARN, "sla_clock_not_restarted", "clock_id", row->id, "reason", err, NULL);
        return -1;
    }
    char start[40], due_text[40], warn_text[40];
    s_text (at, start, sizeof start);
    s_text (due, due_text, sizeof due_text);
    s_text (warn, warn_text, sizeof warn_text);
    char from[96];
    states_from_sql (&sla_clock_states, CLOCK_RUNNING, from, sizeof from);
    const char *p[] = {row->id, start, due_text, warn_text, from};
    PGresult *res = db_exec_prepared (db, "slc_restart", 5, p);
    if (!res)
        return -1;
    PQclear (res);
    log_kv (LOG_INFO, "sla_clock_restarted", "clock_id", row->id, "clock", row->clock, "due_at", due_text,
            NULL);
    return s_entry (clocks, row, at, due);
}

int slc_restart (slc_t *self, db_t *db, const char *ticket_id, const char *branch, int64_t at)
{
    return s_each (self, db, ticket_id, branch, "slc_restartable", NULL, s_restart_row, "restarted", at);
}

/* ---- stop with the ticket ------------------------------------------------- */

int slc_stop_all (slc_t *self, db_t *db, const char *ticket_id, const char *branch, int64_t at)
{
    char at_text[40];
    s_text (at, at_text, sizeof at_text);
    char from[96];
    states_from_sql (&sla_clock_states, CLOCK_STOPPED, from, sizeof from);
    const char *p[] = {ticket_id, at_text, from};
    PGresult *res = db_exec_prepared (db, "slc_stop_all", 3, p);
    if (!res)
        return -1;
    int rc = 0;
    for (int r = 0; r < PQntuples (res) && rc == 0; r++) {
        sdl_target_t t;
        if (sdl_target_parse (PQgetvalue (res, r, 3), PQgetvalue (res, r, 4), PQgetvalue (res, r, 5), &t) != 0)
            continue; /* a row the constraints make impossible; nothing to say */
        cJSON *clocks = cJSON_CreateArray ();
        if (!clocks || scm_entry (clocks, PQgetvalue (res, r, 0), PQgetvalue (res, r, 1), PQgetvalue (res, r, 2),
                                  &t, true, at, s_i64 (res, r, 6)) != 0
            || (strcmp (PQgetvalue (res, r, 7), "ticket") != 0
                && scm_subject (clocks, PQgetvalue (res, r, 7), PQgetvalue (res, r, 8)) != 0)) {
            cJSON_Delete (clocks);
            rc = -1;
            break;
        }
        /* kept with the stops of the ticket's event (sls_on_event): one sla.clock */
        rc = sls_keep (self->start, db, branch, ticket_id, true, at, &clocks);
    }
    PQclear (res);
    return rc;
}
