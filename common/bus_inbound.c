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
 *  Applying a message
 */

typedef struct {
    bus_t *bus;
    const env_t *msg;
    const bus_handler_t *handler;
    bus_result_t result;
    bool duplicate;
    bool emitted;
    char reason[BUS_REASON_MAX];
} s_apply_t;

static int s_apply_fn (db_t *db, void *arg)
{
    s_apply_t *a = arg;
    /* db_tx may run this again after a serialization failure: reset. */
    a->result = BUS_OK;
    a->duplicate = false;
    a->reason[0] = '\0';
    a->bus->emitted = false;
    const char *params[3] = { a->msg->id, a->msg->type, a->msg->service };
    PGresult *res = db_exec_prepared (db, "bus_inbox", 3, params);
    if (!res) {
        /* Not the message's fault (database down, missing grant): retry. */
        a->result = BUS_RETRY;
        snprintf (a->reason, sizeof a->reason, "inbox: %s", db_error (db));
        return -1;
    }
    a->duplicate = strcmp (PQcmdTuples (res), "0") == 0;
    PQclear (res);
    if (a->duplicate)
        return 0;
    a->result = a->handler->fn (a->handler->ctx, db, a->msg, a->reason, sizeof a->reason);
    a->emitted = a->bus->emitted;
    return a->result == BUS_OK ? 0 : -1;
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
    if (t && strlen (t) < tsize)
        snprintf (type, tsize, "%s", t);
    const cJSON *src = cJSON_GetObjectItemCaseSensitive (doc, "source");
    const char *s = json_str (src, "service", NULL);
    if (s && strlen (s) < ssize)
        snprintf (source, ssize, "%s", s);
    cJSON_Delete (doc);
}

static void s_handle_message (bus_t *self, const char *identity, size_t identity_size,
                              const char *data, size_t len)
{
    self->stats.received++;
    char id[UUID_STR_LEN] = "";
    char err[BUS_REASON_MAX] = "";
    env_t *msg = env_decode (data, len, self->schemas, id, err, sizeof err);
    if (!msg) {
        char type[64], source[32];
        s_peek (data, len, type, sizeof type, source, sizeof source);
        id[UUID_STR_LEN - 1] = '\0';
        bool readable = uuid_valid (id);
        if (!readable)
            log_kv (LOG_WARN, "message_unreadable", "reason", err, "detail",
                    "no readable message id: dead-lettered, no acknowledgement possible", NULL);
        s_dead_letter (self, identity, identity_size, readable ? id : NULL,
                       type[0] ? type : NULL, source[0] ? source : NULL,
                       err[0] ? err : "invalid message", data, len);
        return;
    }
    const bus_handler_t *handler = s_handler (self, msg->type);
    if (!handler) {
        snprintf (err, sizeof err, "type: no handler for \"%s\" in service %s", msg->type,
                  self->service);
        s_dead_letter (self, identity, identity_size, msg->id, msg->type, msg->service, err,
                       data, len);
        goto cleanup;
    }
    s_apply_t a = { .bus = self, .msg = msg, .handler = handler };
    bool fn_failed = false;
    db_status_t st = db_tx (self->db, s_apply_fn, &a, &fn_failed);
    self->emitted = false;
    if (st == DB_OK) {
        if (a.duplicate) {
            self->stats.duplicates++;
            log_kv (LOG_DEBUG, "message_duplicate", "message_id", msg->id, "type", msg->type,
                    NULL);
            s_ack (self, identity, identity_size, msg->id, "duplicate");
            goto cleanup;
        }
        self->stats.applied++;
        log_kv (LOG_DEBUG, "message_applied", "message_id", msg->id, "type", msg->type,
                "correlation_id", msg->correlation_id, NULL);
        if (a.emitted)
            bus_kick (self); /* may end the process under fault injection */
        s_ack (self, identity, identity_size, msg->id, "ok");
        goto cleanup;
    }
    if (st == DB_PERMANENT && fn_failed && a.result == BUS_REJECT) {
        if (!a.reason[0])
            snprintf (a.reason, sizeof a.reason, "rejected by the %s handler", msg->type);
        s_dead_letter (self, identity, identity_size, msg->id, msg->type, msg->service,
                       a.reason, data, len);
        goto cleanup;
    }
    if (st == DB_PERMANENT && !fn_failed) {
        /* The handler was content but COMMIT refused (a deferred
         * constraint): the message cannot be applied as it is. */
        snprintf (a.reason, sizeof a.reason, "commit failed: %s", db_error (self->db));
        s_dead_letter (self, identity, identity_size, msg->id, msg->type, msg->service,
                       a.reason, data, len);
        goto cleanup;
    }
    /* BUS_RETRY or a transient database failure: no acknowledgement. */
    log_kv (LOG_WARN, "message_retry_later", "message_id", msg->id, "type", msg->type, "reason",
            a.reason[0] ? a.reason : db_error (self->db), NULL);
cleanup:
    env_destroy (&msg);
}

void bus_inbound_drain (bus_t *self)
{
    for (int i = 0; i < BUS_INPUT_BATCH; i++) {
        char *frames[3] = { NULL, NULL, NULL };
        size_t sizes[3] = { 0, 0, 0 };
        int n = tr_recv (self->router, frames, sizes, 3, ZMQ_DONTWAIT);
        if (n < 0)
            break;
        if (n == 2)
            s_handle_message (self, frames[0], sizes[0], frames[1], sizes[1]);
        else {
            char count[16];
            snprintf (count, sizeof count, "%d", n);
            log_kv (LOG_WARN, "message_unreadable", "reason",
                    "expected two frames (identity, envelope)", "frames", count, NULL);
        }
        tr_frames_free (frames, n);
    }
}
