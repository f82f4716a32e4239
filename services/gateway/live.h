/*  live — what changed, as the gateway learns it from PostgreSQL: one
 *  listener thread per gateway instance, on its own connection (role
 *  kefu_gateway), LISTENs on channel kefu_changes, whose payload is a
 *  topic (schemas/sql/0043_changes_feed.sql). Each notification bumps its
 *  topic's generation and wakes every waiting stream (changes.h); a stream
 *  remembers the generations it has told its client about and sends an
 *  event for each topic whose generation moved. A lost database connection
 *  is made again with back-off, and then every topic counts as changed
 *  (what happened meanwhile is unknown). The listener starts with the
 *  first stream and stops with the gateway.
 */
#ifndef KEFU_GATEWAY_LIVE_H
#define KEFU_GATEWAY_LIVE_H

#include <stdbool.h>
#include <stdint.h>

/*  The topics, in the order of gw_live_topic_name. GW_TOPIC_ACCESS (a
 *  session revoked, a staff member made inactive) is the gateway's own:
 *  streams re-check their caller on it and never send it. */
typedef enum {
    GW_TOPIC_TICKET = 0,
    GW_TOPIC_CLOCK,
    GW_TOPIC_ESCALATION,
    GW_TOPIC_WORKORDER,
    GW_TOPIC_INSPECTION,
    GW_TOPIC_CALLBACK,
    GW_TOPIC_SETTLEMENT,
    GW_TOPIC_CLAIM,
    GW_TOPIC_ACCESS,
    GW_TOPIC_COUNT
} gw_topic_t;

/*  The generation of every topic (GW_TOPIC_COUNT of them). */
typedef struct {
    uint64_t gen[GW_TOPIC_COUNT];
} gw_live_gens_t;

typedef struct gw_live_s gw_live_t;

/*  A topic's name ("ticket"), or NULL out of range. */
const char *gw_live_topic_name (int topic);
/*  A payload's topic, or -1 for one that is none of them. */
int gw_live_topic_of (const char *payload);

/*  Makes the hub; conninfo copied. The listener is not started yet. */
gw_live_t *gw_live_new (const char *conninfo, int stream_limit);
/*  Halts (gw_live_halt), stops the listener, frees. Safe on NULL. */
void gw_live_destroy (gw_live_t **self_p);

/*  Takes one of the stream_limit places, starting the listener if it is
 *  not running yet, and gives the generations now. Returns 0, or -1 when
 *  every place is taken, the gateway is halting, or the listener cannot be
 *  started. */
int gw_live_join (gw_live_t *self, gw_live_gens_t *now);
/*  Gives the place back. */
void gw_live_leave (gw_live_t *self);

/*  Waits until a generation differs from *seen, the gateway halts, or the
 *  monotonic time until_ms. Returns true when halting; *now holds the
 *  generations at return. */
bool gw_live_wait (gw_live_t *self, const gw_live_gens_t *seen, int64_t until_ms, gw_live_gens_t *now);

/*  Ends every stream's wait for good (the gateway is stopping). */
void gw_live_halt (gw_live_t *self);

/*  Marks a topic changed, as a notification does (for the listener and
 *  the unit tests). */
void gw_live_bump (gw_live_t *self, int topic);

#endif
