/*  server — libmicrohttpd, thread per connection (server.h). */
#include "server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "base/clock.h"
#include "base/log.h"
#include "ops/ops_metrics.h"
#include "build.h"
#include "textfile.h"

/*  A connection thread needs little: the handler's frames, cJSON's
 *  recursion (bounded by its nesting limit), libzmq's calls. The sanitizers'
 *  frames are several times larger. */
#if defined(__SANITIZE_ADDRESS__)
#define S_STACK (2u << 20)
#else
#define S_STACK (256u << 10)
#endif
#define S_WATCH_MS 200
/*  The most a stream hands out at once (every topic's event fits). */
#define S_STREAM_BLOCK 2048
#define S_STREAM_SNDBUF 8192

/*  Where a connection is in its exchange: the watchdog cuts one that
 *  takes longer than connection_timeout_s to send its request or to take
 *  its response, never one whose answer the gateway is still making. */
typedef enum {
    S_RECEIVING = 0, /* the request is coming in */
    S_ANSWERING, /* the whole request is in: being answered, not cut */
    S_SENDING, /* the response is going out */
} s_phase_t;

/*  One connection (libmicrohttpd's socket context). */
typedef struct s_conn_s {
    struct s_conn_s *prev, *next;
    int fd;
    int64_t since_ms; /* when its phase began */
    s_phase_t phase;
    bool cut;
    bool nul_escaped; /* the request's path or query had %00 (see s_unescape) */
    gw_forward_t *fwd;
} s_conn_t;

/*  One request (libmicrohttpd's request context): its body so far. */
typedef struct {
    char *body;
    size_t len, cap;
    bool too_large;
    bool no_memory; /* the body could not be kept: 503, not 413 */
} s_req_t;

struct gw_server_s {
    gw_t *gw;
    struct MHD_Daemon *daemon;
    char *cert, *key;
    size_t body_limit;
    int64_t timeout_ms;
    bool tls;
    pthread_mutex_t lock; /* the connection list, the watchdog's stop */
    pthread_cond_t wake;
    s_conn_t *conns;
    bool stopping;
    atomic_bool halt; /* set first on stop: waits for services end (forward.h) */
    pthread_t watchdog;
    bool watching;
};

static void s_logger (void *cls, const char *fmt, va_list ap)
{
    (void) cls;
    char text[300];
    vsnprintf (text, sizeof text, fmt, ap);
    text[strcspn (text, "\n")] = '\0';
    log_kv (LOG_WARN, "http_server", "msg", text, NULL);
}

static void s_notify (void *cls, struct MHD_Connection *c, void **socket_context,
                      enum MHD_ConnectionNotificationCode code)
{
    gw_server_t *self = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        s_conn_t *conn = calloc (1, sizeof *conn);
        const union MHD_ConnectionInfo *info = MHD_get_connection_info (c, MHD_CONNECTION_INFO_CONNECTION_FD);
        if (!conn || !(conn->fwd = gw_forward_new (gw_zctx (self->gw), &self->halt))) {
            free (conn);
            *socket_context = NULL;
            return;
        }
        conn->fd = info ? info->connect_fd : -1;
        conn->since_ms = clock_mono_ms ();
        pthread_mutex_lock (&self->lock);
        conn->next = self->conns;
        if (self->conns)
            self->conns->prev = conn;
        self->conns = conn;
        pthread_mutex_unlock (&self->lock);
        *socket_context = conn;
        return;
    }
    s_conn_t *conn = *socket_context;
    if (!conn)
        return;
    pthread_mutex_lock (&self->lock); /* before libmicrohttpd closes the socket */
    if (conn->prev)
        conn->prev->next = conn->next;
    else
        self->conns = conn->next;
    if (conn->next)
        conn->next->prev = conn->prev;
    pthread_mutex_unlock (&self->lock);
    gw_forward_destroy (&conn->fwd);
    free (conn);
    *socket_context = NULL;
}

/*  Cuts every connection whose request or response has taken longer than
 *  the limit: shutdown() ends its thread's wait; libmicrohttpd closes it. */
static void *s_watch (void *arg)
{
    gw_server_t *self = arg;
    pthread_mutex_lock (&self->lock);
    while (!self->stopping) {
        int64_t now = clock_mono_ms ();
        for (s_conn_t *c = self->conns; c; c = c->next)
            if (c->phase != S_ANSWERING && !c->cut && c->fd >= 0 && now - c->since_ms > self->timeout_ms) {
                c->cut = true;
                shutdown (c->fd, SHUT_RDWR);
                log_kv (LOG_INFO, "connection_cut", "reason",
                        c->phase == S_SENDING ? "the response was not taken within connection_timeout_s"
                                              : "the request did not arrive within connection_timeout_s",
                        NULL);
            }
        struct timespec until;
        clock_gettime (CLOCK_REALTIME, &until);
        until.tv_nsec += S_WATCH_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L)
            until.tv_sec++, until.tv_nsec -= 1000000000L;
        pthread_cond_timedwait (&self->wake, &self->lock, &until);
    }
    pthread_mutex_unlock (&self->lock);
    return NULL;
}

static void s_conn_phase (gw_server_t *self, s_conn_t *conn, s_phase_t phase)
{
    pthread_mutex_lock (&self->lock);
    conn->phase = phase;
    conn->since_ms = clock_mono_ms ();
    pthread_mutex_unlock (&self->lock);
}

static void s_set_phase (gw_server_t *self, struct MHD_Connection *c, s_phase_t phase)
{
    const union MHD_ConnectionInfo *info = MHD_get_connection_info (c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    s_conn_t *conn = info ? info->socket_context : NULL;
    if (conn)
        s_conn_phase (self, conn, phase);
}

/*  libmicrohttpd's own decoding, noting a %00: the path and the query
 *  reach the handler as C strings, so "core.js%00.png" would be read as
 *  "core.js" and answered as something it does not say. */
static size_t s_unescape (void *cls, struct MHD_Connection *c, char *text)
{
    (void) cls;
    size_t n = MHD_http_unescape (text);
    if (strlen (text) != n) {
        const union MHD_ConnectionInfo *info =
            MHD_get_connection_info (c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
        if (info && info->socket_context)
            ((s_conn_t *) info->socket_context)->nul_escaped = true;
    }
    return n;
}

static void s_completed (void *cls, struct MHD_Connection *c, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void) toe;
    s_req_t *r = *req_cls;
    if (r) {
        free (r->body);
        free (r);
        *req_cls = NULL;
    }
    const union MHD_ConnectionInfo *info = MHD_get_connection_info (c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    if (info && info->socket_context)
        ((s_conn_t *) info->socket_context)->nul_escaped = false;
    s_set_phase (cls, c, S_RECEIVING); /* the next request's time starts now */
}

static enum MHD_Result s_query_arg (void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void) kind;
    gw_request_t *req = cls;
    if (req->n_query < GW_MAX_QUERY)
        req->query[req->n_query] = (gw_pair_t){key, value};
    req->n_query++;
    return MHD_YES;
}

/*  A stream's body (exchange.h gw_stream_t), handed to libmicrohttpd as
 *  it asks for more. While the stream waits for something to send, the
 *  connection is being answered (the watchdog leaves it); once bytes are
 *  handed out, the client has connection_timeout_s to take them before
 *  libmicrohttpd asks again, or the watchdog cuts it: a client that stops
 *  reading fills the socket's buffers and is cut. */
typedef struct {
    gw_server_t *server;
    s_conn_t *conn;
    gw_stream_t stream;
} s_stream_t;

static ssize_t s_stream_read (void *cls, uint64_t pos, char *buf, size_t max)
{
    (void) pos;
    s_stream_t *st = cls;
    if (atomic_load (&st->server->halt))
        return MHD_CONTENT_READER_END_OF_STREAM;
    s_conn_phase (st->server, st->conn, S_ANSWERING);
    long n = st->stream.read (st->stream.state, buf, max);
    s_conn_phase (st->server, st->conn, S_SENDING);
    return n > 0 ? (ssize_t) n : MHD_CONTENT_READER_END_OF_STREAM;
}

static void s_stream_free (void *cls)
{
    s_stream_t *st = cls;
    st->stream.free (st->stream.state);
    free (st);
}

/*  The response's body: its bytes, or its stream's. */
static struct MHD_Response *s_body (gw_server_t *self, struct MHD_Connection *c, gw_response_t *resp)
{
    if (!resp->stream.state) {
        struct MHD_Response *r =
            MHD_create_response_from_buffer (resp->body_len, resp->body, MHD_RESPMEM_MUST_FREE);
        if (r)
            resp->body = NULL; /* libmicrohttpd frees it */
        return r;
    }
    const union MHD_ConnectionInfo *info = MHD_get_connection_info (c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    s_stream_t *st = calloc (1, sizeof *st);
    if (!st || !info || !info->socket_context) {
        free (st);
        return NULL;
    }
    *st = (s_stream_t){self, info->socket_context, resp->stream};
    struct MHD_Response *r = MHD_create_response_from_callback (MHD_SIZE_UNKNOWN, S_STREAM_BLOCK,
                                                                s_stream_read, st, s_stream_free);
    if (!r) {
        free (st);
        return NULL;
    }
    resp->stream = (gw_stream_t){0}; /* s_stream_free frees it */
    /* a stream is quiet for long: the watchdog, which knows when it is
     * waiting for the client, times it, not libmicrohttpd's idle time-out */
    MHD_set_connection_option (c, MHD_CONNECTION_OPTION_TIMEOUT, 0);
    /* a small send buffer: a stream's events are a few bytes a second, and
     * a client that stops reading fills it soon and is cut (not kernel
     * buffers growing for minutes) */
    int sndbuf = S_STREAM_SNDBUF;
    if (st->conn->fd >= 0)
        setsockopt (st->conn->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    return r;
}

/*  Queues the response; from here the client has connection_timeout_s to
 *  take it. close: end the connection after it. */
static enum MHD_Result s_queue (gw_server_t *self, struct MHD_Connection *c, gw_response_t *resp, bool close)
{
    struct MHD_Response *r = s_body (self, c, resp);
    if (!r) {
        gw_response_clear (resp);
        return MHD_NO;
    }
    if (resp->content_type)
        MHD_add_response_header (r, MHD_HTTP_HEADER_CONTENT_TYPE, resp->content_type);
    for (int i = 0; i < resp->n_headers; i++)
        MHD_add_response_header (r, resp->headers[i].name, resp->headers[i].value);
    MHD_add_response_header (r, "Cache-Control", "no-store");
    MHD_add_response_header (r, "X-Content-Type-Options", "nosniff");
    if (close)
        MHD_add_response_header (r, MHD_HTTP_HEADER_CONNECTION, "close");
    s_set_phase (self, c, S_SENDING);
    enum MHD_Result rc = MHD_queue_response (c, (unsigned) resp->status, r);
    MHD_destroy_response (r);
    gw_response_clear (resp);
    return rc;
}

static void s_client_addr (struct MHD_Connection *c, char *out, size_t outsize)
{
    const union MHD_ConnectionInfo *info = MHD_get_connection_info (c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = info ? info->client_addr : NULL;
    out[0] = '\0';
    if (sa && sa->sa_family == AF_INET)
        inet_ntop (AF_INET, &((const struct sockaddr_in *) (const void *) sa)->sin_addr, out,
                   (socklen_t) outsize);
    else if (sa && sa->sa_family == AF_INET6)
        inet_ntop (AF_INET6, &((const struct sockaddr_in6 *) (const void *) sa)->sin6_addr, out,
                   (socklen_t) outsize);
}

static enum MHD_Result s_answer (gw_server_t *self, struct MHD_Connection *c, const char *url,
                                 const char *method, s_req_t *r)
{
    s_set_phase (self, c, S_ANSWERING);
    gw_response_t resp = {0};
    if (r->too_large) {
        /* closed after it: the rest of the body is never read, and a client
         * cannot keep the connection by trickling it */
        gw_response_error (&resp, 413, "too_large", "the body is larger than %zu bytes", self->body_limit);
        ops_count_http (NULL, 413); /* answered before any route is looked up */
        return s_queue (self, c, &resp, true);
    }
    const union MHD_ConnectionInfo *info = MHD_get_connection_info (c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    s_conn_t *conn = info ? info->socket_context : NULL;
    if (!conn || r->no_memory) {
        gw_response_error (&resp, 503, "unavailable", "the gateway is out of memory; try again");
        ops_count_http (NULL, 503);
        return s_queue (self, c, &resp, r->no_memory);
    }
    if (conn->nul_escaped) {
        gw_response_error (&resp, 400, "invalid",
                           "the path or the query holds %%00: no name or value has one");
        return s_queue (self, c, &resp, false);
    }
    char addr[64];
    s_client_addr (c, addr, sizeof addr);
    gw_request_t req = {
        .method = method,
        .path = url,
        .authorization = MHD_lookup_connection_value (c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION),
        .cookie = MHD_lookup_connection_value (c, MHD_HEADER_KIND, MHD_HTTP_HEADER_COOKIE),
        .csrf = MHD_lookup_connection_value (c, MHD_HEADER_KIND, "X-CSRF-Token"),
        .idempotency_key = MHD_lookup_connection_value (c, MHD_HEADER_KIND, "Idempotency-Key"),
        .last_event_id = MHD_lookup_connection_value (c, MHD_HEADER_KIND, "Last-Event-ID"),
        .accept = MHD_lookup_connection_value (c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT),
        .content_type = MHD_lookup_connection_value (c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE),
        .body = r->body,
        .body_len = r->len,
        .client_addr = addr,
        .tls = self->tls,
    };
    MHD_get_connection_values (c, MHD_GET_ARGUMENT_KIND, s_query_arg, &req);
    gw_handle (self->gw, conn->fwd, &req, &resp);
    return s_queue (self, c, &resp, false);
}

/*  Keeps n more bytes of the body, or marks it too large or not kept. */
static void s_append (s_req_t *r, const char *data, size_t n, size_t limit)
{
    if (r->too_large || r->no_memory)
        return;
    if (r->len + n > limit) {
        r->too_large = true;
        return;
    }
    if (r->len + n > r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 4096;
        while (cap < r->len + n)
            cap *= 2;
        char *grown = realloc (r->body, cap);
        if (!grown) {
            r->no_memory = true;
            return;
        }
        r->body = grown, r->cap = cap;
    }
    memcpy (r->body + r->len, data, n);
    r->len += n;
}

static enum MHD_Result s_access (void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                 const char *version, const char *upload_data, size_t *upload_data_size,
                                 void **req_cls)
{
    (void) version;
    gw_server_t *self = cls;
    s_req_t *r = *req_cls;
    if (!r) { /* the headers are in: the body (if any) follows */
        if (!(r = calloc (1, sizeof *r)))
            return MHD_NO;
        *req_cls = r;
        const char *length = MHD_lookup_connection_value (c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (length && strtoull (length, NULL, 10) > self->body_limit) {
            r->too_large = true; /* say so now rather than read it all */
            return s_answer (self, c, url, method, r);
        }
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        s_append (r, upload_data, *upload_data_size, self->body_limit);
        *upload_data_size = 0;
        return MHD_YES;
    }
    return s_answer (self, c, url, method, r);
}

/*  The listening address, resolved. */
static int s_address (const char *text, struct sockaddr_storage *out, char *err, size_t errsize)
{
    char host[256], port_text[8];
    int port;
    if (gateway_listen_parse (text, host, sizeof host, &port, err, errsize) != 0)
        return -1;
    snprintf (port_text, sizeof port_text, "%d", port);
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV | AI_PASSIVE}, *ai = NULL;
    int rc = getaddrinfo (host, port_text, &hints, &ai);
    if (rc != 0 || !ai) {
        snprintf (err, errsize, "http: %s: %s", text, gai_strerror (rc));
        return -1;
    }
    memcpy (out, ai->ai_addr, ai->ai_addrlen);
    freeaddrinfo (ai);
    return 0;
}

static int s_read_tls (gw_server_t *self, const gateway_config_t *gc, char *err, size_t errsize)
{
    if (!(self->cert = gw_textfile_read (gc->tls_cert, 1u << 20, NULL))) {
        snprintf (err, errsize, "tls_cert: cannot read %s (a PEM file up to 1 MiB)", gc->tls_cert);
        return -1;
    }
    if (!(self->key = gw_textfile_read (gc->tls_key, 1u << 20, NULL))) {
        snprintf (err, errsize, "tls_key: cannot read %s (a PEM file up to 1 MiB)", gc->tls_key);
        return -1;
    }
    return 0;
}

gw_server_t *gw_server_start (gw_t *gw, char *err, size_t errsize)
{
    const gateway_config_t *gc = gw_config (gw);
    gw_server_t *self = calloc (1, sizeof *self);
    struct sockaddr_storage addr;
    if (!self) {
        snprintf (err, errsize, "out of memory");
        return NULL;
    }
    self->gw = gw;
    self->body_limit = (size_t) gc->body_limit;
    self->timeout_ms = (int64_t) gc->connection_timeout_s * 1000;
    self->tls = gc->tls_cert && gc->tls_key;
    pthread_mutex_init (&self->lock, NULL);
    pthread_cond_init (&self->wake, NULL);
    atomic_init (&self->halt, false);
    if (s_address (gc->http, &addr, err, errsize) != 0
        || (self->tls && s_read_tls (self, gc, err, errsize) != 0)) {
        gw_server_stop (&self);
        return NULL;
    }
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG
                     | MHD_USE_POLL | (addr.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0)
                     | (self->tls ? MHD_USE_TLS : 0);
    struct MHD_OptionItem tls_opts[] = {
        {self->tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, self->cert},
        {MHD_OPTION_HTTPS_MEM_KEY, 0, self->key},
        {MHD_OPTION_END, 0, NULL},
    };
    self->daemon = MHD_start_daemon (
        flags, 0, NULL, NULL, s_access, self, MHD_OPTION_SOCK_ADDR, (struct sockaddr *) &addr,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned) gc->connection_limit, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned) gc->per_ip_limit, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned) gc->connection_timeout_s,
        MHD_OPTION_THREAD_STACK_SIZE, (size_t) S_STACK, MHD_OPTION_NOTIFY_CONNECTION, s_notify, self,
        MHD_OPTION_NOTIFY_COMPLETED, s_completed, self, MHD_OPTION_EXTERNAL_LOGGER, s_logger, self,
        MHD_OPTION_UNESCAPE_CALLBACK, s_unescape, self, MHD_OPTION_ARRAY, tls_opts, MHD_OPTION_END);
    if (!self->daemon) {
        snprintf (err, errsize, "cannot listen at %s (in use, or a bad certificate or key)", gc->http);
        gw_server_stop (&self);
        return NULL;
    }
    self->watching = pthread_create (&self->watchdog, NULL, s_watch, self) == 0;
    return self;
}

void gw_server_stop (gw_server_t **self_p)
{
    gw_server_t *self = *self_p;
    if (!self)
        return;
    atomic_store (&self->halt, true); /* before the connection threads are joined */
    gw_halt (self->gw); /* streams end now, not at their next change */
    if (self->watching) {
        pthread_mutex_lock (&self->lock);
        self->stopping = true;
        pthread_cond_signal (&self->wake);
        pthread_mutex_unlock (&self->lock);
        pthread_join (self->watchdog, NULL);
    }
    if (self->daemon)
        MHD_stop_daemon (self->daemon);
    pthread_cond_destroy (&self->wake);
    pthread_mutex_destroy (&self->lock);
    gw_textfile_free_secret (self->key);
    free (self->cert);
    free (self);
    *self_p = NULL;
}
