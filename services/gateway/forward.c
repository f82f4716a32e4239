/*  forward — per-connection DEALERs to the request endpoints (forward.h). */
#include "forward.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "base/clock.h"
#include "base/log.h"
#include "msg/transport.h"

#define S_HWM 4
#define S_MAX_FRAMES 4
/*  A wait looks at the stop flag this often: a stopping gateway does not
 *  wait out request_timeout_ms. */
#define S_SLICE_MS 100

struct gw_forward_s {
    void *zctx;
    const atomic_bool *stop;
    void *sockets[CFG_SERVICE_COUNT];
};

gw_forward_t *gw_forward_new (void *zctx, const atomic_bool *stop)
{
    gw_forward_t *self = calloc (1, sizeof *self);
    if (self)
        self->zctx = zctx, self->stop = stop;
    return self;
}

static void s_drop (gw_forward_t *self, int service)
{
    if (self->sockets[service])
        zmq_close (self->sockets[service]);
    self->sockets[service] = NULL;
}

void gw_forward_destroy (gw_forward_t **self_p)
{
    gw_forward_t *self = *self_p;
    if (!self)
        return;
    for (int i = 0; i < CFG_SERVICE_COUNT; i++)
        s_drop (self, i);
    free (self);
    *self_p = NULL;
}

static void *s_socket (gw_forward_t *self, int service, const char *endpoint)
{
    if (self->sockets[service])
        return self->sockets[service];
    void *sock = tr_socket (self->zctx, ZMQ_DEALER, S_HWM, 0);
    if (sock && zmq_connect (sock, endpoint) != 0) {
        log_kv (LOG_ERROR, "forward_connect_failed", "upstream", cfg_service_names[service], "endpoint",
                endpoint, "error", zmq_strerror (errno), NULL);
        zmq_close (sock);
        sock = NULL;
    }
    return self->sockets[service] = sock;
}

/*  Polls sock for `events` until deadline (monotonic ms), in slices.
 *  Returns 1, 0 on time-out, -1 on error, -2 when the gateway stops. */
static int s_poll (const gw_forward_t *self, void *sock, short events, int64_t deadline)
{
    for (;;) {
        if (self->stop && atomic_load (self->stop))
            return -2;
        int64_t left = deadline - clock_mono_ms ();
        zmq_pollitem_t item = { sock, 0, events, 0 };
        int n = zmq_poll (&item, 1, (long) (left <= 0 ? 0 : left < S_SLICE_MS ? left : S_SLICE_MS));
        if ((n < 0 && errno == EINTR) || (n == 0 && left > S_SLICE_MS))
            continue;
        return n < 0 ? -1 : n > 0;
    }
}

static gw_fwd_status_t s_failed (int polled, gw_fwd_status_t on_timeout)
{
    return polled == 0 ? on_timeout : polled == -2 ? GW_FWD_STOPPED : GW_FWD_FAILED;
}

gw_fwd_status_t gw_forward_call (gw_forward_t *self, int service, const char *endpoint,
                                 const char *request_text, int connect_ms, int timeout_ms,
                                 char **reply_p, size_t *len_p)
{
    *reply_p = NULL;
    *len_p = 0;
    void *sock = service >= 0 && service < CFG_SERVICE_COUNT ? s_socket (self, service, endpoint) : NULL;
    if (!sock)
        return GW_FWD_FAILED;
    int64_t start = clock_mono_ms ();
    int w = s_poll (self, sock, ZMQ_POLLOUT, start + connect_ms);
    if (w <= 0)
        return s_failed (w, GW_FWD_NO_PEER);
    const void *frames[2] = { "", request_text };
    size_t sizes[2] = { 0, strlen (request_text) };
    if (tr_send (sock, frames, sizes, 2, ZMQ_DONTWAIT) != 0)
        return errno == EAGAIN ? GW_FWD_NO_PEER : GW_FWD_FAILED;
    int64_t deadline = start + timeout_ms;
    for (;;) {
        int r = s_poll (self, sock, ZMQ_POLLIN, deadline);
        if (r <= 0) {
            s_drop (self, service); /* a late reply must not answer the next request */
            return s_failed (r, GW_FWD_TIMEOUT);
        }
        char *got[S_MAX_FRAMES];
        size_t got_sizes[S_MAX_FRAMES];
        int nf = tr_recv (sock, got, got_sizes, S_MAX_FRAMES, ZMQ_DONTWAIT);
        if (nf <= 0)
            continue;
        *reply_p = got[nf - 1];
        *len_p = got_sizes[nf - 1];
        got[nf - 1] = NULL;
        tr_frames_free (got, nf - 1);
        return GW_FWD_REPLY;
    }
}
