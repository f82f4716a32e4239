/*  gateway — the wiring of kefu-gateway: the configuration, the route
 *  table, the ZeroMQ context, and the one function that answers an HTTP
 *  request (docs/gateway.md):
 *      path → route (404 / 405)  routes.h
 *      credentials → token (401 / 403)  auth.h
 *      path fields, query, body → request body (400)  build.h
 *      the request, with the caller's token, to the service  forward.h
 *      its reply → status, headers, body  answer.h
 *  /api/v1/session is the sessions' own (session.h), /api/v1/changes the
 *  live streams' (changes.h). Every step works on
 *  exchange.h's structures; server.c is the only part that speaks HTTP.
 */
#ifndef KEFU_GATEWAY_GATEWAY_H
#define KEFU_GATEWAY_GATEWAY_H

#include <stddef.h>

#include "conf/config.h"
#include "exchange.h"
#include "forward.h"
#include "gateway_config.h"

typedef struct gw_s gw_t;

/*  Makes sure the process may open the files connection_limit connections
 *  need (each its socket and two per service): raises the soft limit up to
 *  the hard one. Returns 0, or -1 with the numbers in err. */
int gw_files_enough (int connection_limit, char *err, size_t errsize);

/*  cfg borrowed (must outlive the gateway). Returns NULL with the reason in
 *  err (too few open files allowed, a route without its request schema, …). */
gw_t *gw_new (const cfg_t *cfg, char *err, size_t errsize);
void gw_destroy (gw_t **self_p);

const cfg_t *gw_cfg (const gw_t *self);
const gateway_config_t *gw_config (const gw_t *self);
void *gw_zctx (gw_t *self);
/*  Ends every live stream (changes.h) now and opens no more: the gateway
 *  is stopping. */
void gw_halt (gw_t *self);

/*  Answers one request; fwd is the calling connection's own (forward.h).
 *  resp is empty on entry and always holds a response on return. */
void gw_handle (gw_t *self, gw_forward_t *fwd, const gw_request_t *req, gw_response_t *resp);

#endif
