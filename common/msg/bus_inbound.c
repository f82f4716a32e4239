/*  bus_inbound — the receiving half of the bus: reads envelopes from the
 *  ROUTER, applies each in one transaction together with its inbox row
 *  (idempotent receipt), dead-letters what cannot be processed, and answers
 *  every outcome that is final with an acknowledgement. Transient failures
 *  get no answer, so the sender tries again later.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "bus_private.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/log.h"
#include "db/scope.h"
#include "transport.h"
#include "base/uuid.h"

int bus_inbound_prepare (bus_t *self)
{
    const char *s = self->service;
    char sql[512];
    snprintf (sql, sizeof sql,
              "INSERT INTO %s.inbox (message_id, type, source) VALUES ($1::uuid, $2, $3)"
              " ON CONFLICT DO NOTHING",
              s);
    if (db_prepare (self->db, "bus_inbox", sql) != 0)
        return -1;
    /* The inbox rows of a whole batch: $1 uuid[], $2 text[], $3 text[]
     * (parallel arrays, ids distinct); returns the ids that were new. */
    snprintf (sql, sizeof sql,
              "INSERT INTO %s.inbox (message_id, type, source)"
              " SELECT m, t, s FROM unnest ($1::uuid[], $2::text[], $3::text[]) AS u (m, t, s)"
              " ON CONFLICT DO NOTHING RETURNING message_id::text",
              s);
    if (db_prepare (self->db, "bus_inbox_many", sql) != 0)
        return -1;
    /* A message rolled back for redelivery must not stay in the inbox. */
    snprintf (sql, sizeof sql, "DELETE FROM %s.inbox WHERE message_id = $1::uuid", s);
    if (db_prepare (self->db, "bus_inbox_forget", sql) != 0)
        return -1;
    snprintf (sql, sizeof sql,
              "INSERT INTO %s.dead_letters (message_id, type, source, reason, payload)"
              " VALUES ($1::uuid, $2, $3, $4, $5)",
              s);
    return db_prepare (self->db, "bus_dead_letter", sql);
}

/*  ------------------------------------------------------------------------
 *  Group commit: the messages waiting on the ROUTER are applied in ONE
 *  transaction, each inside its own savepoint, and acknowledged after the
 *  one COMMIT (docs/messaging.md, "Group commit").
 */

#define S_SAVEPOINT "bus_msg"

typedef enum {
    S_PENDING = 0,
    S_APPLIED,      /* committed now: ack "ok" */
    S_DUPLICATE,    /* the inbox had it (also earlier in this batch): ack "duplicate" */
    S_DEAD,         /* dead letter + inbox row committed now: ack "dead" */
    S_RETRY,        /* rolled back to its savepoint: no ack, the sender retries */
} s_outcome_t;

typedef struct s_batch_s s_batch_t;

typedef struct {
    char *frames[2];        /* identity, envelope (owned) */
    size_t sizes[2];
    env_t *msg;             /* NULL when it failed validation */
    const bus_handler_t *handler;
    bool invalid;           /* dead before any handler runs (reason set) */
    char id[KUUID_STR_LEN];  /* "" when there is no readable id */
    char type[64], source[32];
    char sender[32];        /* the service its connection's key belongs to (ZAP user id) */
    char reason[BUS_REASON_MAX];
    s_outcome_t outcome;
    bool emitted;
    bool fresh;             /* its inbox row was written by this batch */
    int first;              /* earlier item of this batch with the same id, or -1 */
    bus_t *bus;
    s_batch_t *batch;
    int defer_mark;         /* bus_defer_mark before it ran */
    bool has_verdict;       /* its handler said REJECT or RETRY in a fast run: */
    bus_result_t verdict;   /* the careful run does not call it again */
} s_item_t;

struct s_batch_s {
    bus_t *bus;
    s_item_t *items;
    int n;
    bool careful;           /* a savepoint per message (else none: s_batch_run) */
    bool need_careful;      /* a fast run met a message to undo alone */
    bool emitted;           /* some applied message emitted */
    bus_claim_t *claim;     /* the relay's claim, piggybacked; NULL = none */
    bool defer;             /* handlers' emits written with one statement */
    bool flush_failed;      /* that statement failed (not transiently) */
    bool no_begin;          /* the batch-begin function failed: run without it */
};

static const char *s_or_null (const char *text)
{
    return text && *text ? text : NULL;
}

/*  The transaction (or the connection) is broken for the whole batch: a
 *  lost connection, or a serialization failure / deadlock that db_tx
 *  retries as a whole. */
static bool s_batch_broken (db_t *db)
{
    return !db_connected (db) || db_last_status (db) == DB_TRANSIENT;
}

/*  Rolls back to the message's savepoint, with the emits it collected. */
static int s_undo (db_t *db, s_item_t *it)
{
    if (!it->batch->careful) {
        /* no savepoint in a fast run: all over again, carefully */
        it->batch->need_careful = true;
        return -1;
    }
    if (db_rollback_to (db, S_SAVEPOINT) != 0)
        return -1;
    bus_defer_rewind (it->bus, it->defer_mark);
    return 0;
}

/*  Undoes one message's work, forgets its inbox row (written for the whole
 *  batch before its savepoint) and marks it for redelivery. Returns 0, or
 *  -1 when even that failed (the batch is lost, nothing is acknowledged). */
static int s_item_retry (db_t *db, s_item_t *it, const char *why)
{
    if (why && !it->reason[0])
        snprintf (it->reason, sizeof it->reason, "%s", why);
    if (s_undo (db, it) != 0)
        return -1;
    if (it->id[0]) {
        const char *params[1] = { it->id };
        PGresult *res = db_exec_prepared (db, "bus_inbox_forget", 1, params);
        if (!res)
            return -1;
        PQclear (res);
    }
    it->outcome = S_RETRY;
    return 0;
}

/*  Inside the savepoint (its inbox row is already written): the dead
 *  letter. Returns 0 (outcome set) or -1 (the batch is lost). */
static int s_item_dead (db_t *db, s_item_t *it)
{
    char *payload = bus_text_safe (it->frames[1], it->sizes[1]);
    char *why = bus_text_safe (it->reason, strnlen (it->reason, BUS_REASON_MAX));
    int rc = 0;
    if (!payload || !why)
        rc = s_item_retry (db, it, "out of memory");
    else {
        const char *params[5] = { s_or_null (it->id), s_or_null (it->type),
                                  s_or_null (it->source), why, payload };
        PGresult *res = db_exec_prepared (db, "bus_dead_letter", 5, params);
        if (res) {
            PQclear (res);
            it->outcome = S_DEAD;
        } else
            rc = s_batch_broken (db) ? -1 : s_item_retry (db, it, db_error (db));
    }
    free (payload);
    free (why);
    return rc;
}

/*  Inside the savepoint (its inbox row is already written): the handler.
 *  Returns 0 (outcome set) or -1 (the batch is lost). */
static int s_item_apply (s_batch_t *b, db_t *db, s_item_t *it)
{
    bus_t *self = b->bus;
    const env_t *msg = it->msg;
    if (it->has_verdict) {
        /* Its handler answered in the fast run that was undone; it is not
         * called twice for one delivery. */
        if (it->verdict == BUS_RETRY)
            return s_item_retry (db, it, NULL);
        return s_item_dead (db, it);
    }
    if (db_tx_failed (db)) {
        /* a message before this one failed without saying so */
        b->need_careful = !b->careful;
        return -1;
    }
    self->emitted = false;
    bus_result_t result = it->handler->fn (it->handler->ctx, db, msg, it->reason,
                                           sizeof it->reason);
    it->emitted = self->emitted;
    self->emitted = false;
    if (result == BUS_OK) {
        it->outcome = S_APPLIED;
        return 0;
    }
    if (s_batch_broken (db))
        return -1; /* transient, or a deadlock db_tx retries as a whole */
    if (result == BUS_REJECT && !it->reason[0])
        snprintf (it->reason, sizeof it->reason, "rejected by the %s handler", msg->type);
    if (!b->careful) {
        it->has_verdict = true;
        it->verdict = result;
        b->need_careful = true;
        return -1;
    }
    if (result == BUS_RETRY)
        return s_item_retry (db, it, NULL);
    /* BUS_REJECT: undo the handler's work, keep the reason, dead-letter. */
    if (s_undo (db, it) != 0)
        return -1;
    return s_item_dead (db, it);
}

/*  The previous message's handler answered BUS_OK although one of its
 *  statements failed (the transaction is aborted): what it did cannot be
 *  committed as it is. Rolls back to its savepoint and dead-letters it.
 *  Returns 0 or -1 (the batch is lost). */
static int s_item_aborted (db_t *db, s_item_t *it)
{
    snprintf (it->reason, sizeof it->reason, "commit failed: %s", db_error (db));
    it->emitted = false;
    if (s_undo (db, it) != 0)
        return -1;
    return s_item_dead (db, it);
}

/*  Appends text to an array literal as a quoted element. */
static void s_array_add (char *buf, size_t *len, const char *text)
{
    if (*len > 1)
        buf[(*len)++] = ',';
    buf[(*len)++] = '"';
    for (const char *p = text; *p; p++) {
        if (*p == '"' || *p == '\\')
            buf[(*len)++] = '\\';
        buf[(*len)++] = *p;
    }
    buf[(*len)++] = '"';
    buf[*len] = '\0';
}

/*  The inbox rows of the whole batch in one statement: marks each message
 *  fresh (its id is new: apply it) or not (a duplicate: of a message seen
 *  before, or of an earlier one in this batch, item->first). Returns 0 or
 *  -1 (the batch is lost). */
static int s_inbox_batch (s_batch_t *b, db_t *db)
{
    /* id 36, type < 64 and source < 32 bytes, each at most doubled by
     * escaping, plus quotes and commas */
    size_t cap = (size_t) b->n * (KUUID_STR_LEN + 3) + 3;
    char *ids = malloc (cap), *types = malloc ((size_t) b->n * 132 + 3);
    char *sources = malloc ((size_t) b->n * 68 + 3);
    int rc = -1;
    if (!ids || !types || !sources)
        goto cleanup;
    size_t li = 1, lt = 1, ls = 1;
    ids[0] = types[0] = sources[0] = '{';
    int rows = 0;
    for (int i = 0; i < b->n; i++) {
        s_item_t *it = &b->items[i];
        it->fresh = false;
        it->first = -1;
        if (!it->id[0])
            continue;
        for (int j = 0; j < i && it->first < 0; j++)
            if (strcmp (b->items[j].id, it->id) == 0)
                it->first = j;
        if (it->first >= 0)
            continue;
        s_array_add (ids, &li, it->id);
        s_array_add (types, &lt, it->type);
        s_array_add (sources, &ls, it->source);
        rows++;
    }
    memcpy (ids + li, "}", 2);
    memcpy (types + lt, "}", 2);
    memcpy (sources + ls, "}", 2);
    if (rows == 0) {
        rc = 0;
        goto cleanup;
    }
    const char *params[3] = { ids, types, sources };
    PGresult *res = db_exec_prepared (db, "bus_inbox_many", 3, params);
    if (!res)
        goto cleanup;
    for (int r = 0; r < PQntuples (res); r++)
        for (int i = 0; i < b->n; i++)
            if (b->items[i].first < 0 && strcmp (b->items[i].id, PQgetvalue (res, r, 0)) == 0)
                b->items[i].fresh = true;
    PQclear (res);
    rc = 0;
cleanup:
    free (ids);
    free (types);
    free (sources);
    return rc;
}

/*  The batch-begin function (bus_on_batch_begin) with the messages whose
 *  handlers will run. Returns 0 or -1 (the run is lost; when the failure
 *  is not one db_tx retries, the next run is careful and goes without). */
static int s_batch_begin (s_batch_t *b, db_t *db)
{
    bus_t *self = b->bus;
    if (!self->batch_begin || b->no_begin)
        return 0;
    const env_t *msgs[BUS_INPUT_BATCH];
    int n = 0;
    for (int i = 0; i < b->n && n < BUS_INPUT_BATCH; i++) {
        const s_item_t *it = &b->items[i];
        if (it->invalid || it->has_verdict || (it->id[0] && !it->fresh))
            continue; /* no handler call for it in this run */
        msgs[n++] = it->msg;
    }
    if (n == 0 || self->batch_begin (self->batch_begin_ctx, db, msgs, n) == 0)
        return 0;
    if (!s_batch_broken (db)) {
        log_kv (LOG_WARN, "batch_begin_failed", "reason", db_error (db),
                "detail", "the batch runs again without it", NULL);
        b->no_begin = true;
        b->need_careful = true;
    }
    return -1;
}

/*  One transaction for the batch: the relay's claim (when piggybacked),
 *  the inbox rows of all messages in one statement, the batch-begin
 *  function (bus_on_batch_begin), then each new message
 *  inside its own savepoint. Savepoints are stacked, not released: the
 *  next SAVEPOINT is also the check that the previous message left the
 *  transaction usable (it fails with 25P02 otherwise), so a message costs
 *  one extra round trip, not two. At most BUS_INPUT_BATCH (64) nested
 *  subtransactions: within PostgreSQL's per-backend subxid cache. */
static int s_batch_end (s_batch_t *b, db_t *db);

static int s_batch_fn (db_t *db, void *arg)
{
    s_batch_t *b = arg;
    /* db_tx runs this again after a serialization failure: start clean. */
    b->emitted = false;
    for (int i = 0; i < b->n; i++) {
        s_item_t *it = &b->items[i];
        it->outcome = S_PENDING;
        it->emitted = false;
        it->batch = b;
        it->bus = b->bus;
        if (!it->invalid && !it->has_verdict)
            it->reason[0] = '\0';
    }
    b->flush_failed = false;
    b->need_careful = false;
    if (b->defer && bus_defer_begin (b->bus) != 0)
        return -1;
    /* The relay's claim first: rows of earlier commits only (bus_claim_t). */
    if (b->claim && bus_claim_in_tx (b->claim, db) != 0)
        return -1;
    if (s_inbox_batch (b, db) != 0)
        return -1;
    if (s_batch_begin (b, db) != 0)
        return -1;
    if (!b->careful) {
        /* Fast: no savepoints. Any message that has to be undone alone
         * makes the whole run roll back and run again carefully. Handlers
         * may keep their writes for the batch-end function (bus.h). */
        b->bus->batching = true;
        for (int i = 0; i < b->n; i++) {
            s_item_t *it = &b->items[i];
            if (it->id[0] && !it->fresh)
                continue; /* a duplicate: outcome settled below */
            if ((it->invalid ? s_item_dead (db, it) : s_item_apply (b, db, it)) != 0) {
                b->bus->batching = false;
                return -1;
            }
        }
        b->bus->batching = false;
        if (db_tx_failed (db)) {
            b->need_careful = true;
            return -1;
        }
        if (b->bus->batch_end && b->bus->batch_end (b->bus->batch_end_ctx, db) != 0) {
            b->need_careful = !s_batch_broken (db);
            return -1;
        }
        return s_batch_end (b, db);
    }
    int last = -1; /* the message inside the most recent savepoint */
    for (int i = 0; i <= b->n; i++) {
        s_item_t *it = i < b->n ? &b->items[i] : NULL;
        if (it && it->id[0] && !it->fresh)
            continue; /* a duplicate: outcome settled below */
        if (db_savepoint (db, S_SAVEPOINT) != 0) {
            if (last < 0 || s_batch_broken (db))
                return -1;
            if (s_item_aborted (db, &b->items[last]) != 0)
                return -1;
            if (it && db_savepoint (db, S_SAVEPOINT) != 0)
                return -1;
        }
        if (!it)
            break; /* that last savepoint only checked the last message */
        last = i;
        it->defer_mark = bus_defer_mark (b->bus);
        if ((it->invalid ? s_item_dead (db, it) : s_item_apply (b, db, it)) != 0)
            return -1;
    }
    return s_batch_end (b, db);
}

/*  The end of either run: the outbox rows of every message applied (one
 *  statement), and the outcome of the duplicates. */
static int s_batch_end (s_batch_t *b, db_t *db)
{
    if (b->defer && bus_defer_flush (b->bus, db) != 0) {
        b->flush_failed = !s_batch_broken (db);
        return -1;
    }
    for (int i = 0; i < b->n; i++) {
        s_item_t *it = &b->items[i];
        if (it->id[0] && !it->fresh)
            /* the same id earlier in this batch: answered like it, except
             * that a message applied or dead-lettered now is a duplicate */
            it->outcome = it->first >= 0 && b->items[it->first].outcome == S_RETRY
                              ? S_RETRY : S_DUPLICATE;
        if (it->outcome == S_APPLIED && it->emitted)
            b->emitted = true;
    }
    return 0;
}

/*  After COMMIT: counters, logs, then the acknowledgements. */
static void s_batch_answer (bus_t *self, s_batch_t *b)
{
    if (b->emitted)
        bus_kick (self); /* may end the process under fault injection */
    for (int i = 0; i < b->n; i++) {
        s_item_t *it = &b->items[i];
        const char *id = s_or_null (it->id);
        switch (it->outcome) {
        case S_APPLIED:
            self->stats.applied++;
            log_kv (LOG_DEBUG, "message_applied", "message_id", id, "type", it->type,
                    "correlation_id", it->msg ? it->msg->correlation_id : NULL, NULL);
            bus_ack_send (self, it->frames[0], it->sizes[0], id, "ok");
            break;
        case S_DUPLICATE:
            self->stats.duplicates++;
            ops_count_duplicate ();
            log_kv (LOG_DEBUG, "message_duplicate", "message_id", id, "type", it->type, NULL);
            if (id)
                bus_ack_send (self, it->frames[0], it->sizes[0], id, "duplicate");
            break;
        case S_DEAD:
            self->stats.dead_lettered++;
            ops_count_dead_letter (it->type);
            log_kv (LOG_WARN, "message_dead_lettered", "message_id", id, "type",
                    s_or_null (it->type), "source", s_or_null (it->source), "reason",
                    it->reason, NULL);
            if (id)
                bus_ack_send (self, it->frames[0], it->sizes[0], id, "dead");
            break;
        case S_RETRY:
        case S_PENDING:
            log_kv (LOG_WARN, "message_retry_later", "message_id", id, "type", it->type,
                    "reason", it->reason[0] ? it->reason : "handler asked to retry", NULL);
            break;
        }
    }
}

/*  Applies items[0..n) in one transaction (with the relay's claim when
 *  claim); falls back to one transaction per message when COMMIT itself
 *  refuses the batch. */
static void s_batch_run (bus_t *self, s_item_t *items, int n, bool claim, bool defer)
{
    bus_claim_t c;
    s_batch_t b = { .bus = self, .items = items, .n = n, .claim = claim ? &c : NULL,
                    .defer = defer };
    if (claim)
        bus_claim_begin (self, &c);
    bool fn_failed = false;
    db_status_t st = db_tx (self->db, s_batch_fn, &b, &fn_failed);
    bus_defer_cancel (self); /* whatever is left was rolled back */
    if (st != DB_OK && b.need_careful) {
        b.careful = true;
        st = db_tx (self->db, s_batch_fn, &b, &fn_failed);
        bus_defer_cancel (self);
    }
    self->emitted = false;
    if (st != DB_OK && b.flush_failed) {
        /* The emits of the batch could not be written together: again,
         * each message writing its own, so a failure has an owner. */
        if (claim) {
            bus_claim_end (self, &c, false);
            bus_relay_want (self);
        }
        s_batch_run (self, items, n, false, false);
        return;
    }
    if (claim) {
        bus_relay_note (self, bus_claim_end (self, &c, st == DB_OK));
        if (st != DB_OK) {
            /* Whatever went wrong, the claim must not cost the messages
             * anything: again without it; the relay runs on its own. */
            bus_relay_want (self);
            s_batch_run (self, items, n, false, defer);
            return;
        }
    }
    if (st == DB_OK) {
        s_batch_answer (self, &b);
        return;
    }
    if (st == DB_PERMANENT && !fn_failed && n > 1) {
        /* COMMIT refused (a deferred constraint): find the culprit alone. */
        for (int i = 0; i < n; i++)
            s_batch_run (self, &items[i], 1, false, defer);
        return;
    }
    s_item_t *it = &items[0];
    if (st == DB_PERMANENT && !fn_failed && !it->invalid) {
        snprintf (it->reason, sizeof it->reason, "commit failed: %s", db_error (self->db));
        bus_dead_letter (self, it->frames[0], it->sizes[0], it->id, it->type, it->source,
                       it->reason, it->frames[1], it->sizes[1]);
        return;
    }
    /* Transient (database down, retries used up): nothing was committed,
     * nothing is acknowledged; the senders retry. */
    for (int i = 0; i < n; i++)
        log_kv (LOG_WARN, items[i].invalid ? "dead_letter_failed" : "message_retry_later",
                "message_id", s_or_null (items[i].id), "type", s_or_null (items[i].type),
                "reason", db_error (self->db), NULL);
}

static const bus_handler_t *s_handler (const bus_t *self, const char *type)
{
    for (int i = 0; i < self->n_handlers; i++)
        if (strcmp (self->handlers[i].type, type) == 0)
            return &self->handlers[i];
    return NULL;
}

/*  Pulls "type" and "source.service" out of a message that failed
 *  validation, for the dead letter (only when they are short, valid text). */
static void s_peek (const char *data, size_t len, char *type, size_t tsize, char *source,
                    size_t ssize)
{
    type[0] = source[0] = '\0';
    char err[64];
    cJSON *doc = json_parse_strict (data, len, err, sizeof err);
    if (!doc)
        return;
    const char *t = json_str (doc, "type", NULL);
    if (t && strlen (t) < tsize && json_utf8_valid (t, strlen (t), NULL))
        snprintf (type, tsize, "%s", t);
    const cJSON *src = cJSON_GetObjectItemCaseSensitive (doc, "source");
    const char *s = json_str (src, "service", NULL);
    if (s && strlen (s) < ssize && json_utf8_valid (s, strlen (s), NULL))
        snprintf (source, ssize, "%s", s);
    cJSON_Delete (doc);
}

/*  Decodes and validates one received envelope into it (which owns the
 *  frames already). Decides the dead letter of what cannot be applied. */
static void s_item_prepare (bus_t *self, s_item_t *it)
{
    self->stats.received++;
    const char *data = it->frames[1];
    size_t len = it->sizes[1];
    char id[KUUID_STR_LEN] = "";
    it->msg = env_decode (data, len, self->schemas, id, it->reason, sizeof it->reason);
    if (!it->msg) {
        s_peek (data, len, it->type, sizeof it->type, it->source, sizeof it->source);
        ops_count_message_in (it->type);
        id[KUUID_STR_LEN - 1] = '\0';
        if (kuuid_valid (id))
            snprintf (it->id, sizeof it->id, "%s", id);
        else
            log_kv (LOG_WARN, "message_unreadable", "reason", it->reason, "detail",
                    "no readable message id: dead-lettered, no acknowledgement possible", NULL);
        if (!it->reason[0])
            snprintf (it->reason, sizeof it->reason, "invalid message");
        it->invalid = true;
        return;
    }
    snprintf (it->id, sizeof it->id, "%s", it->msg->id);
    snprintf (it->type, sizeof it->type, "%s", it->msg->type);
    ops_count_message_in (it->type);
    snprintf (it->source, sizeof it->source, "%s", it->msg->service);
    if (strcmp (it->sender, it->msg->service) != 0) {
        /* a service's key speaks only for that service: a message naming
         * another source is a forgery or a misconfiguration, never applied */
        snprintf (it->reason, sizeof it->reason,
                  "source.service: \"%s\" does not match the key that sent it, which is "
                  "installed for %s%s%s", it->msg->service, it->sender[0] ? "\"" : "",
                  it->sender[0] ? it->sender : "no service", it->sender[0] ? "\"" : "");
        it->invalid = true;
        return;
    }
    it->handler = s_handler (self, it->msg->type);
    if (!it->handler) {
        snprintf (it->reason, sizeof it->reason, "type: no handler for \"%s\" in service %s",
                  it->msg->type, self->service);
        it->invalid = true;
    }
}

/*  Messages read from the ROUTER, waiting (at most BUS_GATHER_MS) to be
 *  applied together. */
struct bus_queue_s {
    s_item_t items[BUS_INPUT_BATCH];
    int n;
    int64_t since;          /* monotonic: when the first was read */
};

static void s_queue_clear (bus_queue_t *q)
{
    for (int i = 0; i < q->n; i++) {
        env_destroy (&q->items[i].msg);
        tr_frames_free (q->items[i].frames, 2);
    }
    memset (q->items, 0, sizeof q->items[0] * (size_t) q->n);
    q->n = 0;
}

void bus_inbound_read (bus_t *self)
{
    if (!self->queue && !(self->queue = calloc (1, sizeof *self->queue))) {
        log_kv (LOG_ERROR, "inbound_failed", "reason", "out of memory", NULL);
        return;
    }
    bus_queue_t *q = self->queue;
    while (q->n < BUS_INPUT_BATCH) {
        char *frames[3] = { NULL, NULL, NULL };
        size_t sizes[3] = { 0, 0, 0 };
        char sender[32];
        int got = tr_recv_user (self->router, frames, sizes, 3, ZMQ_DONTWAIT, sender,
                                sizeof sender);
        if (got < 0)
            break;
        if (got != 2) {
            char count[16];
            snprintf (count, sizeof count, "%d", got);
            log_kv (LOG_WARN, "message_unreadable", "reason",
                    "expected two frames (identity, envelope)", "frames", count, NULL);
            tr_frames_free (frames, got);
            continue;
        }
        if (q->n == 0)
            q->since = clock_mono_ms ();
        s_item_t *it = &q->items[q->n++];
        it->frames[0] = frames[0];
        it->frames[1] = frames[1];
        it->sizes[0] = sizes[0];
        it->sizes[1] = sizes[1];
        memcpy (it->sender, sender, sizeof it->sender);
        s_item_prepare (self, it);
    }
}

int bus_inbound_due (const bus_t *self, int64_t now)
{
    const bus_queue_t *q = self->queue;
    if (!q || q->n == 0)
        return -1;
    if (q->n >= BUS_INPUT_BATCH)
        return 0;
    int64_t left = q->since + BUS_GATHER_MS - now;
    return left < 0 ? 0 : (int) left;
}

void bus_inbound_apply (bus_t *self, bool claim)
{
    bus_queue_t *q = self->queue;
    if (!q || q->n == 0)
        return;
    if (claim)
        self->kicked = false; /* claimed here, or wanted again on failure */
    /* The receiving transaction acts for the system (every branch): the
     * batch-begin and batch-end functions and the handlers alike; a handler
     * that acts for someone narrower states it and restores this
     * (svc/handler.c). Cleared after, for what runs next on the handle. */
    if (db_scope_system (self->db) == 0)
        s_batch_run (self, q->items, q->n, claim, true);
    db_scope_clear (self->db);
    s_queue_clear (q);
}

void bus_inbound_free (bus_t *self)
{
    if (!self->queue)
        return;
    /* Read but not applied: never acknowledged, so the senders resend. */
    s_queue_clear (self->queue);
    free (self->queue);
    self->queue = NULL;
}
