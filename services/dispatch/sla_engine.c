/*  sla_engine — SLA clocks, warnings and escalations in PostgreSQL
 *  (contract in sla_engine.h, overview in docs/sla.md "The engine").
 */
#include "sla_engine.h"
#include "sweeps.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "time/branch_cal.h"
#include "time/calendar.h"
#include "svc/emit.h"
#include "db/statements.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/log.h"
#include "notify/notify.h"
#include "sla/sla_deadline.h"
#include "sla/sla_policy.h"

/* ---- statements ------------------------------------------------------- */


#define S_SQL_CLASS "SELECT class FROM ref.customers WHERE id = $1"

/* A ticket's clocks go in with one multi-row INSERT: head, one VALUES tuple
 * per clock (built in s_insert_all), tail. */
#define S_SQL_INSERT_HEAD                                                                     \
    "INSERT INTO dispatch.sla_clocks (ticket_id, branch_id, clock, policy, target_kind, "      \
    " target_amount, time_kind, starts_on, stops_on, warn_percent, repeat_minutes, state, "   \
    " started_at, due_at, warn_at, flags, restart_on_reopen, on_breach) VALUES "
#define S_SQL_INSERT_TAIL " ON CONFLICT (ticket_id, clock) DO NOTHING RETURNING id, clock"

/* A clock stopped while paused was within its target (time was left): its
 * due instant becomes the stop plus what was left, so it counts as met. */
#define S_PAUSED_DUE(at)                                                                      \
    "CASE WHEN state = 'paused' AND breached_at IS NULL THEN " at "::timestamptz "            \
    "+ remaining_us * interval '1 microsecond' ELSE due_at END"

/* One round trip per ticket event: stop the clocks that stop on it (their
 * last column is the due instant) and lock the pending clocks that start on
 * it (last column: warn_percent); the caller computes their deadlines. */
#define S_SQL_EVENT                                                                           \
    "WITH s AS (UPDATE dispatch.sla_clocks SET state = 'stopped', "                           \
    "  stopped_at = $3::timestamptz, next_escalation_at = NULL, paused_at = NULL, "           \
    "  due_at = " S_PAUSED_DUE ("$3") " "                                                     \
    "  WHERE ticket_id = $1::bigint AND stops_on = $2 AND state IN ('running', 'paused') "    \
    "  RETURNING id, clock, policy, target_kind, target_amount, time_kind, "                  \
    "  " DB_EPOCH_US ("due_at") " AS n), "                                                           \
    "p AS (SELECT id, clock, policy, target_kind, target_amount, time_kind, "                 \
    "  warn_percent::bigint AS n FROM dispatch.sla_clocks WHERE ticket_id = $1::bigint "      \
    "  AND starts_on = $2 AND state = 'pending' ORDER BY id FOR UPDATE) "                     \
    "SELECT true, * FROM s UNION ALL SELECT false, * FROM p"

#define S_SQL_RUN                                                                             \
    "UPDATE dispatch.sla_clocks SET state = 'running', started_at = $2::timestamptz, "        \
    " due_at = $3::timestamptz, warn_at = $4::timestamptz WHERE id = $1::bigint"

/* The firing claim: the earliest due of each kind, each through its own
 * partial index in index order (s_fire_tx turns bitmap scans off: a plain
 * index scan marks the entries of clocks already fired dead, a bitmap scan
 * reads them all again on every tick until VACUUM — 20 ms a tick at 200,000
 * of them on a 1,000,000-clock table, 1 ms this way). The outer
 * condition repeats the inner ones so that a row changed by another
 * dispatcher since the snapshot is checked again under its lock. */
#define S_SQL_DUE                                                                             \
    "SELECT id, ticket_id, branch_id, clock, policy, target_kind, target_amount, time_kind, " \
    " repeat_minutes, " DB_EPOCH_US ("due_at") ", " DB_EPOCH_US ("warn_at") ", warned_at IS NULL, "          \
    " (breached_at IS NULL AND on_breach = 'escalate'), level, "                              \
    DB_EPOCH_US ("next_escalation_at") ", to_json(flags)::text "                                     \
    "FROM dispatch.sla_clocks WHERE id = ANY (ARRAY ("                                        \
    " (SELECT id FROM dispatch.sla_clocks WHERE state = 'running' AND warned_at IS NULL "     \
    "  AND warn_at <= $1::timestamptz ORDER BY warn_at LIMIT $2::int) UNION ALL "              \
    " (SELECT id FROM dispatch.sla_clocks WHERE state = 'running' AND breached_at IS NULL "   \
    "  AND on_breach = 'escalate' AND due_at <= $1::timestamptz ORDER BY due_at LIMIT $2::int) " \
    " UNION ALL "                                                                             \
    " (SELECT id FROM dispatch.sla_clocks WHERE state = 'running' "                           \
    "  AND next_escalation_at <= $1::timestamptz ORDER BY next_escalation_at LIMIT $2::int))) " \
    " AND state = 'running' AND ((warned_at IS NULL AND warn_at <= $1::timestamptz) "         \
    " OR (breached_at IS NULL AND on_breach = 'escalate' AND due_at <= $1::timestamptz) "     \
    " OR next_escalation_at <= $1::timestamptz) "                                             \
    "ORDER BY id LIMIT $2::int FOR UPDATE SKIP LOCKED"

/* A firing batch's clock moves in one statement: $1 a JSON array of
 * {"id", "w": warned_at, "b": breached_at, "l": level, "x": next
 * escalation} (null: none). */
#define S_SQL_FIRED                                                                           \
    "UPDATE dispatch.sla_clocks c SET warned_at = COALESCE(c.warned_at, (j->>'w')::timestamptz), " \
    " breached_at = COALESCE(c.breached_at, (j->>'b')::timestamptz), level = j->>'l', "       \
    " next_escalation_at = (j->>'x')::timestamptz "                                           \
    "FROM json_array_elements($1::json) AS e (j) WHERE c.id = (j->>'id')::bigint"

/* A firing batch's records in one statement: $1 a JSON array of {"c":
 * clock_id, "t": ticket_id, "k": kind, "l": level, "n", "e": recipient,
 * "r": reason}, $2 the instant; returns their new ids in array order. */
#define S_SQL_RECORD                                                                          \
    "WITH r AS MATERIALIZED (SELECT nextval('dispatch.escalations_id_seq') AS id, e.ord, e.j " \
    "  FROM json_array_elements($1::json) WITH ORDINALITY AS e (j, ord)), "                    \
    "i AS (INSERT INTO dispatch.escalations (id, clock_id, ticket_id, kind, level, "         \
    "  recipient_name, recipient_email, reason, at) SELECT id, (j->>'c')::bigint, "          \
    "  (j->>'t')::bigint, j->>'k', j->>'l', j->>'n', j->>'e', j->>'r', $2::timestamptz FROM r) " \
    "SELECT id FROM r ORDER BY ord"

#define S_SQL_UNNOTIFIED                                                                      \
    "SELECT id, ticket_id, kind, level, recipient_name, recipient_email, reason "             \
    "FROM dispatch.escalations WHERE notified_at IS NULL "                                    \
    " AND (next_notify_at IS NULL OR next_notify_at <= clock_timestamp()) "                   \
    "ORDER BY id LIMIT $1::int FOR UPDATE SKIP LOCKED"

/* A failed delivery waits 2^attempts seconds (at most an hour) of real time
 * (the relay's, not the business clock's) before the next try; $1 id, $2
 * the adapter's reason. */
#define S_SQL_NOTIFY_FAILED                                                                   \
    "UPDATE dispatch.escalations SET notify_attempts = notify_attempts + 1, "                 \
    " last_notify_error = left($2, 1000), next_notify_at = clock_timestamp() + "              \
    " least(3600, power(2, least(notify_attempts, 12))) * interval '1 second' "               \
    "WHERE id = $1::bigint"

/* A delivery batch marked in one statement: ids and the instants each was sent. */
#define S_SQL_NOTIFIED                                                                        \
    "UPDATE dispatch.escalations e SET notified_at = x.at "                                   \
    "FROM unnest($1::bigint[], $2::timestamptz[]) AS x (id, at) WHERE e.id = x.id"

static const db_statement_t s_statements[] = {
    { "sle_class", S_SQL_CLASS },
    { "sle_event", S_SQL_EVENT },
    { "sle_run", S_SQL_RUN },           { "sle_due", S_SQL_DUE },
    { "sle_fired", S_SQL_FIRED },       { "sle_record", S_SQL_RECORD },
    { "sle_unnotified", S_SQL_UNNOTIFIED }, { "sle_notified", S_SQL_NOTIFIED },
    { "sle_notify_failed", S_SQL_NOTIFY_FAILED },
};

/* ---- the engine ---------------------------------------------------------- */

/* Calendars are rebuilt from the database after this long, so that a
 * `kefuctl admin load` of new hours or holidays is seen without a restart. */
#define S_CAL_TTL_MS 60000
#define S_CAL_SLOTS 64

typedef struct {
    char branch[72];
    cal_t *cal;
    int64_t loaded_ms;
} s_cal_slot_t;

typedef struct s_deferred_s s_deferred_t; /* a new ticket's clocks not inserted yet (below) */
static s_deferred_t *s_deferred_new (void);

struct sle_s {
    const cfg_t *cfg;
    db_t *db;
    bus_t *bus;
    sla_config_t *sla;
    bool config_failed;
    notify_t *notify;
    s_cal_slot_t cals[S_CAL_SLOTS];
    int n_cals;
    /* the clock changes of one ticket during one handler invocation, sent
     * as one sla.clock per kind of change by sle_flush (sle_begin drops them) */
    struct {
        char ticket_id[32], branch[72];
        cJSON *started, *stopped;
        int64_t started_at, stopped_at;
    } pending;
    s_deferred_t *deferred;
    /* the new clocks' INSERT for n rows, registered on self->db (s_exec_insert) */
    bool insert_prepared[SLA_MAX_CLOCKS + 1];
};

sle_t *sle_new (const cfg_t *cfg, db_t *db, bus_t *bus, char *err, size_t errsize)
{
    if (!cfg || !db || !bus) {
        snprintf (err, errsize, "sle_new: missing configuration, database or bus");
        return NULL;
    }
    sle_t *self = calloc (1, sizeof *self);
    if (!self) {
        snprintf (err, errsize, "out of memory");
        return NULL;
    }
    self->cfg = cfg;
    self->db = db;
    self->bus = bus;
    self->notify = notify_new_from_config (cfg, err, errsize);
    if (!self->notify)
        goto fail;
    if (!(self->deferred = s_deferred_new ())) {
        snprintf (err, errsize, "out of memory");
        goto fail;
    }
    if (db_prepare_statements (db, s_statements, DB_STATEMENTS (s_statements)) != 0) {
        snprintf (err, errsize, "preparing: %s", db_error (db));
        goto fail;
    }
    return self;
fail:
    sle_destroy (&self);
    return NULL;
}

void sle_destroy (sle_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    sle_t *self = *self_p;
    for (int i = 0; i < self->n_cals; i++)
        cal_destroy (&self->cals[i].cal);
    sle_begin (self);
    free (self->deferred);
    sla_destroy (&self->sla);
    notify_destroy (&self->notify);
    free (self);
    *self_p = NULL;
}

bool sle_config_failed (const sle_t *self)
{
    return self && self->config_failed;
}

/*  The first column of every row of `sql`, as a NULL-terminated list
 *  pointing into *res (caller PQclears res and frees the list). */
static const char **s_column (db_t *db, const char *sql, PGresult **res, size_t *n)
{
    *res = db_exec (db, sql, 0, NULL);
    if (!*res)
        return NULL;
    int rows = PQntuples (*res);
    const char **list = calloc ((size_t) rows + 1, sizeof *list);
    if (!list)
        return NULL;
    for (int r = 0; r < rows; r++)
        list[r] = PQgetvalue (*res, r, 0);
    *n = (size_t) rows;
    return list;
}

/*  Reads cfg->sla_file into a NEW configuration, validated against the
 *  database's ref.tiers and ref.branches (all or nothing: sla_load).
 *  NULL with the reason in err; *refused tells a bad file from a database
 *  that could not be read. */
static sla_config_t *s_load_sla (sle_t *self, bool *refused, char *err, size_t errsize)
{
    PGresult *tres = NULL, *bres = NULL;
    size_t n_tiers = 0, n_branches = 0;
    sla_config_t *sla = NULL;
    const char **tiers = s_column (self->db, "SELECT name FROM ref.tiers ORDER BY ord, name", &tres, &n_tiers);
    const char **branches = tiers ? s_column (self->db, "SELECT id FROM ref.branches ORDER BY id", &bres,
                                              &n_branches)
                                  : NULL;
    *refused = false;
    if (!tiers || !branches)
        snprintf (err, errsize, "reading ref.tiers and ref.branches: %s", db_error (self->db));
    else {
        sla = sla_load (self->cfg->sla_file, tiers, n_tiers, branches, n_branches, err, errsize);
        *refused = sla == NULL;
    }
    free (tiers);
    free (branches);
    if (tres)
        PQclear (tres);
    if (bres)
        PQclear (bres);
    return sla;
}

/*  Logs the configuration in effect under `event`. */
static void s_log_config (const sle_t *self, const char *event)
{
    char counts[2][16];
    snprintf (counts[0], sizeof counts[0], "%d", sla_policy_count (self->sla));
    snprintf (counts[1], sizeof counts[1], "%d", sla_clock_count (self->sla));
    log_kv (LOG_INFO, event, "path", self->cfg->sla_file, "policies", counts[0], "clocks", counts[1],
            "notify", notify_adapter_name (self->notify), NULL);
}

int sle_ensure_config (sle_t *self, char *err, size_t errsize)
{
    if (!self)
        return -1;
    if (self->sla)
        return 0;
    if (self->config_failed) {
        snprintf (err, errsize, "the SLA file %s was refused", self->cfg->sla_file);
        return -1;
    }
    bool refused = false;
    self->sla = s_load_sla (self, &refused, err, errsize);
    if (!self->sla) {
        self->config_failed = refused;
        return -1;
    }
    s_log_config (self, "sla_config");
    return 0;
}

int sle_reload (sle_t *self, char *err, size_t errsize)
{
    if (!self) {
        snprintf (err, errsize, "sle_reload: no engine");
        return -1;
    }
    if (self->config_failed) { /* the dispatcher is stopping already */
        snprintf (err, errsize, "the SLA file %s was refused at start-up", self->cfg->sla_file);
        return -1;
    }
    bool refused = false;
    sla_config_t *fresh = s_load_sla (self, &refused, err, errsize);
    if (!fresh) {
        log_kv (LOG_ERROR, "sla_reload_refused", "path", self->cfg->sla_file, "reason", err, "kept",
                self->sla ? "the configuration in effect" : "none (not loaded yet)", NULL);
        return -1;
    }
    /* Nothing outlives a handler invocation, but a rolled-back one may have
     * left its deferred ticket pointing into the old configuration: drop it
     * (sle_begin) before that configuration goes. */
    sle_begin (self);
    sla_destroy (&self->sla);
    self->sla = fresh;
    /* calendars are read again at their next use, not up to S_CAL_TTL_MS later */
    for (int i = 0; i < self->n_cals; i++)
        self->cals[i].loaded_ms = -S_CAL_TTL_MS;
    s_log_config (self, "sla_reloaded");
    return 0;
}

/*  The branch's calendar, from the cache or the database. Borrowed; NULL
 *  with a reason in err. */
static const cal_t *s_calendar (sle_t *self, db_t *db, const char *branch, char *err, size_t errsize)
{
    int64_t now = clock_mono_ms ();
    s_cal_slot_t *slot = NULL;
    for (int i = 0; i < self->n_cals; i++)
        if (strcmp (self->cals[i].branch, branch) == 0) {
            slot = &self->cals[i];
            if (now - slot->loaded_ms < S_CAL_TTL_MS)
                return slot->cal;
            break;
        }
    cal_t *cal = bcal_load (db, branch, err, errsize);
    if (!cal)
        return NULL;
    if (!slot) {
        if (self->n_cals == S_CAL_SLOTS) { /* full: start over */
            for (int i = 0; i < self->n_cals; i++)
                cal_destroy (&self->cals[i].cal);
            self->n_cals = 0;
        }
        slot = &self->cals[self->n_cals++];
        snprintf (slot->branch, sizeof slot->branch, "%s", branch);
    }
    cal_destroy (&slot->cal);
    slot->cal = cal;
    slot->loaded_ms = now;
    return cal;
}

/* ---- messages -------------------------------------------------------------- */

static int s_number (cJSON *obj, const char *key, const char *decimal)
{
    char *end = NULL;
    long long v = strtoll (decimal, &end, 10);
    if (!end || *end || v < 1)
        return -1;
    return cJSON_AddNumberToObject (obj, key, (double) v) ? 0 : -1;
}

static int s_emit (sle_t *self, db_t *db, const char *type, const char *branch, const char *ticket_id,
                   cJSON **body_p)
{
    return svc_emit (self->bus, db, type, 1, branch, ticket_id, body_p);
}

/*  Adds one clock to the list an sla.clock message carries. */
static int s_clock_entry (cJSON *clocks, const char *clock_id, const char *clock, const char *policy,
                          const sdl_target_t *t, bool stopped, int64_t at, int64_t due)
{
    char due_text[40], target[64];
    clock_format_us (due, due_text, sizeof due_text);
    sdl_describe (t, clock, target, sizeof target);
    cJSON *entry = cJSON_CreateObject ();
    if (!entry || s_number (entry, "clock_id", clock_id) != 0 || !cJSON_AddItemToArray (clocks, entry)) {
        cJSON_Delete (entry);
        return -1;
    }
    cJSON_AddStringToObject (entry, "clock", clock);
    cJSON_AddStringToObject (entry, "policy", policy);
    cJSON_AddStringToObject (entry, "target", target);
    cJSON_AddStringToObject (entry, "due_at", due_text);
    char at_text[40];
    clock_format_us (at, at_text, sizeof at_text);
    cJSON_AddStringToObject (entry, stopped ? "stopped_at" : "started_at", at_text);
    if (stopped)
        cJSON_AddBoolToObject (entry, "breached", at > due);
    return 0;
}

/*  sla.clock {started|stopped}: one message for all the clocks of a ticket
 *  that changed at one moment (not one per clock: a ticket starts several
 *  at once, and each message costs a round of outbox, relay and inbox).
 *  Takes ownership of *clocks_p; emits nothing for an empty list. */
static int s_emit_clocks (sle_t *self, db_t *db, const char *branch, const char *ticket_id,
                          const char *event, int64_t at, cJSON **clocks_p)
{
    cJSON *clocks = *clocks_p;
    *clocks_p = NULL;
    if (!clocks || cJSON_GetArraySize (clocks) == 0) {
        cJSON_Delete (clocks);
        return 0;
    }
    char at_text[40];
    clock_format_us (at, at_text, sizeof at_text);
    cJSON *body = cJSON_CreateObject ();
    if (!body || s_number (body, "ticket_id", ticket_id) != 0) {
        cJSON_Delete (body);
        cJSON_Delete (clocks);
        return -1;
    }
    cJSON_AddStringToObject (body, "event", event);
    cJSON_AddStringToObject (body, "at", at_text);
    cJSON_AddItemToObject (body, "clocks", clocks);
    return s_emit (self, db, "sla.clock", branch, ticket_id, &body);
}

/*  Adds the ticket's clock changes at `at` to what sle_flush sends (another
 *  ticket's pending changes are sent first). Takes ownership of *clocks_p. */
static int s_buffer (sle_t *self, db_t *db, const char *branch, const char *ticket_id, bool stopped,
                     int64_t at, cJSON **clocks_p)
{
    cJSON *clocks = *clocks_p;
    *clocks_p = NULL;
    if (!clocks || cJSON_GetArraySize (clocks) == 0) {
        cJSON_Delete (clocks);
        return 0;
    }
    if ((self->pending.started || self->pending.stopped)
        && (strcmp (self->pending.ticket_id, ticket_id) != 0 || strcmp (self->pending.branch, branch) != 0)
        && sle_flush (self, db) != 0) {
        cJSON_Delete (clocks);
        return -1;
    }
    snprintf (self->pending.ticket_id, sizeof self->pending.ticket_id, "%s", ticket_id);
    snprintf (self->pending.branch, sizeof self->pending.branch, "%s", branch);
    cJSON **list = stopped ? &self->pending.stopped : &self->pending.started;
    int64_t *first = stopped ? &self->pending.stopped_at : &self->pending.started_at;
    if (!*list || at < *first)
        *first = at;
    if (!*list) {
        *list = clocks;
        return 0;
    }
    cJSON *item;
    while ((item = cJSON_DetachItemFromArray (clocks, 0)) != NULL)
        cJSON_AddItemToArray (*list, item);
    cJSON_Delete (clocks);
    return 0;
}

/* ---- starting and stopping --------------------------------------------- */

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

/*  A new ticket's clocks, computed by sle_on_ticket_created and inserted by
 *  s_insert_deferred (at the latest in sle_flush): an event of the same
 *  ticket in between (its work order assigned in the same transaction)
 *  starts the pending ones in memory, without a round trip. */
struct s_deferred_s {
    bool active;
    char ticket_id[32], branch[72], flags[128];
    const sla_policy_t *policy;
    int warn_percent;
    s_new_clock_t rows[S_MAX_NEW_CLOCKS];
    int n;
};

static s_deferred_t *s_deferred_new (void)
{
    return calloc (1, sizeof (s_deferred_t));
}

/*  Computes every clock of a new ticket's policy (running when it starts on
 *  ticket_created, else pending) into self->deferred. */
static void s_prepare_all (sle_t *self, const char *ticket_id, const char *branch, const sla_policy_t *policy,
                           const char *flags, int64_t start, const cal_t *cal)
{
    s_deferred_t *d = self->deferred;
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

/*  Inserts the deferred clocks in ONE multi-row INSERT — one round trip per
 *  ticket, not one per clock — and adds the running ones to the ticket's
 *  sla.clock (sle_flush). */
/*  Runs the INSERT of n new clocks (sql, built by s_insert_deferred) as a
 *  prepared statement, one per row count registered at first use: it is
 *  parsed and planned once, not for every ticket. */
static PGresult *s_exec_insert (sle_t *self, db_t *db, const char *sql, int n, const char *const *params)
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

static int s_insert_deferred (sle_t *self, db_t *db)
{
    s_deferred_t *d = self->deferred;
    if (!d->active)
        return 0;
    d->active = false;
    const char *params[S_MAX_NEW_CLOCKS * S_INSERT_COLS];
    static char sql[S_MAX_NEW_CLOCKS * 240 + 512]; /* 16 KiB: off the stack; one loop thread */
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
            r->now ? "running" : "pending",
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
            rc = s_clock_entry (started, clock_id, clock, policy, &d->rows[i].t, false, d->rows[i].start_us,
                                d->rows[i].due);
        }
    }
    PQclear (res);
    if (rc == 0)
        rc = s_buffer (self, db, d->branch, d->ticket_id, false, first, &started);
    cJSON_Delete (started);
    return rc;
}

/*  The event for a ticket whose clocks are still deferred: starts its
 *  pending clocks that start on it in memory. Returns the number started,
 *  or -1 when the event must go the database way (it stops a clock). */
static int s_event_deferred (sle_t *self, db_t *db, const char *event, int64_t at_us)
{
    s_deferred_t *d = self->deferred;
    for (int i = 0; i < d->n; i++)
        if (d->rows[i].now && strcmp (d->rows[i].target->stops_on, event) == 0)
            return -1;
    int changed = 0;
    for (int i = 0; i < d->n; i++) {
        s_new_clock_t *r = &d->rows[i];
        if (r->now || strcmp (r->target->starts_on, event) != 0)
            continue;
        char err[256];
        const cal_t *cal = s_calendar (self, db, d->branch, err, sizeof err);
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

void sle_begin (sle_t *self)
{
    if (!self)
        return;
    cJSON_Delete (self->pending.started);
    cJSON_Delete (self->pending.stopped);
    memset (&self->pending, 0, sizeof self->pending);
    if (self->deferred)
        self->deferred->active = false;
}

int sle_flush (sle_t *self, db_t *db)
{
    if (!self)
        return -1;
    int rc = s_insert_deferred (self, db);
    if (rc == 0)
        rc = s_emit_clocks (self, db, self->pending.branch, self->pending.ticket_id, "stopped",
                            self->pending.stopped_at, &self->pending.stopped);
    if (rc == 0)
        rc = s_emit_clocks (self, db, self->pending.branch, self->pending.ticket_id, "started",
                            self->pending.started_at, &self->pending.started);
    sle_begin (self);
    return rc;
}

/*  Moves one kept list into `sla` as {event, at, clocks}; 1 if it did. */
static int s_carry_list (cJSON *sla, const char *event, int64_t at, cJSON **clocks_p)
{
    if (!*clocks_p || cJSON_GetArraySize (*clocks_p) == 0)
        return 0;
    char at_text[40];
    clock_format_us (at, at_text, sizeof at_text);
    cJSON *entry = cJSON_CreateObject ();
    if (!entry || !cJSON_AddStringToObject (entry, "event", event)
        || !cJSON_AddStringToObject (entry, "at", at_text) || !cJSON_AddItemToArray (sla, entry)) {
        cJSON_Delete (entry);
        return -1;
    }
    cJSON_AddItemToObject (entry, "clocks", *clocks_p);
    *clocks_p = NULL;
    return 1;
}

int sle_carry (sle_t *self, db_t *db, const char *ticket_id, const char *branch, cJSON *body)
{
    if (!self || !db || !ticket_id || !branch || !body)
        return -1;
    /* the ticket's new clocks go in now, so their ids can travel */
    s_deferred_t *d = self->deferred;
    if (d->active && strcmp (d->ticket_id, ticket_id) == 0 && strcmp (d->branch, branch) == 0
        && s_insert_deferred (self, db) != 0)
        return -1;
    if (strcmp (self->pending.ticket_id, ticket_id) != 0 || strcmp (self->pending.branch, branch) != 0
        || (!self->pending.stopped && !self->pending.started))
        return 0;
    cJSON *sla = cJSON_CreateArray ();
    if (!sla || !cJSON_AddItemToObject (body, "sla", sla)) {
        cJSON_Delete (sla);
        return -1;
    }
    /* stopped before started, as sle_flush sends them */
    int stopped = s_carry_list (sla, "stopped", self->pending.stopped_at, &self->pending.stopped);
    int started = stopped < 0 ? -1 : s_carry_list (sla, "started", self->pending.started_at,
                                                   &self->pending.started);
    if (started < 0)
        return -1;
    cJSON_Delete (self->pending.stopped); /* left only when empty */
    cJSON_Delete (self->pending.started);
    memset (&self->pending, 0, sizeof self->pending);
    return stopped + started;
}

/*  The message's flags as a PostgreSQL array literal ("{safety}"); only
 *  known flag names get in. */
static void s_flags_literal (const cJSON *flags, char *out, size_t size)
{
    size_t used = (size_t) snprintf (out, size, "{");
    const cJSON *item;
    bool first = true;
    cJSON_ArrayForEach (item, flags) {
        if (!cJSON_IsString (item))
            continue;
        for (int i = 0; sla_flag_names[i]; i++)
            if (strcmp (item->valuestring, sla_flag_names[i]) == 0 && used + 24 < size) {
                used += (size_t) snprintf (out + used, size - used, "%s%s", first ? "" : ",",
                                           sla_flag_names[i]);
                first = false;
            }
    }
    snprintf (out + used, size - used, "}");
}

bus_result_t sle_on_ticket_created (sle_t *self, db_t *db, const env_t *msg, char *reason,
                                    size_t reason_size)
{
    const cJSON *body = msg ? msg->body : NULL;
    const cJSON *tid = cJSON_GetObjectItemCaseSensitive (body, "ticket_id");
    const char *status = json_str (body, "status", NULL), *branch = json_str (body, "branch", NULL);
    const char *tier = json_str (body, "tier", NULL), *kind = json_str (body, "kind", NULL);
    const char *priority = json_str (body, "priority", NULL);
    const char *customer = json_str (body, "customer_id", NULL);
    const char *created = json_str (body, "created_at", NULL);
    int64_t start;
    if (!json_is_integer (tid) || tid->valuedouble < 1 || !status || !branch || !tier || !kind
        || !priority || !customer || !created || clock_parse_rfc3339 (created, &start) != 0) {
        snprintf (reason, reason_size, "body: not a usable ticket for SLA clocks (ticket_id, status, "
                                       "branch, tier, kind, priority, customer_id, created_at)");
        return BUS_REJECT;
    }
    if (strcmp (status, "closed") == 0)
        return BUS_OK;
    char err[512];
    if (sle_ensure_config (self, err, sizeof err) != 0) {
        snprintf (reason, reason_size, "SLA configuration: %s", err);
        return BUS_RETRY;
    }
    char ticket_id[32];
    snprintf (ticket_id, sizeof ticket_id, "%" PRId64, (int64_t) tid->valuedouble);
    char class_[40];
    const char *given = json_str (body, "customer_class", NULL);
    if (given)
        snprintf (class_, sizeof class_, "%s", given);
    else { /* a sender that does not carry it: look it up */
        const char *p1[] = { customer };
        PGresult *res = db_exec_prepared (db, "sle_class", 1, p1);
        if (!res) {
            snprintf (reason, reason_size, "reading the customer's class: %s", db_error (db));
            return db_last_status (db) == DB_PERMANENT && db_connected (db) ? BUS_REJECT : BUS_RETRY;
        }
        snprintf (class_, sizeof class_, "%s", PQntuples (res) == 1 ? PQgetvalue (res, 0, 0) : "regular");
        PQclear (res);
    }
    const sla_policy_t *policy = sla_match (self->sla, tier, kind, priority, class_);
    if (!policy) {
        log_kv (LOG_WARN, "sla_no_policy", "ticket_id", ticket_id, "tier", tier, "kind", kind,
                "priority", priority, "class", class_, "reason", "no policy matches the ticket", NULL);
        return BUS_OK;
    }
    const cal_t *cal = s_calendar (self, db, branch, err, sizeof err);
    if (!cal) {
        snprintf (reason, reason_size, "branch %s's calendar: %s", branch, err);
        return db_connected (db) && strstr (err, "no branch") ? BUS_REJECT : BUS_RETRY;
    }
    char flags[128];
    s_flags_literal (cJSON_GetObjectItemCaseSensitive (body, "flags"), flags, sizeof flags);
    /* another ticket's changes go first; this one's clocks are inserted by
     * sle_flush, with the clocks its work order's assignment starts */
    if (sle_flush (self, db) != 0) {
        snprintf (reason, reason_size, "starting SLA clocks: %s", db_error (db));
        return db_last_status (db) == DB_PERMANENT && db_connected (db) ? BUS_REJECT : BUS_RETRY;
    }
    s_prepare_all (self, ticket_id, branch, policy, flags, start, cal);
    return BUS_OK;
}

int sle_on_event (sle_t *self, db_t *db, const char *ticket_id, const char *branch, const char *event,
                  int64_t at_us)
{
    if (!self || !db || !ticket_id || !branch || !event)
        return -1;
    s_deferred_t *d = self->deferred;
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
    const char *p1[] = { ticket_id, event, at };
    PGresult *res = db_exec_prepared (db, "sle_event", 3, p1);
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
            rc = s_clock_entry (stopped, id, clock, policy, &t, true, at_us, due);
            changed++;
            continue;
        }
        char err[256];
        const cal_t *cal = s_calendar (self, db, branch, err, sizeof err);
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
        const char *p3[] = { id, at, due_text, warn_text };
        PGresult *u = db_exec_prepared (db, "sle_run", 4, p3);
        if (!u) {
            rc = -1;
            break;
        }
        PQclear (u);
        log_kv (LOG_INFO, "sla_clock_started", "ticket_id", ticket_id, "clock", clock, "ticket_event", event,
                "due_at", due_text, NULL);
        rc = s_clock_entry (started, id, clock, policy, &t, false, at_us, due);
        changed++;
    }
    PQclear (res);
    if (rc == 0)
        rc = s_buffer (self, db, branch, ticket_id, true, at_us, &stopped);
    if (rc == 0)
        rc = s_buffer (self, db, branch, ticket_id, false, at_us, &started);
    cJSON_Delete (stopped);
    cJSON_Delete (started);
    return rc == 0 ? changed : -1;
}

/* ---- for the clock life (sla_clock_life.c) ----------------------------- */

const cal_t *sle_calendar (sle_t *self, db_t *db, const char *branch, char *err, size_t errsize)
{
    return self && db && branch ? s_calendar (self, db, branch, err, errsize) : NULL;
}

int sle_target_deadlines (const cal_t *cal, const sle_target_t *target, int warn_percent, int64_t start,
                          int64_t *due, int64_t *warn, char *err, size_t errsize)
{
    sdl_target_t t;
    if (sdl_target_parse (target->unit, target->amount, target->time, &t) != 0) {
        snprintf (err, errsize, "clock row with a bad target (%s %s)", target->amount, target->unit);
        return -1;
    }
    return sdl_deadlines (cal, &t, warn_percent, start, due, warn, err, errsize);
}

int sle_clock_note (sle_t *self, db_t *db, const char *branch, const char *ticket_id, const char *clock_id,
                    const char *clock, const char *policy, const sle_target_t *target, bool stopped,
                    int64_t at, int64_t due)
{
    sdl_target_t t;
    if (sdl_target_parse (target->unit, target->amount, target->time, &t) != 0)
        return 0; /* a row the constraints make impossible; nothing to say */
    cJSON *clocks = cJSON_CreateArray ();
    if (!clocks || s_clock_entry (clocks, clock_id, clock, policy, &t, stopped, at, due) != 0) {
        cJSON_Delete (clocks);
        return -1;
    }
    return s_buffer (self, db, branch, ticket_id, stopped, at, &clocks);
}

int sle_clock_entry (cJSON *clocks, const char *clock_id, const char *clock, const char *policy,
                     const sle_target_t *target, int64_t at, int64_t due)
{
    sdl_target_t t;
    if (sdl_target_parse (target->unit, target->amount, target->time, &t) != 0)
        return 0;
    return s_clock_entry (clocks, clock_id, clock, policy, &t, false, at, due);
}

int sle_emit_clocks (sle_t *self, db_t *db, const char *branch, const char *ticket_id, const char *event,
                     int64_t at, cJSON **clocks_p)
{
    return s_emit_clocks (self, db, branch, ticket_id, event, at, clocks_p);
}

/* ---- firing -------------------------------------------------------------- */

/*  One claimed clock row. */
typedef struct {
    const char *id, *ticket_id, *branch, *clock, *policy;
    sdl_target_t target;
    int repeat_minutes;
    int64_t due, warn, next;
    bool warn_open, breach_open, has_level, has_next;
    sla_level_t level;
    const char *flags[8];
    size_t n_flags;
    cJSON *flags_tree;
} s_row_t;

/*  One warning or escalation decided for a claimed clock. A batch's
 *  records are written with one statement and their messages emitted with
 *  one more (s_write_batch), not three round trips per record: at a
 *  thousand clocks falling due at once the round trips were the cost. */
typedef struct {
    const s_row_t *row;
    const char *kind;        /* a string literal */
    const sla_contact_t *to; /* borrowed from the SLA configuration */
    char *reason;
} s_rec_t;

typedef struct {
    sle_t *self;
    int64_t now;
    char now_text[40];
    int claimed;
    int fired;
    s_rec_t *recs; /* this batch's records (s_record) … */
    int n_recs, cap_recs;
    cJSON *moves; /* … and its clocks' new state columns */
} s_fire_t;

/*  Adds a record to the batch. */
static int s_record (s_fire_t *f, const s_row_t *row, const char *kind, const sla_contact_t *to,
                     const char *reason)
{
    if (f->n_recs == f->cap_recs) {
        int cap = f->cap_recs ? f->cap_recs * 2 : 64;
        s_rec_t *grown = realloc (f->recs, (size_t) cap * sizeof *grown);
        if (!grown)
            return -1;
        f->recs = grown;
        f->cap_recs = cap;
    }
    char *copy = strdup (reason);
    if (!copy)
        return -1;
    f->recs[f->n_recs++] = (s_rec_t) { row, kind, to, copy };
    return 0;
}

/*  Emits the message of one written record. */
static int s_emit_record (s_fire_t *f, db_t *db, const s_rec_t *rec, const char *esc_id)
{
    const s_row_t *row = rec->row;
    const char *kind = rec->kind, *reason = rec->reason, *level = sla_level_name (rec->to->level);
    const sla_contact_t *to = rec->to;
    char due_text[40];
    clock_format_us (row->due, due_text, sizeof due_text);
    cJSON *body = cJSON_CreateObject ();
    if (!body || s_number (body, "ticket_id", row->ticket_id) != 0 || s_number (body, "clock_id", row->id) != 0
        || s_number (body, "escalation_id", esc_id) != 0) {
        cJSON_Delete (body);
        return -1;
    }
    bool warning = strcmp (kind, "warning") == 0;
    cJSON_AddStringToObject (body, "clock", row->clock);
    cJSON_AddStringToObject (body, "policy", row->policy);
    if (!warning)
        cJSON_AddStringToObject (body, "kind", kind);
    cJSON_AddStringToObject (body, "level", level);
    cJSON *who = cJSON_AddObjectToObject (body, "recipient");
    if (who) {
        cJSON_AddStringToObject (who, "name", to->name);
        cJSON_AddStringToObject (who, "email", to->email);
    }
    cJSON_AddStringToObject (body, "due_at", due_text);
    if (!warning)
        cJSON_AddStringToObject (body, "reason", reason);
    cJSON_AddStringToObject (body, "at", f->now_text);
    if (s_emit (f->self, db, warning ? "sla.warning" : "sla.escalated", row->branch, row->ticket_id, &body) != 0)
        return -1;
    log_kv (LOG_INFO, warning ? "sla_warning" : "sla_escalated", "ticket_id", row->ticket_id, "clock",
            row->clock, "kind", kind, "escalation_level", level, "escalation_id", esc_id, NULL);
    f->fired++;
    return 0;
}

/*  Writes the batch's records (one statement), emits their messages (kept
 *  by the bus until bus_defer_flush) and moves the claimed clocks past
 *  them (one statement). */
static int s_write_batch (s_fire_t *f, db_t *db)
{
    if (f->n_recs > 0) {
        cJSON *list = cJSON_CreateArray ();
        for (int i = 0; list && i < f->n_recs; i++) {
            const s_rec_t *rec = &f->recs[i];
            cJSON *item = cJSON_CreateObject ();
            if (!item || !cJSON_AddItemToArray (list, item)) {
                cJSON_Delete (item);
                cJSON_Delete (list);
                return -1;
            }
            cJSON_AddStringToObject (item, "c", rec->row->id);
            cJSON_AddStringToObject (item, "t", rec->row->ticket_id);
            cJSON_AddStringToObject (item, "k", rec->kind);
            cJSON_AddStringToObject (item, "l", sla_level_name (rec->to->level));
            cJSON_AddStringToObject (item, "n", rec->to->name);
            cJSON_AddStringToObject (item, "e", rec->to->email);
            cJSON_AddStringToObject (item, "r", rec->reason);
        }
        char *text = list ? cJSON_PrintUnformatted (list) : NULL;
        cJSON_Delete (list);
        const char *params[] = { text, f->now_text };
        PGresult *res = text ? db_exec_prepared (db, "sle_record", 2, params) : NULL;
        free (text);
        if (!res)
            return -1;
        int rc = PQntuples (res) == f->n_recs ? 0 : -1;
        for (int i = 0; i < f->n_recs && rc == 0; i++)
            rc = s_emit_record (f, db, &f->recs[i], PQgetvalue (res, i, 0));
        PQclear (res);
        if (rc != 0)
            return -1;
    }
    if (cJSON_GetArraySize (f->moves) == 0)
        return 0;
    char *text = cJSON_PrintUnformatted (f->moves);
    const char *params[] = { text };
    PGresult *res = text ? db_exec_prepared (db, "sle_fired", 1, params) : NULL;
    free (text);
    if (!res)
        return -1;
    PQclear (res);
    return 0;
}

/*  Forgets the batch's records and moves (after it, or before a rerun). */
static void s_batch_reset (s_fire_t *f)
{
    for (int i = 0; i < f->n_recs; i++)
        free (f->recs[i].reason);
    f->n_recs = 0;
    cJSON_Delete (f->moves);
    f->moves = NULL;
}

/*  The next repeat escalation after `from`, or none at the ladder's top. */
static int s_next_escalation (s_fire_t *f, db_t *db, const s_row_t *row, const sla_ladder_t *ladder,
                              sla_level_t level, int64_t from, int64_t *next, bool *has_next)
{
    *has_next = false;
    if (!sla_ladder_next (ladder, level))
        return 0;
    char err[256];
    const cal_t *cal = row->target.time == SLA_TIME_BUSINESS
                           ? s_calendar (f->self, db, row->branch, err, sizeof err)
                           : NULL;
    if ((row->target.time == SLA_TIME_BUSINESS && !cal)
        || sdl_add (cal, row->target.time, from, (int64_t) row->repeat_minutes * 60 * 1000000, next, err,
                  sizeof err)
               != 0) {
        log_kv (LOG_WARN, "sla_no_repeat", "ticket_id", row->ticket_id, "clock", row->clock, "reason", err,
                NULL);
        return db_connected (db) ? 0 : -1;
    }
    *has_next = true;
    return 0;
}

/*  Fires what is due on one claimed clock and moves its state past it. */
static int s_fire_row (s_fire_t *f, db_t *db, s_row_t *row)
{
    const sla_ladder_t *ladder = sla_ladder_for (f->self->sla, row->branch);
    bool warn_now = row->warn_open && row->warn <= f->now;
    bool breach_now = row->breach_open && row->due <= f->now;
    bool repeat_now = !breach_now && !row->breach_open && row->has_next && row->next <= f->now;
    sla_level_t level = row->has_level ? row->level : SLA_LEVEL_NONE;
    int64_t next = 0;
    bool has_next = false;
    char target[64], due_text[40], reason[512];
    sdl_describe (&row->target, row->clock, target, sizeof target);
    clock_format_us (row->due, due_text, sizeof due_text);

    if (!ladder)
        log_kv (LOG_WARN, "sla_no_ladder", "ticket_id", row->ticket_id, "branch", row->branch, "reason",
                "no ladder for the branch and no default ladder: nobody to tell", NULL);
    if (ladder && warn_now) {
        snprintf (reason, sizeof reason, "ticket %s: %s (policy %s, %s) is at risk: due %s", row->ticket_id,
                  row->clock, row->policy, target, due_text);
        if (s_record (f, row, "warning", sla_ladder_at (ladder, 0), reason) != 0)
            return -1;
    }
    if (ladder && breach_now) {
        const sla_contact_t *skipped[SLA_LEVEL_COUNT];
        int n_skipped = 0;
        const sla_contact_t *to = sla_ladder_skip (ladder, row->flags, row->n_flags, SLA_LEVEL_NONE,
                                                   skipped, &n_skipped);
        if (to) {
            snprintf (reason, sizeof reason,
                      "ticket %s: %s (policy %s, %s) breached at %s; flagged ticket: straight to %s",
                      row->ticket_id, row->clock, row->policy, target, due_text, sla_level_name (to->level));
            if (s_record (f, row, "skip_level", to, reason) != 0)
                return -1;
            for (int i = 0; i < n_skipped; i++) {
                snprintf (reason, sizeof reason,
                          "ticket %s: %s (policy %s, %s) breached at %s; escalated straight to %s (for "
                          "your information)",
                          row->ticket_id, row->clock, row->policy, target, due_text,
                          sla_level_name (to->level));
                if (s_record (f, row, "informed", skipped[i], reason) != 0)
                    return -1;
            }
        }
        else {
            to = sla_ladder_next (ladder, SLA_LEVEL_NONE);
            snprintf (reason, sizeof reason, "ticket %s: %s (policy %s, %s) breached at %s", row->ticket_id,
                      row->clock, row->policy, target, due_text);
            if (to && s_record (f, row, "escalation", to, reason) != 0)
                return -1;
        }
        if (to) {
            level = to->level;
            if (s_next_escalation (f, db, row, ladder, level, row->due, &next, &has_next) != 0)
                return -1;
        }
    }
    if (ladder && repeat_now) {
        const sla_contact_t *to = sla_ladder_next (ladder, level);
        if (to) {
            snprintf (reason, sizeof reason, "ticket %s: %s (policy %s, %s) still breached since %s",
                      row->ticket_id, row->clock, row->policy, target, due_text);
            if (s_record (f, row, "escalation", to, reason) != 0)
                return -1;
            level = to->level;
            if (s_next_escalation (f, db, row, ladder, level, row->next, &next, &has_next) != 0)
                return -1;
        }
    }
    else if (!breach_now && row->has_next && !repeat_now) {
        next = row->next; /* not due yet: keep it */
        has_next = true;
    }
    char next_text[40], due_mark[40];
    clock_format_us (next, next_text, sizeof next_text);
    clock_format_us (row->due, due_mark, sizeof due_mark);
    cJSON *move = cJSON_CreateObject ();
    if (!move || !cJSON_AddItemToArray (f->moves, move)) {
        cJSON_Delete (move);
        return -1;
    }
    cJSON_AddStringToObject (move, "id", row->id);
    if (warn_now)
        cJSON_AddStringToObject (move, "w", f->now_text);
    if (breach_now)
        cJSON_AddStringToObject (move, "b", due_mark);
    if (level != SLA_LEVEL_NONE)
        cJSON_AddStringToObject (move, "l", sla_level_name (level));
    if (has_next)
        cJSON_AddStringToObject (move, "x", next_text);
    return 0;
}

/*  One firing batch: claims, decides every record in memory, writes them
 *  (s_write_batch) and emits their messages with one statement
 *  (bus_defer_flush), all in the caller's transaction. */
static int s_fire_tx (db_t *db, void *arg)
{
    s_fire_t *f = arg;
    f->claimed = 0;
    f->fired = 0;
    s_batch_reset (f); /* a rerun starts from nothing */
    if (bus_defer_begin (f->self->bus) != 0 || !(f->moves = cJSON_CreateArray ()))
        return -1;
    PGresult *res = db_exec (db, "SET LOCAL enable_bitmapscan = off", 0, NULL); /* S_SQL_DUE */
    if (!res)
        return -1;
    PQclear (res);
    char limit[16];
    snprintf (limit, sizeof limit, "%d", SLE_BATCH);
    const char *params[] = { f->now_text, limit };
    res = db_exec_prepared (db, "sle_due", 2, params);
    if (!res)
        return -1;
    f->claimed = PQntuples (res);
    /* the rows outlive the loop: the records point into them until written */
    s_row_t *rows = calloc ((size_t) f->claimed + 1, sizeof *rows);
    int rc = rows ? 0 : -1;
    for (int r = 0; r < f->claimed && rc == 0; r++) {
        s_row_t *row = &rows[r];
        *row = (s_row_t) { .id = PQgetvalue (res, r, 0), .ticket_id = PQgetvalue (res, r, 1),
                           .branch = PQgetvalue (res, r, 2), .clock = PQgetvalue (res, r, 3),
                           .policy = PQgetvalue (res, r, 4) };
        sdl_target_parse (PQgetvalue (res, r, 5), PQgetvalue (res, r, 6), PQgetvalue (res, r, 7), &row->target);
        row->repeat_minutes = atoi (PQgetvalue (res, r, 8));
        row->due = strtoll (PQgetvalue (res, r, 9), NULL, 10);
        row->warn = strtoll (PQgetvalue (res, r, 10), NULL, 10);
        row->warn_open = strcmp (PQgetvalue (res, r, 11), "t") == 0;
        row->breach_open = strcmp (PQgetvalue (res, r, 12), "t") == 0;
        row->has_level = !PQgetisnull (res, r, 13)
                         && sla_level_parse (PQgetvalue (res, r, 13), &row->level) == 0;
        row->has_next = !PQgetisnull (res, r, 14);
        row->next = row->has_next ? strtoll (PQgetvalue (res, r, 14), NULL, 10) : 0;
        row->flags_tree = cJSON_Parse (PQgetvalue (res, r, 15));
        const cJSON *item;
        cJSON_ArrayForEach (item, row->flags_tree) {
            if (cJSON_IsString (item) && row->n_flags < sizeof row->flags / sizeof row->flags[0])
                row->flags[row->n_flags++] = item->valuestring;
        }
        rc = s_fire_row (f, db, row);
    }
    if (rc == 0)
        rc = s_write_batch (f, db);
    if (rc == 0)
        rc = bus_defer_flush (f->self->bus, db);
    s_batch_reset (f);
    for (int r = 0; rows && r < f->claimed; r++)
        cJSON_Delete (rows[r].flags_tree);
    free (rows);
    PQclear (res);
    return rc;
}

/* ---- delivery ------------------------------------------------------------- */

static int s_deliver_tx (db_t *db, void *arg)
{
    s_fire_t *f = arg;
    f->claimed = 0;
    char limit[16];
    snprintf (limit, sizeof limit, "%d", SLE_NOTIFY_BATCH);
    const char *params[] = { limit };
    PGresult *res = db_exec_prepared (db, "sle_unnotified", 1, params);
    if (!res)
        return -1;
    /* array literals for sle_notified: ids and RFC 3339 instants need no quoting */
    char ids[SLE_NOTIFY_BATCH * 24 + 4] = "{", sent[SLE_NOTIFY_BATCH * 40 + 4] = "{";
    size_t n_ids = 1, n_sent = 1;
    for (int r = 0; r < PQntuples (res) && r < SLE_NOTIFY_BATCH; r++) {
        const char *id = PQgetvalue (res, r, 0), *ticket = PQgetvalue (res, r, 1);
        const char *kind = PQgetvalue (res, r, 2), *level = PQgetvalue (res, r, 3);
        notify_recipient_t to = { PQgetvalue (res, r, 4), PQgetvalue (res, r, 5), NULL };
        char subject[160], key[48], err[256];
        snprintf (subject, sizeof subject, "[kefu] ticket %s: SLA %s (%s)", ticket,
                  strcmp (kind, "warning") == 0 ? "at risk" : kind, level);
        snprintf (key, sizeof key, "escalation-%s", id);
        if (notify_send (f->self->notify, &to, key, subject, PQgetvalue (res, r, 6), err, sizeof err) != 0) {
            log_kv (LOG_WARN, "notify_failed", "escalation_id", id, "adapter",
                    notify_adapter_name (f->self->notify), "reason", err, NULL);
            /* this one backs off, so it never holds back the ones behind it;
             * the rest of the batch waits for the next tick (a relay that is
             * down costs one time-out per tick, not one per record) */
            const char *pf[] = { id, err };
            PGresult *u = db_exec_prepared (db, "sle_notify_failed", 2, pf);
            if (!u) {
                PQclear (res);
                return -1;
            }
            PQclear (u);
            break;
        }
        char at[40];
        clock_format_us (clock_now_us (), at, sizeof at);
        n_ids += (size_t) snprintf (ids + n_ids, sizeof ids - n_ids, "%s%s", f->claimed ? "," : "", id);
        n_sent += (size_t) snprintf (sent + n_sent, sizeof sent - n_sent, "%s%s", f->claimed ? "," : "", at);
        f->claimed++;
    }
    PQclear (res);
    if (f->claimed == 0)
        return 0;
    snprintf (ids + n_ids, sizeof ids - n_ids, "}");
    snprintf (sent + n_sent, sizeof sent - n_sent, "}");
    const char *p2[] = { ids, sent };
    PGresult *u = db_exec_prepared (db, "sle_notified", 2, p2);
    if (!u)
        return -1;
    PQclear (u);
    return 0;
}

/*  Up to max_batches delivery transactions, until one finds less than a
 *  full batch. Returns 0, or -1 on a database failure. */
static int s_deliver (sle_t *self, s_fire_t *f, int max_batches)
{
    for (int batch = 0; batch < max_batches; batch++) {
        bool fn_failed = false;
        if (db_tx (self->db, s_deliver_tx, f, &fn_failed) != DB_OK) {
            log_kv (LOG_WARN, "notify_pass_failed", "error", db_error (self->db), NULL);
            return -1;
        }
        if (f->claimed < SLE_NOTIFY_BATCH)
            break;
    }
    return 0;
}

int sle_tick (sle_t *self)
{
    if (!self)
        return -1;
    char err[512];
    if (db_ensure (self->db) != 0 || sle_ensure_config (self, err, sizeof err) != 0)
        return -1;
    int fired = 0;
    s_fire_t f = { .self = self, .now = clock_now_us () };
    clock_format_us (f.now, f.now_text, sizeof f.now_text);
    /* A bounded number of batches per tick keeps the loop responsive. Each
     * batch's records are delivered as soon as it commits: delivered only
     * after all batches, at most 20 × SLE_NOTIFY_BATCH a tick, a burst of
     * 15,000 was notified up to 7 s after it was recorded. */
    for (int batch = 0; batch < 20; batch++) {
        bool fn_failed = false;
        if (db_tx (self->db, s_fire_tx, &f, &fn_failed) != DB_OK) {
            bus_defer_cancel (self->bus); /* the batch's messages rolled back with it */
            s_batch_reset (&f);
            free (f.recs);
            log_kv (LOG_WARN, "sla_tick_failed", "error", db_error (self->db), NULL);
            return -1;
        }
        fired += f.fired;
        bool more = f.claimed == SLE_BATCH;
        if (f.fired)
            bus_kick (self->bus);
        if (f.fired && s_deliver (self, &f, f.fired / SLE_NOTIFY_BATCH + 1) != 0) {
            free (f.recs);
            return -1;
        }
        if (!more)
            break;
    }
    free (f.recs);
    /* what is left: records of earlier ticks, or of before a restart */
    if (s_deliver (self, &f, 20) != 0)
        return -1;
    if (sweep_mark (self->db, bus_instance (self->bus), SWEEP_SLA, f.now) != 0)
        return -1;
    return fired;
}
