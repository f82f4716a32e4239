/*  zap — the ZeroMQ authentication handler (ZAP, RFC 27) of one ZeroMQ
 *  context: every CURVE handshake on a socket of that context that serves
 *  (bus ROUTERs, CURVE request endpoints) is answered here.
 *
 *  Domains (ZMQ_ZAP_DOMAIN of the serving socket):
 *    "bus"  only a key the operator installed for one of the six services
 *           (keyring.h); the user id is that service's name, which every
 *           message then carries as its "User-Id" property (bus_inbound.c
 *           checks it against the envelope's source);
 *    "api"  a service's key (user id: the service) or a key of clients.pub
 *           (user id "client").
 *  Anything else (another mechanism, an unknown key or domain) is refused
 *  with status 400; the connection is closed before a message passes.
 *
 *  The handler runs in a thread of its own: a handshake is answered at once
 *  even while the service's loop is inside a long database transaction,
 *  and the thread shares only the keyring, which never changes after start.
 *  Serving sockets set ZMQ_ZAP_ENFORCE_DOMAIN (transport.h), so that a
 *  context without a handler refuses every peer instead of accepting all.
 */
#ifndef KEFU_ZAP_H
#define KEFU_ZAP_H

#include "keyring.h"

#define ZAP_DOMAIN_BUS "bus"
#define ZAP_DOMAIN_API "api"

typedef struct zap_s zap_t;

/*  Binds inproc://zeromq.zap.01 in zctx and starts the thread. One per
 *  context. Borrows zctx and keys (they must outlive it). Call it with the
 *  signals the loop waits for blocked, as for any ZeroMQ thread. Returns
 *  NULL (logged) on failure. */
zap_t *zap_new (void *zctx, const keyring_t *keys);

/*  Stops the thread and closes its sockets; safe on NULL and twice. Call
 *  it before zmq_ctx_term. */
void zap_destroy (zap_t **self_p);

#endif
