/*  ops — see ops.h. The two listeners share one access handler; what each
 *  answers depends on its kind. */
#include "ops.h"

#include <libpq-fe.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "db_metrics.h"
#include "ops_addr.h"
#include "ops_metrics.h"

#define S_CONNECTIONS 16 /* both listeners: scrapers and probes only */
#define S_PER_IP 8
#define S_TIMEOUT_S 5
#define S_MEMORY 16384 /* bytes per connection: a request line and a few headers */
#define S_PING_CACHE_MS 1000 /* /readyz asks PostgreSQL at most this often */

typedef enum { S_METRICS, S_HEALTH } s_kind_t;

typedef struct {
    ops_t *ops;
    s_kind_t kind;
    struct MHD_Daemon *daemon;
    char address[OPS_ADDR_MAX + 8];
} s_listener_t;

struct ops_s {
    char service[32], instance[64];
    char const_labels[256]; /* service="…",instance="…" */
    char *ping_conninfo; /* conninfo with connect_timeout */
    bool watch_loop, export_db;
    PGconn *db_conn; /* the metrics thread's own, for the whole-database figures */
    bool db_failed; /* the last export failed (logged once until it works) */
    _Atomic int64_t beat_ms; /* monotonic: the loop's last pass */
    _Atomic bool ready;
    /* /readyz's last look at PostgreSQL (the health thread only) */
    int64_t pinged_ms;
    bool ping_ok;
    s_listener_t metrics, health;
};

/*  --------------------------------------------------------------- answers */

static enum MHD_Result s_send (struct MHD_Connection *c, unsigned status, const char *type, char *body,
                               size_t len, bool must_free)
{
    struct MHD_Response *r = MHD_create_response_from_buffer (
        len, body, must_free ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if (!r) {
        if (must_free)
            free (body);
        return MHD_NO;
    }
    MHD_add_response_header (r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header (r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header (r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    enum MHD_Result rc = MHD_queue_response (c, status, r);
    MHD_destroy_response (r);
    return rc;
}

static enum MHD_Result s_text (struct MHD_Connection *c, unsigned status, const char *text)
{
    return s_send (c, status, "text/plain; charset=utf-8", (char *) (uintptr_t) text, strlen (text), false);
}

/*  Whether PostgreSQL answers now (looked at once a second at most). */
static bool s_db_reachable (ops_t *self)
{
    int64_t now = clock_mono_ms ();
    if (self->pinged_ms && now - self->pinged_ms < S_PING_CACHE_MS)
        return self->ping_ok;
    self->ping_ok = self->ping_conninfo && PQping (self->ping_conninfo) == PQPING_OK;
    self->pinged_ms = clock_mono_ms ();
    return self->ping_ok;
}

static bool s_loop_running (ops_t *self, int within_s)
{
    if (!self->watch_loop)
        return true;
    int64_t beat = atomic_load (&self->beat_ms);
    return beat > 0 && clock_mono_ms () - beat <= (int64_t) within_s * 1000;
}

static enum MHD_Result s_health (ops_t *self, struct MHD_Connection *c, const char *url)
{
    if (strcmp (url, "/healthz") == 0) {
        if (!s_loop_running (self, OPS_STALL_S))
            return s_text (c, MHD_HTTP_SERVICE_UNAVAILABLE, "the service loop is not running\n");
        return s_text (c, MHD_HTTP_OK, "ok\n");
    }
    if (strcmp (url, "/readyz") == 0) {
        if (!atomic_load (&self->ready))
            return s_text (c, MHD_HTTP_SERVICE_UNAVAILABLE, "not serving: starting or stopping\n");
        if (!s_loop_running (self, OPS_STALL_S))
            return s_text (c, MHD_HTTP_SERVICE_UNAVAILABLE, "the service loop is not running\n");
        if (!s_db_reachable (self))
            return s_text (c, MHD_HTTP_SERVICE_UNAVAILABLE, "the database is unreachable\n");
        return s_text (c, MHD_HTTP_OK, "ready\n");
    }
    return s_text (c, MHD_HTTP_NOT_FOUND, "not found: /healthz and /readyz are served here\n");
}

/*  The whole-database figures when this instance exports them (its own
 *  connection holds the exporter lock, taken here when free), else NULL.
 *  Runs in the metrics thread only: the connection is never shared. */
static char *s_db_text (ops_t *self)
{
    if (!self->export_db || !self->ping_conninfo)
        return NULL;
    if (self->db_conn && PQstatus (self->db_conn) != CONNECTION_OK) {
        PQfinish (self->db_conn); /* the lock went with it: take it again if free */
        self->db_conn = NULL;
    }
    if (!self->db_conn) {
        self->db_conn = PQconnectdb (self->ping_conninfo);
        if (PQstatus (self->db_conn) != CONNECTION_OK) {
            PQfinish (self->db_conn);
            self->db_conn = NULL;
            return NULL; /* /readyz says so; the scrape goes on without them */
        }
    }
    if (!ops_db_metrics_exporter (self->db_conn))
        return NULL;
    char err[256] = "";
    char *text = ops_db_metrics_text (self->db_conn, clock_now_us (), err, sizeof err);
    if (!text && !self->db_failed)
        log_kv (LOG_WARN, "db_metrics_failed", "reason", err, NULL);
    self->db_failed = !text;
    return text;
}

static enum MHD_Result s_metrics (ops_t *self, struct MHD_Connection *c, const char *url)
{
    if (strcmp (url, "/metrics") != 0)
        return s_text (c, MHD_HTTP_NOT_FOUND, "not found: /metrics is served here\n");
    size_t len = 0;
    char *text = met_render (ops_metrics_registry (), self->const_labels, &len);
    if (!text)
        return s_text (c, MHD_HTTP_SERVICE_UNAVAILABLE, "out of memory\n");
    char *db = s_db_text (self);
    if (db) {
        size_t n = strlen (db);
        char *both = realloc (text, len + n + 1);
        if (both) {
            memcpy (both + len, db, n + 1);
            text = both;
            len += n;
        }
        free (db);
    }
    return s_send (c, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8", text, len, true);
}

static enum MHD_Result s_access (void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                 const char *version, const char *upload_data, size_t *upload_data_size,
                                 void **req_cls)
{
    (void) version, (void) upload_data, (void) upload_data_size, (void) req_cls;
    s_listener_t *l = cls;
    /* answered at once, from the headers: a body is never read (the
     * connection is closed after the answer when one was sent) */
    if (strcmp (method, "GET") != 0 && strcmp (method, "HEAD") != 0)
        return s_text (c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD\n");
    return l->kind == S_METRICS ? s_metrics (l->ops, c, url) : s_health (l->ops, c, url);
}

/*  ------------------------------------------------------------- listening */

static int s_listen (ops_t *self, s_listener_t *l, s_kind_t kind, const char *address, char *err,
                     size_t errsize)
{
    l->ops = self;
    l->kind = kind;
    const char *what = kind == S_METRICS ? "metrics" : "health";
    if (!address || ops_addr_off (address))
        return 0;
    char host[OPS_ADDR_MAX], port_text[8], perr[200];
    int port;
    if (ops_addr_parse (address, host, sizeof host, &port, perr, sizeof perr) != 0) {
        snprintf (err, errsize, "%s: %s", what, perr);
        return -1;
    }
    snprintf (port_text, sizeof port_text, "%d", port);
    struct addrinfo hints = {.ai_flags = AI_PASSIVE | AI_NUMERICSERV, .ai_socktype = SOCK_STREAM}, *ai = NULL;
    int gai = getaddrinfo (host, port_text, &hints, &ai);
    if (gai != 0 || !ai) {
        snprintf (err, errsize, "%s: \"%s\": %s", what, host, gai_strerror (gai));
        return -1;
    }
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ERROR_LOG
                     | (ai->ai_family == AF_INET6 ? MHD_USE_IPv6 : 0);
    /* the listener's thread must leave the stop and reload signals to the
     * service's own (they interrupt its poll) */
    sigset_t block, saved;
    sigemptyset (&block);
    sigaddset (&block, SIGTERM);
    sigaddset (&block, SIGINT);
    sigaddset (&block, SIGHUP);
    sigaddset (&block, SIGPIPE);
    pthread_sigmask (SIG_BLOCK, &block, &saved);
    l->daemon = MHD_start_daemon (flags, 0, NULL, NULL, s_access, l, MHD_OPTION_SOCK_ADDR, ai->ai_addr,
                                  MHD_OPTION_CONNECTION_LIMIT, (unsigned) S_CONNECTIONS,
                                  MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned) S_PER_IP,
                                  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned) S_TIMEOUT_S,
                                  MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t) S_MEMORY, MHD_OPTION_END);
    pthread_sigmask (SIG_SETMASK, &saved, NULL);
    freeaddrinfo (ai);
    if (!l->daemon) {
        snprintf (err, errsize, "%s: cannot listen at %s (in use, or not an address of this host)", what,
                  address);
        return -1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info (l->daemon, MHD_DAEMON_INFO_BIND_PORT);
    int bound = info ? (int) info->port : port;
    if (strchr (host, ':'))
        snprintf (l->address, sizeof l->address, "[%s]:%d", host, bound);
    else
        snprintf (l->address, sizeof l->address, "%s:%d", host, bound);
    /* not "address": the log masks every key holding that word (contact data) */
    log_kv (LOG_INFO, "ops_listening", "what", what, "listen", l->address, NULL);
    return 0;
}

ops_t *ops_start (const ops_opts_t *opts, char *err, size_t errsize)
{
    if (!opts || !opts->service || !opts->instance) {
        snprintf (err, errsize, "no service named");
        return NULL;
    }
    ops_t *self = calloc (1, sizeof *self);
    if (!self) {
        snprintf (err, errsize, "out of memory");
        return NULL;
    }
    snprintf (self->service, sizeof self->service, "%s", opts->service);
    snprintf (self->instance, sizeof self->instance, "%s", opts->instance);
    /* both are names of letters, digits, '-', '_', '.': nothing to escape */
    snprintf (self->const_labels, sizeof self->const_labels, "service=\"%s\",instance=\"%s\"", self->service,
              self->instance);
    self->watch_loop = opts->watch_loop;
    self->export_db = opts->export_db;
    if (opts->conninfo) {
        size_t n = strlen (opts->conninfo) + 40;
        if ((self->ping_conninfo = malloc (n)))
            snprintf (self->ping_conninfo, n, "%s connect_timeout=%d", opts->conninfo, OPS_DB_TIMEOUT_S);
    }
    (void) ops_metrics_registry (); /* every family exists before the first scrape */
    if (s_listen (self, &self->health, S_HEALTH, opts->health, err, errsize) != 0
        || s_listen (self, &self->metrics, S_METRICS, opts->metrics, err, errsize) != 0) {
        ops_stop (&self);
        return NULL;
    }
    return self;
}

void ops_stop (ops_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    ops_t *self = *self_p;
    if (self->metrics.daemon)
        MHD_stop_daemon (self->metrics.daemon);
    if (self->health.daemon)
        MHD_stop_daemon (self->health.daemon);
    if (self->db_conn)
        PQfinish (self->db_conn);
    free (self->ping_conninfo);
    free (self);
    *self_p = NULL;
}

void ops_beat (ops_t *self)
{
    if (self)
        atomic_store_explicit (&self->beat_ms, clock_mono_ms (), memory_order_relaxed);
}

void ops_set_ready (ops_t *self, bool ready)
{
    if (self)
        atomic_store (&self->ready, ready);
}

const char *ops_metrics_address (const ops_t *self)
{
    return self ? self->metrics.address : "";
}

const char *ops_health_address (const ops_t *self)
{
    return self ? self->health.address : "";
}
