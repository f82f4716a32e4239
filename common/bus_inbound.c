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
#include "json.h"
#include "log.h"
#include "transport.h"
#include "uuid.h"

#define BUS_REASON_MAX 1000

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
    snprintf (sql, sizeof sql,
              "INSERT INTO %s.dead_letters (message_id, type, source, reason, payload)"
              " VALUES ($1::uuid, $2, $3, $4, $5)",
              s);
    return db_prepare (self->db, "bus_dead_letter", sql);
}

char *bus_text_safe (const char *data, size_t len)
{
    if (!data)
        len = 0;
    size_t bad = 0;
    if (json_utf8_valid (data ? data : "", len, &bad)) {
        char *copy = malloc (len + 1);
        if (copy) {
            if (len)
                memcpy (copy, data, len);
            copy[len] = '\0';
        }
        return copy;
    }
    char *out = malloc (len * 4 + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char) data[i];
        size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
                 : (c & 0xF8) == 0xF0 ? 4 : 0;
        if (n > 0 && i + n <= len && json_utf8_valid (data + i, n, NULL)) {
            memcpy (out + o, data + i, n);
            o += n;
            i += n;
        } else {
            o += (size_t) sprintf (out + o, "\\x%02X", c);
            i++;
        }
    }
    out[o] = '\0';
    return out;
}

/*  ------------------------------------------------------------------------
 *  Acknowledgements and dead letters
 */

static void s_ack (bus_t *self, const char *identity, size_t identity_size, const char *id,
       const char *status)
{
    char ack[128];
    int n = snprintf (ack, sizeof ack, "{\"ack\":\"%s\",\"status\":\"%s\"}", id, status);
    const void *frames[2] = { identity, ack };
    size_t sizes[2] = { identity_size, (size_t) n };
    if (tr_send (self->router, frames, sizes, 2, 0) != 0)
        /* The sender went away or is saturated: it resends, we answer
         * "duplicate" then. */
        log_kv (LOG_DEBUG, "ack_not_sent", "message_id", id, "reason", zmq_strerror (errno), NULL);
}

typedef struct {
    bus_t *bus;
    const char *id;         /* NULL when the message had no readable id */
    const char *type;       /* may be NULL */
    const char *source;     /* may be NULL */
    const char *reason;
    const char *payload;    /* text-safe */
    bool duplicate;         /* the inbox already had the id */
} s_dead_t;

static int s_dead_fn (db_t *db, void *arg)
{
    s_dead_t *d = arg;
    d->duplicate = false;
    if (d->id) {
        const char *params[3] = { d->id, d->type ? d->type : "", d->source ? d->source : "" };
        PGresult *res = db_exec_prepared (db, "bus_inbox", 3, params);
        if (!res)
            return -1;
        d->duplicate = strcmp (PQcmdTuples (res), "0") == 0;
        PQclear (res);
        if (d->duplicate)
            return 0; /* dead-lettered (or applied) before: nothing new */
    }
    const char *params[5] = { d->id, d->type, d->source, d->reason, d->payload };
    PGresult *res = db_exec_prepared (db, "bus_dead_letter", 5, params);
    if (!res)
        return -1;
    PQclear (res);
    return 0;
}

/*  Records a dead letter (and the inbox row when the id is known) in one
 *  transaction, then acknowledges "dead" when possible. */
static void s_dead_letter (bus_t *self, const char *identity, size_t identity_size, const char *id,
               const char *type, const char *source, const char *reason, const char *data,
               size_t len)
{
    char *payload = bus_text_safe (data, len);
    char *why = bus_text_safe (reason, strnlen (reason, BUS_REASON_MAX));
    if (!payload || !why) {
        log_kv (LOG_ERROR, "dead_letter_failed", "message_id", id, "reason", "out of memory", NULL);
        goto cleanup;
    }
    s_dead_t d = { self, id, type, source, why, payload, false };
    bool fn_failed = false;
    db_status_t st = db_tx (self->db, s_dead_fn, &d, &fn_failed);
    if (st != DB_OK) {
        /* No acknowledgement: the sender retries and we decide again. */
        log_kv (LOG_WARN, "dead_letter_failed", "message_id", id, "type", type, "reason",
                db_error (self->db), "rejected_because", why, NULL);
        goto cleanup;
    }
    if (d.duplicate) {
        self->stats.duplicates++;
        if (id)
            s_ack (self, identity, identity_size, id, "duplicate");
        goto cleanup;
    }
    self->stats.dead_lettered++;
    log_kv (LOG_WARN, "message_dead_lettered", "message_id", id, "type", type, "source", source,
            "reason", why, NULL);
    if (id)
        s_ack (self, identity, identity_size, id, "dead");
cleanup:
    free (payload);
    free (why);
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

typedef struct {
    char *frames[2];        /* identity, envelope (owned) */
    size_t sizes[2];
    env_t *msg;             /* NULL when it failed validation */
    const bus_handler_t *handler;
    bool invalid;           /* dead before any handler runs (reason set) */
    char id[UUID_STR_LEN];  /* "" when there is no readable id */
    char type[64], source[32];
    char reason[BUS_REASON_MAX];
    s_outcome_t outcome;
    bool emitted;
} s_item_t;

typedef struct {
    bus_t *bus;
    s_item_t *items;
    int n;
    bool emitted;           /* some applied message emitted */
} s_batch_t;

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

/*  Undoes one message's work and marks it for redelivery. Returns 0, or -1
 *  when even that failed (the batch is lost, nothing is acknowledged). */
static int s_item_retry (db_t *db, s_item_t *it, const char *why)
{
    if (why && !it->reason[0])
        snprintf (it->reason, sizeof it->reason, "%s", why);
    if (db_rollback_to (db, S_SAVEPOINT) != 0)
        return -1;
    it->outcome = S_RETRY;
    return 0;
}

/*  Inside the savepoint: inbox row (when the id is known) and dead letter.
 *  Returns 0 (outcome set) or -1 (the batch is lost). */
static int s_item_dead (db_t *db, s_item_t *it)
{
    const char *id = s_or_null (it->id);
    if (id) {
        const char *params[3] = { id, it->type, it->source };
        PGresult *res = db_exec_prepared (db, "bus_inbox", 3, params);
        if (!res)
            return s_batch_broken (db) ? -1 : s_item_retry (db, it, db_error (db));
        bool duplicate = strcmp (PQcmdTuples (res), "0") == 0;
        PQclear (res);
        if (duplicate) {
            it->outcome = S_DUPLICATE; /* dead-lettered (or applied) before */
            return 0;
        }
    }
    char *payload = bus_text_safe (it->frames[1], it->sizes[1]);
    char *why = bus_text_safe (it->reason, strnlen (it->reason, BUS_REASON_MAX));
    int rc = 0;
    if (!payload || !why)
        rc = s_item_retry (db, it, "out of memory");
    else {
        const char *params[5] = { id, s_or_null (it->type), s_or_null (it->source), why,
                                  payload };
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

/*  Inside the savepoint: inbox row, then the handler. Returns 0 (outcome
 *  set) or -1 (the batch is lost). */
static int s_item_apply (s_batch_t *b, db_t *db, s_item_t *it)
{
    bus_t *self = b->bus;
    const env_t *msg = it->msg;
    const char *params[3] = { msg->id, msg->type, msg->service };
    PGresult *res = db_exec_prepared (db, "bus_inbox", 3, params);
    if (!res) {
        /* Not the message's fault (database down, missing grant): retry. */
        if (s_batch_broken (db))
            return -1;
        char why[BUS_REASON_MAX];
        snprintf (why, sizeof why, "inbox: %s", db_error (db));
        return s_item_retry (db, it, why);
    }
    bool duplicate = strcmp (PQcmdTuples (res), "0") == 0;
    PQclear (res);
    if (duplicate) {
        it->outcome = S_DUPLICATE;
        return 0;
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
    if (result == BUS_RETRY)
        return s_item_retry (db, it, NULL);
    /* BUS_REJECT: undo the handler's work, keep the reason, dead-letter. */
    if (!it->reason[0])
        snprintf (it->reason, sizeof it->reason, "rejected by the %s handler", msg->type);
    if (db_rollback_to (db, S_SAVEPOINT) != 0)
        return -1;
    return s_item_dead (db, it);
}

static int s_batch_fn (db_t *db, void *arg)
{
    s_batch_t *b = arg;
    /* db_tx runs this again after a serialization failure: start clean. */
    b->emitted = false;
    for (int i = 0; i < b->n; i++) {
        s_item_t *it = &b->items[i];
        it->outcome = S_PENDING;
        it->emitted = false;
        if (!it->invalid)
            it->reason[0] = '\0';
    }
    for (int i = 0; i < b->n; i++) {
        s_item_t *it = &b->items[i];
        if (db_savepoint (db, S_SAVEPOINT) != 0)
            return -1;
        if ((it->invalid ? s_item_dead (db, it) : s_item_apply (b, db, it)) != 0)
            return -1;
        if (db_release (db, S_SAVEPOINT) == 0)
            continue;
        /* The handler answered BUS_OK although one of its statements
         * failed: what it did cannot be committed as it is. */
        if (s_batch_broken (db))
            return -1;
        snprintf (it->reason, sizeof it->reason, "commit failed: %s", db_error (db));
        if (db_rollback_to (db, S_SAVEPOINT) != 0 || s_item_dead (db, it) != 0
            || db_release (db, S_SAVEPOINT) != 0)
            return -1;
        it->emitted = false;
    }
    for (int i = 0; i < b->n; i++)
        if (b->items[i].outcome == S_APPLIED && b->items[i].emitted)
            b->emitted = true;
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
            s_ack (self, it->frames[0], it->sizes[0], id, "ok");
            break;
        case S_DUPLICATE:
            self->stats.duplicates++;
            log_kv (LOG_DEBUG, "message_duplicate", "message_id", id, "type", it->type, NULL);
            if (id)
                s_ack (self, it->frames[0], it->sizes[0], id, "duplicate");
            break;
        case S_DEAD:
            self->stats.dead_lettered++;
            log_kv (LOG_WARN, "message_dead_lettered", "message_id", id, "type",
                    s_or_null (it->type), "source", s_or_null (it->source), "reason",
                    it->reason, NULL);
            if (id)
                s_ack (self, it->frames[0], it->sizes[0], id, "dead");
            break;
        case S_RETRY:
        case S_PENDING:
            log_kv (LOG_WARN, "message_retry_later", "message_id", id, "type", it->type,
                    "reason", it->reason[0] ? it->reason : "handler asked to retry", NULL);
            break;
        }
    }
}

/*  Applies items[0..n) in one transaction; falls back to one transaction
 *  per message when COMMIT itself refuses the batch. */
static void s_batch_run (bus_t *self, s_item_t *items, int n)
{
    s_batch_t b = { .bus = self, .items = items, .n = n };
    bool fn_failed = false;
    db_status_t st = db_tx (self->db, s_batch_fn, &b, &fn_failed);
    self->emitted = false;
    if (st == DB_OK) {
        s_batch_answer (self, &b);
        return;
    }
    if (st == DB_PERMANENT && !fn_failed && n > 1) {
        /* COMMIT refused (a deferred constraint): find the culprit alone. */
        for (int i = 0; i < n; i++)
            s_batch_run (self, &items[i], 1);
        return;
    }
    s_item_t *it = &items[0];
    if (st == DB_PERMANENT && !fn_failed && !it->invalid) {
        snprintf (it->reason, sizeof it->reason, "commit failed: %s", db_error (self->db));
        s_dead_letter (self, it->frames[0], it->sizes[0], it->id, it->type, it->source,
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
    char id[UUID_STR_LEN] = "";
    it->msg = env_decode (data, len, self->schemas, id, it->reason, sizeof it->reason);
    if (!it->msg) {
        s_peek (data, len, it->type, sizeof it->type, it->source, sizeof it->source);
        id[UUID_STR_LEN - 1] = '\0';
        if (uuid_valid (id))
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
    snprintf (it->source, sizeof it->source, "%s", it->msg->service);
    it->handler = s_handler (self, it->msg->type);
    if (!it->handler) {
        snprintf (it->reason, sizeof it->reason, "type: no handler for \"%s\" in service %s",
                  it->msg->type, self->service);
        it->invalid = true;
    }
}

void bus_inbound_drain (bus_t *self)
{
    s_item_t *items = calloc (BUS_INPUT_BATCH, sizeof *items);
    if (!items) {
        log_kv (LOG_ERROR, "inbound_failed", "reason", "out of memory", NULL);
        return;
    }
    int n = 0;
    for (int i = 0; i < BUS_INPUT_BATCH; i++) {
        char *frames[3] = { NULL, NULL, NULL };
        size_t sizes[3] = { 0, 0, 0 };
        int got = tr_recv (self->router, frames, sizes, 3, ZMQ_DONTWAIT);
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
        s_item_t *it = &items[n++];
        it->frames[0] = frames[0];
        it->frames[1] = frames[1];
        it->sizes[0] = sizes[0];
        it->sizes[1] = sizes[1];
        s_item_prepare (self, it);
    }
    if (n > 0)
        s_batch_run (self, items, n);
    for (int i = 0; i < n; i++) {
        env_destroy (&items[i].msg);
        tr_frames_free (items[i].frames, 2);
    }
    free (items);
}
