/*  forward — one connection's way to the services' request endpoints: a
 *  DEALER socket per service, made on first use and kept for the
 *  connection's life (docs/gateway.md "Concurrency"). Each HTTP connection
 *  has its own, used only by its own thread, so its requests never wait
 *  behind another connection's and a service has as many requests in
 *  flight as there are connections asking it.
 *
 *  The frames are those of kefuctl's client (tools/kefuctl/client.h): an
 *  empty delimiter, then the request envelope; the reply is the last frame.
 *  After a time-out the socket is closed and made anew, so a late reply
 *  can never be taken for the answer to the connection's next request.
 */
#ifndef KEFU_GATEWAY_FORWARD_H
#define KEFU_GATEWAY_FORWARD_H

#include <stdatomic.h>
#include <stddef.h>

#include "conf/config.h"

typedef struct gw_forward_s gw_forward_t;

typedef enum {
    GW_FWD_REPLY = 0, /* *reply_p holds the service's reply frame */
    GW_FWD_NO_PEER,   /* no connection to the service within connect_ms */
    GW_FWD_TIMEOUT,   /* sent; no reply within timeout_ms */
    GW_FWD_FAILED,    /* a socket error (logged) */
    GW_FWD_STOPPED,   /* the gateway is stopping: *stop was set while it waited */
} gw_fwd_status_t;

/*  zctx: the process's ZeroMQ context (shared; contexts are thread-safe).
 *  stop (NULL: none): when it becomes true a call waiting for a service
 *  returns GW_FWD_STOPPED within a tenth of a second. */
gw_forward_t *gw_forward_new (void *zctx, const atomic_bool *stop);
void gw_forward_destroy (gw_forward_t **self_p);

/*  Sends request_text to the service with index `service`
 *  (cfg_service_names) at endpoint and waits for the reply. On
 *  GW_FWD_REPLY *reply_p is malloc'd and terminated (caller frees). */
gw_fwd_status_t gw_forward_call (gw_forward_t *self, int service, const char *endpoint,
                                 const char *request_text, int connect_ms, int timeout_ms,
                                 char **reply_p, size_t *len_p);

#endif
