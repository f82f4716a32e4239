/*  intake — the intake service put together: the ticket desk (tickets.h),
 *  the request endpoint (api.h: its requests on the kit's endpoint) and the handlers of dispatch's messages
 *  (events.h), all on one service runtime (service.h).
 */
#ifndef KEFU_INTAKE_H
#define KEFU_INTAKE_H

#include "svc/service.h"

typedef struct intake_s intake_t;

/*  Wires intake onto svc: prepares statements, registers the message
 *  handlers, binds the request endpoint. Borrows svc (it must outlive the
 *  intake). Returns NULL (logged) on failure. */
intake_t *intake_new (svc_t *svc);
void intake_destroy (intake_t **self_p);

#endif
