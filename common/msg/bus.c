/*  bus — durable messaging between services (see bus.h for the design).
 *
 *  This file holds the life cycle of a bus, handler registration, the timer
 *  work (bus_tick: heartbeat, discovery and relay passes when due) and the
 *  poll plumbing. The rest, each a file of its own:
 *    bus_outbox.c   writing messages to the outbox (bus_emit, deferred rows)
 *    bus_relay.c    sending the outbox, acknowledgements, relay scheduling
 *    bus_inbound.c  receiving, applying and acknowledging messages
 *    bus_peers.c    our endpoint's heartbeat and the discovery of peers
 *  bus_private.h is the bus struct they share. Calls go one way: bus.c
 *  calls the others, bus_inbound.c calls bus_outbox.c and bus_relay.c,
 *  bus_relay.c calls bus_peers.c.
 */
#include "bus.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "bus_private.h"
#include "base/clock.h"
#include "base/log.h"
#include "routes.h"
#include "transport.h"
#include "zap.h"

/*  ------------------------------------------------------------------------
 *  Set-up
 */

static int s_copy (char *dst, size_t size, const char *src)
{
    size_t n = strlen (src);
    if (n + 1 > size)
        return -1;
    memcpy (dst, src, n + 1);
    return 0;
}

/*  Adds a destination service once (only names from cfg_service_names). */
static int s_add_dest (bus_t *self, const char *service)
{
    for (int i = 0; i < self->n_dests; i++)
        if (strcmp (self->dests[i].service, service) == 0)
            return 0;
    if (cfg_service_index (service) < 0 || self->n_dests >= CFG_SERVICE_COUNT) {
        log_kv (LOG_ERROR, "bus_bad_route", "destination", service, "reason",
                "not a kefu service name", NULL);
        return -1;
    }
    bus_dest_t *dest = &self->dests[self->n_dests];
    memset (dest, 0, sizeof *dest);
    s_copy (dest->service, sizeof dest->service, service);
    snprintf (dest->stmt_peers, sizeof dest->stmt_peers, "bus_peers_%s", service);
    dest->dealer = tr_socket (self->zctx, ZMQ_DEALER, self->cfg->high_water_mark, 0);
    if (!dest->dealer
        || tr_curve_client (dest->dealer, keyring_public (self->keys), keyring_secret (self->keys)) != 0)
        return -1;
    /* Acks are small and may come from any peer: one bounded read size. */
    int64_t max = 4096;
    zmq_setsockopt (dest->dealer, ZMQ_MAXMSGSIZE, &max, sizeof max);
    self->n_dests++;

    char sql[512];
    snprintf (sql, sizeof sql,
              "SELECT endpoint, public_key FROM %s.endpoints"
              " WHERE heartbeat_at > now() - $1::float8 * interval '1 millisecond'"
              " ORDER BY endpoint LIMIT %d",
              service, BUS_MAX_PEERS);
    return db_prepare (self->db, dest->stmt_peers, sql);
}

static int s_prepare (bus_t *self)
{
    const char *s = self->service;
    char sql[1024];
    snprintf (sql, sizeof sql,
              "INSERT INTO %s.outbox (message_id, destination, type, payload)"
              " VALUES ($1::uuid, $2, $3, $4)",
              s);
    if (db_prepare (self->db, "bus_emit", sql) != 0)
        return -1;
    /* The rows bus_defer_flush writes: one JSON array of {m, d, t, p}. */
    snprintf (sql, sizeof sql,
              "INSERT INTO %s.outbox (message_id, destination, type, payload)"
              " SELECT m::uuid, d, t, p FROM json_to_recordset ($1::json)"
              " AS x (m text, d text, t text, p text)",
              s);
    if (db_prepare (self->db, "bus_emit_many", sql) != 0)
        return -1;
    snprintf (sql, sizeof sql,
              "INSERT INTO %s.endpoints (instance, endpoint, host, pid, started_at, heartbeat_at,"
              " public_key)"
              " VALUES ($1, $2, $3, $4::int, to_timestamp($5::float8), now(), $6)"
              " ON CONFLICT (instance) DO UPDATE SET endpoint = EXCLUDED.endpoint,"
              " host = EXCLUDED.host, pid = EXCLUDED.pid, public_key = EXCLUDED.public_key,"
              " started_at = EXCLUDED.started_at, heartbeat_at = now()",
              s);
    if (db_prepare (self->db, "bus_heartbeat", sql) != 0)
        return -1;
    snprintf (sql, sizeof sql,
              "DELETE FROM %s.endpoints WHERE instance = $1 AND endpoint = $2", s);
    if (db_prepare (self->db, "bus_unregister", sql) != 0)
        return -1;
    if (bus_relay_prepare (self) != 0 || bus_inbound_prepare (self) != 0)
        return -1;
    return 0;
}

static void s_fault_injection_init (bus_t *self)
{
    const char *text = getenv ("KEFU_FAULT_EXIT_AFTER_COMMIT");
    if (!text || !*text)
        return;
    char *end = NULL;
    errno = 0;
    long n = strtol (text, &end, 10);
    if (errno != 0 || *end != '\0' || n < 1) {
        log_kv (LOG_WARN, "fault_injection_ignored", "variable", "KEFU_FAULT_EXIT_AFTER_COMMIT",
                "value", text, "reason", "expected a positive integer", NULL);
        return;
    }
    self->fault_exit_after = n;
    log_kv (LOG_WARN, "fault_injection_armed", "variable", "KEFU_FAULT_EXIT_AFTER_COMMIT",
            "value", text, NULL);
}

bus_t *bus_new (const cfg_t *cfg, const char *service, const char *instance, db_t *db,
         const schema_set_t *schemas, void *zctx, const keyring_t *keys)
{
    assert (cfg && service && instance && db && schemas && zctx && keys);
    /* The schema name is interpolated into SQL: only the fixed names pass. */
    if (cfg_service_index (service) < 0) {
        log_kv (LOG_ERROR, "bus_failed", "requested_service", service, "reason",
                "not a kefu service name", NULL);
        return NULL;
    }
    bus_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->cfg = cfg;
    self->db = db;
    self->schemas = schemas;
    self->zctx = zctx;
    self->keys = keys;
    if (s_copy (self->service, sizeof self->service, service) != 0
        || s_copy (self->instance, sizeof self->instance, instance) != 0) {
        log_kv (LOG_ERROR, "bus_failed", "requested_instance", instance, "reason",
                "instance name longer than 63 bytes", NULL);
        goto fail;
    }
    struct timespec ts;
    clock_gettime (CLOCK_REALTIME, &ts);
    self->started_at = (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;

    self->acks = calloc (BUS_ACK_MAX, sizeof *self->acks);
    if (!self->acks)
        goto fail;
    self->router = tr_socket (zctx, ZMQ_ROUTER, cfg->high_water_mark, 0);
    if (!self->router)
        goto fail;
    int64_t max = BUS_MAX_MESSAGE;
    if (zmq_setsockopt (self->router, ZMQ_MAXMSGSIZE, &max, sizeof max) != 0
        || tr_curve_server (self->router, keyring_secret (keys), ZAP_DOMAIN_BUS) != 0)
        goto fail;

    /* One DEALER per service that consumes anything in the routes table. */
    const char *const *types = routes_types ();
    for (int t = 0; types && types[t]; t++) {
        const char *const *to = routes_for (types[t]);
        for (int d = 0; to && to[d]; d++)
            if (s_add_dest (self, to[d]) != 0)
                goto fail;
    }
    if (s_prepare (self) != 0) {
        log_kv (LOG_ERROR, "bus_failed", "reason", db_error (db), NULL);
        goto fail;
    }
    s_fault_injection_init (self);
    int64_t now = clock_mono_ms ();
    self->next_relay_ms = now;
    self->next_discovery_ms = now;
    self->kicked = true; /* rows left from a previous run go out at once */
    self->kicked_ms = now - BUS_RIDE_MS;
    return self;

fail:
    bus_destroy (&self);
    return NULL;
}

void bus_destroy (bus_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    bus_t *self = *self_p;
    if (self->acks && db_connected (self->db))
        bus_relay_flush_acks (self); /* spares the senders a redelivery */
    if (self->registered && db_connected (self->db)) {
        const char *params[2] = { self->instance, self->advertise };
        PGresult *res = db_exec_prepared (self->db, "bus_unregister", 2, params);
        if (res)
            PQclear (res);
        else
            log_kv (LOG_WARN, "endpoint_unregister_failed", "reason", db_error (self->db), NULL);
    }
    for (int i = 0; i < self->n_dests; i++)
        if (self->dests[i].dealer)
            zmq_close (self->dests[i].dealer);
    if (self->router)
        zmq_close (self->router);
    free (self->acks);
    bus_inbound_free (self);
    cJSON_Delete (self->deferred);
    free (self);
    *self_p = NULL;
}

/*  ------------------------------------------------------------------------
 *  Binding and advertising
 */

/*  What peers should connect to: the configured advertise endpoint (a
 *  trailing ":*" takes the bound port), else the bound endpoint with a
 *  wildcard host replaced by 127.0.0.1. */
static int s_make_advertise (bus_t *self, const char *configured)
{
    const char *bound = self->endpoint;
    const char *port = strrchr (bound, ':');
    if (configured && *configured) {
        size_t n = strlen (configured);
        if (n >= 2 && strcmp (configured + n - 2, ":*") == 0 && port) {
            int w = snprintf (self->advertise, sizeof self->advertise, "%.*s%s",
                              (int) (n - 2), configured, port);
            return w > 0 && (size_t) w < sizeof self->advertise ? 0 : -1;
        }
        return s_copy (self->advertise, sizeof self->advertise, configured);
    }
    const char *wild[] = { "tcp://0.0.0.0:", "tcp://*:", "tcp://[::]:", NULL };
    for (int i = 0; wild[i]; i++) {
        size_t n = strlen (wild[i]);
        if (strncmp (bound, wild[i], n) == 0) {
            int w = snprintf (self->advertise, sizeof self->advertise, "tcp://127.0.0.1:%s",
                              bound + n);
            return w > 0 && (size_t) w < sizeof self->advertise ? 0 : -1;
        }
    }
    return s_copy (self->advertise, sizeof self->advertise, bound);
}

int bus_bind (bus_t *self)
{
    assert (self);
    if (self->endpoint[0])
        return -1;
    int idx = cfg_service_index (self->service);
    const cfg_endpoint_t *ep = &self->cfg->endpoints[idx];
    const char *bind = ep->bind && *ep->bind ? ep->bind : "tcp://127.0.0.1:*";
    if (tr_bind (self->router, bind, self->endpoint, sizeof self->endpoint) != 0)
        return -1;
    if (s_make_advertise (self, ep->advertise) != 0) {
        log_kv (LOG_ERROR, "bind_failed", "endpoint", self->endpoint, "reason",
                "advertised endpoint too long", NULL);
        return -1;
    }
    log_kv (LOG_INFO, "bus_bound", "endpoint", self->endpoint, "advertise", self->advertise,
            NULL);
    self->next_discovery_ms = clock_mono_ms (); /* heartbeat at the next tick */
    return 0;
}

const char *bus_endpoint (const bus_t *self)
{
    return self ? self->endpoint : "";
}

const char *bus_instance (const bus_t *self)
{
    assert (self);
    return self->instance;
}

int bus_on (bus_t *self, const char *type, bus_handler_fn fn, void *ctx)
{
    assert (self && type && fn);
    if (strlen (type) >= sizeof self->handlers[0].type)
        return -1;
    for (int i = 0; i < self->n_handlers; i++)
        if (strcmp (self->handlers[i].type, type) == 0)
            return -1;
    if (self->n_handlers >= BUS_MAX_HANDLERS)
        return -1;
    bus_handler_t *h = &self->handlers[self->n_handlers++];
    s_copy (h->type, sizeof h->type, type);
    h->fn = fn;
    h->ctx = ctx;
    return 0;
}

void bus_on_batch_end (bus_t *self, bus_batch_fn fn, void *ctx)
{
    if (!self)
        return;
    self->batch_end = fn;
    self->batch_end_ctx = fn ? ctx : NULL;
}

void bus_on_batch_begin (bus_t *self, bus_batch_begin_fn fn, void *ctx)
{
    if (!self)
        return;
    self->batch_begin = fn;
    self->batch_begin_ctx = fn ? ctx : NULL;
}

bool bus_batching (const bus_t *self)
{
    return self && self->batching;
}

/*  ------------------------------------------------------------------------
 *  The loop's side
 */

int bus_poll_items (bus_t *self, void *items, int max)
{
    if (!self || !items || max <= 0)
        return 0;
    zmq_pollitem_t *it = items;
    int n = 0;
    if (n < max)
        it[n++] = (zmq_pollitem_t) { .socket = self->router, .events = ZMQ_POLLIN };
    for (int i = 0; i < self->n_dests && n < max; i++)
        it[n++] = (zmq_pollitem_t) { .socket = self->dests[i].dealer, .events = ZMQ_POLLIN };
    return n;
}

int bus_handle_input (bus_t *self)
{
    if (!self)
        return 0;
    /* Messages are read now and applied together once the batch is full
     * or its first message waited BUS_GATHER_MS (bus_tick); a wanted relay
     * pass rides in the batch transaction (bus_claim_t). */
    if (self->endpoint[0]) {
        bus_inbound_read (self);
        if (bus_inbound_due (self, clock_mono_ms ()) == 0)
            bus_inbound_apply (self, bus_relay_wanted (self));
    }
    for (int i = 0; i < self->n_dests; i++)
        bus_relay_acks (self, &self->dests[i]);
    return 0;
}

int bus_tick (bus_t *self)
{
    if (!self)
        return 1000;
    int64_t now = clock_mono_ms ();
    bool up = db_ensure (self->db) == 0;
    if (up && now >= self->next_discovery_ms) {
        if (self->endpoint[0])
            bus_peers_heartbeat (self);
        for (int i = 0; i < self->n_dests; i++)
            bus_peers_discover (self, &self->dests[i]);
        bus_relay_expire (self);
        self->next_discovery_ms = now + self->cfg->discovery_ms;
    }
    if (up && self->rediscover_ms && now >= self->rediscover_ms) {
        for (int i = 0; i < self->n_dests; i++)
            if (self->dests[i].n_peers == 0)
                bus_peers_discover (self, &self->dests[i]);
        self->rediscover_ms = 0;
        self->rediscovered_ms = now;
    }
    if (bus_inbound_due (self, now) == 0)
        bus_inbound_apply (self, up && bus_relay_wanted (self));
    /* A wanted pass waits BUS_RIDE_MS for a transaction to ride in (the
     * next batch of messages or of requests, usually sooner than that),
     * which saves a transaction and its WAL flush; then it runs alone. */
    int64_t ride_until = self->kicked_ms + BUS_RIDE_MS;
    if (up && ((self->kicked && now >= ride_until) || now >= self->next_relay_ms)) {
        self->kicked = false;
        bus_relay_note (self, bus_relay_run (self));
        ride_until = self->kicked_ms + BUS_RIDE_MS;
    }
    if (!up)
        return self->cfg->poll_ms;
    int64_t wait = self->next_relay_ms - now;
    if (self->kicked && ride_until - now < wait)
        wait = ride_until - now;
    int gather = bus_inbound_due (self, now);
    if (gather >= 0 && gather < wait)
        wait = gather;
    if (self->next_discovery_ms - now < wait)
        wait = self->next_discovery_ms - now;
    if (self->rediscover_ms && self->rediscover_ms - now < wait)
        wait = self->rediscover_ms - now;
    return wait < 0 ? 0 : (int) wait;
}

void bus_stats (const bus_t *self, bus_stats_t *out)
{
    if (!out)
        return;
    if (!self) {
        memset (out, 0, sizeof *out);
        return;
    }
    *out = self->stats;
}
