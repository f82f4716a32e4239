/*  handler — the bracket every message handler of a service runs in, and
 *  the context it is given.
 *
 *  A service registers a svc_handler_t per message type (svc_handle). The
 *  bus calls it inside its receiving transaction (bus.h); the kit then
 *    1. calls the bracket's begin: whatever an earlier invocation kept is
 *       dropped (a handler may be run again after a retry or a savepoint);
 *    2. calls the handler with a svc_ctx_t;
 *    3. on BUS_OK calls the bracket's flush in the same transaction (what
 *       the handler buffered, such as the SLA engine's sla.clock messages,
 *       is written now); a failed flush is a database failure
 *       (svc/failure.h);
 *    4. calls begin again, so nothing outlives the invocation.
 *
 *  The context names the message and who is asking (who.h): until the bus
 *  carries authenticated principals, the sending service, with branches not
 *  restricted; the identity work fills it here, so that no handler has to
 *  change its signature.
 */
#ifndef KEFU_HANDLER_H
#define KEFU_HANDLER_H

#include <stddef.h>

#include "db/db.h"
#include "msg/bus.h"
#include "msg/envelope.h"
#include "svc/who.h"

typedef struct {
    const env_t *msg; /* the message, its body checked against its schema */
    svc_who_t who;
} svc_ctx_t;

/*  A handler: `arg` is the one registered. Returns BUS_OK, BUS_RETRY or
 *  BUS_REJECT with a reason (bus.h). */
typedef bus_result_t (*svc_msg_fn) (void *arg, db_t *db, const svc_ctx_t *ctx, char *reason,
                                    size_t reason_size);

typedef struct {
    void (*begin) (void *arg);          /* drop what an earlier invocation kept; may be NULL */
    int (*flush) (void *arg, db_t *db); /* write what it kept: 0, or -1 (database); may be NULL */
    void *arg;
} svc_bracket_t;

typedef struct {
    const char *type; /* message type, "ticket.created" */
    svc_msg_fn fn;
    void *arg;
    svc_bracket_t bracket;
} svc_handler_t;

/*  Registers h on bus for h->type. h is borrowed and must outlive the bus's
 *  use of it (keep it in the service's own object). Returns 0 or -1. */
int svc_handle (bus_t *bus, svc_handler_t *h);

/*  The bus handler svc_handle registers (ctx is the svc_handler_t), for
 *  tests that call a handler without a bus. */
bus_result_t svc_handler_run (void *ctx, db_t *db, const env_t *msg, char *reason, size_t reason_size);

#endif
