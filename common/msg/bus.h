/*  bus — durable messaging between services: outbox, relay, acknowledgements,
 *  redelivery with back-off, idempotent receipt, dead letters.
 *
 *  Sending. Inside the transaction that changes state, a handler calls
 *  bus_emit(): the envelope is written to <service>.outbox, one row per
 *  destination (routes.h). Nothing is sent before COMMIT. After commit the
 *  caller calls bus_kick(); the relay (inside the same event loop) claims due
 *  rows with FOR UPDATE SKIP LOCKED, pushes each to its destination on a
 *  DEALER socket connected to every live instance of that service, and
 *  sets the row's next attempt to now + back-off (retry_initial_ms doubling
 *  to retry_max_ms). An acknowledgement marks the row acked. After
 *  max_attempts without one the row is marked dead with its reason (visible
 *  through kefuctl admin dead-letters; kefuctl admin requeue sends it again).
 *
 *  Receiving. Each instance binds a ROUTER (services.<name>.bind) and
 *  advertises the bound endpoint in <service>.endpoints, refreshed as a
 *  heartbeat; senders discover peers there. A received envelope is decoded
 *  and validated (envelope.h); then, in ONE transaction: the message id is
 *  inserted into <service>.inbox (a duplicate commits nothing new and is just
 *  acknowledged again), the handler applies the change (and may emit), and
 *  the transaction commits; only then is the acknowledgement sent. Messages
 *  waiting together share that transaction (group commit, each in its own
 *  savepoint when one has to be undone alone; docs/messaging.md). A message
 *  that fails validation, has no handler, or that the handler rejects is
 *  recorded in <service>.dead_letters with the reason (plus the inbox row)
 *  and acknowledged with status "dead". A transient failure (database down)
 *  sends no acknowledgement: the sender retries.
 *
 *  Guarantee: effectively exactly once per (message, destination) — at least
 *  once on the wire, deduplicated by message id in the receiver's own
 *  transaction — as long as PostgreSQL keeps what it committed.
 *
 *  Authentication: every bus socket is CurveZMQ. A receiver accepts only
 *  the keys the operator installed for the six services (keyring.h, zap.h)
 *  and dead-letters a message whose envelope names another source service
 *  than the one its key belongs to. Senders connect only to endpoints whose
 *  published key (<service>.endpoints.public_key) is installed for that
 *  service.
 *
 *  Wire format: sender DEALER -> receiver ROUTER: one frame, the envelope
 *  JSON. Receiver -> sender: one frame {"ack":"<message id>","status":"ok"|"dead"|"duplicate"}.
 */
#ifndef KEFU_BUS_H
#define KEFU_BUS_H

#include <stdbool.h>
#include <stddef.h>

#include "conf/config.h"
#include "db/db.h"
#include "envelope.h"
#include "keyring.h"
#include "schema.h"

typedef struct bus_s bus_t;

typedef enum {
    BUS_OK = 0,     /* applied: commit and acknowledge */
    BUS_RETRY,      /* transient (database): roll back, no ack, sender retries */
    BUS_REJECT,     /* permanent: roll back, dead-letter with reason, ack "dead" */
} bus_result_t;

/*  A handler runs inside the receiving transaction on `db`. On BUS_REJECT it
 *  writes a specific reason into reason. The bus never passes a NULL ctx
 *  (when one was registered), db, msg, msg->body or reason, nor a zero
 *  reason_size: a handler asserts them. BUS_RETRY is for the database, never
 *  for a broken call, which would be redelivered for ever.
 *
 *  Arguments. A NULL where a function below does not say it takes one is a
 *  programmer error and fails an assert, as in CZMQ: bus_new, bus_bind,
 *  bus_on, bus_emit (msg_p; *msg_p may be NULL, its constructor having
 *  failed: -1), bus_relay_ride. bus_destroy, bus_kick, bus_endpoint,
 *  bus_stats, bus_poll_items, bus_handle_input, bus_relay_ridden and the
 *  bus_defer_* functions take a NULL bus and do nothing (intake runs without
 *  one in tests). */
typedef bus_result_t (*bus_handler_fn) (void *ctx, db_t *db, const env_t *msg,
                                        char *reason, size_t reason_size);

/*  Makes the bus of one service instance. Borrows cfg, db, schemas, zctx
 *  and keys (they must outlive the bus). Every socket is CurveZMQ with
 *  keys' key pair; zctx must have its ZAP handler (zap.h) before the bus
 *  binds. Prepares its statements on db. */
bus_t *bus_new (const cfg_t *cfg, const char *service, const char *instance,
                db_t *db, const schema_set_t *schemas, void *zctx, const keyring_t *keys);
void bus_destroy (bus_t **self_p);

/*  Binds the inbound ROUTER. Returns 0 or -1. */
int bus_bind (bus_t *self);
/*  The endpoint actually bound ("tcp://127.0.0.1:41234"), "" before bind. */
const char *bus_endpoint (const bus_t *self);
/*  The instance name given to bus_new (borrowed). */
const char *bus_instance (const bus_t *self);

/*  Registers the handler for a message type (one per type). */
int bus_on (bus_t *self, const char *type, bus_handler_fn fn, void *ctx);

/*  Handlers that write in bulk. While bus_batching() is true — a batch of
 *  messages applied without savepoints, the usual case — a handler may
 *  check its message, keep its writes in memory and return BUS_OK; the
 *  function registered with bus_on_batch_end then writes what all of them
 *  kept (one round trip instead of one per message), in the same
 *  transaction, after the last handler. When it returns -1 the batch runs
 *  again with a savepoint per message and bus_batching() false, so that
 *  each handler writes, and fails, alone. It must not emit, and must drop
 *  what was kept in an earlier run of the transaction (db_tx_serial differs:
 *  db_tx runs a transaction again after a serialization failure). One
 *  function per bus; NULL unregisters. */
typedef int (*bus_batch_fn) (void *ctx, db_t *db);
void bus_on_batch_end (bus_t *self, bus_batch_fn fn, void *ctx);
bool bus_batching (const bus_t *self);

/*  The opening of a batch, for locks. The function registered with
 *  bus_on_batch_begin is called in the receiving transaction once the
 *  inbox rows are written and before the first handler (and before any
 *  savepoint, so that what it takes is held to COMMIT), with the messages
 *  whose handlers are about to be called, in the order they will be
 *  (msgs[0..n), borrowed for the call; n >= 1). It is called again in every
 *  run of the batch (the careful one, a transaction run again).
 *
 *  Its use: handlers that lock something per message (a branch, say) take
 *  those locks in arrival order, so two instances applying batches that
 *  overlap can each hold one and wait for the other's (40P01). The function
 *  takes all the batch's locks at once, in one order that every instance
 *  shares; the handlers then find them held. It must not emit. Returns 0,
 *  or -1 (a database error: the transaction rolls back; db_tx runs it again
 *  after a deadlock or serialization failure, and after any other failure
 *  the batch runs again carefully without it, each handler locking alone).
 *  One function per bus; NULL unregisters. */
typedef int (*bus_batch_begin_fn) (void *ctx, db_t *db, const env_t *const *msgs, int n);
void bus_on_batch_begin (bus_t *self, bus_batch_begin_fn fn, void *ctx);

/*  Within the caller's open transaction on db: writes the message to the
 *  outbox for every destination of its type. Takes ownership of *msg_p and
 *  NULLs it. Returns 0 or -1 (db error: the caller rolls back). */
int bus_emit (bus_t *self, db_t *db, env_t **msg_p);

/*  Group commit of emits. Between bus_defer_begin and bus_defer_flush,
 *  bus_emit only collects the outbox rows in memory; bus_defer_flush writes
 *  them all with ONE statement in the caller's transaction (call it before
 *  COMMIT; a failure means the transaction must roll back), and ends the
 *  deferral. bus_defer_mark / bus_defer_rewind drop the rows collected since
 *  a mark, for work undone with a savepoint. bus_defer_cancel drops them all
 *  and ends the deferral (the transaction rolled back). bus_defer_begin
 *  restarts from empty (a transaction run again). Return 0 or -1. */
int bus_defer_begin (bus_t *self);
int bus_defer_mark (const bus_t *self);
void bus_defer_rewind (bus_t *self, int mark);
int bus_defer_flush (bus_t *self, db_t *db);
void bus_defer_cancel (bus_t *self);

/*  After a commit that emitted: wants a relay pass soon instead of after
 *  poll_ms. It rides in the next transaction that lets it (the next batch
 *  of messages in, or bus_relay_ride) or, when none comes within a few
 *  milliseconds (BUS_RIDE_MS), bus_tick runs it on its own. */
void bus_kick (bus_t *self);

/*  Lets a wanted relay pass ride in the caller's transaction on db (saving
 *  a transaction and its WAL flush): call it first thing in the
 *  transaction, before anything is emitted, so that rows are never claimed
 *  by the transaction that wrote them. Records the acknowledgements read
 *  and claims the due rows; does nothing when no pass is wanted. Safe to
 *  call again when db_tx runs the transaction again. Returns 0, or -1 (a
 *  database error: roll back; run the transaction again without it). After
 *  the transaction, bus_relay_ridden sends what was claimed (committed) or
 *  wants the pass again (not committed). */
int bus_relay_ride (bus_t *self, db_t *db);
void bus_relay_ridden (bus_t *self, bool committed);

/*  The sockets the owner's loop polls for input (inbound ROUTER first, then
 *  one DEALER per destination). Fills up to max items (ZMQ_POLLIN), returns
 *  the count. */
int bus_poll_items (bus_t *self, void *items /* zmq_pollitem_t[] */, int max);
/*  Handles whatever is readable on those sockets (messages in, acks in).
 *  Returns 0; never fails the loop on bad input. */
int bus_handle_input (bus_t *self);
/*  Timer work: heartbeat of this endpoint, peer discovery, relay pass when
 *  due or kicked. Returns the milliseconds until it wants to run again. */
int bus_tick (bus_t *self);

/*  Counters for logs and tests. */
typedef struct {
    long sent, acked, received, applied, duplicates, dead_lettered, retried;
} bus_stats_t;
void bus_stats (const bus_t *self, bus_stats_t *out);

#endif
