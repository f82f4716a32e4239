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
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "bus_private.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/log.h"
#include "transport.h"
#include "base/uuid.h"

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
              " RETURNING id, message_id, destination, payload, attempts, type)"
              " SELECT id, message_id::text, destination, payload, attempts, type"
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
    /* Every acknowledgement read since the last pass, in one statement:
     * $1 uuid[] message ids, $2 text[] destinations, $3 bool[] "dead"
     * (parallel arrays). A message acknowledged twice (ok, then duplicate)
     * is one row; "dead" wins. */
    snprintf (sql, sizeof sql,
              "UPDATE %s.outbox o SET acked_at = now(),"
              " last_error = CASE WHEN a.dead"
              "  THEN 'dead-lettered by the receiver' ELSE o.last_error END"
              " FROM (SELECT m, d, bool_or (x) AS dead"
              "  FROM unnest ($1::uuid[], $2::text[], $3::bool[]) AS u (m, d, x)"
              "  GROUP BY m, d) a"
              " WHERE o.message_id = a.m AND o.destination = a.d AND o.acked_at IS NULL",
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

/*  The buffered acknowledgements as three parallel array literals. Returns
 *  0, or -1 when out of memory (caller frees whatever was made). */
static int s_ack_arrays (bus_t *self, char **ids, char **dests, char **dead)
{
    size_t n = (size_t) self->n_acks;
    *ids = malloc (n * KUUID_STR_LEN + 3);
    *dests = malloc (n * (sizeof self->dests[0].service + 1) + 3);
    *dead = malloc (n * 2 + 3);
    if (!*ids || !*dests || !*dead)
        return -1;
    size_t li = 0, ld = 0, lx = 0;
    (*ids)[li++] = (*dests)[ld++] = (*dead)[lx++] = '{';
    for (size_t i = 0; i < n; i++) {
        const bus_ack_t *a = &self->acks[i];
        if (i > 0)
            (*ids)[li++] = (*dests)[ld++] = (*dead)[lx++] = ',';
        memcpy (*ids + li, a->id, KUUID_STR_LEN - 1);
        li += KUUID_STR_LEN - 1;
        /* service names come from the fixed list: plain identifiers */
        size_t sl = strlen (self->dests[a->dest].service);
        memcpy (*dests + ld, self->dests[a->dest].service, sl);
        ld += sl;
        (*dead)[lx++] = a->dead ? 't' : 'f';
    }
    memcpy (*ids + li, "}", 2);
    memcpy (*dests + ld, "}", 2);
    memcpy (*dead + lx, "}", 2);
    return 0;
}

void bus_claim_begin (bus_t *self, bus_claim_t *c)
{
    memset (c, 0, sizeof *c);
    const cfg_t *cfg = self->cfg;
    snprintf (c->batch, sizeof c->batch, "%d", cfg->relay_batch);
    snprintf (c->rmax, sizeof c->rmax, "%d", cfg->retry_max_ms);
    snprintf (c->rinit, sizeof c->rinit, "%d", cfg->retry_initial_ms);
    snprintf (c->maxatt, sizeof c->maxatt, "%d", cfg->max_attempts);
    snprintf (c->acktime, sizeof c->acktime, "%d", cfg->ack_timeout_ms);
    c->claim[0] = c->batch;
    c->claim[1] = c->rmax;
    c->claim[2] = c->rinit;
    c->claim[3] = c->maxatt;
    c->claim[4] = c->acktime;
    /* The buffer is emptied either way: acknowledgements that cannot be
     * recorded cost a redelivery, which the receiver answers "duplicate". */
    c->n_acks = self->n_acks;
    if (c->n_acks > 0) {
        if (s_ack_arrays (self, &c->ids, &c->dests, &c->dead) == 0) {
            c->ack[0] = c->ids;
            c->ack[1] = c->dests;
            c->ack[2] = c->dead;
            /* kept to put back when the transaction is rolled back for a
             * reason of its owner's (a refused request, say) */
            c->taken = malloc ((size_t) c->n_acks * sizeof *c->taken);
            if (c->taken)
                memcpy (c->taken, self->acks, (size_t) c->n_acks * sizeof *c->taken);
        } else {
            char count[16];
            snprintf (count, sizeof count, "%d", c->n_acks);
            log_kv (LOG_WARN, "ack_record_failed", "count", count, "reason", "out of memory", NULL);
            c->n_acks = 0; /* dropped: the senders resend */
        }
    }
    self->n_acks = 0;
}

/*  The reason of the last database failure, never empty. */
static const char *s_db_reason (const db_t *db, const char *otherwise)
{
    const char *reason = db_error (db);
    return reason && *reason ? reason : otherwise;
}

/*  Notes that a statement of the claim failed, and why. Returns -1. */
static int s_claim_failed (bus_claim_t *c, db_t *db, const char *what)
{
    c->failed = true;
    snprintf (c->reason, sizeof c->reason, "%s: %s", what,
              s_db_reason (db, "the database gave no reason"));
    return -1;
}

int bus_claim_in_tx (bus_claim_t *c, db_t *db)
{
    /* The caller's db_tx may run this again after a serialization
     * failure: reset. */
    PQclear (c->claimed);
    c->claimed = NULL;
    c->acked = 0;
    c->failed = false;
    c->reason[0] = '\0';
    if (c->ack[0]) {
        PGresult *res = db_exec_prepared (db, "bus_ack", 3, c->ack);
        if (!res)
            return s_claim_failed (c, db, "recording acknowledgements");
        c->acked = strtol (PQcmdTuples (res), NULL, 10);
        PQclear (res);
    }
    c->claimed = db_exec_prepared (db, "bus_claim", 5, c->claim);
    return c->claimed ? 0 : s_claim_failed (c, db, "claiming outbox rows");
}

static int s_relay_fn (db_t *db, void *arg)
{
    return bus_claim_in_tx (arg, db);
}

/*  Sends what a committed claim returned. Returns the number of rows. */
static int s_send_claimed (bus_t *self, bus_claim_t *c);

int bus_claim_end (bus_t *self, bus_claim_t *c, bool committed)
{
    int rows = -1;
    if (!committed && c->n_acks > 0) {
        int lost = c->n_acks;
        const char *reason = c->failed ? c->reason : "out of memory";
        if (!c->failed && c->taken) {
            /* Rolled back for another reason than the acknowledgements
             * (a request refused, COMMIT failed): they wait for the next
             * pass. Nothing has been added since bus_claim_begin emptied
             * the buffer but, in case, what does not fit is dropped. */
            int room = BUS_ACK_MAX - self->n_acks;
            int kept = c->n_acks < room ? c->n_acks : room;
            memcpy (self->acks + self->n_acks, c->taken, (size_t) kept * sizeof *c->taken);
            self->n_acks += kept;
            lost -= kept;
            reason = "acknowledgement buffer full";
        }
        if (lost > 0) {
            char count[16];
            snprintf (count, sizeof count, "%d", lost);
            /* The senders resend; the receiver answers "duplicate". */
            log_kv (LOG_WARN, "ack_record_failed", "count", count, "reason", reason, NULL);
        }
    }
    if (committed) {
        self->stats.acked += c->acked;
        rows = c->claimed ? s_send_claimed (self, c) : 0;
    }
    PQclear (c->claimed);
    c->claimed = NULL;
    free (c->ids);
    free (c->dests);
    free (c->dead);
    free (c->taken);
    c->ids = c->dests = c->dead = NULL;
    c->taken = NULL;
    return rows;
}

int bus_relay_run (bus_t *self)
{
    bus_claim_t c;
    bus_claim_begin (self, &c);
    bool ok;
    if (c.ack[0]) {
        /* acknowledgements and claim: ONE transaction, one WAL flush */
        bool fn_failed = false;
        ok = db_tx (self->db, s_relay_fn, &c, &fn_failed) == DB_OK;
    } else
        ok = (c.claimed = db_exec_prepared (self->db, "bus_claim", 5, c.claim)) != NULL;
    if (!ok)
        log_kv (LOG_WARN, "relay_failed", "reason", db_error (self->db), NULL);
    return bus_claim_end (self, &c, ok);
}

static int s_send_claimed (bus_t *self, bus_claim_t *c)
{
    PGresult *res = c->claimed;
    const char *rmax = c->rmax, *rinit = c->rinit;
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
            if (dest->n_peers == 0)
                bus_rediscover (self); /* it may have started since we looked */
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
        ops_count_message_out (PQgetvalue (res, r, 5), destination);
        if (attempts > 1) {
            self->stats.retried++;
            ops_count_redelivery (PQgetvalue (res, r, 5));
            if (log_enabled (LOG_INFO)) {
                char att[24];
                snprintf (att, sizeof att, "%ld", attempts);
                log_kv (LOG_INFO, "message_resent", "message_id", message_id, "destination",
                        destination, "attempt", att, NULL);
            }
        }
    }
    PQclear (res);
    c->claimed = NULL;
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
static int s_parse_ack (const char *data, size_t len, char id[KUUID_STR_LEN], bool *dead, char *err,
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
    if (!cJSON_IsString (ack) || !kuuid_valid (ack->valuestring)) {
        snprintf (err, errsize, "ack: expected a message id (UUID)");
        goto cleanup;
    }
    if (!cJSON_IsString (status)
        || (strcmp (status->valuestring, "ok") != 0 && strcmp (status->valuestring, "dead") != 0
            && strcmp (status->valuestring, "duplicate") != 0)) {
        snprintf (err, errsize, "status: expected one of ok, dead, duplicate");
        goto cleanup;
    }
    snprintf (id, KUUID_STR_LEN, "%s", ack->valuestring);
    *dead = strcmp (status->valuestring, "dead") == 0;
    rc = 0;
cleanup:
    cJSON_Delete (doc);
    return rc;
}

/*  Records the buffered acknowledgements now, outside a relay pass (the
 *  buffer is full, or the bus stops). */
void bus_relay_flush_acks (bus_t *self)
{
    if (self->n_acks == 0)
        return;
    char *ids = NULL, *dests = NULL, *dead = NULL;
    int n = self->n_acks;
    self->n_acks = 0;
    if (s_ack_arrays (self, &ids, &dests, &dead) == 0) {
        const char *params[3] = { ids, dests, dead };
        PGresult *res = db_exec_prepared (self->db, "bus_ack", 3, params);
        if (res) {
            self->stats.acked += strtol (PQcmdTuples (res), NULL, 10);
            PQclear (res);
        } else {
            char count[16];
            snprintf (count, sizeof count, "%d", n);
            /* The sender will resend; the receiver answers "duplicate". */
            log_kv (LOG_WARN, "ack_record_failed", "count", count, "reason",
                    s_db_reason (self->db, "recording acknowledgements failed"), NULL);
        }
    }
    free (ids);
    free (dests);
    free (dead);
}

void bus_relay_acks (bus_t *self, bus_dest_t *dest)
{
    int n_read = 0;
    for (int i = 0; i < BUS_INPUT_BATCH; i++) {
        char *frames[2] = { NULL, NULL };
        size_t sizes[2] = { 0, 0 };
        int n = tr_recv (dest->dealer, frames, sizes, 2, ZMQ_DONTWAIT);
        if (n < 0)
            break;
        char id[KUUID_STR_LEN];
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
        if (self->n_acks >= BUS_ACK_MAX)
            bus_relay_flush_acks (self);
        bus_ack_t *a = &self->acks[self->n_acks++];
        memcpy (a->id, id, KUUID_STR_LEN);
        a->dest = (unsigned char) (dest - self->dests);
        a->dead = dead;
        n_read++;
    }
    if (n_read == 0)
        return;
    if (!db_connected (self->db)) {
        log_kv (LOG_DEBUG, "acks_dropped", "destination", dest->service, "reason",
                "database unavailable; the rows will be resent", NULL);
        self->n_acks = 0;
        return;
    }
    /* Recorded by the next relay pass, in the transaction of its claim. */
    bus_relay_want (self);
}

/*  ------------------------------------------------------------------------
 *  Scheduling: when the next relay pass runs, and relay passes that ride in
 *  a transaction of the service's own.
 */

void bus_relay_want (bus_t *self)
{
    if (!self->kicked) {
        self->kicked = true;
        self->kicked_ms = clock_mono_ms ();
    }
}

bool bus_relay_wanted (const bus_t *self)
{
    return self->kicked || clock_mono_ms () >= self->next_relay_ms;
}

void bus_kick (bus_t *self)
{
    if (!self)
        return;
    bus_relay_want (self);
    self->emitting_commits++;
    if (self->fault_exit_after > 0 && self->emitting_commits >= self->fault_exit_after) {
        /* Failure injection for the fault tests (docs/messaging.md): the
         * commit is durable, nothing has been sent yet. */
        log_kv (LOG_WARN, "fault_injection_exit", "after_commits",
                getenv ("KEFU_FAULT_EXIT_AFTER_COMMIT"), NULL);
        _exit (86);
    }
}

int bus_relay_ride (bus_t *self, db_t *db)
{
    assert (self && db);
    if (!self->riding) {
        if (!bus_relay_wanted (self))
            return 0;
        bus_claim_begin (self, &self->ride);
        self->riding = true;
    }
    /* again after a serialization failure: bus_claim_in_tx starts over */
    return bus_claim_in_tx (&self->ride, db);
}

void bus_relay_ridden (bus_t *self, bool committed)
{
    if (!self || !self->riding)
        return;
    self->riding = false;
    if (committed)
        self->kicked = false;
    int claimed = bus_claim_end (self, &self->ride, committed);
    if (committed)
        bus_relay_note (self, claimed);
    else
        bus_relay_want (self);
}

void bus_relay_note (bus_t *self, int claimed)
{
    self->next_relay_ms = clock_mono_ms () + self->cfg->poll_ms;
    /* A full batch means more are due: come back at once. */
    if (claimed >= self->cfg->relay_batch) {
        self->kicked = true;
        self->kicked_ms = clock_mono_ms () - BUS_RIDE_MS;
    }
}

