/*  zap — the ZAP handler thread (see zap.h). */
#include "zap.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "base/log.h"

#define S_ENDPOINT "inproc://zeromq.zap.01"
#define S_FRAMES 8 /* a CURVE request has 7 */
#define S_FRAME_MAX 256

struct zap_s {
    void *zctx;
    const keyring_t *keys;
    void *handler;          /* REP at inproc://zeromq.zap.01 */
    void *control;          /* PAIR: zap_destroy says "stop" on it */
    void *stopper;          /* the other end, used by zap_destroy */
    char control_ep[64];
    pthread_t thread;
    bool started;
};

/*  Which user id a request earns, or NULL (refused) with the reason. */
static const char *s_decide (zap_t *self, char frames[][S_FRAME_MAX], const size_t *sizes, int n,
                             const char **reason, char *key)
{
    key[0] = '\0';
    if (n < 6 || strcmp (frames[0], "1.0") != 0) {
        *reason = "malformed ZAP request";
        return NULL;
    }
    if (strcmp (frames[5], "CURVE") != 0 || n != 7 || sizes[6] != 32) {
        *reason = "only CURVE with a service key is accepted";
        return NULL;
    }
    if (!zmq_z85_encode (key, (const uint8_t *) frames[6], 32)) {
        *reason = "unreadable key";
        return NULL;
    }
    const char *owner = keyring_owner (self->keys, key);
    if (!owner) {
        *reason = "key not installed for any kefu service (messaging.keys_dir)";
        return NULL;
    }
    if (strcmp (frames[2], ZAP_DOMAIN_BUS) == 0 && strcmp (owner, KEYRING_CLIENT) != 0)
        return owner;
    if (strcmp (frames[2], ZAP_DOMAIN_API) == 0)
        return owner;
    *reason = strcmp (frames[2], ZAP_DOMAIN_BUS) == 0 ? "a client key on the bus" : "unknown domain";
    return NULL;
}

/*  Answers one request waiting on the handler socket. */
static void s_answer (zap_t *self)
{
    char frames[S_FRAMES][S_FRAME_MAX];
    size_t sizes[S_FRAMES];
    int n = 0, more = 1;
    while (more) {
        zmq_msg_t msg;
        zmq_msg_init (&msg);
        if (zmq_msg_recv (&msg, self->handler, n == 0 ? ZMQ_DONTWAIT : 0) < 0) {
            zmq_msg_close (&msg);
            return;
        }
        more = zmq_msg_more (&msg);
        if (n < S_FRAMES) {
            size_t size = zmq_msg_size (&msg);
            sizes[n] = size;
            if (size >= S_FRAME_MAX)
                size = S_FRAME_MAX - 1;
            memcpy (frames[n], zmq_msg_data (&msg), size);
            frames[n][size] = '\0';
        }
        n++;
        zmq_msg_close (&msg);
    }
    if (n > S_FRAMES)
        n = 0; /* refused as malformed below */
    const char *reason = NULL;
    char key[KEYRING_Z85_LEN + 1];
    const char *user = s_decide (self, frames, sizes, n, &reason, key);
    if (!user)
        /* the address and a public key: nothing secret */
        log_kv (LOG_WARN, "bus_peer_refused", "domain", n > 2 ? frames[2] : NULL, "address",
                n > 3 ? frames[3] : NULL, "public_key", key[0] ? key : NULL, "reason", reason, NULL);
    const char *reply[6] = { "1.0", n > 1 ? frames[1] : "", user ? "200" : "400",
                             user ? "OK" : reason, user ? user : "", "" };
    size_t rsizes[6] = { 3, n > 1 ? sizes[1] : 0, 3, strlen (reply[3]), strlen (reply[4]), 0 };
    if (n > 1 && rsizes[1] >= S_FRAME_MAX)
        rsizes[1] = S_FRAME_MAX - 1;
    for (int i = 0; i < 6; i++)
        if (zmq_send (self->handler, reply[i], rsizes[i], i < 5 ? ZMQ_SNDMORE : 0) < 0)
            return;
}

static void *s_run (void *arg)
{
    zap_t *self = arg;
    for (;;) {
        zmq_pollitem_t items[2] = { { self->handler, 0, ZMQ_POLLIN, 0 },
                                    { self->control, 0, ZMQ_POLLIN, 0 } };
        if (zmq_poll (items, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break; /* the context is ending */
        }
        if (items[1].revents & ZMQ_POLLIN)
            break;
        if (items[0].revents & ZMQ_POLLIN)
            s_answer (self);
    }
    zmq_close (self->handler);
    zmq_close (self->control);
    self->handler = self->control = NULL;
    return NULL;
}

static int s_linger0 (void *socket)
{
    int zero = 0;
    return zmq_setsockopt (socket, ZMQ_LINGER, &zero, sizeof zero);
}

zap_t *zap_new (void *zctx, const keyring_t *keys)
{
    if (!zctx || !keys)
        return NULL;
    zap_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->zctx = zctx;
    self->keys = keys;
    snprintf (self->control_ep, sizeof self->control_ep, "inproc://kefu-zap-%p", (void *) self);
    self->handler = zmq_socket (zctx, ZMQ_REP);
    self->control = zmq_socket (zctx, ZMQ_PAIR);
    self->stopper = zmq_socket (zctx, ZMQ_PAIR);
    if (!self->handler || !self->control || !self->stopper || s_linger0 (self->handler) != 0
        || s_linger0 (self->control) != 0 || s_linger0 (self->stopper) != 0
        || zmq_bind (self->control, self->control_ep) != 0
        || zmq_connect (self->stopper, self->control_ep) != 0) {
        log_kv (LOG_ERROR, "zap_failed", "reason", zmq_strerror (errno), NULL);
        goto fail;
    }
    if (zmq_bind (self->handler, S_ENDPOINT) != 0) {
        log_kv (LOG_ERROR, "zap_failed", "endpoint", S_ENDPOINT, "reason", zmq_strerror (errno),
                "detail", "one authentication handler per ZeroMQ context", NULL);
        goto fail;
    }
    if (pthread_create (&self->thread, NULL, s_run, self) != 0) {
        log_kv (LOG_ERROR, "zap_failed", "reason", "cannot start its thread", NULL);
        goto fail;
    }
    self->started = true;
    return self;
fail:
    zap_destroy (&self);
    return NULL;
}

void zap_destroy (zap_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    zap_t *self = *self_p;
    if (self->started) {
        zmq_send (self->stopper, "stop", 4, 0);
        pthread_join (self->thread, NULL);
    } else {
        if (self->handler)
            zmq_close (self->handler);
        if (self->control)
            zmq_close (self->control);
    }
    if (self->stopper)
        zmq_close (self->stopper);
    free (self);
    *self_p = NULL;
}
