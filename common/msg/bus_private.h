/*  bus_private — the bus object shared by its three source files:
 *  bus.c (life cycle, emit, discovery, heartbeat, timer), bus_relay.c
 *  (outbox relay and acknowledgements coming back) and bus_inbound.c
 *  (messages coming in: inbox, handler, dead letters, acknowledgements out).
 *  Not part of the public contract; only bus_*.c include it.
 */
#ifndef KEFU_BUS_PRIVATE_H
#define KEFU_BUS_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "bus.h"
#include "conf/config.h"
#include "db/db.h"
#include "keyring.h"
#include "ops/ops_metrics.h"

#define BUS_MAX_PEERS 32        /* live instances of one destination we connect to */
#define BUS_MAX_HANDLERS 32     /* message types one service consumes */
#define BUS_INPUT_BATCH 64      /* messages (or acks) per socket per bus_handle_input */
#define BUS_MAX_MESSAGE (1024 * 1024) /* inbound ROUTER refuses bigger frames */
#define BUS_ENDPOINT_MAX 256
#define BUS_ACK_MAX 4096        /* acknowledgements buffered until the next relay pass */
#define BUS_GATHER_MS 8         /* messages read wait at most this long for more to
                                   join their batch (unless it is full) */
#define BUS_REDISCOVER_MS 100   /* peers of a destination that had none are looked up
                                 * again this soon (not after discovery_ms) */
#define BUS_RIDE_MS 5           /* a wanted relay pass waits this long for a transaction
                                   to ride in before it runs on its own */

typedef struct {
    char endpoint[BUS_ENDPOINT_MAX];
    char key[KEYRING_Z85_LEN + 1]; /* its published public key, one installed for the service */
    bool connected;             /* false: zmq_connect refused it (logged once) */
    bool seen;                  /* mark for the discovery sweep */
} bus_peer_t;

typedef struct {
    char service[32];           /* destination service (from cfg_service_names) */
    void *dealer;               /* connected to every live instance */
    bus_peer_t peers[BUS_MAX_PEERS];
    int n_peers;
    char stmt_peers[48];        /* prepared statement reading <service>.endpoints */
} bus_dest_t;

/*  An acknowledgement read from a destination's DEALER, waiting to be
 *  recorded in the next relay transaction. */
typedef struct {
    char id[37];                /* validated UUID */
    unsigned char dest;         /* index into dests */
    bool dead;
} bus_ack_t;

typedef struct bus_queue_s bus_queue_t;   /* bus_inbound.c */

typedef struct {
    char type[64];
    bus_handler_fn fn;
    void *ctx;
} bus_handler_t;

/*  A relay claim: the buffered acknowledgements recorded and the due rows
 *  claimed inside a transaction, the rows sent after its COMMIT. Used by a
 *  relay pass of its own (bus_relay_run) and, piggybacked, by the inbound
 *  batch transaction (bus_inbound.c), which saves a transaction and its WAL
 *  flush. The claim must run before the transaction writes outbox rows of
 *  its own, so that a row is never claimed by the transaction that made it
 *  (a process that dies after COMMIT leaves its new rows with attempts 0,
 *  due at once after the restart). */
typedef struct {
    char batch[16], rmax[16], rinit[16], maxatt[16], acktime[16];
    const char *claim[5];       /* bus_claim parameters (point into this) */
    char *ids, *dests, *dead;   /* acknowledgements as array literals, or NULL */
    const char *ack[3];         /* bus_ack parameters, ack[0] NULL = none */
    int n_acks;
    bus_ack_t *taken;           /* copy of the n_acks taken over, or NULL */
    bool failed;                /* a statement of the claim itself failed */
    char reason[256];           /* why, when failed */
    PGresult *claimed;
    long acked;
} bus_claim_t;

struct bus_s {
    const cfg_t *cfg;
    char service[32];
    char instance[64];
    db_t *db;
    const schema_set_t *schemas;
    void *zctx;
    const keyring_t *keys;      /* this instance's key pair, the installed keys */

    void *router;                           /* inbound */
    char endpoint[BUS_ENDPOINT_MAX];        /* bound */
    char advertise[BUS_ENDPOINT_MAX];       /* written to <service>.endpoints */
    bool registered;                        /* our endpoints row exists */
    double started_at;                      /* epoch seconds, for the endpoints row */

    bus_dest_t dests[CFG_SERVICE_COUNT];
    int n_dests;

    bus_handler_t handlers[BUS_MAX_HANDLERS];
    int n_handlers;
    bus_batch_fn batch_end;     /* bus_on_batch_end */
    void *batch_end_ctx;
    bus_batch_begin_fn batch_begin; /* bus_on_batch_begin */
    void *batch_begin_ctx;
    bool batching;              /* handlers of a batch without savepoints run */

    bool kicked;                /* a relay pass is wanted (rows emitted, acks read) */
    int64_t kicked_ms;          /* monotonic: since when */
    int64_t next_relay_ms;      /* monotonic */
    int64_t next_discovery_ms;  /* monotonic: heartbeat, discovery, expiry */
    int64_t rediscover_ms;      /* monotonic: bus_rediscover wants it then, 0 = not */
    int64_t rediscovered_ms;    /* monotonic: the last such look-up */
    bool emitted;               /* bus_emit wrote rows in the current transaction */

    cJSON *deferred;            /* emits collected for bus_defer_flush, or NULL */
    bus_queue_t *queue;         /* messages read, not yet applied (bus_inbound.c) */
    bus_claim_t ride;           /* the claim riding in a caller's transaction */
    bool riding;
    bus_ack_t *acks;            /* BUS_ACK_MAX slots */
    int n_acks;                 /* waiting for the next relay pass */

    long fault_exit_after;      /* KEFU_FAULT_EXIT_AFTER_COMMIT, 0 = off */
    long emitting_commits;      /* commits that emitted, counted by bus_kick */

    bus_stats_t stats;
};


/*  bus_relay.c: fills c and takes over the buffered acknowledgements (the
 *  buffer is empty afterwards). c must not be copied. */
void bus_claim_begin (bus_t *self, bus_claim_t *c);
/*  bus_relay.c: inside the caller's transaction on db: records the
 *  acknowledgements, claims the due rows. Safe to run again after a
 *  serialization failure. Returns 0 or -1 (database; the caller rolls back). */
int bus_claim_in_tx (bus_claim_t *c, db_t *db);
/*  bus_relay.c: after the transaction: when committed, counts the
 *  acknowledgements and sends the claimed rows. When not committed, the
 *  acknowledgements go back into the buffer for the next pass, unless
 *  recording them was what failed (then they are dropped, logged with the
 *  database's reason, and cost the senders a redelivery). Frees c's
 *  contents either way. Returns the number of rows claimed, or -1 when not
 *  committed. */
int bus_claim_end (bus_t *self, bus_claim_t *c, bool committed);
/*  bus_relay.c: relay bookkeeping after a claim (own pass or piggybacked):
 *  schedules the next pass, at once when the claim was a full batch. */
void bus_relay_note (bus_t *self, int claimed);
/*  bus_relay.c: a relay pass is wanted: it rides in the next transaction that
 *  claims (bus_inbound.c, bus_relay_ride) or runs on its own after
 *  BUS_RIDE_MS. */
void bus_relay_want (bus_t *self);
/*  bus_peers.c: a row found no live peer of its destination: peers of the
 *  destinations that have none are looked up again soon (BUS_REDISCOVER_MS,
 *  not discovery_ms), so that services started together find each other. */
void bus_rediscover (bus_t *self);
/*  bus_relay.c: whether a relay pass is wanted or due now (a transaction about to
 *  begin should let it ride). */
bool bus_relay_wanted (const bus_t *self);

/*  bus_peers.c: writes this instance's row in <service>.endpoints (its
 *  advertised endpoint, host, pid); a failure is logged and tried again at
 *  the next heartbeat. */
void bus_peers_heartbeat (bus_t *self);
/*  bus_peers.c: reads dest's live instances (heartbeat fresh within three
 *  discovery periods, at least 5 s) and connects to new ones, drops gone ones. */
void bus_peers_discover (bus_t *self, bus_dest_t *dest);

/*  bus_relay.c: one relay pass: ONE transaction records the buffered
 *  acknowledgements and claims the due rows (the claim alone, autocommitted,
 *  when there are none); after COMMIT the rows are sent. Returns the number
 *  of rows claimed, or -1 when the database failed. */
int bus_relay_run (bus_t *self);
/*  bus_relay.c: marks rows that used up max_attempts as dead. */
int bus_relay_expire (bus_t *self);
/*  bus_relay.c: reads acknowledgements waiting on dest's DEALER into the
 *  buffer (recorded by the next bus_relay_run, which it schedules). */
void bus_relay_acks (bus_t *self, bus_dest_t *dest);
/*  bus_relay.c: records the buffered acknowledgements now (autocommit). */
void bus_relay_flush_acks (bus_t *self);
/*  bus_relay.c: SQL of the relay statements, prepared by bus_new. */
int bus_relay_prepare (bus_t *self);

/*  bus_inbound.c: reads what waits on the ROUTER into the queue (at most
 *  BUS_INPUT_BATCH messages), decoded and validated. */
void bus_inbound_read (bus_t *self);
/*  bus_inbound.c: milliseconds until the queue is to be applied: 0 now (a
 *  full batch, or its first message waited BUS_GATHER_MS), -1 empty. */
int bus_inbound_due (const bus_t *self, int64_t now);
/*  bus_inbound.c: applies the queue in one transaction (with the relay's
 *  claim riding in it when claim), acknowledges, empties the queue. */
void bus_inbound_apply (bus_t *self, bool claim);
/*  bus_inbound.c: drops the queue (not acknowledged: resent). */
void bus_inbound_free (bus_t *self);
/*  bus_inbound.c: SQL of the inbound statements, prepared by bus_new. */
int bus_inbound_prepare (bus_t *self);

/*  Longest reason a dead letter records (bytes). */
#define BUS_REASON_MAX 1000

/*  bus_dead.c: answers the message `id` to the peer `identity` with its
 *  final status ("ok", "duplicate", "dead"); a peer gone is logged only
 *  (it resends, and is answered "duplicate" then). */
void bus_ack_send (bus_t *self, const char *identity, size_t identity_size, const char *id,
                   const char *status);
/*  bus_dead.c: records a dead letter (and the inbox row when the id is
 *  known) in one transaction, then acknowledges "dead" ("duplicate" when
 *  the inbox had the id). A database failure answers nothing: the sender
 *  retries and it is decided again. */
void bus_dead_letter (bus_t *self, const char *identity, size_t identity_size, const char *id,
                      const char *type, const char *source, const char *reason, const char *data,
                      size_t len);

/*  bus_dead.c: a copy of len bytes that PostgreSQL accepts as text:
 *  valid UTF-8 is copied as is, every invalid byte (or NUL) becomes the four
 *  characters \xNN. Caller frees; NULL only when out of memory. */
char *bus_text_safe (const char *data, size_t len);

#endif
