/*  api — intake's requests: ticket.submit (in group commit), ticket.get,
 *  ticket.list and ticket.event, customer.find, screenpop.open and
 *  screenpop.get (screenpop.h), as a table for the service kit's request
 *  endpoint (common/svc/request_endpoint.h: framing, validation, replies,
 *  group commit), bound at services.intake.api (docs/intake.md). What is
 *  intake's own is here and in request.h: reading each body into a typed
 *  struct and handing it to the ticket desk (tickets.h).
 */
#ifndef KEFU_INTAKE_API_H
#define KEFU_INTAKE_API_H

#include <stddef.h>

#include "msg/schema.h"
#include "svc/request_endpoint.h"
#include "tickets.h"

/*  Intake's request table; every handler's `app` is the ticket desk
 *  (itk_t *). */
extern const rqe_handler_t iapi_requests[];

/*  Serves one request payload through intake's table with no socket
 *  (rqe_serve). For tests: tickets may be NULL there, which answers a valid
 *  request "internal" (no ticket desk). Returns the reply (caller frees). */
char *iapi_serve (const schema_set_t *schemas, itk_t *tickets, const char *payload, size_t len);

#endif
