/*  request_endpoint — the request endpoint of any service that takes
 *  requests: a ROUTER bound at the service's `services.<name>.api`, serving
 *  the requests of one table that the service hands over (docs/architecture.md,
 *  "Request API"; intake's table is services/intake/api.c).
 *
 *  Framing. Clients may be REQ sockets ([identity][empty][request] arrives)
 *  or DEALER sockets ([identity][request]); the frames before the request
 *  are echoed back in front of the reply, so both get their answer. A
 *  client's message may have up to RQE_MAX_CLIENT_FRAMES frames (the request
 *  and the identities and delimiter in front of it); more are refused.
 *  A request over 64 KiB (RPL_MAX_PAYLOAD) is refused without being parsed;
 *  ZMQ_MAXMSGSIZE (1 MiB) cuts off peers that send far more.
 *
 *  Validation, in this order, each refusal `invalid` with the field first:
 *  one strict JSON object (UTF-8, no NUL) → schemas/requests/request.v1.json
 *  → version 1 → who is asking: the token (auth/credential.h; refused
 *  `unauthenticated`) → a request the table names → the body against
 *  schemas/requests/<request>.v1.json → the caller's roles allow the
 *  request (the table row's `roles`, or a service account naming it;
 *  refused `forbidden`). A handler only ever sees an authenticated caller
 *  and a body that passed its schema; it confines what it reads and writes
 *  to ctx->who (svc/who.h), answering not_found for what lies outside.
 *
 *  Replies (reply.h): every request gets exactly one, {"ok":true,"result"}
 *  or {"ok":false,"error":{"code","message"}} with code invalid, not_found,
 *  conflict, unavailable, internal, unauthenticated or forbidden. Nothing a client sends can stop the
 *  service; each refusal is logged ("request_refused": request, code and
 *  the field, never the message, which may quote customer data).
 *
 *  Group commit (docs/messaging.md, "Group commit"). Every request waiting
 *  on the socket is read, up to RQE_BATCH; after a wake-up that read fewer
 *  than the one before, the endpoint waits up to 1 ms for the rest of the
 *  group. Consecutive requests of one handler that has `batch` are served
 *  together by one call of it (one transaction, a savepoint each, one
 *  COMMIT). Any other request first has the waiting group served, so a read
 *  behind writes of the same wake-up sees them. Replies go out in the order
 *  the requests came, after the commit.
 *
 *  Ownership: the endpoint borrows the service, the table and `app` (the
 *  service's own object, handed to every handler); all must outlive it.
 */
#ifndef KEFU_REQUEST_ENDPOINT_H
#define KEFU_REQUEST_ENDPOINT_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "svc/who.h"
#include "msg/schema.h"
#include "reply.h"
#include "service.h"

/*  Most frames a client's message may have (docs/intake.md promises it). */
#define RQE_MAX_CLIENT_FRAMES 8
/*  Most requests read per wake-up, and served in one group commit. */
#define RQE_BATCH 64

/*  What a request handler is given: the request's name and who is asking
 *  (who.h: empty until the identity work fills it). */
typedef struct {
    const char *request; /* the request's name, e.g. "ticket.get" */
    svc_who_t who;
} rqe_ctx_t;

/*  One request served on its own. body passed the request's schema
 *  (borrowed). Returns RPL_OK with *result set (the endpoint takes it; NULL
 *  answers {}), or another code with "field: what was wrong" in err. */
typedef rpl_code_t (*rqe_run_fn) (void *app, const rqe_ctx_t *ctx, const cJSON *body,
                                  cJSON **result, char *err, size_t errsize);

/*  One request of a group commit: in, the context and its schema-checked
 *  body (borrowed); out, code and result (the endpoint takes it) or err. */
typedef struct {
    const rqe_ctx_t *ctx;
    const cJSON *body;
    rpl_code_t code;
    cJSON *result;
    char err[512];
} rqe_item_t;

/*  Serves n (1..RQE_BATCH) requests of one name together: one transaction,
 *  each request in its own savepoint, so one refused request leaves the
 *  others to commit. Sets every item's code (and result or err).
 *
 *  Branches (db/scope.h). A request served by `run` acts for its caller:
 *  the endpoint states ctx->who's branches on the service's database handle
 *  before the call and clears them after. The requests of a batch may come
 *  from several callers, so a batch handler states each item's branches
 *  itself (db_scope_set with items[i]->ctx->who before the item's work; the
 *  handle sends it only when it differs from the item before), or runs a
 *  named cross-branch step for the system (docs/security.md); the handle
 *  states nothing when the handler is called. */
typedef void (*rqe_batch_fn) (void *app, rqe_item_t *const *items, int n);

/*  One row of a service's request table. The body's schema is
 *  schemas/requests/<name>.v1.json (request names are at most 32 bytes).
 *  Exactly one of run and batch is set: batch for requests that write and
 *  take part in group commit (a request served alone is a group of one),
 *  run for the others. A table ends with a row whose name is NULL; a
 *  service that takes no requests yet has only that row. */
typedef struct {
    const char *name;
    rqe_run_fn run;
    rqe_batch_fn batch;
    svc_roles_t roles; /* the roles that may make it (auth/roles.h); 0: nobody */
} rqe_handler_t;

typedef struct rqe_s rqe_t;

/*  Binds a ROUTER at endpoint ("tcp://127.0.0.1:*" picks a free port, see
 *  rqe_endpoint) and adds it to the service's loop; when the service has
 *  services.<name>.api_curve (svc_api_curve), a second ROUTER there serves
 *  CURVE with the service's key pair, for clients whose key is installed
 *  (zap.h, domain "api"), and the same table. Every name in the table
 *  must have its body schema loaded. Borrows svc, table and app. Returns
 *  NULL (logged) when a schema is missing or it cannot bind. */
rqe_t *rqe_new (svc_t *svc, const char *endpoint, const rqe_handler_t *table, void *app);
void rqe_destroy (rqe_t **self_p);

/*  The endpoint actually bound (the port filled in). Borrowed. */
const char *rqe_endpoint (const rqe_t *self);

/*  Serves one request payload (the last frame) through the table, with no
 *  socket, no group and no token check: the handler acts for the system
 *  (every branch). For tests and fuzzing only. Returns
 *  the reply JSON (caller frees; NULL only when out of memory). */
char *rqe_serve (const schema_set_t *schemas, const rqe_handler_t *table, void *app,
                 const char *payload, size_t len);

#endif
