/*  sla_fire — firing: claims the running clocks whose warning, due or next
 *  escalation instant has passed and records, moves and announces each
 *  warning and escalation in one transaction (contract in sla_fire.h).
 */
#include "sla_fire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "ops/ops_metrics.h"
#include "db/statements.h"
#include "svc/emit.h"
#include "sla_clock_msg.h"
#include "sla_deadline.h"
#include "sla_policy.h"
#include "model/sla_clock.h"
#include "base/json.h"

/* ---- statements ------------------------------------------------------- */

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
    DB_EPOCH_US ("next_escalation_at") ", to_json(flags)::text, subject_kind, subject_id "             \
    "FROM dispatch.sla_clocks WHERE id = ANY (ARRAY ("                                        \
    " (SELECT id FROM dispatch.sla_clocks WHERE state = '" CLOCK_S_RUNNING "' AND warned_at IS NULL "     \
    "  AND warn_at <= $1::timestamptz ORDER BY warn_at LIMIT $2::int) UNION ALL "              \
    " (SELECT id FROM dispatch.sla_clocks WHERE state = '" CLOCK_S_RUNNING "' AND breached_at IS NULL "   \
    "  AND on_breach = 'escalate' AND due_at <= $1::timestamptz ORDER BY due_at LIMIT $2::int) " \
    " UNION ALL "                                                                             \
    " (SELECT id FROM dispatch.sla_clocks WHERE state = '" CLOCK_S_RUNNING "' "                           \
    "  AND next_escalation_at <= $1::timestamptz ORDER BY next_escalation_at LIMIT $2::int))) " \
    " AND state = '" CLOCK_S_RUNNING "' AND ((warned_at IS NULL AND warn_at <= $1::timestamptz) "         \
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
 * clock_id, "t": ticket_id, "k": kind, "l": level, "s", "n", "e":
 * recipient's staff id, name and e-mail, "a": who may acknowledge (staff
 * ids), "r": reason}, $2 the instant; returns their new ids in array order. */
#define S_SQL_RECORD                                                                          \
    "WITH r AS MATERIALIZED (SELECT nextval('dispatch.escalations_id_seq') AS id, e.ord, e.j " \
    "  FROM json_array_elements($1::json) WITH ORDINALITY AS e (j, ord)), "                    \
    "i AS (INSERT INTO dispatch.escalations (id, clock_id, ticket_id, kind, level, "         \
    "  recipient_staff, recipient_name, recipient_email, may_acknowledge, reason, at) "      \
    "  SELECT id, (j->>'c')::bigint, (j->>'t')::bigint, j->>'k', j->>'l', j->>'s', j->>'n', " \
    "  j->>'e', ARRAY (SELECT json_array_elements_text (j->'a')), j->>'r', $2::timestamptz FROM r) " \
    "SELECT id FROM r ORDER BY ord"

/* The statements keep the names they had in the one-file engine ("sle_"):
 * database errors in the logs name them. */
static const db_statement_t s_statements[] = {
    { "sle_due", S_SQL_DUE },
    { "sle_fired", S_SQL_FIRED },
    { "sle_record", S_SQL_RECORD },
};

/* ---- firing -------------------------------------------------------------- */

/*  One claimed clock row. */
typedef struct {
    const char *id, *ticket_id, *branch, *clock, *policy;
    const char *subject_kind, *subject_id;
    char what[128]; /* "ticket 12: final_inspection of inspection 34", for reasons */
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

/*  A log line of a fired record, kept until its transaction commits: a
 *  batch rolled back must not have logged escalations that do not exist
 *  (the next tick fires them again, under new ids). */
typedef struct {
    bool warning;
    char ticket_id[24], clock[72], kind[24], level[32], escalation_id[24];
    int64_t late_us; /* an escalation: now minus the instant it was due (-1: not one) */
} s_fired_t;

struct slf_s {
    db_t *db;
    bus_t *bus;
    sll_t *loader;
    scal_t *cals;
    /* the batch in progress */
    int64_t now;
    char now_text[40];
    int claimed;
    int fired;
    s_rec_t *recs; /* this batch's records (s_record) … */
    int n_recs, cap_recs;
    cJSON *moves; /* … and its clocks' new state columns */
    s_fired_t *logged; /* the batch's "sla_warning"/"sla_escalated" lines, written once it commits */
    int n_logged, cap_logged;
};

slf_t *slf_new (db_t *db, bus_t *bus, sll_t *loader, scal_t *cals, char *err, size_t errsize)
{
    slf_t *self = calloc (1, sizeof *self);
    if (!self) {
        snprintf (err, errsize, "out of memory");
        return NULL;
    }
    self->db = db;
    self->bus = bus;
    self->loader = loader;
    self->cals = cals;
    if (db_prepare_statements (db, s_statements, DB_STATEMENTS (s_statements)) != 0) {
        snprintf (err, errsize, "preparing: %s", db_error (db));
        slf_destroy (&self);
    }
    return self;
}

static void s_batch_reset (slf_t *f);

void slf_destroy (slf_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    s_batch_reset (*self_p);
    free ((*self_p)->recs);
    free ((*self_p)->logged);
    free (*self_p);
    *self_p = NULL;
}

/*  Adds a record to the batch. */
static int s_record (slf_t *f, const s_row_t *row, const char *kind, const sla_contact_t *to,
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

/*  The message of one written record of a ticket's clock (sla.warning or
 *  sla.escalated to intake, which keeps the ticket's history). */
static int s_emit_message (slf_t *f, db_t *db, const s_rec_t *rec, const char *esc_id)
{
    const s_row_t *row = rec->row;
    const char *kind = rec->kind, *reason = rec->reason, *level = sla_level_name (rec->to->level);
    const sla_contact_t *to = rec->to;
    char due_text[40];
    clock_format_us (row->due, due_text, sizeof due_text);
    cJSON *body = cJSON_CreateObject ();
    if (!body || json_add_id (body, "ticket_id", row->ticket_id) != 0 || json_add_id (body, "clock_id", row->id) != 0
        || json_add_id (body, "escalation_id", esc_id) != 0) {
        cJSON_Delete (body);
        return -1;
    }
    bool warning = strcmp (kind, "warning") == 0;
    cJSON_AddStringToObject (body, "clock", row->clock);
    cJSON_AddStringToObject (body, "policy", row->policy);
    if (strcmp (row->subject_kind, "ticket") != 0) {
        cJSON *subject = cJSON_AddObjectToObject (body, "subject");
        if (!subject || !cJSON_AddStringToObject (subject, "kind", row->subject_kind)
            || json_add_id (subject, "id", row->subject_id) != 0) {
            cJSON_Delete (body);
            return -1;
        }
    }
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
    return svc_emit (f->bus, db, warning ? "sla.warning" : "sla.escalated", 1, row->branch, row->ticket_id, &body);
}

/*  Emits the message of one written record and keeps its log line. A
 *  ticketless clock's record (a deposit's) has no ticket history to go to:
 *  it stays in dispatch.escalations, and is notified all the same. */
static int s_emit_record (slf_t *f, db_t *db, const s_rec_t *rec, const char *esc_id)
{
    const s_row_t *row = rec->row;
    if (row->ticket_id[0] && s_emit_message (f, db, rec, esc_id) != 0)
        return -1;
    bool warning = strcmp (rec->kind, "warning") == 0;
    const char *kind = rec->kind, *level = sla_level_name (rec->to->level);
    if (f->n_logged == f->cap_logged) {
        int cap = f->cap_logged ? f->cap_logged * 2 : 64;
        s_fired_t *grown = realloc (f->logged, (size_t) cap * sizeof *grown);
        if (!grown)
            return -1;
        f->logged = grown;
        f->cap_logged = cap;
    }
    s_fired_t *line = &f->logged[f->n_logged++];
    line->warning = warning;
    snprintf (line->ticket_id, sizeof line->ticket_id, "%s", row->ticket_id);
    snprintf (line->clock, sizeof line->clock, "%s", row->clock);
    snprintf (line->kind, sizeof line->kind, "%s", kind);
    snprintf (line->level, sizeof line->level, "%s", level);
    snprintf (line->escalation_id, sizeof line->escalation_id, "%s", esc_id);
    /* the breach's first escalation was due at the deadline, a repeat at its
     * next_escalation_at; "informed" copies are no escalation of their own */
    bool escalation = strcmp (kind, "escalation") == 0 || strcmp (kind, "skip_level") == 0;
    int64_t due = row->breach_open && row->due <= f->now ? row->due : row->next;
    line->late_us = escalation ? f->now - due : -1;
    f->fired++;
    return 0;
}

/*  Writes the batch's records (one statement), emits their messages (kept
 *  by the bus until bus_defer_flush) and moves the claimed clocks past
 *  them (one statement). */
static int s_write_batch (slf_t *f, db_t *db)
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
            if (rec->row->ticket_id[0])
                cJSON_AddStringToObject (item, "t", rec->row->ticket_id);
            else
                cJSON_AddNullToObject (item, "t"); /* a ticketless clock's */
            cJSON_AddStringToObject (item, "k", rec->kind);
            cJSON_AddStringToObject (item, "l", sla_level_name (rec->to->level));
            cJSON_AddStringToObject (item, "s", rec->to->staff);
            cJSON_AddStringToObject (item, "n", rec->to->name);
            cJSON_AddStringToObject (item, "e", rec->to->email);
            cJSON *may = cJSON_CreateStringArray (rec->to->may_acknowledge, rec->to->n_may_acknowledge);
            if (!may || !cJSON_AddItemToObject (item, "a", may)) {
                cJSON_Delete (may);
                cJSON_Delete (list);
                return -1;
            }
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
static void s_batch_reset (slf_t *f)
{
    for (int i = 0; i < f->n_recs; i++)
        free (f->recs[i].reason);
    f->n_recs = 0;
    cJSON_Delete (f->moves);
    f->moves = NULL;
}

/*  The next repeat escalation after `from`, or none at the ladder's top. */
static int s_next_escalation (slf_t *f, db_t *db, const s_row_t *row, const sla_ladder_t *ladder,
                              sla_level_t level, int64_t from, int64_t *next, bool *has_next)
{
    *has_next = false;
    if (!sla_ladder_next (ladder, level))
        return 0;
    char err[256];
    const cal_t *cal = row->target.time == SLA_TIME_BUSINESS
                           ? scal_get (f->cals, db, row->branch, err, sizeof err)
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
static int s_fire_row (slf_t *f, db_t *db, s_row_t *row)
{
    const sla_ladder_t *ladder = sla_ladder_for (sll_config (f->loader), row->branch);
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
        snprintf (reason, sizeof reason, "%s (policy %s, %s) is at risk: due %s", row->what,
                  row->policy, target, due_text);
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
                      "%s (policy %s, %s) breached at %s; flagged ticket: straight to %s",
                      row->what, row->policy, target, due_text, sla_level_name (to->level));
            if (s_record (f, row, "skip_level", to, reason) != 0)
                return -1;
            for (int i = 0; i < n_skipped; i++) {
                snprintf (reason, sizeof reason,
                          "%s (policy %s, %s) breached at %s; escalated straight to %s (for "
                          "your information)",
                          row->what, row->policy, target, due_text,
                          sla_level_name (to->level));
                if (s_record (f, row, "informed", skipped[i], reason) != 0)
                    return -1;
            }
        }
        else {
            to = sla_ladder_next (ladder, SLA_LEVEL_NONE);
            snprintf (reason, sizeof reason, "%s (policy %s, %s) breached at %s", row->what,
                      row->policy, target, due_text);
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
            snprintf (reason, sizeof reason, "%s (policy %s, %s) still breached since %s",
                      row->what, row->policy, target, due_text);
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
    slf_t *f = arg;
    f->claimed = 0;
    f->fired = 0;
    f->n_logged = 0;
    s_batch_reset (f); /* a rerun starts from nothing */
    if (bus_defer_begin (f->bus) != 0 || !(f->moves = cJSON_CreateArray ()))
        return -1;
    PGresult *res = db_exec (db, "SET LOCAL enable_bitmapscan = off", 0, NULL); /* S_SQL_DUE */
    if (!res)
        return -1;
    PQclear (res);
    char limit[16];
    snprintf (limit, sizeof limit, "%d", SLF_BATCH);
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
        row->subject_kind = PQgetvalue (res, r, 16);
        row->subject_id = PQgetvalue (res, r, 17);
        if (strcmp (row->subject_kind, "ticket") == 0)
            snprintf (row->what, sizeof row->what, "ticket %s: %s", row->ticket_id, row->clock);
        else if (!row->ticket_id[0])
            snprintf (row->what, sizeof row->what, "%s %s: %s", row->subject_kind, row->subject_id, row->clock);
        else
            snprintf (row->what, sizeof row->what, "ticket %s: %s of %s %s", row->ticket_id, row->clock,
                      row->subject_kind, row->subject_id);
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
        rc = bus_defer_flush (f->bus, db);
    s_batch_reset (f);
    for (int r = 0; rows && r < f->claimed; r++)
        cJSON_Delete (rows[r].flags_tree);
    free (rows);
    PQclear (res);
    return rc;
}

int slf_batch (slf_t *self, int64_t now, int *claimed)
{
    self->now = now;
    clock_format_us (now, self->now_text, sizeof self->now_text);
    bool fn_failed = false;
    if (db_tx (self->db, s_fire_tx, self, &fn_failed) != DB_OK) {
        bus_defer_cancel (self->bus); /* the batch's messages rolled back with it */
        s_batch_reset (self);
        log_kv (LOG_WARN, "sla_tick_failed", "error", db_error (self->db), NULL);
        return -1;
    }
    for (int i = 0; i < self->n_logged; i++) {
        const s_fired_t *l = &self->logged[i];
        log_kv (LOG_INFO, l->warning ? "sla_warning" : "sla_escalated", "ticket_id", l->ticket_id, "clock",
                l->clock, "kind", l->kind, "escalation_level", l->level, "escalation_id", l->escalation_id,
                NULL);
        if (l->late_us >= 0)
            ops_observe_escalation_lateness ((double) l->late_us / 1e6);
    }
    self->n_logged = 0;
    *claimed = self->claimed;
    return self->fired;
}
