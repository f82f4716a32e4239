/*  bus_outbox — writing messages to the outbox, in the caller's
 *  transaction: bus_emit writes each destination's row at once, or, while a
 *  batch defers them (bus_defer_begin … bus_defer_flush), keeps them to
 *  write in one statement at the batch's end. The relay (bus_relay.c) sends
 *  them once committed. */
#include "bus.h"

#include <cjson/cJSON.h>
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "bus_private.h"
#include "base/clock.h"
#include "base/log.h"
#include "msg/routes.h"

int bus_emit (bus_t *self, db_t *db, env_t **msg_p)
{
    assert (self && db && msg_p);
    if (!*msg_p)
        return -1; /* its constructor failed (out of memory) */
    env_t *msg = *msg_p;
    *msg_p = NULL;
    int rc = -1;
    char *payload = NULL;
    const char *const *to = routes_for (msg->type);
    if (!to || !to[0]) {
        log_kv (LOG_ERROR, "emit_failed", "type", msg->type, "reason",
                "no route for this message type", NULL);
        goto cleanup;
    }
    payload = env_encode (msg);
    if (!payload) {
        log_kv (LOG_ERROR, "emit_failed", "type", msg->type, "reason", "cannot encode", NULL);
        goto cleanup;
    }
    for (int i = 0; to[i]; i++) {
        if (self->deferred) {
            /* bus_defer_flush writes it, in this same transaction */
            cJSON *row = cJSON_CreateObject ();
            if (!row || !cJSON_AddStringToObject (row, "m", msg->id)
                || !cJSON_AddStringToObject (row, "d", to[i])
                || !cJSON_AddStringToObject (row, "t", msg->type)
                || !cJSON_AddStringToObject (row, "p", payload)
                || !cJSON_AddItemToArray (self->deferred, row)) {
                cJSON_Delete (row);
                log_kv (LOG_ERROR, "emit_failed", "type", msg->type, "reason", "out of memory",
                        NULL);
                goto cleanup;
            }
            continue;
        }
        const char *params[4] = { msg->id, to[i], msg->type, payload };
        PGresult *res = db_exec_prepared (db, "bus_emit", 4, params);
        if (!res) {
            log_kv (LOG_WARN, "emit_failed", "message_id", msg->id, "type", msg->type,
                    "destination", to[i], "reason", db_error (db), NULL);
            goto cleanup;
        }
        PQclear (res);
    }
    self->emitted = true;
    rc = 0;
cleanup:
    free (payload);
    env_destroy (&msg);
    return rc;
}

int bus_defer_begin (bus_t *self)
{
    if (!self)
        return -1;
    cJSON_Delete (self->deferred);
    self->deferred = cJSON_CreateArray ();
    return self->deferred ? 0 : -1;
}

int bus_defer_mark (const bus_t *self)
{
    return self && self->deferred ? cJSON_GetArraySize (self->deferred) : 0;
}

void bus_defer_rewind (bus_t *self, int mark)
{
    if (!self || !self->deferred)
        return;
    for (int n = cJSON_GetArraySize (self->deferred); n > mark && n > 0; n--)
        cJSON_DeleteItemFromArray (self->deferred, n - 1);
}

int bus_defer_flush (bus_t *self, db_t *db)
{
    if (!self || !self->deferred)
        return -1;
    cJSON *rows = self->deferred;
    self->deferred = NULL;
    int rc = 0;
    if (cJSON_GetArraySize (rows) > 0) {
        char *text = cJSON_PrintUnformatted (rows);
        const char *params[1] = { text };
        PGresult *res = text ? db_exec_prepared (db, "bus_emit_many", 1, params) : NULL;
        if (res)
            PQclear (res);
        else {
            log_kv (LOG_WARN, "emit_failed", "reason", text ? db_error (db) : "out of memory",
                    NULL);
            rc = -1;
        }
        free (text);
    }
    cJSON_Delete (rows);
    return rc;
}

void bus_defer_cancel (bus_t *self)
{
    if (!self)
        return;
    cJSON_Delete (self->deferred);
    self->deferred = NULL;
}

