/*  transport — ZeroMQ sockets configured on purpose, never by accident:
 *  linger, high-water marks, send/receive time-outs, reconnect intervals and
 *  ZMQ_IMMEDIATE are set on every socket made here.
 */
#ifndef KEFU_TRANSPORT_H
#define KEFU_TRANSPORT_H

#include <stddef.h>
#include <zmq.h>

/*  Makes a socket of `type` (ZMQ_ROUTER, ZMQ_DEALER, ZMQ_REQ…) with:
 *  ZMQ_LINGER 0 (unsent messages live in PostgreSQL, not in a socket),
 *  SNDHWM/RCVHWM = hwm, SNDTIMEO/RCVTIMEO = timeout_ms (-1 = none),
 *  ZMQ_IMMEDIATE 1 on connecting sockets (nothing queued for absent peers),
 *  ZMQ_ROUTER_MANDATORY on routers (unroutable replies fail, not vanish),
 *  reconnect 100 ms up to 2 s. Returns NULL on failure (logged). */
void *tr_socket (void *zctx, int type, int hwm, int timeout_ms);

/*  Binds and writes the endpoint actually bound (port resolved when the
 *  endpoint ends in ":*") into out. Returns 0 or -1. */
int tr_bind (void *socket, const char *endpoint, char *out, size_t outsize);

/*  Sends a multipart message of n frames without blocking. Returns 0, or -1
 *  (errno EAGAIN when no peer is ready or the high-water mark is reached). */
int tr_send (void *socket, const void *const *frames, const size_t *sizes, int n, int flags);

/*  Receives up to max frames into malloc'd buffers (each NUL-terminated for
 *  convenience, sizes exclude the NUL). Extra frames are discarded. Returns
 *  the number of frames, or -1. Caller frees with tr_frames_free. */
int tr_recv (void *socket, char **frames, size_t *sizes, int max, int flags);
void tr_frames_free (char **frames, int n);

/*  The same, also copying the message's "User-Id" property (the ZAP user
 *  id of the connection it came on, zap.h: a service's name) into user
 *  ("" when the connection has none). */
int tr_recv_user (void *socket, char **frames, size_t *sizes, int max, int flags, char *user,
                  size_t usize);

/*  CurveZMQ (docs/messaging.md "Keys"). Both return 0, or -1 (logged).
 *  tr_curve_server: the socket serves CURVE with secret_key (Z85), and its
 *  peers are authenticated by the ZAP handler under domain (zap.h), which
 *  is enforced: without a handler every peer is refused.
 *  tr_curve_client: the socket is a CURVE client with this key pair; the
 *  server's key is set before each zmq_connect (tr_curve_server_key), since
 *  the option applies to the connections made after it. */
int tr_curve_server (void *socket, const char *secret_key, const char *domain);
int tr_curve_client (void *socket, const char *public_key, const char *secret_key);
int tr_curve_server_key (void *socket, const char *server_key);

#endif
