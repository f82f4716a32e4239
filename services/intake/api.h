/*  api — intake's request endpoint: a ROUTER bound at services.intake.api
 *  serving ticket.submit, ticket.get and ticket.list (docs/intake.md).
 *
 *  Clients may be REQ sockets ([identity][empty][request] arrives) or
 *  DEALER sockets ([identity][request]); the frames before the request are
 *  echoed back in front of the reply, so both get their answer. Every
 *  request gets exactly one reply: {"ok":true,"result":…} or
 *  {"ok":false,"error":{"code","message"}}; nothing a client sends can stop
 *  the service. A request over 64 KiB is refused without being parsed;
 *  ZMQ_MAXMSGSIZE (1 MiB) cuts off peers that send far more.
 */
#ifndef KEFU_INTAKE_API_H
#define KEFU_INTAKE_API_H

#include <stddef.h>

#include "msg/schema.h"
#include "svc/service.h"
#include "tickets.h"

typedef struct iapi_s iapi_t;

/*  Binds the ROUTER at the configured endpoint and adds it to the service's
 *  loop. Borrows svc and tickets. Returns NULL (logged) when it cannot bind. */
iapi_t *iapi_new (svc_t *svc, itk_t *tickets);
void iapi_destroy (iapi_t **self_p);

/*  The endpoint actually bound. */
const char *iapi_endpoint (const iapi_t *self);

/*  Serves one request payload (the last frame): validates it against the
 *  schemas and runs it. Returns the reply JSON (caller frees; NULL only when
 *  out of memory). Exposed so integration tests can drive it without a
 *  socket; tickets may be NULL there, which answers "internal". */
char *iapi_serve (const schema_set_t *schemas, itk_t *tickets, const char *payload,
                  size_t len);

#endif
