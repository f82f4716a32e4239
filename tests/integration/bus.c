/*  it-bus — integration test of the durable bus (common/msg/bus.h) against a
 *  real PostgreSQL and real ZeroMQ sockets, in one process: one bus acts as
 *  service "intake" and sends ticket.created to a bus acting as "dispatch".
 *
 *  Needs KEFU_TEST_CONNINFO: libpq conninfo (without user) of a migrated
 *  database where kefu_owner, kefu_intake and kefu_dispatch can log in.
 *  Run from the repository root (reads schemas/, or $KEFU_SCHEMAS_DIR).
 *  Prints "ok - …" / "not ok - …" per test and ends with "N passed, N failed".
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <zmq.h>

#include "msg/bus.h"
#include "base/clock.h"
#include "conf/config.h"
#include "db/db.h"
#include "msg/envelope.h"
#include "base/json.h"
#include "base/log.h"
#include "msg/schema.h"
#include "msg/keyring.h"
#include "msg/transport.h"
#include "msg/zap.h"
#include "base/uuid.h"

static int s_passed, s_failed;
static char s_why[512];

#define CHECK(expr)                                                                    \
    do {                                                                               \
        if (!(expr)) {                                                                 \
            snprintf (s_why, sizeof s_why, "%s:%d: %s", __FILE__, __LINE__, #expr);    \
            return false;                                                              \
        }                                                                              \
    } while (0)

/*  ------------------------------------------------------------------------
 *  Fixture: configuration, database handles, the receiving handler
 */

typedef struct {
    const char *conninfo;
    schema_set_t *schemas;
    db_t *owner;
    void *zctx;
    char keys_dir[64];      /* a key pair per service, made at start */
    keyring_t *keys;        /* intake's: the raw sockets speak as intake */
    zap_t *zap;             /* the context's authentication handler */
} s_env_t;

static s_env_t S;

typedef struct {
    int calls;
    bus_result_t answer;
    char reason[128];
    char last_correlation[65];
} s_sink_t;

static bus_result_t s_on_ticket (void *ctx, db_t *db, const env_t *msg, char *reason,
                                 size_t reason_size)
{
    (void) db;
    s_sink_t *sink = ctx;
    sink->calls++;
    snprintf (sink->last_correlation, sizeof sink->last_correlation, "%s", msg->correlation_id);
    if (sink->answer == BUS_REJECT)
        snprintf (reason, reason_size, "%s", sink->reason);
    return sink->answer;
}

static int s_discovery_ms = 50; /* messaging.discovery_ms of the nodes a test starts */

static cfg_t *s_config (int max_attempts)
{
    char text[2048], err[512];
    snprintf (text, sizeof text,
              "database:\n"
              "  conninfo: '%s'\n"
              "  reconnect_max_ms: 500\n"
              "messaging:\n"
              "  ack_timeout_ms: 300\n"
              "  retry_initial_ms: 50\n"
              "  retry_max_ms: 400\n"
              "  max_attempts: %d\n"
              "  poll_ms: 20\n"
              "  discovery_ms: %d\n"
              "  relay_batch: 50\n"
              "  keys_dir: '%s'\n",
              S.conninfo, max_attempts, s_discovery_ms, S.keys_dir);
    cfg_t *cfg = cfg_load_string ("it-bus.yaml", text, err, sizeof err);
    if (!cfg)
        fprintf (stderr, "it-bus: config: %s\n", err);
    return cfg;
}

static db_t *s_db (const cfg_t *cfg, const char *role, const char *app)
{
    char *ci = cfg_conninfo_for (cfg, role, app);
    db_t *db = ci ? db_new (ci) : NULL;
    free (ci);
    return db;
}

/*  A bus with its own database handle (statements are per handle). Nodes
 *  live in a pool so that a test that fails half-way is still cleaned up
 *  (an open socket would make zmq_ctx_term wait for ever). */
typedef struct {
    bool live;
    cfg_t *cfg;
    db_t *db;
    keyring_t *keys;
    bus_t *bus;
} s_node_t;

#define S_POOL 4
static s_node_t s_pool[S_POOL];
static void *s_raw; /* a test's raw socket, closed after each test */

static void s_node_stop (s_node_t *node)
{
    if (!node)
        return;
    bus_destroy (&node->bus);
    keyring_destroy (&node->keys);
    db_destroy (&node->db);
    cfg_destroy (&node->cfg);
    node->live = false;
}

static s_node_t *s_node_start (const char *service, const char *instance, int max_attempts)
{
    s_node_t *node = NULL;
    for (int i = 0; i < S_POOL && !node; i++)
        if (!s_pool[i].live)
            node = &s_pool[i];
    if (!node)
        return NULL;
    memset (node, 0, sizeof *node);
    node->live = true;
    char role[64];
    snprintf (role, sizeof role, "kefu_%s", service);
    node->cfg = s_config (max_attempts);
    if (node->cfg)
        node->db = s_db (node->cfg, role, instance);
    char err[512] = "";
    if (node->db)
        node->keys = keyring_load (S.keys_dir, service, err, sizeof err);
    if (node->keys)
        node->bus = bus_new (node->cfg, service, instance, node->db, S.schemas, S.zctx,
                             node->keys);
    if (err[0])
        fprintf (stderr, "it-bus: keys: %s\n", err);
    if (!node->bus || db_ensure (node->db) != 0 || bus_bind (node->bus) != 0) {
        fprintf (stderr, "it-bus: cannot start %s: %s\n", instance,
                 node->db ? db_error (node->db) : "configuration");
        s_node_stop (node);
        return NULL;
    }
    return node;
}

/*  A raw DEALER that speaks with keys (a service's) to node's ROUTER. */
static void *s_raw_as (const s_node_t *node, const keyring_t *keys)
{
    void *raw = s_raw = tr_socket (S.zctx, ZMQ_DEALER, 100, 2000);
    if (!raw || tr_curve_client (raw, keyring_public (keys), keyring_secret (keys)) != 0
        || tr_curve_server_key (raw, keyring_public (node->keys)) != 0
        || zmq_connect (raw, bus_endpoint (node->bus)) != 0)
        return NULL;
    return raw;
}

/*  The same as intake. */
static void *s_raw_to (const s_node_t *node)
{
    return s_raw_as (node, S.keys);
}

static void s_cleanup_test (void)
{
    for (int i = 0; i < S_POOL; i++)
        if (s_pool[i].live)
            s_node_stop (&s_pool[i]);
    if (s_raw)
        zmq_close (s_raw);
    s_raw = NULL;
}

/*  One long from an owner query (first column of the first row), -1 on error. */
static long s_long (const char *sql, const char *param)
{
    const char *params[1] = { param };
    PGresult *res = db_exec (S.owner, sql, param ? 1 : 0, param ? params : NULL);
    if (!res) {
        fprintf (stderr, "it-bus: query failed: %s\n", db_error (S.owner));
        return -1;
    }
    long v = PQntuples (res) > 0 && !PQgetisnull (res, 0, 0)
                 ? strtol (PQgetvalue (res, 0, 0), NULL, 10) : -1;
    PQclear (res);
    return v;
}

static char *s_text (const char *sql, const char *param)
{
    const char *params[1] = { param };
    PGresult *res = db_exec (S.owner, sql, param ? 1 : 0, param ? params : NULL);
    if (!res)
        return NULL;
    char *v = PQntuples (res) > 0 && !PQgetisnull (res, 0, 0) ? strdup (PQgetvalue (res, 0, 0))
                                                               : NULL;
    PQclear (res);
    return v;
}

static void s_clean (void)
{
    db_command (S.owner, "TRUNCATE intake.outbox, intake.inbox, intake.dead_letters,"
                         " intake.endpoints, dispatch.outbox, dispatch.inbox,"
                         " dispatch.dead_letters, dispatch.endpoints");
}

/*  Runs the buses' loop until cond holds or timeout_ms passes. */
typedef bool (*s_cond_fn) (const void *arg);

static bool s_pump (s_node_t **nodes, int n, int timeout_ms, s_cond_fn cond, const void *arg)
{
    int64_t deadline = clock_mono_ms () + timeout_ms;
    while (true) {
        zmq_pollitem_t items[32];
        int counts[4] = { 0 };
        int k = 0, wait = 20;
        for (int i = 0; i < n; i++) {
            int w = bus_tick (nodes[i]->bus);
            if (w < wait)
                wait = w;
            counts[i] = bus_poll_items (nodes[i]->bus, items + k, 32 - k);
            k += counts[i];
        }
        if (zmq_poll (items, k, wait) > 0)
            for (int i = 0; i < n; i++)
                bus_handle_input (nodes[i]->bus);
        if (cond && cond (arg))
            return true;
        if (clock_mono_ms () >= deadline)
            return cond == NULL;
    }
}

static cJSON *s_ticket_body (long ticket_id)
{
    char text[1024];
    snprintf (text, sizeof text,
              "{\"ticket_id\":%ld,\"status\":\"open\",\"branch\":\"SH01\","
              "\"customer_id\":\"C1001\",\"region\":\"EAST\",\"tier\":\"T1\","
              "\"kind\":\"repair\",\"channel\":\"hotline\",\"priority\":\"normal\","
              "\"product\":null,\"description\":\"空调不制冷，请上门维修\","
              "\"created_at\":\"2026-11-22T06:48:42.123456Z\"}",
              ticket_id);
    return cJSON_Parse (text);
}

typedef struct {
    bus_t *bus;
    env_t *msg;
} s_emit_t;

static int s_emit_fn (db_t *db, void *arg)
{
    s_emit_t *e = arg;
    return bus_emit (e->bus, db, &e->msg);
}

/*  Emits a ticket.created from node in its own committed transaction;
 *  copies the message id out. body NULL = a valid ticket body. */
static bool s_emit (s_node_t *node, long ticket_id, cJSON *body, char id[KUUID_STR_LEN])
{
    if (!body)
        body = s_ticket_body (ticket_id);
    CHECK (body);
    char corr[24];
    snprintf (corr, sizeof corr, "%ld", ticket_id);
    env_t *msg = env_new ("ticket.created", "SH01", corr, &body);
    CHECK (msg);
    memcpy (id, msg->id, KUUID_STR_LEN);
    s_emit_t e = { node->bus, msg };
    bool failed = false;
    db_status_t st = db_tx (node->db, s_emit_fn, &e, &failed);
    env_destroy (&e.msg);
    CHECK (st == DB_OK);
    bus_kick (node->bus);
    return true;
}

static bool s_acked (const void *id)
{
    return s_long ("SELECT count(*) FROM intake.outbox WHERE message_id = $1::uuid"
                   " AND acked_at IS NOT NULL",
                   id) == 1;
}

static bool s_dead (const void *id)
{
    return s_long ("SELECT count(*) FROM intake.outbox WHERE message_id = $1::uuid"
                   " AND dead_at IS NOT NULL",
                   id) == 1;
}

/*  ------------------------------------------------------------------------
 *  Tests
 */

static bool t_delivered_and_acked (void)
{
    s_node_t *a, *b;
    s_sink_t sink = { .answer = BUS_OK };
    CHECK ((a = s_node_start ("intake", "it-intake-1", 100)));
    CHECK ((b = s_node_start ("dispatch", "it-dispatch-1", 100)));
    CHECK (bus_on (b->bus, "ticket.created", s_on_ticket, &sink) == 0);
    CHECK (bus_on (b->bus, "ticket.created", s_on_ticket, &sink) == -1);
    s_node_t *nodes[] = { a, b };
    /* Discovery: both heartbeat, intake finds dispatch. */
    s_pump (nodes, 2, 200, NULL, NULL);
    CHECK (s_long ("SELECT count(*) FROM dispatch.endpoints WHERE instance = $1", "it-dispatch-1")
           == 1);

    char id[KUUID_STR_LEN];
    CHECK (s_emit (a, 42, NULL, id));
    CHECK (s_long ("SELECT count(*) FROM intake.outbox WHERE message_id = $1::uuid"
                   " AND destination = 'dispatch' AND type = 'ticket.created'",
                   id) == 1);
    CHECK (s_pump (nodes, 2, 5000, s_acked, id));
    CHECK (sink.calls == 1);
    CHECK (strcmp (sink.last_correlation, "42") == 0);
    CHECK (s_long ("SELECT count(*) FROM dispatch.inbox WHERE message_id = $1::uuid"
                   " AND type = 'ticket.created' AND source = 'intake'",
                   id) == 1);
    /* The payload in the outbox is the envelope, Chinese text byte for byte. */
    char *payload = s_text ("SELECT payload FROM intake.outbox WHERE message_id = $1::uuid", id);
    CHECK (payload && strstr (payload, "空调不制冷，请上门维修"));
    free (payload);
    bus_stats_t sa, sb;
    bus_stats (a->bus, &sa);
    bus_stats (b->bus, &sb);
    CHECK (sa.sent == 1 && sa.acked == 1 && sa.retried == 0);
    CHECK (sb.received == 1 && sb.applied == 1 && sb.duplicates == 0);

    /* Clean stop removes the endpoint row. */
    s_node_stop (b);
    CHECK (s_long ("SELECT count(*) FROM dispatch.endpoints WHERE instance = $1", "it-dispatch-1")
           == 0);
    s_node_stop (a);
    return true;
}

static bool t_redelivery_is_ignored (void)
{
    s_node_t *a, *b;
    s_sink_t sink = { .answer = BUS_OK };
    CHECK ((a = s_node_start ("intake", "it-intake-2", 100)));
    CHECK ((b = s_node_start ("dispatch", "it-dispatch-2", 100)));
    CHECK (bus_on (b->bus, "ticket.created", s_on_ticket, &sink) == 0);
    s_node_t *nodes[] = { a, b };
    s_pump (nodes, 2, 200, NULL, NULL);
    char id[KUUID_STR_LEN];
    CHECK (s_emit (a, 43, NULL, id));
    CHECK (s_pump (nodes, 2, 5000, s_acked, id));
    CHECK (sink.calls == 1);
    /* The same payload goes out again, as after a lost acknowledgement. */
    for (int round = 0; round < 3; round++) {
        CHECK (s_long ("WITH u AS (UPDATE intake.outbox SET acked_at = NULL,"
                       " next_attempt_at = now() WHERE message_id = $1::uuid RETURNING 1)"
                       " SELECT count(*) FROM u",
                       id) == 1);
        bus_kick (a->bus);
        CHECK (s_pump (nodes, 2, 5000, s_acked, id));
    }
    CHECK (sink.calls == 1);
    CHECK (s_long ("SELECT count(*) FROM dispatch.inbox WHERE message_id = $1::uuid", id) == 1);
    bus_stats_t sb;
    bus_stats (b->bus, &sb);
    CHECK (sb.applied == 1 && sb.duplicates == 3);
    s_node_stop (b);
    s_node_stop (a);
    return true;
}

static bool t_absent_receiver_gets_it_later (void)
{
    s_node_t *a, *b;
    s_sink_t sink = { .answer = BUS_OK };
    CHECK ((a = s_node_start ("intake", "it-intake-3", 100)));
    s_node_t *only_a[] = { a };
    char id[KUUID_STR_LEN];
    CHECK (s_emit (a, 44, NULL, id));
    /* Nobody to send to for ~1 s: attempts are made, spaced by back-off
     * (50, 100, 200, 400, 400 ms …), never acknowledged. */
    s_pump (only_a, 1, 1000, NULL, NULL);
    long attempts = s_long ("SELECT attempts FROM intake.outbox WHERE message_id = $1::uuid", id);
    CHECK (attempts >= 2);
    CHECK (attempts <= 7); /* poll_ms is 20: without back-off it would be ~50 */
    CHECK (!s_acked (id));
    CHECK (s_long ("SELECT count(*) FROM intake.outbox WHERE message_id = $1::uuid"
                   " AND next_attempt_at > now()",
                   id) == 1);

    /* The receiver comes up: discovered, delivered, acknowledged, once. */
    CHECK ((b = s_node_start ("dispatch", "it-dispatch-3", 100)));
    CHECK (bus_on (b->bus, "ticket.created", s_on_ticket, &sink) == 0);
    s_node_t *nodes[] = { a, b };
    CHECK (s_pump (nodes, 2, 5000, s_acked, id));
    CHECK (sink.calls == 1);
    bus_stats_t sa;
    bus_stats (a->bus, &sa);
    CHECK (sa.acked == 1);
    s_node_stop (b);
    s_node_stop (a);
    return true;
}

static bool s_dead_letter_count (const void *id)
{
    return s_long ("SELECT count(*) FROM dispatch.dead_letters WHERE message_id = $1::uuid", id)
           == 1;
}

/*  The garbage below is recorded: a dead letter without an id, its invalid
 *  UTF-8 stored escaped. */
static bool s_garbage_stored (const void *unused)
{
    (void) unused;
    return s_long ("SELECT count(*) FROM dispatch.dead_letters WHERE message_id IS NULL"
                   " AND strpos (payload, '\\xFF\\xFE') > 0",
                   NULL)
           == 1;
}

static bool t_invalid_body_is_dead_lettered (void)
{
    s_node_t *a, *b;
    s_sink_t sink = { .answer = BUS_OK };
    CHECK ((a = s_node_start ("intake", "it-intake-4", 100)));
    CHECK ((b = s_node_start ("dispatch", "it-dispatch-4", 100)));
    CHECK (bus_on (b->bus, "ticket.created", s_on_ticket, &sink) == 0);
    s_node_t *nodes[] = { a, b };
    s_pump (nodes, 2, 200, NULL, NULL);

    /* A body the schema refuses (kind is not one of the enum). */
    cJSON *body = s_ticket_body (45);
    CHECK (body);
    cJSON_ReplaceItemInObject (body, "kind", cJSON_CreateString ("fix"));
    char id[KUUID_STR_LEN];
    CHECK (s_emit (a, 45, body, id));
    CHECK (s_pump (nodes, 2, 5000, s_acked, id));
    CHECK (sink.calls == 0);
    char *reason = s_text ("SELECT reason FROM dispatch.dead_letters WHERE message_id = $1::uuid",
                           id);
    CHECK (reason && strstr (reason, "kind"));
    free (reason);
    char *err = s_text ("SELECT last_error FROM intake.outbox WHERE message_id = $1::uuid", id);
    CHECK (err && strcmp (err, "dead-lettered by the receiver") == 0);
    free (err);
    CHECK (s_long ("SELECT count(*) FROM dispatch.inbox WHERE message_id = $1::uuid", id) == 1);

    /* A handler's rejection: dead letter with its reason, nothing applied. */
    sink.answer = BUS_REJECT;
    snprintf (sink.reason, sizeof sink.reason, "body.branch: unknown branch \"SH01\"");
    char id2[KUUID_STR_LEN];
    CHECK (s_emit (a, 46, NULL, id2));
    CHECK (s_pump (nodes, 2, 5000, s_acked, id2));
    CHECK (sink.calls == 1);
    reason = s_text ("SELECT reason FROM dispatch.dead_letters WHERE message_id = $1::uuid", id2);
    CHECK (reason && strcmp (reason, "body.branch: unknown branch \"SH01\"") == 0);
    free (reason);

    /* Raw input straight to the ROUTER: an unknown type with a readable
     * id gets a "dead" acknowledgement; garbage without an id is recorded
     * but cannot be acknowledged; invalid UTF-8 is stored escaped. */
    void *raw = s_raw_to (b);
    CHECK (raw);
    char id3[KUUID_STR_LEN];
    CHECK (kuuid_new (id3) == 0);
    char unknown[512];
    snprintf (unknown, sizeof unknown,
              "{\"id\":\"%s\",\"type\":\"ticket.exploded\",\"version\":1,"
              "\"ts\":\"2026-11-22T06:48:42.123456Z\","
              "\"source\":{\"service\":\"intake\",\"instance\":\"x\"},\"branch\":null,"
              "\"correlation_id\":null,\"body\":{}}",
              id3);
    const void *frames[1] = { unknown };
    size_t sizes[1] = { strlen (unknown) };
    /* The raw DEALER may need a moment to connect (ZMQ_IMMEDIATE). */
    int64_t until = clock_mono_ms () + 30000;
    while (tr_send (raw, frames, sizes, 1, 0) != 0 && clock_mono_ms () < until)
        s_pump (nodes, 2, 10, NULL, NULL);
    CHECK (s_pump (nodes, 2, 5000, s_dead_letter_count, id3));
    char *ack_frames[2] = { NULL, NULL };
    size_t ack_sizes[2];
    int got = -1;
    until = clock_mono_ms () + 30000;
    while (got < 0 && clock_mono_ms () < until) {
        got = tr_recv (raw, ack_frames, ack_sizes, 2, ZMQ_DONTWAIT);
        if (got < 0)
            s_pump (nodes, 2, 10, NULL, NULL);
    }
    CHECK (got == 1);
    char expect[128];
    snprintf (expect, sizeof expect, "{\"ack\":\"%s\",\"status\":\"dead\"}", id3);
    bool ack_ok = strcmp (ack_frames[0], expect) == 0;
    tr_frames_free (ack_frames, got);
    CHECK (ack_ok);
    reason = s_text ("SELECT reason FROM dispatch.dead_letters WHERE message_id = $1::uuid", id3);
    CHECK (reason && strstr (reason, "ticket.exploded"));
    free (reason);

    const char garbage[] = "{\"id\": 12, \"type\": \"ticket.created\" \xff\xfe";
    frames[0] = garbage;
    sizes[0] = sizeof garbage - 1;
    CHECK (tr_send (raw, frames, sizes, 1, 0) == 0);
    CHECK (s_pump (nodes, 2, 30000, s_garbage_stored, NULL));
    char *stored =
        s_text ("SELECT payload FROM dispatch.dead_letters WHERE message_id IS NULL", NULL);
    CHECK (stored && strstr (stored, "\\xFF\\xFE"));
    free (stored);
    CHECK (tr_recv (raw, ack_frames, ack_sizes, 2, ZMQ_DONTWAIT) == -1); /* no ack possible */
    zmq_close (raw);
    s_raw = NULL;

    bus_stats_t sb;
    bus_stats (b->bus, &sb);
    CHECK (sb.dead_lettered == 4 && sb.applied == 0);
    s_node_stop (b);
    s_node_stop (a);
    return true;
}

static bool t_max_attempts_then_dead (void)
{
    s_node_t *a, *b;
    s_sink_t sink = { .answer = BUS_RETRY };
    CHECK ((a = s_node_start ("intake", "it-intake-5", 3)));
    CHECK ((b = s_node_start ("dispatch", "it-dispatch-5", 100)));
    CHECK (bus_on (b->bus, "ticket.created", s_on_ticket, &sink) == 0);
    s_node_t *nodes[] = { a, b };
    s_pump (nodes, 2, 200, NULL, NULL);
    char id[KUUID_STR_LEN];
    int64_t t0 = clock_mono_ms ();
    CHECK (s_emit (a, 47, NULL, id));
    CHECK (s_pump (nodes, 2, 8000, s_dead, id));
    /* Each delivery is given ack_timeout_ms (300) before the next one and
     * before the verdict: three of them take at least 900 ms. */
    CHECK (clock_mono_ms () - t0 >= 850);
    CHECK (sink.calls == 3); /* delivered three times, never acknowledged */
    char *err = s_text ("SELECT last_error FROM intake.outbox WHERE message_id = $1::uuid", id);
    CHECK (err && strcmp (err, "no acknowledgement after 3 attempts") == 0);
    free (err);
    CHECK (!s_acked (id));
    CHECK (s_long ("SELECT count(*) FROM dispatch.inbox WHERE message_id = $1::uuid", id) == 0);
    /* Dead rows are not sent again. */
    s_pump (nodes, 2, 500, NULL, NULL);
    CHECK (sink.calls == 3);
    s_node_stop (b);
    s_node_stop (a);
    return true;
}

/*  Group commit (docs/messaging.md): the handler of the burst test writes a
 *  row of its own, so that a message undone by its savepoint can be seen to
 *  leave nothing behind. */
typedef struct {
    int calls_666, calls_777;
} s_burst_t;

static bus_result_t s_on_burst (void *ctx, db_t *db, const env_t *msg, char *reason,
                                size_t reason_size)
{
    s_burst_t *sink = ctx;
    char instance[96];
    snprintf (instance, sizeof instance, "it-applied-%s", msg->correlation_id);
    const char *params[1] = { instance };
    /* an old heartbeat: discovery never takes it for a live peer */
    PGresult *res = db_exec (db, "INSERT INTO dispatch.endpoints (instance, endpoint, heartbeat_at)"
                                 " VALUES ($1, 'inproc://it-applied', '2000-01-01')",
                             1, params);
    if (!res)
        return BUS_RETRY;
    PQclear (res);
    if (strcmp (msg->correlation_id, "666") == 0) {
        sink->calls_666++;
        snprintf (reason, reason_size, "body.branch: refused by the test");
        return BUS_REJECT;
    }
    if (strcmp (msg->correlation_id, "777") == 0) {
        sink->calls_777++;
        return BUS_RETRY;
    }
    return BUS_OK;
}

/*  An envelope as the relay would send it. */
static char *s_payload (long ticket_id, char id[KUUID_STR_LEN])
{
    cJSON *body = s_ticket_body (ticket_id);
    char corr[24];
    snprintf (corr, sizeof corr, "%ld", ticket_id);
    env_t *msg = body ? env_new ("ticket.created", "SH01", corr, &body) : NULL;
    cJSON_Delete (body);
    if (!msg)
        return NULL;
    memcpy (id, msg->id, KUUID_STR_LEN);
    char *text = env_encode (msg);
    env_destroy (&msg);
    return text;
}

static bool t_burst_is_one_transaction (void)
{
    s_node_t *b;
    s_burst_t sink = { 0 };
    CHECK ((b = s_node_start ("dispatch", "it-dispatch-6", 100)));
    CHECK (bus_on (b->bus, "ticket.created", s_on_burst, &sink) == 0);
    s_node_t *nodes[] = { b };
    void *raw = s_raw_to (b);
    CHECK (raw);

    /* The burst, all sent before the receiver looks: five to apply, one its
     * handler rejects, one it asks to retry, the first one again (a
     * duplicate inside the batch) and one the schema refuses. */
    enum { S_N = 9 };
    long tickets[S_N] = { 1, 2, 3, 4, 5, 666, 777, 1, 0 };
    char ids[S_N][KUUID_STR_LEN];
    char *payloads[S_N] = { NULL };
    for (int i = 0; i < S_N; i++) {
        if (i == 7) { /* the very same message as the first */
            memcpy (ids[i], ids[0], KUUID_STR_LEN);
            payloads[i] = strdup (payloads[0]);
        } else if (i == 8) {
            cJSON *bad = s_ticket_body (8);
            cJSON_ReplaceItemInObject (bad, "kind", cJSON_CreateString ("fix"));
            env_t *msg = env_new ("ticket.created", "SH01", "8", &bad);
            cJSON_Delete (bad);
            if (msg) {
                memcpy (ids[i], msg->id, KUUID_STR_LEN);
                payloads[i] = env_encode (msg);
                env_destroy (&msg);
            }
        } else
            payloads[i] = s_payload (tickets[i], ids[i]);
    }
    bool made = true;
    for (int i = 0; i < S_N; i++)
        made = made && payloads[i];
    bool sent = made;
    for (int i = 0; i < S_N && sent; i++) {
        const void *frames[1] = { payloads[i] };
        size_t sizes[1] = { strlen (payloads[i]) };
        /* the raw DEALER may need a moment to connect (ZMQ_IMMEDIATE) */
        int64_t until = clock_mono_ms () + 30000;
        while (tr_send (raw, frames, sizes, 1, 0) != 0 && clock_mono_ms () < until)
            zmq_poll (NULL, 0, 10);
        sent = clock_mono_ms () < until;
    }
    for (int i = 0; i < S_N; i++)
        free (payloads[i]);
    CHECK (made && sent);
    /* Then the receiver looks once. Nothing outside it can see its queue:
     * the frames, on loopback, get ample time to be there. */
    zmq_poll (NULL, 0, 300);
    bus_handle_input (b->bus);

    /* Acknowledgements: eight of nine (not the one to retry), after one
     * COMMIT. */
    int ok = 0, dead = 0, duplicate = 0, got = 0;
    int64_t until = clock_mono_ms () + 30000;
    while (got < 8 && clock_mono_ms () < until) {
        char *frames[2] = { NULL, NULL };
        size_t sizes[2];
        int n = tr_recv (raw, frames, sizes, 2, ZMQ_DONTWAIT);
        if (n < 0) {
            s_pump (nodes, 1, 10, NULL, NULL);
            continue;
        }
        got++;
        if (n == 1 && strstr (frames[0], "\"status\":\"ok\""))
            ok++;
        else if (n == 1 && strstr (frames[0], "\"status\":\"dead\""))
            dead++;
        else if (n == 1 && strstr (frames[0], "\"status\":\"duplicate\""))
            duplicate++;
        tr_frames_free (frames, n);
    }
    CHECK (ok == 5 && dead == 2 && duplicate == 1);
    /* Applied once each (a handler may run again when the transaction it
     * ran in was undone, but each delivery is answered by its handler once);
     * the rejected one left only its dead letter, the retried one nothing at
     * all. */
    CHECK (sink.calls_666 == 1 && sink.calls_777 == 1);
    CHECK (s_long ("SELECT count(*) FROM dispatch.endpoints WHERE instance LIKE 'it-applied-%'",
                   NULL) == 5);
    CHECK (s_long ("SELECT count(*) FROM dispatch.endpoints WHERE instance IN"
                   " ('it-applied-666', 'it-applied-777')", NULL) == 0);
    CHECK (s_long ("SELECT count(*) FROM dispatch.inbox", NULL) == 7);
    CHECK (s_long ("SELECT count(*) FROM dispatch.inbox WHERE message_id = $1::uuid", ids[6])
           == 0);
    CHECK (s_long ("SELECT count(*) FROM dispatch.dead_letters", NULL) == 2);
    char *reason = s_text ("SELECT reason FROM dispatch.dead_letters WHERE message_id = $1::uuid",
                           ids[5]);
    CHECK (reason && strcmp (reason, "body.branch: refused by the test") == 0);
    free (reason);
    reason = s_text ("SELECT reason FROM dispatch.dead_letters WHERE message_id = $1::uuid",
                     ids[8]);
    CHECK (reason && strstr (reason, "kind"));
    free (reason);
    /* ONE transaction: every inbox row and dead letter has the same time
     * (now() is the start of the transaction). */
    CHECK (s_long ("SELECT count(DISTINCT received_at) FROM dispatch.inbox", NULL) == 1);
    CHECK (s_long ("SELECT count(*) FROM dispatch.dead_letters d JOIN dispatch.inbox i"
                   " ON i.message_id = d.message_id AND i.received_at = d.created_at", NULL)
           == 2);
    bus_stats_t sb;
    bus_stats (b->bus, &sb);
    CHECK (sb.received == 9 && sb.applied == 5 && sb.duplicates == 1 && sb.dead_lettered == 2);

    zmq_close (raw);
    s_raw = NULL;
    s_node_stop (b);
    return true;
}

/*  Handlers that keep their writes for the batch's end (bus_on_batch_end):
 *  in a batch without savepoints they only note the message; the batch-end
 *  function writes every noted row at once, or refuses (a "666" among
 *  them), and then the batch runs again with a savepoint each and
 *  bus_batching() false, so that each handler writes — or rejects — alone. */
typedef struct {
    bus_t *bus;
    char kept[16][72];
    int n_kept, batch_ends, alone;
} s_bulk_t;

static int s_bulk_row (db_t *db, const char *correlation)
{
    char instance[96];
    snprintf (instance, sizeof instance, "it-bulk-%s", correlation);
    const char *params[1] = { instance };
    PGresult *res = db_exec (db, "INSERT INTO dispatch.endpoints (instance, endpoint, heartbeat_at)"
                                 " VALUES ($1, 'inproc://it-bulk', '2000-01-01')",
                             1, params);
    if (!res)
        return -1;
    PQclear (res);
    return 0;
}

static bus_result_t s_on_bulk (void *ctx, db_t *db, const env_t *msg, char *reason,
                               size_t reason_size)
{
    s_bulk_t *bulk = ctx;
    if (bus_batching (bulk->bus) && bulk->n_kept < 16) {
        snprintf (bulk->kept[bulk->n_kept++], sizeof bulk->kept[0], "%s", msg->correlation_id);
        return BUS_OK;
    }
    bulk->alone++;
    if (strcmp (msg->correlation_id, "666") == 0) {
        snprintf (reason, reason_size, "body.branch: refused alone");
        return BUS_REJECT;
    }
    return s_bulk_row (db, msg->correlation_id) == 0 ? BUS_OK : BUS_RETRY;
}

static int s_bulk_end (void *ctx, db_t *db)
{
    s_bulk_t *bulk = ctx;
    int n = bulk->n_kept;
    bulk->n_kept = 0;
    bulk->batch_ends++;
    for (int i = 0; i < n; i++)
        if (strcmp (bulk->kept[i], "666") == 0 || s_bulk_row (db, bulk->kept[i]) != 0)
            return -1;
    return 0;
}

/*  Sends the envelopes of these tickets on raw, lets b read them once and
 *  counts the acknowledgements. */
static bool s_bulk_burst (s_node_t *b, void *raw, const long *tickets, int n, int *ok, int *dead)
{
    s_node_t *nodes[] = { b };
    for (int i = 0; i < n; i++) {
        char id[KUUID_STR_LEN];
        char *payload = s_payload (tickets[i], id);
        if (!payload)
            return false;
        const void *frames[1] = { payload };
        size_t sizes[1] = { strlen (payload) };
        int64_t until = clock_mono_ms () + 30000;
        while (tr_send (raw, frames, sizes, 1, 0) != 0 && clock_mono_ms () < until)
            zmq_poll (NULL, 0, 10);
        free (payload);
    }
    zmq_poll (NULL, 0, 300);
    bus_handle_input (b->bus);
    *ok = *dead = 0;
    int64_t until = clock_mono_ms () + 30000;
    for (int got = 0; got < n && clock_mono_ms () < until;) {
        char *frames[2] = { NULL, NULL };
        size_t sizes[2];
        int k = tr_recv (raw, frames, sizes, 2, ZMQ_DONTWAIT);
        if (k < 0) {
            s_pump (nodes, 1, 10, NULL, NULL);
            continue;
        }
        got++;
        *ok += k == 1 && strstr (frames[0], "\"status\":\"ok\"") != NULL;
        *dead += k == 1 && strstr (frames[0], "\"status\":\"dead\"") != NULL;
        tr_frames_free (frames, k);
    }
    return true;
}

static bool t_batch_end_writes_what_handlers_kept (void)
{
    s_node_t *b;
    s_bulk_t bulk = { 0 };
    CHECK ((b = s_node_start ("dispatch", "it-dispatch-7", 100)));
    bulk.bus = b->bus;
    CHECK (bus_on (b->bus, "ticket.created", s_on_bulk, &bulk) == 0);
    bus_on_batch_end (b->bus, s_bulk_end, &bulk);
    void *raw = s_raw_to (b);
    CHECK (raw);
    int ok = 0, dead = 0;

    /* Kept, then written by the batch's end: no handler wrote alone. */
    const long good[] = { 11, 12, 13 };
    CHECK (s_bulk_burst (b, raw, good, 3, &ok, &dead));
    CHECK (ok == 3 && dead == 0 && bulk.batch_ends == 1 && bulk.alone == 0);
    CHECK (s_long ("SELECT count(*) FROM dispatch.endpoints WHERE instance LIKE 'it-bulk-%'", NULL)
           == 3);

    /* The batch's end refuses: again with savepoints, each handler alone;
     * only the culprit is a dead letter. */
    const long mixed[] = { 21, 666, 22 };
    CHECK (s_bulk_burst (b, raw, mixed, 3, &ok, &dead));
    CHECK (ok == 2 && dead == 1 && bulk.batch_ends == 2 && bulk.alone == 3);
    CHECK (s_long ("SELECT count(*) FROM dispatch.endpoints WHERE instance LIKE 'it-bulk-%'", NULL)
           == 5);
    char *reason = s_text ("SELECT reason FROM dispatch.dead_letters", NULL);
    CHECK (reason && strcmp (reason, "body.branch: refused alone") == 0);
    free (reason);

    bus_on_batch_end (b->bus, NULL, NULL);
    zmq_close (raw);
    s_raw = NULL;
    s_node_stop (b);
    return true;
}

/*  Services started together: the sender looked for receivers before the
 *  receiver's endpoint existed. A row that finds no live peer makes it look
 *  again within BUS_REDISCOVER_MS, not after discovery_ms (here a minute,
 *  far beyond the test's patience). */
static bool t_a_receiver_started_later_is_found_before_discovery_ms (void)
{
    s_node_t *a, *b;
    s_sink_t sink = { .answer = BUS_OK };
    s_discovery_ms = 60000;
    a = s_node_start ("intake", "it-intake-8", 100);
    s_discovery_ms = 50;
    CHECK (a);
    s_node_t *only_a[] = { a };
    s_pump (only_a, 1, 200, NULL, NULL); /* its first discovery: nobody yet */
    char id[KUUID_STR_LEN];
    CHECK (s_emit (a, 45, NULL, id));
    s_pump (only_a, 1, 200, NULL, NULL);
    CHECK (!s_acked (id));
    CHECK ((b = s_node_start ("dispatch", "it-dispatch-8", 100)));
    CHECK (bus_on (b->bus, "ticket.created", s_on_ticket, &sink) == 0);
    s_node_t *nodes[] = { a, b };
    CHECK (s_pump (nodes, 2, 10000, s_acked, id));
    CHECK (sink.calls == 1);
    s_node_stop (b);
    s_node_stop (a);
    return true;
}

/*  dispatch's key, an envelope naming intake: a dead letter with the
 *  reason, the handler never called. */
static bool t_source_must_match_the_key (void)
{
    s_node_t *b;
    s_sink_t sink = { .answer = BUS_OK };
    CHECK ((b = s_node_start ("dispatch", "it-dispatch-9", 100)));
    CHECK (bus_on (b->bus, "ticket.created", s_on_ticket, &sink) == 0);
    s_node_t *nodes[] = { b };
    char err[256];
    keyring_t *dk = keyring_load (S.keys_dir, "dispatch", err, sizeof err);
    CHECK (dk);
    void *raw = s_raw_as (b, dk);
    keyring_destroy (&dk);
    CHECK (raw);
    char id[KUUID_STR_LEN];
    char *payload = s_payload (61, id);
    CHECK (payload);
    const void *frames[1] = { payload };
    size_t sizes[1] = { strlen (payload) };
    int64_t until = clock_mono_ms () + 30000;
    while (tr_send (raw, frames, sizes, 1, 0) != 0 && clock_mono_ms () < until)
        s_pump (nodes, 1, 10, NULL, NULL);
    free (payload);
    CHECK (s_pump (nodes, 1, 30000, s_dead_letter_count, id));
    char *reason = s_text ("SELECT reason FROM dispatch.dead_letters WHERE message_id = $1::uuid", id);
    bool named = reason && strstr (reason, "source.service: \"intake\" does not match the key "
                                           "that sent it, which is installed for \"dispatch\"");
    if (!named)
        fprintf (stderr, "it-bus: reason: %s\n", reason ? reason : "(none)");
    free (reason);
    CHECK (named);
    CHECK (sink.calls == 0);
    return true;
}

static bool t_bad_configuration_is_refused (void)
{
    cfg_t *cfg = s_config (100);
    CHECK (cfg);
    db_t *db = s_db (cfg, "kefu_intake", "it-bad");
    CHECK (db);
    CHECK (bus_new (cfg, "helpdesk", "x", db, S.schemas, S.zctx, S.keys) == NULL);
    CHECK (bus_new (cfg, "intake; DROP TABLE x", "x", db, S.schemas, S.zctx, S.keys) == NULL);
    db_destroy (&db);
    cfg_destroy (&cfg);
    return true;
}

typedef struct {
    const char *name;
    bool (*fn) (void);
} s_test_t;

int main (void)
{
    static const s_test_t tests[] = {
        { "bus delivers a message and records its acknowledgement", t_delivered_and_acked },
        { "a redelivered message is acknowledged but applied once", t_redelivery_is_ignored },
        { "an absent receiver gets the message with back-off once it binds",
          t_absent_receiver_gets_it_later },
        { "invalid, rejected and unreadable messages become dead letters",
          t_invalid_body_is_dead_lettered },
        { "a message never acknowledged is dead after max_attempts", t_max_attempts_then_dead },
        { "a burst is applied in one transaction: rejected, retried, duplicate, invalid",
          t_burst_is_one_transaction },
        { "what handlers keep is written at the batch's end, or each alone when it refuses",
          t_batch_end_writes_what_handlers_kept },
        { "a receiver started after the sender looked is found before discovery_ms",
          t_a_receiver_started_later_is_found_before_discovery_ms },
        { "a message whose source is not its key's service is a dead letter",
          t_source_must_match_the_key },
        { "bus_new refuses service names outside the fixed list", t_bad_configuration_is_refused },
    };
    S.conninfo = getenv ("KEFU_TEST_CONNINFO");
    if (!S.conninfo || !*S.conninfo || strchr (S.conninfo, '\'')) {
        printf ("not ok - KEFU_TEST_CONNINFO must name a migrated database (no quotes)\n");
        printf ("0 passed, 1 failed\n");
        return 1;
    }
    log_init ("intake", "it-bus", getenv ("KEFU_TEST_VERBOSE") ? LOG_DEBUG : LOG_ERROR);
    env_set_origin ("intake", "it-bus");
    const char *dir = getenv ("KEFU_SCHEMAS_DIR");
    char err[512];
    S.schemas = schema_set_load (dir && *dir ? dir : "schemas", err, sizeof err);
    char *owner_ci = NULL;
    if (S.schemas) {
        size_t n = strlen (S.conninfo) + 32;
        owner_ci = malloc (n);
        if (owner_ci)
            snprintf (owner_ci, n, "%s user=kefu_owner", S.conninfo);
    }
    S.owner = owner_ci ? db_new (owner_ci) : NULL;
    free (owner_ci);
    S.zctx = zmq_ctx_new ();
    /* the X's are mkdtemp's template for a fresh name */
    snprintf (S.keys_dir, sizeof S.keys_dir, "/tmp/it-bus-keys-XXXXXX");
    bool keys = mkdtemp (S.keys_dir) && keyring_generate (S.keys_dir, "intake", err, sizeof err) == 0
                && keyring_generate (S.keys_dir, "dispatch", err, sizeof err) == 0
                && (S.keys = keyring_load (S.keys_dir, "intake", err, sizeof err))
                && S.zctx && (S.zap = zap_new (S.zctx, S.keys));
    if (!keys) {
        printf ("not ok - set-up: keys: %s\n", err);
        printf ("0 passed, 1 failed\n");
        return 1;
    }
    if (!S.schemas || !S.owner || db_ensure (S.owner) != 0 || !S.zctx) {
        printf ("not ok - set-up: %s\n",
                !S.schemas ? err : S.owner ? db_error (S.owner) : "memory");
        printf ("0 passed, 1 failed\n");
        schema_set_destroy (&S.schemas);
        db_destroy (&S.owner);
        if (S.zctx)
            zmq_ctx_term (S.zctx);
        return 1;
    }
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        s_clean ();
        s_why[0] = '\0';
        if (tests[i].fn ()) {
            printf ("ok - %s\n", tests[i].name);
            s_passed++;
        } else {
            printf ("not ok - %s: %s\n", tests[i].name, s_why);
            s_failed++;
        }
        s_cleanup_test ();
        fflush (stdout);
    }
    s_clean ();
    db_destroy (&S.owner);
    schema_set_destroy (&S.schemas);
    zap_destroy (&S.zap);
    zmq_ctx_term (S.zctx);
    keyring_destroy (&S.keys);
    const char *names[] = { "intake.key", "intake.pub", "dispatch.key", "dispatch.pub" };
    for (int i = 0; i < 4; i++) {
        char path[128];
        snprintf (path, sizeof path, "%s/%s", S.keys_dir, names[i]);
        unlink (path);
    }
    rmdir (S.keys_dir);
    printf ("%d passed, %d failed\n", s_passed, s_failed);
    return s_failed == 0 ? 0 : 1;
}
