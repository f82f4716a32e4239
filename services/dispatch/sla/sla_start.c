/*  sla_start — starting a ticket's SLA clocks on ticket.created and on the
 *  events its pending clocks wait for (stopping those that stop on the
 *  event in the same round trip), and the handler bracket that inserts the
 *  new clocks and sends what is kept (contract in sla_start.h).
 */
#include "sla_start.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/json.h"
#include "base/log.h"
#include "db/statements.h"
#include "sla_deadline.h"
#include "sla_policy.h"
#include "model/sla_clock.h"
#include "svc/failure.h"

/* ---- statements ------------------------------------------------------- */

#define S_SQL_CLASS "SELECT class FROM ref.customers WHERE id = $1"

/* A ticket's clocks go in with one multi-row INSERT: head, one VALUES tuple
 * per clock (built in s_insert_deferred), tail. */
#define S_SQL_INSERT_HEAD                                                                     \
    "INSERT INTO dispatch.sla_clocks (ticket_id, branch_id, clock, policy, target_kind, "      \
    " target_amount, time_kind, starts_on, stops_on, warn_percent, repeat_minutes, state, "   \
    " started_at, due_at, warn_at, flags, restart_on_reopen, on_breach) VALUES "
#define S_SQL_INSERT_TAIL                                                                     \
    " ON CONFLICT (ticket_id, subject_kind, subject_id, clock) DO NOTHING RETURNING id, clock"

/* A clock stopped while paused was within its target (time was left): its
 * due instant becomes the stop plus what was left, so it counts as met. */
#define S_PAUSED_DUE(at)                                                                      \
    "CASE WHEN state = '" CLOCK_S_PAUSED "' AND breached_at IS NULL THEN " at "::timestamptz "     \
    "+ remaining_us * interval '1 microsecond' ELSE due_at END"

/* One round trip per ticket event: stop the clocks that stop on it (their
 * last column is the due instant) and lock the pending clocks that start on
 * it (last column: warn_percent); the caller computes their deadlines. */
#define S_SQL_EVENT                                                                           \
    "WITH s AS (UPDATE dispatch.sla_clocks SET state = '" CLOCK_S_STOPPED "', "                   \
    "  stopped_at = $3::timestamptz, next_escalation_at = NULL, paused_at = NULL, "           \
    "  due_at = " S_PAUSED_DUE ("$3") " "                                                     \
    "  WHERE ticket_id = $1::bigint AND subject_kind = 'ticket' "  \
    "  AND stops_on = $2 AND state = ANY ($4::text[]) "                                        \
    "  RETURNING id, clock, policy, target_kind, target_amount, time_kind, "                  \
    "  " DB_EPOCH_US ("due_at") " AS n), "                                                           \
    "p AS (SELECT id, clock, policy, target_kind, target_amount, time_kind, "                 \
    "  warn_percent::bigint AS n FROM dispatch.sla_clocks WHERE ticket_id = $1::bigint "      \
    "  AND subject_kind = 'ticket' "                              \
    "  AND starts_on = $2 AND state = '" CLOCK_S_PENDING "' ORDER BY id FOR UPDATE) "             \
    "SELECT true, * FROM s UNION ALL SELECT false, * FROM p"

#define S_SQL_RUN                                                                             \
    "UPDATE dispatch.sla_clocks SET state = '" CLOCK_S_RUNNING "', started_at = $2::timestamptz, " \
    " due_at = $3::timestamptz, warn_at = $4::timestamptz WHERE id = $1::bigint "              \
    " AND state = ANY ($5::text[])"

/* The statements keep the names they had in the one-file engine ("sle_"):
 * database errors in the logs name them. */
static const db_statement_t s_statements[] = {
    { "sle_class", S_SQL_CLASS },
    { "sle_event", S_SQL_EVENT },
    { "sle_run", S_SQL_RUN },
};

/* ---- a new ticket's clocks --------------------------------------------- */

/*  One clock of a new ticket, with its parameters as text for the insert. */
typedef struct {
    const sla_target_t *target;
    sdl_target_t t;
    bool now;                 /* running (else pending) */
    int64_t start_us, due;
    char amount[16], warn_pct[16], repeat[16], start[40], due_text[40], warn[40];
} s_new_clock_t;

#define S_INSERT_COLS 18
#define S_MAX_NEW_CLOCKS SLA_MAX_CLOCKS /* a policy has at most one target per clock */

/*  A new ticket's clocks, computed by sls_on_ticket_created and inserted by
 *  s_insert_deferred (at the latest in sls_flush): an event of the same
 *  ticket in between (its work order assigned in the same transaction)
 *  starts the pending ones in memory, without a round trip. */
typedef struct {
    bool active;
    char ticket_id[32], branch[72], flags[128];
    const sla_policy_t *policy;
    int warn_percent;
    s_new_clock_t rows[S_MAX_NEW_CLOCKS];
    int n;
} s_deferred_t;

struct sls_s {
    db_t *db;
    sll_t *loader;
    scal_t *cals;
    scm_t *kept;
    s_deferred_t deferred;
    /* the new clocks' INSERT for n rows, registered on self->db (s_exec_insert) */
    bool insert_prepared[SLA_MAX_CLOCKS + 1];
};

sls_t *sls_new (db_t *db, sll_t *loader, scal_t *cals, scm_t *kept, char *err, size_t errsize)
{
    sls_t *self = calloc (1, sizeof *self);
    if (!self) {
        snprintf (err, errsize, "out of memory");
        return NULL;
    }
    self->db = db;
    self->loader = loader;
    self->cals = cals;
    self->kept = kept;
    if (db_prepare_statements (db, s_statements, DB_STATEMENTS (s_statements)) != 0) {
        snprintf (err, errsize, "preparing: %s", db_error (db));
        sls_destroy (&self);
    }
    return self;
}

void sls_destroy (sls_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free (*self_p);
    *self_p = NULL;
}

/*  Computes every clock of a new ticket's policy (running when it starts on
 *  ticket_created, else pending) into self->deferred. */
static void s_prepare_all (sls_t *self, const char *ticket_id, const char *branch, const sla_policy_t *policy,
                           const char *flags, int64_t start, const cal_t *cal)
{
    s_deferred_t *d = &self->deferred;
    memset (d, 0, sizeof *d);
    snprintf (d->ticket_id, sizeof d->ticket_id, "%s", ticket_id);
    snprintf (d->branch, sizeof d->branch, "%s", branch);
    snprintf (d->flags, sizeof d->flags, "%s", flags);
    d->policy = policy;
    d->warn_percent = sla_policy_warn_percent (policy);
    int n_targets = sla_policy_target_count (policy);
    for (int i = 0; i < n_targets && d->n < S_MAX_NEW_CLOCKS; i++) {
        s_new_clock_t *r = &d->rows[d->n];
        r->target = sla_policy_target_at (policy, i);
        if (strcmp (r->target->subject, "ticket") != 0)
            continue; /* a subject's clock starts with its subject (sla_subjects.h) */
        r->t = sdl_target_of (r->target);
        r->now = strcmp (r->target->starts_on, "ticket_created") == 0;
        int64_t warn = 0;
        r->due = 0;
        r->start_us = start;
        char err[256];
        if (r->now
            && sdl_deadlines (cal, &r->t, d->warn_percent, start, &r->due, &warn, err, sizeof err) != 0) {
            log_kv (LOG_WARN, "sla_clock_not_started", "ticket_id", ticket_id, "clock", r->target->clock,
                    "reason", err, NULL);
            continue;
        }
        snprintf (r->amount, sizeof r->amount, "%d", r->target->amount);
        snprintf (r->warn_pct, sizeof r->warn_pct, "%d", d->warn_percent);
        snprintf (r->repeat, sizeof r->repeat, "%d", sla_policy_repeat_minutes (policy));
        clock_format_us (start, r->start, sizeof r->start);
        clock_format_us (r->due, r->due_text, sizeof r->due_text);
        clock_format_us (warn, r->warn, sizeof r->warn);
        d->n++;
    }
    d->active = d->n > 0;
}

/*  Runs the INSERT of n new clocks (sql, built by s_insert_deferred) as a
 *  prepared statement, one per row count registered at first use: it is
 *  parsed and planned once, not for every ticket. */
static PGresult *s_exec_insert (sls_t *self, db_t *db, const char *sql, int n, const char *const *params)
{
    if (db != self->db || n < 1 || n > SLA_MAX_CLOCKS)
        return db_exec (db, sql, n * S_INSERT_COLS, params);
    char name[32];
    snprintf (name, sizeof name, "sle_insert_%d", n);
    if (!self->insert_prepared[n]) {
        /* registered even when preparing failed now (db_ensure retries it),
         * or by an engine before this one on the same handle (42P05) */
        int rc = db_prepare (db, name, sql);
        self->insert_prepared[n] = true;
        if (rc != 0 && strcmp (db_sqlstate (db), "42P05") != 0)
            return NULL;
    }
    return db_exec_prepared (db, name, n * S_INSERT_COLS, params);
}

/*  Inserts the deferred clocks in ONE multi-row INSERT — one round trip per
 *  ticket, not one per clock — and adds the running ones to the ticket's
 *  sla.clock (sls_flush). */
static int s_insert_deferred (sls_t *self, db_t *db)
{
    s_deferred_t *d = &self->deferred;
    if (!d->active)
        return 0;
    d->active = false;
    const char *params[S_MAX_NEW_CLOCKS * S_INSERT_COLS];
    static char sql[S_MAX_NEW_CLOCKS * 300 + 512]; /* 16 KiB: off the stack; one loop thread */
    size_t used = (size_t) snprintf (sql, sizeof sql, "%s", S_SQL_INSERT_HEAD);
    const char *policy = sla_policy_name (d->policy);
    int64_t first = 0;
    for (int n = 0; n < d->n; n++) {
        s_new_clock_t *r = &d->rows[n];
        if (r->now && (first == 0 || r->start_us < first))
            first = r->start_us;
        const char *row[S_INSERT_COLS] = {
            d->ticket_id,      d->branch,
            r->target->clock,  policy,
            r->target->unit == SLA_UNIT_WORKING_DAYS ? "working_days" : "minutes",
            r->amount,         r->target->time == SLA_TIME_CALENDAR ? "calendar" : "business",
            r->target->starts_on,
            r->target->stops_on,
            r->warn_pct,       r->repeat,
            r->now ? CLOCK_S_RUNNING : CLOCK_S_PENDING,
            r->now ? r->start : NULL,
            r->now ? r->due_text : NULL,
            r->now ? r->warn : NULL,
            d->flags,
            r->target->restart_on_reopen ? "true" : "false",
            r->target->redispatch ? "redispatch" : "escalate",
        };
        memcpy (&params[n * S_INSERT_COLS], row, sizeof row);
        int b = n * S_INSERT_COLS;
        used += (size_t) snprintf (sql + used, sizeof sql - used,
                                   "%s($%d::bigint, $%d, $%d, $%d, $%d, $%d::int, $%d, $%d, $%d, $%d::int, "
                                   "$%d::int, $%d, $%d::timestamptz, $%d::timestamptz, $%d::timestamptz, "
                                   "$%d::text[], $%d::bool, $%d)",
                                   n ? ", " : "", b + 1, b + 2, b + 3, b + 4, b + 5, b + 6, b + 7, b + 8,
                                   b + 9, b + 10, b + 11, b + 12, b + 13, b + 14, b + 15, b + 16, b + 17,
                                   b + 18);
    }
    snprintf (sql + used, sizeof sql - used, "%s", S_SQL_INSERT_TAIL);
    PGresult *res = s_exec_insert (self, db, sql, d->n, params);
    if (!res)
        return -1;
    cJSON *started = cJSON_CreateArray ();
    int rc = started ? 0 : -1;
    for (int k = 0; k < PQntuples (res) && rc == 0; k++) {
        const char *clock_id = PQgetvalue (res, k, 0), *clock = PQgetvalue (res, k, 1);
        for (int i = 0; i < d->n; i++) {
            if (!d->rows[i].now || strcmp (d->rows[i].target->clock, clock) != 0)
                continue;
            log_kv (LOG_INFO, "sla_clock_started", "ticket_id", d->ticket_id, "clock", clock, "policy",
                    policy, "starts_on", d->rows[i].target->starts_on, "due_at", d->rows[i].due_text, NULL);
            rc = scm_entry (started, clock_id, clock, policy, &d->rows[i].t, false, d->rows[i].start_us,
                            d->rows[i].due);
        }
    }
    PQclear (res);
    if (rc == 0)
        rc = sls_keep (self, db, d->branch, d->ticket_id, false, first, &started);
    cJSON_Delete (started);
    return rc;
}

/*  The event for a ticket whose clocks are still deferred: starts its
 *  pending clocks that start on it in memory. Returns the number started,
 *  or -1 when the event must go the database way (it stops a clock). */
static int s_event_deferred (sls_t *self, db_t *db, const char *event, int64_t at_us)
{
    s_deferred_t *d = &self->deferred;
    for (int i = 0; i < d->n; i++)
        if (d->rows[i].now && strcmp (d->rows[i].target->stops_on, event) == 0)
            return -1;
    int changed = 0;
    for (int i = 0; i < d->n; i++) {
        s_new_clock_t *r = &d->rows[i];
        if (r->now || strcmp (r->target->starts_on, event) != 0)
            continue;
        char err[256];
        const cal_t *cal = scal_get (self->cals, db, d->branch, err, sizeof err);
        int64_t warn = 0;
        if (!cal)
            return -1;
        if (sdl_deadlines (cal, &r->t, d->warn_percent, at_us, &r->due, &warn, err, sizeof err) != 0) {
            log_kv (LOG_WARN, "sla_clock_not_started", "ticket_id", d->ticket_id, "clock", r->target->clock,
                    "reason", err, NULL);
            continue;
        }
        r->now = true;
        r->start_us = at_us;
        clock_format_us (at_us, r->start, sizeof r->start);
        clock_format_us (r->due, r->due_text, sizeof r->due_text);
        clock_format_us (warn, r->warn, sizeof r->warn);
        changed++;
    }
    return changed;
}

/* ---- the handler bracket ------------------------------------------------ */

void sls_begin (sls_t *self)
{
    if (!self)
        return;
    scm_drop (self->kept);
    self->deferred.active = false;
}

int sls_flush (sls_t *self, db_t *db)
{
    if (!self)
        return -1;
    int rc = s_insert_deferred (self, db);
    if (rc == 0)
        rc = scm_send (self->kept, db);
    sls_begin (self);
    return rc;
}

int sls_settle (sls_t *self, db_t *db)
{
    return self ? s_insert_deferred (self, db) : -1;
}

int sls_carry (sls_t *self, db_t *db, const char *ticket_id, const char *branch, cJSON *body)
{
    if (!self || !db || !ticket_id || !branch || !body)
        return -1;
    /* the ticket's new clocks go in now, so their ids can travel */
    s_deferred_t *d = &self->deferred;
    if (d->active && strcmp (d->ticket_id, ticket_id) == 0 && strcmp (d->branch, branch) == 0
        && s_insert_deferred (self, db) != 0)
        return -1;
    return scm_carry (self->kept, ticket_id, branch, body);
}

int sls_keep (sls_t *self, db_t *db, const char *branch, const char *ticket_id, bool stopped, int64_t at,
              cJSON **clocks_p)
{
    cJSON *clocks = *clocks_p;
    if (!clocks || cJSON_GetArraySize (clocks) == 0) {
        cJSON_Delete (clocks);
        *clocks_p = NULL;
        return 0;
    }
    /* one ticket at a time: another ticket's changes go out first */
    if (scm_holds_other (self->kept, ticket_id, branch) && sls_flush (self, db) != 0) {
        cJSON_Delete (clocks);
        *clocks_p = NULL;
        return -1;
    }
    scm_keep (self->kept, branch, ticket_id, stopped, at, clocks_p);
    return 0;
}

/* ---- starting on ticket.created and on events ---------------------------- */

/*  The message's flags as a PostgreSQL array literal ("{safety}"); only
 *  known flag names get in. */
static void s_flags_literal (const char *const *given, size_t n, char *out, size_t size)
{
    size_t used = (size_t) snprintf (out, size, "{");
    bool first = true;
    for (size_t k = 0; k < n; k++)
        for (int i = 0; sla_flag_names[i]; i++)
            if (strcmp (given[k], sla_flag_names[i]) == 0 && used + 24 < size) {
                used += (size_t) snprintf (out + used, size - used, "%s%s", first ? "" : ",",
                                           sla_flag_names[i]);
                first = false;
            }
    snprintf (out + used, size - used, "}");
}

bus_result_t sls_on_ticket_created (sls_t *self, db_t *db, const ticket_created_t *t, char *reason,
                                    size_t reason_size)
{
    assert (self && db && t);
    if (t->closed)
        return BUS_OK;
    const char *branch = t->branch, *tier = t->tier, *kind = t->kind, *priority = t->priority;
    const char *customer = t->customer_id, *ticket_id = t->ticket_id_text;
    int64_t start = t->created_us;
    char err[512];
    if (sll_ensure (self->loader, err, sizeof err) != 0) {
        snprintf (reason, reason_size, "SLA configuration: %s", err);
        return BUS_RETRY;
    }
    char class_[40];
    const char *given = t->customer_class;
    if (given)
        snprintf (class_, sizeof class_, "%s", given);
    else { /* a sender that does not carry it: look it up */
        const char *p1[] = { customer };
        PGresult *res = db_exec_prepared (db, "sle_class", 1, p1);
        if (!res)
            return svc_db_bus_failure (db, "reading the customer's class", reason, reason_size);
        snprintf (class_, sizeof class_, "%s", PQntuples (res) == 1 ? PQgetvalue (res, 0, 0) : "regular");
        PQclear (res);
    }
    const sla_policy_t *policy = sla_match (sll_config (self->loader), tier, kind, priority, class_);
    if (!policy) {
        log_kv (LOG_WARN, "sla_no_policy", "ticket_id", ticket_id, "tier", tier, "kind", kind,
                "priority", priority, "class", class_, "reason", "no policy matches the ticket", NULL);
        return BUS_OK;
    }
    const cal_t *cal = scal_get (self->cals, db, branch, err, sizeof err);
    if (!cal) {
        snprintf (reason, reason_size, "branch %s's calendar: %s", branch, err);
        return db_connected (db) && strstr (err, "no branch") ? BUS_REJECT : BUS_RETRY;
    }
    char flags[128];
    s_flags_literal (t->flags, t->n_flags, flags, sizeof flags);
    /* another ticket's changes go first; this one's clocks are inserted by
     * sls_flush, with the clocks its work order's assignment starts */
    if (sls_flush (self, db) != 0)
        return svc_db_bus_failure (db, "starting SLA clocks", reason, reason_size);
    s_prepare_all (self, ticket_id, branch, policy, flags, start, cal);
    return BUS_OK;
}

int sls_on_event (sls_t *self, db_t *db, const char *ticket_id, const char *branch, const char *event,
                  int64_t at_us)
{
    if (!self || !db || !ticket_id || !branch || !event)
        return -1;
    s_deferred_t *d = &self->deferred;
    if (d->active && strcmp (d->ticket_id, ticket_id) == 0 && strcmp (d->branch, branch) == 0) {
        int started = s_event_deferred (self, db, event, at_us);
        if (started >= 0)
            return started;
    }
    if (s_insert_deferred (self, db) != 0)
        return -1;
    char at[40];
    clock_format_us (at_us, at, sizeof at);
    int changed = 0, rc = 0;
    char stop_from[96];
    states_from_sql (&sla_clock_states, CLOCK_STOPPED, stop_from, sizeof stop_from);
    const char *p1[] = { ticket_id, event, at, stop_from };
    PGresult *res = db_exec_prepared (db, "sle_event", 4, p1);
    if (!res)
        return -1;
    cJSON *stopped = cJSON_CreateArray (), *started = cJSON_CreateArray ();
    if (!stopped || !started)
        rc = -1;
    /* columns: is-stop, id, clock, policy, target_kind, target_amount, time_kind, n */
    for (int r = 0; r < PQntuples (res) && rc == 0; r++) {
        const char *id = PQgetvalue (res, r, 1), *clock = PQgetvalue (res, r, 2);
        const char *policy = PQgetvalue (res, r, 3);
        sdl_target_t t;
        if (sdl_target_parse (PQgetvalue (res, r, 4), PQgetvalue (res, r, 5), PQgetvalue (res, r, 6), &t) != 0)
            continue;
        if (strcmp (PQgetvalue (res, r, 0), "t") == 0) {
            int64_t due = strtoll (PQgetvalue (res, r, 7), NULL, 10);
            rc = scm_entry (stopped, id, clock, policy, &t, true, at_us, due);
            changed++;
            continue;
        }
        char err[256];
        const cal_t *cal = scal_get (self->cals, db, branch, err, sizeof err);
        int64_t due, warn;
        if (!cal || sdl_deadlines (cal, &t, atoi (PQgetvalue (res, r, 7)), at_us, &due, &warn, err, sizeof err) != 0) {
            log_kv (LOG_WARN, "sla_clock_not_started", "ticket_id", ticket_id, "clock", clock, "reason",
                    err, NULL);
            if (!db_connected (db))
                rc = -1;
            continue;
        }
        char due_text[40], warn_text[40];
        clock_format_us (due, due_text, sizeof due_text);
        clock_format_us (warn, warn_text, sizeof warn_text);
        char run_from[96];
        states_from_sql (&sla_clock_states, CLOCK_RUNNING, run_from, sizeof run_from);
        const char *p3[] = { id, at, due_text, warn_text, run_from };
        PGresult *u = db_exec_prepared (db, "sle_run", 5, p3);
        if (!u) {
            rc = -1;
            break;
        }
        PQclear (u);
        log_kv (LOG_INFO, "sla_clock_started", "ticket_id", ticket_id, "clock", clock, "ticket_event", event,
                "due_at", due_text, NULL);
        rc = scm_entry (started, id, clock, policy, &t, false, at_us, due);
        changed++;
    }
    PQclear (res);
    if (rc == 0)
        rc = sls_keep (self, db, branch, ticket_id, true, at_us, &stopped);
    if (rc == 0)
        rc = sls_keep (self, db, branch, ticket_id, false, at_us, &started);
    cJSON_Delete (stopped);
    cJSON_Delete (started);
    return rc == 0 ? changed : -1;
}

