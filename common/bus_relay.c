/*  bus_relay — the sending half of the bus: claims due outbox rows, pushes
 *  them to their destination's DEALER, marks rows dead after max_attempts,
 *  and records the acknowledgements that come back.
 *
 *  A claim is one autocommitted UPDATE … RETURNING: it counts the attempt
 *  and moves next_attempt_at forward by the back-off before anything is
 *  sent, so a relay that dies mid-pass loses nothing (the rows come due
 *  again) and two instances of a service never send the same row in the
 *  same period (FOR UPDATE SKIP LOCKED).
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

int bus_relay_prepare (bus_t *self)
{
    const char *s = self->service;
    char sql[1536];
    /* $1 batch, $2 retry_max_ms, $3 retry_initial_ms, $4 max_attempts,
     * $5 ack_timeout_ms. Back-off after attempt n (n = attempts before this
     * one) is least(retry_max, retry_initial * 2^n); a message handed to a
     * peer is given at least ack_timeout_ms to be acknowledged before it is
     * sent again (bus_defer shortens that when it could not be handed over). */
    snprintf (sql, sizeof sql,
              "WITH claimed AS ("
              " UPDATE %s.outbox SET attempts = attempts + 1,"
              "  next_attempt_at = now() + greatest($5::float8, least($2::float8,"
              "   $3::float8 * power(2::float8, least(attempts, 40)::float8)))"
              "   * interval '1 millisecond'"
              " WHERE id IN (SELECT id FROM %s.outbox"
              "  WHERE acked_at IS NULL AND dead_at IS NULL AND next_attempt_at <= now()"
              "  AND attempts < $4::int"
              "  ORDER BY id LIMIT $1::int FOR UPDATE SKIP LOCKED)"
              " RETURNING id, message_id, destination, payload, attempts)"
              " SELECT id, message_id::text, destination, payload, attempts"
              " FROM claimed ORDER BY id",
              s, s);
    if (db_prepare (self->db, "bus_claim", sql) != 0)
        return -1;
    /* Rows claimed but not handed to any peer (no live instance, or the
     * high-water mark reached): back to the plain back-off schedule, since
     * no acknowledgement can be on its way. $1 bigint[] literal, $2, $3 as
     * above. */
    snprintf (sql, sizeof sql,
              "UPDATE %s.outbox SET next_attempt_at = now() + least($2::float8,"
              " $3::float8 * power(2::float8, least(greatest(attempts - 1, 0), 40)::float8))"
              " * interval '1 millisecond'"
              " WHERE id = ANY ($1::bigint[]) AND acked_at IS NULL",
              s);
    if (db_prepare (self->db, "bus_defer", sql) != 0)
        return -1;
    snprintf (sql, sizeof sql,
              "UPDATE %s.outbox SET dead_at = now(),"
              " last_error = 'no acknowledgement after ' || attempts || ' attempts'"
              " WHERE acked_at IS NULL AND dead_at IS NULL AND attempts >= $1::int"
              " AND next_attempt_at <= now()",
              s);
    if (db_prepare (self->db, "bus_expire", sql) != 0)
        return -1;
    /* $1 destination, $2 uuid[] literal, $3 status of the acknowledgement. */
    snprintf (sql, sizeof sql,
              "UPDATE %s.outbox SET acked_at = now(),"
              " last_error = CASE WHEN $3 = 'dead'"
              "  THEN 'dead-lettered by the receiver' ELSE last_error END"
              " WHERE destination = $1 AND message_id = ANY ($2::uuid[])"
              " AND acked_at IS NULL",
              s);
    if (db_prepare (self->db, "bus_ack", sql) != 0)
        return -1;
    snprintf (sql, sizeof sql,
              "UPDATE %s.outbox SET dead_at = now(), last_error = $2 WHERE id = $1::bigint", s);
    return db_prepare (self->db, "bus_undeliverable", sql);
}

static bus_dest_t *s_dest (bus_t *self, const char *service)
{
    for (int i = 0; i < self->n_dests; i++)
        if (strcmp (self->dests[i].service, service) == 0)
            return &self->dests[i];
    return NULL;
}

static void s_undeliverable (bus_t *self, const char *id, const char *reason)
{
    const char *params[2] = { id, reason };
    PGresult *res = db_exec_prepared (self->db, "bus_undeliverable", 2, params);
    if (res)
        PQclear (res);
    log_kv (LOG_ERROR, "outbox_row_dead", "outbox_id", id, "reason", reason, NULL);
}

int bus_relay_run (bus_t *self)
{
    const cfg_t *cfg = self->cfg;
    char batch[16], rmax[16], rinit[16], maxatt[16], acktime[16];
    snprintf (batch, sizeof batch, "%d", cfg->relay_batch);
    snprintf (rmax, sizeof rmax, "%d", cfg->retry_max_ms);
    snprintf (rinit, sizeof rinit, "%d", cfg->retry_initial_ms);
    snprintf (maxatt, sizeof maxatt, "%d", cfg->max_attempts);
    snprintf (acktime, sizeof acktime, "%d", cfg->ack_timeout_ms);
    const char *params[5] = { batch, rmax, rinit, maxatt, acktime };
    PGresult *res = db_exec_prepared (self->db, "bus_claim", 5, params);
    if (!res) {
        log_kv (LOG_WARN, "relay_failed", "reason", db_error (self->db), NULL);
        return -1;
    }
    int rows = PQntuples (res);
    /* ids of rows not handed over, as a bigint[] literal */
    size_t deferred_size = (size_t) rows * 21 + 3, deferred_len = 1;
    char *deferred = malloc (deferred_size);
    if (deferred)
        deferred[0] = '{';
    for (int r = 0; r < rows; r++) {
        const char *id = PQgetvalue (res, r, 0);
        const char *message_id = PQgetvalue (res, r, 1);
        const char *destination = PQgetvalue (res, r, 2);
        const char *payload = PQgetvalue (res, r, 3);
        size_t len = (size_t) PQgetlength (res, r, 3);
        long attempts = strtol (PQgetvalue (res, r, 4), NULL, 10);
        bus_dest_t *dest = s_dest (self, destination);
        if (!dest) {
            s_undeliverable (self, id, "destination is not routed from this service");
            continue;
        }
        const void *frames[1] = { payload };
        size_t sizes[1] = { len };
        if (tr_send (dest->dealer, frames, sizes, 1, 0) != 0) {
            /* EAGAIN: no live peer or the high-water mark is reached; the
             * row was already rescheduled by the claim. */
            log_kv (LOG_DEBUG, "relay_deferred", "message_id", message_id, "destination",
                    destination, "reason", zmq_strerror (errno), NULL);
            size_t n = strlen (id);
            if (deferred && n <= 20 && deferred_len + n + 3 <= deferred_size) {
                if (deferred_len > 1)
                    deferred[deferred_len++] = ',';
                memcpy (deferred + deferred_len, id, n);
                deferred_len += n;
            }
            continue;
        }
        self->stats.sent++;
        if (attempts > 1) {
            self->stats.retried++;
            if (log_enabled (LOG_INFO)) {
                char att[24];
                snprintf (att, sizeof att, "%ld", attempts);
                log_kv (LOG_INFO, "message_resent", "message_id", message_id, "destination",
                        destination, "attempt", att, NULL);
            }
        }
    }
    PQclear (res);
    if (deferred && deferred_len > 1) {
        memcpy (deferred + deferred_len, "}", 2);
        const char *dparams[3] = { deferred, rmax, rinit };
        PGresult *dres = db_exec_prepared (self->db, "bus_defer", 3, dparams);
        if (dres)
            PQclear (dres);
        else
            log_kv (LOG_WARN, "relay_defer_failed", "reason", db_error (self->db), NULL);
    }
    free (deferred);
    return rows;
}

int bus_relay_expire (bus_t *self)
{
    char maxatt[16];
    snprintf (maxatt, sizeof maxatt, "%d", self->cfg->max_attempts);
    const char *params[1] = { maxatt };
    PGresult *res = db_exec_prepared (self->db, "bus_expire", 1, params);
    if (!res) {
        log_kv (LOG_WARN, "expire_failed", "reason", db_error (self->db), NULL);
        return -1;
    }
    const char *n = PQcmdTuples (res);
    if (n && *n && strcmp (n, "0") != 0)
        log_kv (LOG_WARN, "outbox_rows_dead", "count", n, "reason",
                "no acknowledgement after max_attempts", "max_attempts", maxatt, NULL);
    PQclear (res);
    return 0;
}

/*  Parses one acknowledgement strictly: exactly {"ack": uuid, "status":
 *  "ok"|"dead"|"duplicate"}. Returns 0 with id and *dead set, or -1 with a
 *  reason. */
static int s_parse_ack (const char *data, size_t len, char id[UUID_STR_LEN], bool *dead, char *err,
             size_t errsize)
{
    cJSON *doc = json_parse_strict (data, len, err, errsize);
    if (!doc)
        return -1;
    int rc = -1;
    if (!cJSON_IsObject (doc)) {
        snprintf (err, errsize, "acknowledgement is not a JSON object");
        goto cleanup;
    }
    for (const cJSON *m = doc->child; m; m = m->next)
        if (strcmp (m->string, "ack") != 0 && strcmp (m->string, "status") != 0) {
            snprintf (err, errsize, "unknown field \"%.40s\" (expected ack, status)", m->string);
            goto cleanup;
        }
    const cJSON *ack = cJSON_GetObjectItemCaseSensitive (doc, "ack");
    const cJSON *status = cJSON_GetObjectItemCaseSensitive (doc, "status");
    if (!cJSON_IsString (ack) || !uuid_valid (ack->valuestring)) {
        snprintf (err, errsize, "ack: expected a message id (UUID)");
        goto cleanup;
    }
    if (!cJSON_IsString (status)
        || (strcmp (status->valuestring, "ok") != 0 && strcmp (status->valuestring, "dead") != 0
            && strcmp (status->valuestring, "duplicate") != 0)) {
        snprintf (err, errsize, "status: expected one of ok, dead, duplicate");
        goto cleanup;
    }
    snprintf (id, UUID_STR_LEN, "%s", ack->valuestring);
    *dead = strcmp (status->valuestring, "dead") == 0;
    rc = 0;
cleanup:
    cJSON_Delete (doc);
    return rc;
}

/*  Marks a set of rows acknowledged with one statement. */
static void s_flush_acks (bus_t *self, bus_dest_t *dest, const char *ids, bool dead)
{
    const char *params[3] = { dest->service, ids, dead ? "dead" : "ok" };
    PGresult *res = db_exec_prepared (self->db, "bus_ack", 3, params);
    if (!res) {
        /* The sender will resend; the receiver answers "duplicate". */
        log_kv (LOG_WARN, "ack_record_failed", "destination", dest->service, "reason",
                db_error (self->db), NULL);
        return;
    }
    self->stats.acked += strtol (PQcmdTuples (res), NULL, 10);
    PQclear (res);
}

void bus_relay_acks (bus_t *self, bus_dest_t *dest)
{
    /* Array literals "{id,id,…}" of validated UUIDs: 37 bytes each. */
    char ok_ids[BUS_INPUT_BATCH * UUID_STR_LEN + 3] = "{";
    char dead_ids[BUS_INPUT_BATCH * UUID_STR_LEN + 3] = "{";
    size_t ok_len = 1, dead_len = 1;
    int n_ok = 0, n_dead = 0;
    for (int i = 0; i < BUS_INPUT_BATCH; i++) {
        char *frames[2] = { NULL, NULL };
        size_t sizes[2] = { 0, 0 };
        int n = tr_recv (dest->dealer, frames, sizes, 2, ZMQ_DONTWAIT);
        if (n < 0)
            break;
        char id[UUID_STR_LEN];
        bool dead = false;
        char err[160] = "";
        if (n != 1)
            snprintf (err, sizeof err, "expected one frame, got %d", n);
        else
            s_parse_ack (frames[0], sizes[0], id, &dead, err, sizeof err);
        tr_frames_free (frames, n);
        if (err[0]) {
            log_kv (LOG_WARN, "bad_ack", "destination", dest->service, "reason", err, NULL);
            continue;
        }
        char *buf = dead ? dead_ids : ok_ids;
        size_t *len = dead ? &dead_len : &ok_len;
        if (*len > 1)
            buf[(*len)++] = ',';
        memcpy (buf + *len, id, UUID_STR_LEN - 1);
        *len += UUID_STR_LEN - 1;
        buf[*len] = '\0';
        if (dead)
            n_dead++;
        else
            n_ok++;
    }
    if (n_ok == 0 && n_dead == 0)
        return;
    if (!db_connected (self->db)) {
        log_kv (LOG_DEBUG, "acks_dropped", "destination", dest->service, "reason",
                "database unavailable; the rows will be resent", NULL);
        return;
    }
    if (n_ok) {
        memcpy (ok_ids + ok_len, "}", 2);
        s_flush_acks (self, dest, ok_ids, false);
    }
    if (n_dead) {
        memcpy (dead_ids + dead_len, "}", 2);
        s_flush_acks (self, dest, dead_ids, true);
    }
}
