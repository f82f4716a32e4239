/*  bus_dead — what the receiving half of the bus answers and refuses:
 *  acknowledgements to the sender, and dead letters for messages that
 *  cannot be processed before a handler runs (unreadable, unknown type,
 *  a source its key was not installed for), each in a transaction of its
 *  own. Dead letters decided inside a batch are bus_inbound.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "bus_private.h"
#include "base/json.h"
#include "base/log.h"
#include "transport.h"

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

void bus_ack_send (bus_t *self, const char *identity, size_t identity_size, const char *id,
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

void bus_dead_letter (bus_t *self, const char *identity, size_t identity_size, const char *id,
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
        ops_count_duplicate ();
        if (id)
            bus_ack_send (self, identity, identity_size, id, "duplicate");
        goto cleanup;
    }
    self->stats.dead_lettered++;
    ops_count_dead_letter (type);
    log_kv (LOG_WARN, "message_dead_lettered", "message_id", id, "type", type, "source", source,
            "reason", why, NULL);
    if (id)
        bus_ack_send (self, identity, identity_size, id, "dead");
cleanup:
    free (payload);
    free (why);
}
