/*  emit — a handler's one call to send a message: make the envelope around
 *  a body and put it in the outbox of the caller's transaction (bus_emit),
 *  cleaning up on every path.
 */
#ifndef KEFU_EMIT_H
#define KEFU_EMIT_H

#include <cjson/cJSON.h>

#include "db/db.h"
#include "msg/bus.h"

/*  Emits a message of `type` and schema `version` (1, 2, …) for `branch`
 *  and `correlation_id` (the ticket; either may be NULL), with *body_p as
 *  its body, inside the caller's transaction on db. Takes ownership of
 *  *body_p on every path and sets it to NULL. Returns 0, or -1 (logged by
 *  the bus; the caller's transaction should roll back). */
int svc_emit (bus_t *bus, db_t *db, const char *type, int version, const char *branch,
              const char *correlation_id, cJSON **body_p);

#endif
