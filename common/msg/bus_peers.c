/*  bus_peers — who is where: this instance's row in <service>.endpoints,
 *  refreshed by a heartbeat, and the discovery of each destination's live
 *  instances from theirs (connecting and dropping peers). */
#include "bus.h"

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
#include "transport.h"

#define BUS_PEER_FRESH_MIN_MS 5000

void bus_peers_heartbeat (bus_t *self)
{
    char host[256] = "";
    if (gethostname (host, sizeof host) != 0)
        host[0] = '\0';
    host[sizeof host - 1] = '\0';
    char pid[24], started[48];
    snprintf (pid, sizeof pid, "%ld", (long) getpid ());
    snprintf (started, sizeof started, "%.6f", self->started_at);
    const char *params[6] = { self->instance, self->advertise, host, pid, started,
                              keyring_public (self->keys) };
    PGresult *res = db_exec_prepared (self->db, "bus_heartbeat", 6, params);
    if (!res) {
        log_kv (LOG_WARN, "heartbeat_failed", "reason", db_error (self->db), NULL);
        return;
    }
    PQclear (res);
    self->registered = true;
}

static bool s_endpoint_plausible (const char *ep, size_t len)
{
    if (len == 0 || len >= BUS_ENDPOINT_MAX)
        return false;
    if (strncmp (ep, "tcp://", 6) != 0 && strncmp (ep, "ipc://", 6) != 0
        && strncmp (ep, "inproc://", 9) != 0)
        return false;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char) ep[i] <= ' ' || ep[i] == 0x7f)
            return false;
    return true;
}

void bus_peers_discover (bus_t *self, bus_dest_t *dest)
{
    int fresh = 3 * self->cfg->discovery_ms;
    if (fresh < BUS_PEER_FRESH_MIN_MS)
        fresh = BUS_PEER_FRESH_MIN_MS;
    char fresh_text[24];
    snprintf (fresh_text, sizeof fresh_text, "%d", fresh);
    const char *params[1] = { fresh_text };
    PGresult *res = db_exec_prepared (self->db, dest->stmt_peers, 1, params);
    if (!res) {
        log_kv (LOG_WARN, "discovery_failed", "destination", dest->service, "reason",
                db_error (self->db), NULL);
        return;
    }
    for (int i = 0; i < dest->n_peers; i++)
        dest->peers[i].seen = false;
    int rows = PQntuples (res);
    for (int r = 0; r < rows; r++) {
        const char *ep = PQgetvalue (res, r, 0);
        size_t len = (size_t) PQgetlength (res, r, 0);
        const char *key = PQgetisnull (res, r, 1) ? "" : PQgetvalue (res, r, 1);
        if (!s_endpoint_plausible (ep, len) || strlen (key) > KEYRING_Z85_LEN)
            continue;
        int found = -1;
        for (int i = 0; i < dest->n_peers; i++)
            if (strcmp (dest->peers[i].endpoint, ep) == 0)
                found = i;
        if (found >= 0 && strcmp (dest->peers[found].key, key) == 0) {
            dest->peers[found].seen = true;
            continue;
        }
        bus_peer_t *peer = NULL;
        if (found >= 0) {
            /* a new instance (or a rotated key) at the same endpoint: the
             * connection made with the old server key goes */
            peer = &dest->peers[found];
            if (peer->connected)
                zmq_disconnect (dest->dealer, peer->endpoint);
        } else if (dest->n_peers < BUS_MAX_PEERS)
            peer = &dest->peers[dest->n_peers++];
        else
            continue;
        memcpy (peer->endpoint, ep, len + 1);
        memcpy (peer->key, key, strlen (key) + 1);
        peer->seen = true;
        peer->connected = false;
        if (!keyring_trusts (self->keys, dest->service, key)) {
            /* published in the database, never installed by the operator:
             * not a peer (it could not prove who it is) */
            log_kv (LOG_WARN, "peer_key_untrusted", "destination", dest->service, "endpoint", ep,
                    "public_key", *key ? key : NULL, "reason",
                    "its key is not installed for this service in messaging.keys_dir", NULL);
            continue;
        }
        peer->connected = tr_curve_server_key (dest->dealer, key) == 0
                          && zmq_connect (dest->dealer, ep) == 0;
        if (peer->connected)
            log_kv (LOG_INFO, "peer_connected", "destination", dest->service, "endpoint", ep,
                    NULL);
        else
            log_kv (LOG_WARN, "peer_connect_failed", "destination", dest->service, "endpoint",
                    ep, "reason", zmq_strerror (errno), NULL);
    }
    PQclear (res);
    /* Peers that stopped heartbeating (or removed their row) are dropped. */
    for (int i = 0; i < dest->n_peers;) {
        bus_peer_t *peer = &dest->peers[i];
        if (peer->seen) {
            i++;
            continue;
        }
        if (peer->connected) {
            zmq_disconnect (dest->dealer, peer->endpoint);
            log_kv (LOG_INFO, "peer_disconnected", "destination", dest->service, "endpoint",
                    peer->endpoint, NULL);
        }
        dest->peers[i] = dest->peers[dest->n_peers - 1];
        dest->n_peers--;
    }
}


void bus_rediscover (bus_t *self)
{
    if (!self || self->rediscover_ms)
        return;
    int64_t now = clock_mono_ms (), at = self->rediscovered_ms + BUS_REDISCOVER_MS;
    self->rediscover_ms = at > now ? at : now;
}

