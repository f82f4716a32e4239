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

#include "bus.h"
#include "config.h"

#define BUS_MAX_PEERS 32        /* live instances of one destination we connect to */
#define BUS_MAX_HANDLERS 32     /* message types one service consumes */
#define BUS_INPUT_BATCH 64      /* messages (or acks) per socket per bus_handle_input */
#define BUS_MAX_MESSAGE (1024 * 1024) /* inbound ROUTER refuses bigger frames */
#define BUS_ENDPOINT_MAX 256
#define BUS_ACK_MAX 4096        /* acknowledgements buffered until the next relay pass */

typedef struct {
    char endpoint[BUS_ENDPOINT_MAX];
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

typedef struct {
    char type[64];
    bus_handler_fn fn;
    void *ctx;
} bus_handler_t;

struct bus_s {
    const cfg_t *cfg;
    char service[32];
    char instance[64];
    db_t *db;
    const schema_set_t *schemas;
    void *zctx;

    void *router;                           /* inbound */
    char endpoint[BUS_ENDPOINT_MAX];        /* bound */
    char advertise[BUS_ENDPOINT_MAX];       /* written to <service>.endpoints */
    bool registered;                        /* our endpoints row exists */
    double started_at;                      /* epoch seconds, for the endpoints row */

    bus_dest_t dests[CFG_SERVICE_COUNT];
    int n_dests;

    bus_handler_t handlers[BUS_MAX_HANDLERS];
    int n_handlers;

    bool kicked;                /* run the relay at the next tick */
    int64_t next_relay_ms;      /* monotonic */
    int64_t next_discovery_ms;  /* monotonic: heartbeat, discovery, expiry */
    bool emitted;               /* bus_emit wrote rows in the current transaction */

    bus_ack_t *acks;            /* BUS_ACK_MAX slots */
    int n_acks;                 /* waiting for the next relay pass */

    long fault_exit_after;      /* KEFU_FAULT_EXIT_AFTER_COMMIT, 0 = off */
    long emitting_commits;      /* commits that emitted, counted by bus_kick */

    bus_stats_t stats;
};

/*  bus_relay.c: one relay pass: ONE transaction records the buffered
 *  acknowledgements and claims the due rows; after COMMIT the rows are sent.
 *  Returns the number of rows claimed, or -1 when the database failed. */
int bus_relay_run (bus_t *self);
/*  bus_relay.c: marks rows that used up max_attempts as dead. */
int bus_relay_expire (bus_t *self);
/*  bus_relay.c: reads acknowledgements waiting on dest's DEALER into the
 *  buffer (recorded by the next bus_relay_run, which it schedules). */
void bus_relay_acks (bus_t *self, bus_dest_t *dest);
/*  bus_relay.c: SQL of the relay statements, prepared by bus_new. */
int bus_relay_prepare (bus_t *self);

/*  bus_inbound.c: reads up to BUS_INPUT_BATCH messages from the ROUTER. */
void bus_inbound_drain (bus_t *self);
/*  bus_inbound.c: SQL of the inbound statements, prepared by bus_new. */
int bus_inbound_prepare (bus_t *self);

/*  bus_inbound.c: a copy of len bytes that PostgreSQL accepts as text:
 *  valid UTF-8 is copied as is, every invalid byte (or NUL) becomes the four
 *  characters \xNN. Caller frees; NULL only when out of memory. */
char *bus_text_safe (const char *data, size_t len);

#endif
