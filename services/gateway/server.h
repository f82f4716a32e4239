/*  server — the HTTP listener (libmicrohttpd): one thread per connection
 *  (docs/gateway.md "Concurrency"), at most connection_limit of them, each
 *  with a small stack and its own forward.h sockets; HTTP/1.1 keep-alive;
 *  HTTPS when tls_cert and tls_key are set; bodies over body_limit are
 *  413 (and the connection closed when Content-Length said so). A
 *  connection must deliver each whole request within connection_timeout_s
 *  of its start or of the previous response, and take each response
 *  within it too: a watchdog cuts one that trickles (one byte a second
 *  never looks idle).
 */
#ifndef KEFU_GATEWAY_SERVER_H
#define KEFU_GATEWAY_SERVER_H

#include <stddef.h>

#include "gateway.h"

typedef struct gw_server_s gw_server_t;

/*  Listens at the configured address. Returns NULL with the reason in err. */
gw_server_t *gw_server_start (gw_t *gw, char *err, size_t errsize);
/*  Stops listening, ends every connection, frees. Safe on NULL. */
void gw_server_stop (gw_server_t **self_p);

#endif
