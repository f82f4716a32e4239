/*  transport — ZeroMQ sockets configured on purpose (see transport.h).
 *
 *  Every socket made here has its linger, high-water marks, time-outs and
 *  reconnect intervals set explicitly, so a socket never blocks the service
 *  forever and never keeps messages that only PostgreSQL should keep.
 */
#include "transport.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"

/* A draft option in libzmq 4.3's header, understood by Debian's build;
 * where it is not, the ZAP handler bound before any serving socket
 * (svc_new) is what keeps strangers out. */
#ifndef ZMQ_ZAP_ENFORCE_DOMAIN
#define ZMQ_ZAP_ENFORCE_DOMAIN 93
#endif

#define TR_RECONNECT_IVL_MS 100
#define TR_RECONNECT_IVL_MAX_MS 2000

static int s_setopt (void *socket, int option, int value, const char *name)
{
    if (zmq_setsockopt (socket, option, &value, sizeof value) != 0) {
        log_kv (LOG_ERROR, "socket_option_failed", "option", name, "error",
                zmq_strerror (errno), NULL);
        return -1;
    }
    return 0;
}

void *tr_socket (void *zctx, int type, int hwm, int timeout_ms)
{
    if (!zctx || hwm < 0 || timeout_ms < -1) {
        errno = EINVAL;
        return NULL;
    }
    void *socket = zmq_socket (zctx, type);
    if (!socket) {
        log_kv (LOG_ERROR, "socket_failed", "error", zmq_strerror (errno), NULL);
        return NULL;
    }
    int rc = 0;
    rc |= s_setopt (socket, ZMQ_LINGER, 0, "ZMQ_LINGER");
    rc |= s_setopt (socket, ZMQ_SNDHWM, hwm, "ZMQ_SNDHWM");
    rc |= s_setopt (socket, ZMQ_RCVHWM, hwm, "ZMQ_RCVHWM");
    rc |= s_setopt (socket, ZMQ_SNDTIMEO, timeout_ms, "ZMQ_SNDTIMEO");
    rc |= s_setopt (socket, ZMQ_RCVTIMEO, timeout_ms, "ZMQ_RCVTIMEO");
    rc |= s_setopt (socket, ZMQ_RECONNECT_IVL, TR_RECONNECT_IVL_MS, "ZMQ_RECONNECT_IVL");
    rc |= s_setopt (socket, ZMQ_RECONNECT_IVL_MAX, TR_RECONNECT_IVL_MAX_MS,
                    "ZMQ_RECONNECT_IVL_MAX");
    if (type == ZMQ_ROUTER)
        rc |= s_setopt (socket, ZMQ_ROUTER_MANDATORY, 1, "ZMQ_ROUTER_MANDATORY");
    else
        /* Connecting sockets queue nothing for peers that are not there:
         * the message stays in the outbox and is retried instead. */
        rc |= s_setopt (socket, ZMQ_IMMEDIATE, 1, "ZMQ_IMMEDIATE");
    if (rc != 0) {
        zmq_close (socket);
        return NULL;
    }
    return socket;
}

int tr_bind (void *socket, const char *endpoint, char *out, size_t outsize)
{
    if (!socket || !endpoint || !out || outsize == 0) {
        errno = EINVAL;
        return -1;
    }
    out[0] = '\0';
    if (zmq_bind (socket, endpoint) != 0) {
        log_kv (LOG_ERROR, "bind_failed", "endpoint", endpoint, "error",
                zmq_strerror (errno), NULL);
        return -1;
    }
    char bound[256];
    size_t len = sizeof bound;
    if (zmq_getsockopt (socket, ZMQ_LAST_ENDPOINT, bound, &len) != 0) {
        log_kv (LOG_ERROR, "bind_failed", "endpoint", endpoint, "error",
                zmq_strerror (errno), NULL);
        return -1;
    }
    bound[sizeof bound - 1] = '\0';
    size_t n = strlen (bound);
    if (n + 1 > outsize) {
        log_kv (LOG_ERROR, "bind_failed", "endpoint", bound, "error",
                "bound endpoint does not fit the caller's buffer", NULL);
        zmq_unbind (socket, bound);
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy (out, bound, n + 1);
    return 0;
}

int tr_send (void *socket, const void *const *frames, const size_t *sizes, int n, int flags)
{
    if (!socket || !frames || !sizes || n <= 0) {
        errno = EINVAL;
        return -1;
    }
    for (int i = 0; i < n; i++) {
        int f = flags | ZMQ_DONTWAIT | (i + 1 < n ? ZMQ_SNDMORE : 0);
        if (zmq_send (socket, frames[i], sizes[i], f) < 0)
            return -1;
    }
    return 0;
}

int tr_recv (void *socket, char **frames, size_t *sizes, int max, int flags)
{
    return tr_recv_user (socket, frames, sizes, max, flags, NULL, 0);
}

int tr_recv_user (void *socket, char **frames, size_t *sizes, int max, int flags, char *user,
                  size_t usize)
{
    if (user && usize)
        user[0] = '\0';
    if (!socket || !frames || !sizes || max <= 0) {
        errno = EINVAL;
        return -1;
    }
    int count = 0;
    int more = 1;
    while (more) {
        zmq_msg_t msg;
        zmq_msg_init (&msg);
        /* After the first frame the rest of a multipart message is already
         * here (ZeroMQ delivers messages atomically): never block for it. */
        int f = count == 0 ? flags : (flags | ZMQ_DONTWAIT);
        if (zmq_msg_recv (&msg, socket, f) < 0) {
            int saved = errno;
            zmq_msg_close (&msg);
            tr_frames_free (frames, count);
            errno = saved;
            return -1;
        }
        more = zmq_msg_more (&msg);
        if (user && usize && !user[0]) {
            /* a ROUTER's identity frame is made locally and carries no
             * properties: the frames that came over the wire do */
            const char *id = zmq_msg_gets (&msg, "User-Id");
            if (id && strlen (id) < usize)
                memcpy (user, id, strlen (id) + 1);
        }
        if (count < max) {
            size_t size = zmq_msg_size (&msg);
            char *buf = malloc (size + 1);
            if (!buf) {
                zmq_msg_close (&msg);
                /* Drain the rest of this message so the socket stays in step. */
                while (more) {
                    zmq_msg_init (&msg);
                    if (zmq_msg_recv (&msg, socket, ZMQ_DONTWAIT) < 0) {
                        zmq_msg_close (&msg);
                        break;
                    }
                    more = zmq_msg_more (&msg);
                    zmq_msg_close (&msg);
                }
                tr_frames_free (frames, count);
                errno = ENOMEM;
                return -1;
            }
            if (size > 0)
                memcpy (buf, zmq_msg_data (&msg), size);
            buf[size] = '\0';
            frames[count] = buf;
            sizes[count] = size;
            count++;
        }
        zmq_msg_close (&msg);
    }
    return count;
}

void tr_frames_free (char **frames, int n)
{
    if (!frames)
        return;
    for (int i = 0; i < n; i++) {
        free (frames[i]);
        frames[i] = NULL;
    }
}

static int s_setkey (void *socket, int option, const char *z85, const char *name)
{
    if (!z85 || zmq_setsockopt (socket, option, z85, strlen (z85)) != 0) {
        log_kv (LOG_ERROR, "socket_option_failed", "option", name, "error",
                z85 ? zmq_strerror (errno) : "no key", NULL);
        return -1;
    }
    return 0;
}

int tr_curve_server (void *socket, const char *secret_key, const char *domain)
{
    int rc = s_setopt (socket, ZMQ_CURVE_SERVER, 1, "ZMQ_CURVE_SERVER");
    rc |= s_setkey (socket, ZMQ_CURVE_SECRETKEY, secret_key, "ZMQ_CURVE_SECRETKEY");
    rc |= s_setkey (socket, ZMQ_ZAP_DOMAIN, domain, "ZMQ_ZAP_DOMAIN");
    /* No handler must never mean "everyone in" (libzmq's default). */
    int one = 1;
    if (zmq_setsockopt (socket, ZMQ_ZAP_ENFORCE_DOMAIN, &one, sizeof one) != 0)
        log_kv (LOG_DEBUG, "socket_option_unsupported", "option", "ZMQ_ZAP_ENFORCE_DOMAIN", NULL);
    return rc ? -1 : 0;
}

int tr_curve_client (void *socket, const char *public_key, const char *secret_key)
{
    int rc = s_setkey (socket, ZMQ_CURVE_PUBLICKEY, public_key, "ZMQ_CURVE_PUBLICKEY");
    rc |= s_setkey (socket, ZMQ_CURVE_SECRETKEY, secret_key, "ZMQ_CURVE_SECRETKEY");
    return rc ? -1 : 0;
}

int tr_curve_server_key (void *socket, const char *server_key)
{
    return s_setkey (socket, ZMQ_CURVE_SERVERKEY, server_key, "ZMQ_CURVE_SERVERKEY");
}
