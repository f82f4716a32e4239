/*  sla_subjects — clocks of a ticket's subjects, made when their start
 *  event comes and stopped on their stop event or the subject's end
 *  (contract in sla_subjects.h).
 */
#include "sla_subjects.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "db/statements.h"
#include "model/sla_clock.h"
#include "model/sla_subject.h"
#include "sla_clock_msg.h"
#include "sla_deadline.h"
#include "sla_policy.h"

#define MINUTE_US INT64_C (60000000)

/* $1 ticket, $2 kind, $3 subject, $4 event, $5 at, $6 every clock (the
 * subject ended), $7 the states a stop starts from. A clock stopped while
 * paused keeps the time it had left as its due (sla_start.c's rule). WHO
 * finds the subject's clocks: of its ticket, or of no ticket ($1 NULL). */
#define S_SQL_STOP(WHO)                                                                       \
    "UPDATE dispatch.sla_clocks SET state = '" CLOCK_S_STOPPED "', stopped_at = $5::timestamptz, " \
    " next_escalation_at = NULL, paused_at = NULL, "                                          \
    " due_at = CASE WHEN state = '" CLOCK_S_PAUSED "' AND breached_at IS NULL THEN $5::timestamptz " \
    "  + remaining_us * interval '1 microsecond' ELSE due_at END "                             \
    "WHERE " WHO " AND subject_kind = $2 AND subject_id = $3::bigint "                         \
    " AND (stops_on = $4 OR $6::bool) AND state = ANY ($7::text[]) "                          \
    "RETURNING id, clock, policy, target_kind, target_amount, time_kind, " DB_EPOCH_US ("due_at")
#define S_OF_TICKET "ticket_id = $1::bigint"
#define S_OF_NO_TICKET "ticket_id IS NULL AND $1::bigint IS NULL"

/* The policy and flags the ticket's own clocks were started under. */
#define S_SQL_POLICY                                                                          \
    "SELECT policy, flags::text FROM dispatch.sla_clocks WHERE ticket_id = $1::bigint "       \
    " AND subject_kind = '" SLA_SUBJECT_TICKET "' ORDER BY id LIMIT 1"

/* A subject's clock, running from its start; a second start event for the
 * same subject (a redelivery) finds it there and changes nothing. */
#define S_SQL_INSERT                                                                          \
    "INSERT INTO dispatch.sla_clocks (ticket_id, subject_kind, subject_id, branch_id, clock, " \
    " policy, target_kind, target_amount, time_kind, starts_on, stops_on, warn_percent, "     \
    " repeat_minutes, state, started_at, due_at, warn_at, flags, restart_on_reopen, on_breach) " \
    "VALUES ($1::bigint, $2, $3::bigint, $4, $5, $6, $7, $8::int, $9, $10, $11, $12::int, "   \
    " $13::int, '" CLOCK_S_RUNNING "', $14::timestamptz, $15::timestamptz, $16::timestamptz, " \
    " $17::text[], false, 'escalate') "                                                       \
    "ON CONFLICT (ticket_id, subject_kind, subject_id, clock) "

/* A ticketless subject lives on (a deposit short again after a top-up):
 * its stopped clock begins anew, $18 the states a restart starts from; a
 * running one (a redelivery) stays as it is. Returns whether it was new. */
#define S_SQL_RESTART                                                                         \
    S_SQL_INSERT "DO UPDATE SET state = '" CLOCK_S_RUNNING "', policy = EXCLUDED.policy, "     \
    " target_kind = EXCLUDED.target_kind, target_amount = EXCLUDED.target_amount, "           \
    " time_kind = EXCLUDED.time_kind, warn_percent = EXCLUDED.warn_percent, "                 \
    " repeat_minutes = EXCLUDED.repeat_minutes, started_at = EXCLUDED.started_at, "           \
    " due_at = EXCLUDED.due_at, warn_at = EXCLUDED.warn_at, warned_at = NULL, "               \
    " breached_at = NULL, stopped_at = NULL, level = NULL, next_escalation_at = NULL, "       \
    " paused_at = NULL, remaining_us = NULL, paused_by = '{}', restarts = sla_clocks.restarts + 1 " \
    "WHERE sla_clocks.state = '" CLOCK_S_STOPPED "' AND sla_clocks.state = ANY ($18::text[]) " \
    "RETURNING id, xmax = 0"

/* A ticketless subject's history (a ticket's is intake's): $1 the entries
 * of its clocks as sla.clock lists them, $2 at, $3 the subject's event. */
#define S_SQL_HISTORY                                                                         \
    "INSERT INTO dispatch.subject_clock_history (clock_id, at, event, detail) "               \
    "SELECT (j->>'clock_id')::bigint, $2::timestamptz, CASE WHEN j ? 'stopped_at' THEN 'clock_stopped' " \
    " WHEN j ? 'restarted' THEN 'clock_restarted' ELSE 'clock_started' END, "               \
    " (j - 'restarted') || jsonb_build_object ('subject_event', $3::text) "                  \
    "FROM jsonb_array_elements ($1::jsonb) AS e (j)"

/* Whether clocks of a kind the file no longer has are still counting. */
#define S_SQL_LIVE                                                                            \
    "SELECT EXISTS (SELECT 1 FROM dispatch.sla_clocks WHERE subject_kind = $1 "               \
    " AND state IN ('" CLOCK_S_RUNNING "', '" CLOCK_S_PAUSED "'))"

static const db_statement_t s_statements[] = {
    { "sss_stop", S_SQL_STOP (S_OF_TICKET) },
    { "sss_stop_ticketless", S_SQL_STOP (S_OF_NO_TICKET) },
    { "sss_policy", S_SQL_POLICY },
    { "sss_insert", S_SQL_INSERT "DO NOTHING RETURNING id" },
    { "sss_restart", S_SQL_RESTART },
    { "sss_history", S_SQL_HISTORY },
    { "sss_live", S_SQL_LIVE },
};

struct sss_s {
    sls_t *start;
    sll_t *loader;
    scal_t *cals;
    /* per kind, for the configuration in effect when it was asked: clocks
     * of the kind still counting though the file has none (a reload or a
     * restart removed them); they stop on their events all the same */
    const sla_config_t *live_for;
    signed char live[SLA_SUBJECT_MAX_KINDS]; /* -1 unknown, 0 no, 1 yes */
};

sss_t *sss_new (db_t *db, sls_t *start, sll_t *loader, scal_t *cals, char *err, size_t errsize)
{
    sss_t *self = calloc (1, sizeof *self);
    if (!self) {
        snprintf (err, errsize, "out of memory");
        return NULL;
    }
    self->start = start;
    self->loader = loader;
    self->cals = cals;
    if (db_prepare_statements (db, s_statements, DB_STATEMENTS (s_statements)) != 0) {
        snprintf (err, errsize, "preparing: %s", db_error (db));
        sss_destroy (&self);
    }
    return self;
}

void sss_destroy (sss_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free (*self_p);
    *self_p = NULL;
}

/*  1 when clocks of the kind may be counting or may start, 0 when the
 *  event cannot concern any, -1 on a database failure. */
static int s_in_use (sss_t *self, db_t *db, const char *kind)
{
    const sla_config_t *cfg = sll_config (self->loader);
    if (sla_subject_used (cfg, kind))
        return 1;
    int k = 0;
    while (sla_subject_kinds[k].name && strcmp (sla_subject_kinds[k].name, kind) != 0)
        k++;
    if (!sla_subject_kinds[k].name)
        return 0;
    if (self->live_for != cfg) {
        memset (self->live, -1, sizeof self->live);
        self->live_for = cfg;
    }
    if (self->live[k] < 0) {
        const char *p[] = { kind };
        PGresult *res = db_exec_prepared (db, "sss_live", 1, p);
        if (!res)
            return -1;
        self->live[k] = strcmp (PQgetvalue (res, 0, 0), "t") == 0;
        PQclear (res);
    }
    return self->live[k];
}

/*  Stops the subject's clocks that stop on the event (all of them when it
 *  ends the subject), adding their entries to `stopped`. Returns the
 *  number stopped, or -1. */
static int s_stop (db_t *db, const sss_subject_t *s, const char *event, const char *at, int64_t at_us,
                   cJSON *stopped)
{
    char from[96];
    states_from_sql (&sla_clock_states, CLOCK_STOPPED, from, sizeof from);
    const char *p[] = { s->ticket_id, s->kind, s->id, event, at,
                        sla_subject_event_ends (s->kind, event) ? "true" : "false", from };
    PGresult *res = db_exec_prepared (db, s->ticket_id ? "sss_stop" : "sss_stop_ticketless", 7, p);
    if (!res)
        return -1;
    int n = 0, rc = 0;
    for (int r = 0; r < PQntuples (res) && rc == 0; r++) {
        sdl_target_t t;
        if (sdl_target_parse (PQgetvalue (res, r, 3), PQgetvalue (res, r, 4), PQgetvalue (res, r, 5), &t) != 0)
            continue; /* a row the constraints make impossible */
        int64_t due = strtoll (PQgetvalue (res, r, 6), NULL, 10);
        rc = scm_entry (stopped, PQgetvalue (res, r, 0), PQgetvalue (res, r, 1), PQgetvalue (res, r, 2), &t, true,
                        at_us, due);
        if (rc == 0)
            rc = scm_subject (stopped, s->kind, s->id);
        log_kv (LOG_INFO, "sla_clock_stopped", "ticket_id", s->ticket_id ? s->ticket_id : "", "subject_kind",
                s->kind, "subject_id", s->id, "clock", PQgetvalue (res, r, 1), "subject_event", event, NULL);
        n++;
    }
    PQclear (res);
    return rc == 0 ? n : -1;
}

/*  True when some policy of the file has a clock of the kind starting on
 *  the event: only then is the ticket's policy looked up. */
static bool s_starts_any (const sla_config_t *cfg, const char *kind, const char *event)
{
    for (int p = 0; p < sla_policy_count (cfg); p++) {
        const sla_policy_t *policy = sla_policy_at (cfg, p);
        for (int i = 0; i < sla_policy_target_count (policy); i++) {
            const sla_target_t *t = sla_policy_target_at (policy, i);
            if (strcmp (t->subject, kind) == 0 && strcmp (t->starts_on, event) == 0)
                return true;
        }
    }
    return false;
}

/*  Starts one clock of the subject; adds its entry to `started`. Returns 1
 *  (started), 0 (there already, or its deadline cannot be computed:
 *  logged) or -1. */
static int s_start_one (sss_t *self, db_t *db, const sss_subject_t *s, const sla_policy_t *policy,
                        const sla_target_t *target, const char *flags, int64_t at_us, cJSON *started)
{
    char err[256] = "";
    /* a ticketless clock counts calendar time (the loader sees to it) */
    const cal_t *cal = s->ticket_id ? scal_get (self->cals, db, s->branch, err, sizeof err) : NULL;
    sdl_target_t t = sdl_target_of (target);
    int warn_percent = sla_policy_warn_percent (policy);
    int64_t due = 0, warn = 0;
    int amount_value = target->amount;
    bool calendar = target->time == SLA_TIME_CALENDAR, working_days = target->unit == SLA_UNIT_WORKING_DAYS;
    if (s->due_us > at_us) {
        /* the subject's own deadline: that many calendar minutes (rounded
         * up), warned at the policy's share of them */
        int64_t span = s->due_us - at_us, minutes = (span + MINUTE_US - 1) / MINUTE_US;
        amount_value = minutes > INT32_MAX ? INT32_MAX : (int) minutes;
        calendar = true;
        working_days = false;
        due = s->due_us;
        warn = at_us + span * warn_percent / 100;
        t = (sdl_target_t) { SLA_UNIT_MINUTES, amount_value, SLA_TIME_CALENDAR };
    }
    else if ((!cal && s->ticket_id)
             || sdl_deadlines (cal, &t, warn_percent, at_us, &due, &warn, err, sizeof err) != 0) {
        log_kv (LOG_WARN, "sla_clock_not_started", "ticket_id", s->ticket_id ? s->ticket_id : "", "subject_kind",
                s->kind, "subject_id", s->id, "clock", target->clock, "reason", err, NULL);
        return db_connected (db) ? 0 : -1;
    }
    char amount[16], warn_pct[16], repeat[16], start[40], due_text[40], warn_text[40];
    snprintf (amount, sizeof amount, "%d", amount_value);
    snprintf (warn_pct, sizeof warn_pct, "%d", warn_percent);
    snprintf (repeat, sizeof repeat, "%d", sla_policy_repeat_minutes (policy));
    clock_format_us (at_us, start, sizeof start);
    clock_format_us (due, due_text, sizeof due_text);
    clock_format_us (warn, warn_text, sizeof warn_text);
    char from[96];
    states_from_sql (&sla_clock_states, CLOCK_RUNNING, from, sizeof from);
    const char *p[] = {
        s->ticket_id,     s->kind,
        s->id,            s->ticket_id ? s->branch : NULL, /* a ticketless clock is head office's */
        target->clock,    sla_policy_name (policy),
        working_days ? "working_days" : "minutes",
        amount,           calendar ? "calendar" : "business",
        target->starts_on, target->stops_on,
        warn_pct,         repeat,
        start,            due_text,
        warn_text,        flags,
        from,
    };
    PGresult *res = s->ticket_id ? db_exec_prepared (db, "sss_insert", 17, p)
                                 : db_exec_prepared (db, "sss_restart", 18, p);
    if (!res)
        return -1;
    int rc = 0;
    if (PQntuples (res) == 1) {
        bool restarted = PQnfields (res) > 1 && strcmp (PQgetvalue (res, 0, 1), "f") == 0;
        log_kv (LOG_INFO, restarted ? "sla_clock_restarted" : "sla_clock_started", "ticket_id",
                s->ticket_id ? s->ticket_id : "", "subject_kind", s->kind, "subject_id", s->id, "clock",
                target->clock, "policy", sla_policy_name (policy), "due_at", due_text, NULL);
        rc = scm_entry (started, PQgetvalue (res, 0, 0), target->clock, sla_policy_name (policy), &t, false, at_us,
                        due) == 0
                     && scm_subject (started, s->kind, s->id) == 0
                     && (!restarted
                         || cJSON_AddTrueToObject (cJSON_GetArrayItem (started, cJSON_GetArraySize (started) - 1),
                                                   "restarted"))
                 ? 1
                 : -1;
    }
    PQclear (res);
    return rc;
}

/*  A ticketless subject has no ticket to choose a policy: each of its
 *  clocks that starts on the event takes its target from the first policy
 *  of the file that sets one, without flags. Returns the number started,
 *  or -1. */
static int s_start_ticketless (sss_t *self, db_t *db, const sss_subject_t *s, const sla_config_t *cfg,
                               const char *event, int64_t at_us, cJSON *started)
{
    int n = 0;
    for (int c = 0; c < sla_clock_count (cfg); c++) {
        const char *clock = sla_clock_name (cfg, c);
        for (int p = 0; p < sla_policy_count (cfg); p++) {
            const sla_policy_t *policy = sla_policy_at (cfg, p);
            const sla_target_t *t = sla_policy_target (policy, clock);
            if (!t)
                continue;
            if (strcmp (t->subject, s->kind) == 0 && strcmp (t->starts_on, event) == 0) {
                int rc = s_start_one (self, db, s, policy, t, "{}", at_us, started);
                if (rc < 0)
                    return -1;
                n += rc;
            }
            break; /* the first policy that sets the clock is its policy */
        }
    }
    return n;
}

/*  A ticketless subject's entries go to its own history. */
static int s_history (db_t *db, const cJSON *entries, int64_t at_us, const char *event)
{
    if (cJSON_GetArraySize (entries) == 0)
        return 0;
    char at[40], *text = cJSON_PrintUnformatted (entries);
    clock_format_us (at_us, at, sizeof at);
    const char *p[] = { text, at, event };
    PGresult *res = text ? db_exec_prepared (db, "sss_history", 3, p) : NULL;
    free (text);
    PQclear (res);
    return res ? 0 : -1;
}

/*  Starts the subject's clocks that start on the event, under its ticket's
 *  policy. Returns the number started, or -1. */
static int s_start (sss_t *self, db_t *db, const sss_subject_t *s, const char *event, int64_t at_us,
                    cJSON *started)
{
    const sla_config_t *cfg = sll_config (self->loader);
    if (!s_starts_any (cfg, s->kind, event))
        return 0;
    if (!s->ticket_id)
        return s_start_ticketless (self, db, s, cfg, event, at_us, started);
    const char *p[] = { s->ticket_id };
    PGresult *res = db_exec_prepared (db, "sss_policy", 1, p);
    if (!res)
        return -1;
    if (PQntuples (res) == 0) {
        log_kv (LOG_WARN, "sla_no_policy", "ticket_id", s->ticket_id, "subject_kind", s->kind, "subject_id", s->id,
                "reason", "the ticket has no clocks of its own, so no policy: its subjects' clocks do not run",
                NULL);
        PQclear (res);
        return 0;
    }
    const sla_policy_t *policy = sla_policy_find (cfg, PQgetvalue (res, 0, 0));
    if (!policy) {
        log_kv (LOG_WARN, "sla_no_policy", "ticket_id", s->ticket_id, "subject_kind", s->kind, "subject_id", s->id,
                "policy", PQgetvalue (res, 0, 0), "reason",
                "the ticket's policy is no longer in the SLA file: its subjects' clocks do not run", NULL);
        PQclear (res);
        return 0;
    }
    char flags[160];
    snprintf (flags, sizeof flags, "%s", PQgetvalue (res, 0, 1));
    PQclear (res);
    int n = 0;
    for (int i = 0; i < sla_policy_target_count (policy); i++) {
        const sla_target_t *t = sla_policy_target_at (policy, i);
        if (strcmp (t->subject, s->kind) != 0 || strcmp (t->starts_on, event) != 0)
            continue;
        int rc = s_start_one (self, db, s, policy, t, flags, at_us, started);
        if (rc < 0)
            return -1;
        n += rc;
    }
    return n;
}

int sss_on_event (sss_t *self, db_t *db, const sss_subject_t *s, const char *event, int64_t at_us)
{
    if (!self || !db || !s || !s->kind || !s->id || !s->ticket_id != sla_subject_ticketless (s->kind) || !s->branch
        || !event)
        return -1;
    if (sll_config (self->loader) == NULL)
        return 0; /* nothing loaded yet: sll_ensure reports why where it is called */
    int use = s_in_use (self, db, s->kind);
    if (use <= 0)
        return use;
    if (sls_settle (self->start, db) != 0)
        return -1;
    char at[40];
    clock_format_us (at_us, at, sizeof at);
    cJSON *stopped = cJSON_CreateArray (), *started = cJSON_CreateArray ();
    int n_stopped = stopped && started ? s_stop (db, s, event, at, at_us, stopped) : -1;
    int n_started = n_stopped < 0 ? -1 : s_start (self, db, s, event, at_us, started);
    int rc = n_started < 0 ? -1 : 0;
    if (rc == 0 && !s->ticket_id) {
        rc = s_history (db, stopped, at_us, event) == 0 && s_history (db, started, at_us, event) == 0 ? 0 : -1;
        cJSON_Delete (stopped);
        cJSON_Delete (started);
        return rc == 0 ? n_stopped + n_started : -1;
    }
    if (rc == 0)
        rc = sls_keep (self->start, db, s->branch, s->ticket_id, true, at_us, &stopped);
    if (rc == 0)
        rc = sls_keep (self->start, db, s->branch, s->ticket_id, false, at_us, &started);
    cJSON_Delete (stopped);
    cJSON_Delete (started);
    return rc == 0 ? n_stopped + n_started : -1;
}
